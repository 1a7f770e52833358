package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"modernc.org/sqlite"

	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/period"
)

// The seam of the sandbox controls (reset, snapshots, repro bundles): a
// State is a whole copy of the store, Export makes one and Import puts one
// back, all or nothing. Everything the store keeps is in the database
// (the model, sessions, invitations, webhook outbox and failures,
// messages, emails, error logs, the worlds, and the first-traffic times,
// which Export writes there first when they live only in memory) but the
// live counters, which a State carries beside it.

// State is a whole copy of the store, Export makes one and Import puts one
// back, all or nothing. Everything the store keeps is in the database
// (the model, webhook outbox and failures, messages, error logs, the
// worlds) but the live counters, which a State carries beside it.

// State is a whole copy of the store.
type State struct {
	// DB is the SQLite database, as sqlite3_serialize writes it.
	DB []byte
	// Usage is every live counter (those of the period instances a
	// request can still read or change), exactly.
	Usage []CounterValue
	// Fixture, in a state without Usage, is usage counted at the time of
	// Import, in the period instances of that time: the fixtures' usage,
	// as a reset puts it back.
	Fixture []FixtureCount
}

// rawConn is what modernc.org/sqlite's connection offers beyond SQL.
type rawConn interface {
	Serialize() ([]byte, error)
	Deserialize(buf []byte) error
	NewRestore(srcURI string) (*sqlite.Backup, error)
}

// onRaw runs fn with the driver connection of c.
func onRaw(c *sql.Conn, fn func(rawConn) error) error {
	return c.Raw(func(dc any) error {
		rc, ok := dc.(rawConn)
		if !ok {
			return fmt.Errorf("the SQLite driver offers no serialization (%T)", dc)
		}
		return fn(rc)
	})
}

// connOp runs fn on the writer's connection, alone, and waits for it.
func (s *Store) connOp(ctx context.Context, fn func(ctx context.Context, c *sql.Conn) error) error {
	o := &op{conn: fn, done: make(chan error, 1)}
	if err := s.submit(o); err != nil {
		return err
	}
	select {
	case err := <-o.done:
		return err
	case <-ctx.Done():
		return ctx.Err() // it still happens; the caller stops waiting
	}
}

// Export copies the whole state, between two changes: every change queued
// before the call is in it, none after.
func (s *Store) Export(ctx context.Context) (*State, error) {
	st := &State{}
	err := s.connOp(ctx, func(ctx context.Context, c *sql.Conn) error {
		var l Live
		if s.onDisk {
			// Every increment queued before is committed: the stored
			// counters are those of the database copied.
			var err error
			if l, err = storedLive(ctx, c, s.clk.Now()); err != nil {
				return err
			}
		} else {
			// Memory mode, where no update waits for the writer: taking
			// the counters' lock here is safe (see memoryLive).
			l = s.memoryLive()
			if err := storeTraffic(ctx, c, l.Traffic); err != nil {
				return err
			}
		}
		if err := onRaw(c, func(rc rawConn) error {
			var err error
			st.DB, err = rc.Serialize()
			return err
		}); err != nil {
			return fmt.Errorf("copy the database: %w", err)
		}
		st.Usage = l.Usage
		if st.Usage == nil {
			st.Usage = []CounterValue{}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export the state: %w", err)
	}
	return st, nil
}

// copyDatabase is a conn op that copies the database into st.DB, as it
// is: the baseline of a seed, taken before any request could change it.
func (s *Store) copyDatabase(st *State) func(ctx context.Context, c *sql.Conn) error {
	return func(ctx context.Context, c *sql.Conn) error {
		err := onRaw(c, func(rc rawConn) error {
			var err error
			st.DB, err = rc.Serialize()
			return err
		})
		if err != nil {
			return fmt.Errorf("copy the database: %w", err)
		}
		return nil
	}
}

// storeTraffic writes the first-traffic times of memory mode, which live
// only in the cells, into the applications table, so that a copy of the
// database holds them.
func storeTraffic(ctx context.Context, c *sql.Conn, traffic map[int64]Traffic) error {
	tx, err := c.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store traffic: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE applications SET first_traffic_at = NULL, first_daily_traffic_at = NULL
		WHERE first_traffic_at IS NOT NULL OR first_daily_traffic_at IS NOT NULL`); err != nil {
		return fmt.Errorf("store traffic: %w", err)
	}
	for app, tr := range traffic {
		if _, err := tx.ExecContext(ctx, `UPDATE applications SET first_traffic_at = ?, first_daily_traffic_at = ?
			WHERE id = ?`, nullTime(tr.First), nullTime(tr.FirstDaily), app); err != nil {
			return fmt.Errorf("store traffic: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store traffic: %w", err)
	}
	return nil
}

// Import replaces the whole state with st, between two changes, all or
// nothing: st is checked first (a database of this sandbox's schema whose
// model loads), and a state that fails leaves the store as it was. The
// catalog and every application's live state (counters, first-traffic
// times) are then those of st, as Open would load them; webhook events
// pending in st are delivered. Usage and traffic queued before the import
// but not yet stored are dropped: the state they changed is gone.
func (s *Store) Import(ctx context.Context, st *State) error {
	next, err := s.readyImport(ctx, st)
	if err != nil {
		return fmt.Errorf("import the state: %w", err)
	}
	defer next.cleanup()
	err = s.connOp(ctx, func(ctx context.Context, c *sql.Conn) error {
		unlock := s.lockUsageOnWriter(true)
		defer unlock()
		if err := onRaw(c, next.apply); err != nil {
			return err
		}
		s.epoch.Add(1)
		s.undo.mu.Lock()
		s.undo.pending = nil // updates of the counters replaced
		s.undo.mu.Unlock()
		s.cells.replace(next.cells)
		s.catalog.Store(next.cat)
		s.logged = 0 // the state's log was folded (rewriteLiveUsage)
		s.lastPrune = time.Time{}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import the state: %w", err)
	}
	s.signalOutbox()
	return nil
}

// imported is a checked state, ready to replace the store's.
type imported struct {
	cat   *Catalog
	cells *liveCells // the catalog's, with the state's counters
	// apply puts the database in place of the store's: deserialized in
	// memory, restored with the backup API onto a file.
	apply   func(rawConn) error
	cleanup func()
}

// readyImport checks st on a scratch connection and readies it: the
// catalog loaded from it, with cells of its own holding the state's
// counters and first-traffic times; with a database file, the live
// counters rewritten in its usage table, so that the file agrees with
// them.
func (s *Store) readyImport(ctx context.Context, st *State) (*imported, error) {
	if len(st.DB) == 0 {
		return nil, errors.New("the state holds no database")
	}
	scratch, err := openImage(ctx, st.DB)
	if err != nil {
		return nil, err
	}
	defer scratch.Close()
	cells := &liveCells{}
	cat, err := loadCatalog(ctx, scratch, cells)
	if err != nil {
		return nil, fmt.Errorf("the state's model does not load: %w", err)
	}
	now := s.clk.Now()
	usage := make(map[CounterKey]int64, len(st.Usage))
	for _, v := range st.Usage {
		usage[v.bare()] = v.Value
	}
	if st.Usage == nil {
		usage = fixtureUsage(cat, st.Fixture, now)
	}
	for k, v := range usage {
		// Counters of applications the state does not hold are not
		// kept, as Open would not show them.
		if l := cells.lookup(k.App, false); l != nil {
			l.counters.set(cellKey{k.Metric, k.Start, k.Period}, v)
		}
	}
	next := &imported{cat: cat, cells: cells, cleanup: func() {}}
	if !s.onDisk {
		// Memory mode keeps its counters in the cells alone.
		image, err := serialize(ctx, scratch)
		if err != nil {
			return nil, err
		}
		if s.spills {
			if next.apply, next.cleanup, err = restoreFromTemp(image); err != nil {
				return nil, err
			}
			return next, nil
		}
		// The image was checked: what is left to fail is an allocation.
		next.apply = func(rc rawConn) error { return rc.Deserialize(image) }
		return next, nil
	}
	if err := rewriteLiveUsage(ctx, scratch, usage, now); err != nil {
		return nil, err
	}
	// Beside the database, so that it is on the same file system.
	tmp := s.path + ".import"
	os.Remove(tmp)
	if _, err := scratch.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("write %s: %w", tmp, err)
	}
	next.cleanup = func() { os.Remove(tmp) }
	next.apply = func(rc rawConn) error {
		// One step copies every page in one transaction of the
		// database: it commits whole or not at all.
		b, err := rc.NewRestore(fileURI(tmp, "mode=ro"))
		if err != nil {
			return fmt.Errorf("restore from %s: %w", filepath.Base(tmp), err)
		}
		_, serr := b.Step(-1)
		ferr := b.Finish()
		if serr != nil {
			return fmt.Errorf("restore from %s: %w", filepath.Base(tmp), serr)
		}
		if ferr != nil {
			return fmt.Errorf("restore from %s: %w", filepath.Base(tmp), ferr)
		}
		return nil
	}
	return next, nil
}

// openImage opens a database image on a scratch in-memory connection and
// checks that it is this sandbox's, in this schema version.
func openImage(ctx context.Context, image []byte) (*sql.DB, error) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	fail := func(err error) (*sql.DB, error) {
		db.Close()
		return nil, err
	}
	c, err := db.Conn(ctx)
	if err != nil {
		return fail(err)
	}
	if len(image) > 19 && (image[18] == 2 || image[19] == 2) {
		// The image of a database in WAL mode: in memory it is read
		// with a rollback journal (the header's read and write versions).
		image = append([]byte(nil), image...)
		image[18], image[19] = 1, 1
	}
	err = onRaw(c, func(rc rawConn) error { return rc.Deserialize(image) })
	c.Close()
	if err != nil {
		return fail(fmt.Errorf("not an SQLite database: %w", err))
	}
	var app int32
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&app); err != nil {
		return fail(fmt.Errorf("not an SQLite database: %w", err))
	}
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fail(fmt.Errorf("not an SQLite database: %w", err))
	}
	if app != applicationID {
		return fail(errors.New("not a threescale-sandbox database"))
	}
	if version < upgradable || version > schemaVersion {
		return fail(fmt.Errorf("written by another threescale-sandbox (schema version %d; this binary reads %d)", version, schemaVersion))
	}
	if _, err := db.ExecContext(ctx, "PRAGMA foreign_keys = ON"); err != nil {
		return fail(err)
	}
	// A snapshot or bundle of a previous version is upgraded; the log of
	// any is folded, so that the catalog loaded from the image has its
	// first-traffic times (counters add up the same either way).
	if err := upgradeImage(ctx, db, version); err != nil {
		return fail(err)
	}
	return db, nil
}

// upgradeImage upgrades an image of schema version to this one, and
// folds its log.
func upgradeImage(ctx context.Context, db *sql.DB, version int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if version != schemaVersion {
		if err := upgradeLog(ctx, tx); err != nil {
			return fmt.Errorf("upgrade from schema version %d: %w", version, err)
		}
		if _, err := tx.ExecContext(ctx, schema+fmt.Sprintf("; PRAGMA user_version = %d", schemaVersion)); err != nil {
			return fmt.Errorf("upgrade from schema version %d: %w", version, err)
		}
	}
	if err := foldAll(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

func serialize(ctx context.Context, db *sql.DB) ([]byte, error) {
	c, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var image []byte
	err = onRaw(c, func(rc rawConn) error {
		image, err = rc.Serialize()
		return err
	})
	return image, err
}

// rewriteLiveUsage makes the stored counters of the live period instances
// those of usage; older ones stay, as history.
func rewriteLiveUsage(ctx context.Context, db *sql.DB, usage map[CounterKey]int64, now time.Time) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// The log first, so that the older instances it holds stay as history.
	if err := foldAll(ctx, tx); err != nil {
		return fmt.Errorf("rewrite usage: %w", err)
	}
	live := oldestLive(now)
	for _, p := range period.All {
		if _, err := tx.ExecContext(ctx, `DELETE FROM usage WHERE period = ? AND start >= ?`, uint8(p), live[p]); err != nil {
			return fmt.Errorf("rewrite usage: %w", err)
		}
	}
	for k, v := range usage {
		if _, err := tx.ExecContext(ctx, `INSERT INTO usage (application_id, metric_id, period, start, value)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET value = excluded.value`,
			k.App, k.Metric, uint8(k.Period), k.Start, v); err != nil {
			return fmt.Errorf("rewrite usage: %w", err)
		}
	}
	return tx.Commit()
}

// Baseline is the state the fixtures describe, as a reset puts it back:
// the world seeded into a fresh database at the current time, its usage
// to be counted at the time of each Import. The store itself is not
// touched.
func (s *Store) Baseline(ctx context.Context, w *fixtures.World) (*State, error) {
	scratch, err := Open(ctx, "", s.clk, s.log)
	if err != nil {
		return nil, err
	}
	defer scratch.Close()
	counts, err := scratch.seedModel(ctx, w)
	if err != nil {
		return nil, err
	}
	st, err := scratch.Export(ctx)
	if err != nil {
		return nil, err
	}
	st.Usage, st.Fixture = nil, counts
	return st, nil
}

// SaveState writes st to a database file at path, its live counters in
// its usage table (the file is a whole sandbox database: serve --db could
// open it), through a temporary file renamed into place.
func SaveState(ctx context.Context, st *State, path string, now time.Time) error {
	scratch, err := openImage(ctx, st.DB)
	if err != nil {
		return err
	}
	defer scratch.Close()
	usage := make(map[CounterKey]int64, len(st.Usage))
	for _, v := range st.Usage {
		usage[v.CounterKey] = v.Value
	}
	if err := rewriteLiveUsage(ctx, scratch, usage, now); err != nil {
		return err
	}
	tmp := path + ".tmp"
	os.Remove(tmp)
	if _, err := scratch.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// LoadState reads a file SaveState wrote: its database, and as the live
// counters those of its usage table that are live at now.
func LoadState(ctx context.Context, path string, now time.Time) (*State, error) {
	image, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	db, err := openImage(ctx, image)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	defer db.Close()
	l, err := storedLive(ctx, db, now)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	st := &State{DB: image, Usage: l.Usage}
	if st.Usage == nil {
		st.Usage = []CounterValue{}
	}
	return st, nil
}
