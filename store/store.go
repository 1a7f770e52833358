// Package store keeps the 3scale model (providers, services, metrics, plans,
// limits, accounts, users, applications, keys, referrer filters, service
// tokens), its usage counters and the per-service error log in SQLite
// (modernc.org/sqlite, pure Go), and serves reads from memory.
//
// One goroutine owns the SQLite connection and commits every write, grouping
// the writes that arrive together into one transaction (group commit). A
// caller whose write must be durable waits until its transaction committed;
// with WAL that survives kill -9 of the process.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/threescale-sandbox/threescale-sandbox/clock"
)

// maxBatch bounds how many queued writes share one transaction.
const maxBatch = 1024

// ErrClosed is returned for writes submitted after Close.
var ErrClosed = errors.New("store: closed")

// Store is the sandbox's state. Its methods are safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string // the database file, "" in memory
	// own holds the lock on the database file (lock_unix.go), ckpt copies
	// its log into it (checkpoint.go); both nil in memory, and where the
	// writer's connection locks the file itself (lock_other.go).
	own  *os.File
	ckpt *checkpointer
	clk  clock.Clock
	log  *slog.Logger

	catalog atomic.Pointer[Catalog]
	// pending is the catalog of the last change in the transaction being
	// built, not yet committed; only the writer goroutine touches it.
	pending *Catalog
	// outbox is signalled after a commit that queued webhook events.
	outbox chan struct{}
	// onDisk is set with a database file: only then must live state
	// (counters, first-traffic times) be stored before it is shown.
	onDisk bool
	// spills is set in memory mode when the database is a temporary one
	// that SQLite spills to a file (memfile.go).
	spills bool
	// cells hold every application's live state: usage counters and
	// first-traffic times.
	cells liveCells
	// epoch counts the imports of a whole state (Import): the live state
	// an op stores belongs to the epoch it was read in, and is dropped if
	// an import replaced it before the op ran. Written on the writer,
	// with usageMu held.
	epoch atomic.Uint64

	// seeding counts the seeds whose rows are still being written
	// (StartSeed); secrets holds the secrets read or made (secrets.go).
	seeding   atomic.Int32
	secretsMu sync.Mutex
	secrets   map[string][]byte

	usageMu   sync.RWMutex // guards every application's counters
	lastPrune time.Time
	undo      failedUsage

	opsMu  sync.RWMutex // guards closed against sends on a closed ops channel
	closed bool
	ops    chan *op
	done   chan struct{}
	// deferred are ops on the connection taken from ops while another one
	// waited for the counters' lock; held is the connection such an op
	// holds, on which the writer commits meanwhile. Only the writer
	// touches them.
	deferred []*op
	held     *sql.Conn

	// upsertUsage writes counters into usage, by rows per statement;
	// appendLog appends a commit's row to usage_log, built in logBuf from
	// its counters and the first-traffic records its ops queued in
	// logTraffic; logged is about how many records the log holds
	// (usagelog.go). Only the writer uses them.
	upsertUsage map[int]*sql.Stmt
	appendLog   *sql.Stmt
	logBuf      logBatch
	logTraffic  []trafficRecord
	logged      int
	// foldIdle, foldAt and foldChunk are the package's when it opened:
	// a test that changes them races with no other test's store;
	// idleChunk is the size of the next idle chunk (usagelog.go).
	foldIdle         time.Duration
	foldAt, foldSize int
	idleChunk        int
	// stmts are the queries of changes, prepared once for the connection;
	// txStmts their forms in the transaction being built; unprepared the
	// queries met since the last transaction. Only the writer uses them.
	stmts      map[string]*sql.Stmt
	txStmts    map[string]*sql.Stmt
	unprepared []string
}

// op is one unit of work run by the writer goroutine inside a transaction.
type op struct {
	fn func(ctx context.Context, tx *sql.Tx) error
	// usage, when set instead of fn, holds increments of counters to add.
	// The usage of all ops in a batch is summed first, so a hot counter is
	// written once per commit however many requests moved it.
	usage []counterDelta
	// needsUsage makes the usage summed so far in the batch be stored
	// before fn runs, so that fn reads it.
	needsUsage bool
	// conn, when set instead of fn, runs alone on the connection, outside
	// any transaction: it copies or replaces the whole database.
	conn func(ctx context.Context, c *sql.Conn) error
	// epoch, if not 0, is the Store.epoch of the live state the op
	// stores: if it is not the current one, the op stores nothing.
	epoch uint64
	// after runs once the op's transaction committed; failed, if set,
	// when it did not.
	after  func()
	failed func()
	done   chan error // nil when nobody waits for the outcome
}

// Open opens (or creates) the database at path; an empty path means a fresh
// database of memory mode (memoryDSN). It loads the stored model and the counters of the
// periods that can still change. A file that is not the sandbox's, or that
// it cannot write, is refused before anything is written to it.
func Open(ctx context.Context, path string, clk clock.Clock, log *slog.Logger) (*Store, error) {
	defer startupGC()()
	var dsn string
	spills := false
	created := false
	if path == "" {
		dsn, spills = memoryDSN()
	} else {
		var err error
		if created, err = claimFile(ctx, path); err != nil {
			return nil, err
		}
		dsn = fileURI(path, "")
	}
	fail := func(err error) (*Store, error) {
		if created {
			// Leave no half-made database behind.
			os.Remove(path)
			os.Remove(path + "-wal")
			os.Remove(path + "-shm")
		}
		return nil, err
	}
	var own *os.File
	if path != "" {
		var err error
		if own, err = ownFile(path); err != nil {
			return fail(err)
		}
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		own.Close()
		return fail(fmt.Errorf("open database %q: %w", path, err))
	}
	// One connection: an in-memory or temporary database lives in it, and one writer is
	// what SQLite wants anyway. Reads are served from memory.
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)

	s := &Store{
		onDisk:    path != "",
		spills:    spills,
		path:      path,
		own:       own,
		db:        db,
		clk:       clk,
		log:       log,
		ops:       make(chan *op, 4096),
		foldIdle:  foldIdle,
		foldAt:    foldAt,
		foldSize:  foldChunk,
		idleChunk: foldChunk,
		done:      make(chan struct{}),
		outbox:    make(chan struct{}, 1),
		txStmts:   make(map[string]*sql.Stmt),
		stmts:     make(map[string]*sql.Stmt),
	}
	s.epoch.Store(1) // an op's 0 is none
	if err := s.init(ctx, path != ""); err != nil {
		if s.ckpt != nil {
			s.ckpt.close()
		}
		db.Close()
		own.Close()
		if path != "" { // SQLite's own messages do not name the file
			err = fmt.Errorf("database %s: %w", path, err)
		}
		return fail(err)
	}
	go s.run()
	return s, nil
}

func (s *Store) init(ctx context.Context, onDisk bool) error {
	pragmas := []string{"PRAGMA foreign_keys = ON"}
	if s.spills {
		pragmas = append(pragmas, spillPragmas...)
	}
	if onDisk && s.own == nil {
		// Exclusive: the counters live in this process's memory too, so a
		// second sandbox on the same file would diverge; it is refused.
		// Where the file is locked otherwise (s.own), it is not: the
		// checkpointer needs a connection of its own.
		pragmas = append(pragmas, "PRAGMA locking_mode = EXCLUSIVE")
	}
	if onDisk {
		// WAL + NORMAL: a commit is in the log file before it returns, which
		// survives the death of the process; only a power cut could lose it.
		pragmas = append(pragmas, "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL")
		// A fold of the usage log rewrites pages all over usage in one
		// statement: its statement journal stays in memory, and the pages
		// in a cache that holds usage at 100,000 applications.
		pragmas = append(pragmas, "PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -32768")
	}
	if onDisk && s.own != nil {
		// The checkpointer copies the log, off the commits.
		pragmas = append(pragmas, "PRAGMA wal_autocheckpoint = 0", "PRAGMA busy_timeout = 5000")
	}
	for _, p := range pragmas {
		if _, err := s.db.ExecContext(ctx, p); err != nil {
			if strings.Contains(err.Error(), "locked") || strings.Contains(err.Error(), "SQLITE_BUSY") {
				return fmt.Errorf("the database is in use by another process (another sandbox on the same --db?): %w", err)
			}
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	// claimFile checked the version. The schema and the stamps are one
	// transaction: a database is never left with tables and no stamp.
	if err := s.createSchema(ctx); err != nil {
		return err
	}
	var err error
	if s.upsertUsage, err = prepareUsage(ctx, s.db, upsertQuery); err != nil {
		return err
	}
	if s.appendLog, err = s.db.PrepareContext(ctx, appendLogQuery); err != nil {
		return fmt.Errorf("prepare usage writes: %w", err)
	}

	cat, err := s.readCatalog(ctx)
	if err != nil {
		return err
	}
	s.catalog.Store(cat)
	if err := s.loadUsage(ctx); err != nil {
		return err
	}
	if err := s.loadSecrets(ctx); err != nil {
		return err
	}
	if onDisk && s.own != nil {
		if s.ckpt, err = startCheckpointer(ctx, s.path, s.log); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) createSchema(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	defer tx.Rollback()
	if err := upgradeLog(ctx, tx); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, schema); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	stamps := fmt.Sprintf("PRAGMA user_version = %d; PRAGMA application_id = %d", schemaVersion, applicationID)
	if _, err := tx.ExecContext(ctx, stamps); err != nil {
		return fmt.Errorf("write schema version: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("create schema: %w", err)
	}
	return nil
}

// Catalog returns the current snapshot of the model.
func (s *Store) Catalog() *Catalog { return s.catalog.Load() }

// Seeded reports whether the database holds any provider.
func (s *Store) Seeded() bool { return len(s.Catalog().Providers) > 0 }

// Close waits for queued writes to commit and closes the database.
func (s *Store) Close() error {
	s.opsMu.Lock()
	if s.closed {
		s.opsMu.Unlock()
		return nil
	}
	s.closed = true
	close(s.ops)
	s.opsMu.Unlock()
	<-s.done
	for _, st := range s.upsertUsage {
		st.Close()
	}
	if s.appendLog != nil {
		s.appendLog.Close()
	}
	for _, st := range s.stmts {
		st.Close()
	}
	var err error
	if s.ckpt != nil {
		err = s.ckpt.close()
	}
	// The writer's connection, the last, checkpoints what is left.
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	if s.own != nil {
		s.own.Close()
	}
	return err
}

// submit queues o for the writer. It reports ErrClosed after Close.
func (s *Store) submit(o *op) error {
	s.opsMu.RLock()
	defer s.opsMu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	s.ops <- o
	return nil
}

// exec runs fn in a transaction of the writer and waits for the commit.
func (s *Store) exec(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx) error) error {
	o := &op{fn: fn, done: make(chan error, 1)}
	if err := s.submit(o); err != nil {
		return err
	}
	select {
	case err := <-o.done:
		return err
	case <-ctx.Done():
		// The write still happens; the caller just stops waiting.
		return ctx.Err()
	}
}

// run is the writer goroutine: it takes whatever is queued, up to maxBatch,
// and commits it as one transaction.
func (s *Store) run() {
	defer close(s.done)
	batch := make([]*op, 0, maxBatch)
	idle := time.NewTimer(s.foldIdle)
	idle.Stop()
	for {
		var first *op
		ok := true
		if s.logged > 0 {
			// Fold the usage log when no op comes for a while.
			idle.Reset(s.foldIdle)
			select {
			case first, ok = <-s.ops:
				idle.Stop()
			case <-idle.C:
				s.fold(true, time.Time{})
				continue
			}
		} else {
			first, ok = <-s.ops
		}
		if !ok {
			break
		}
		batch = append(batch[:0], first)
		// Let the requests that are already runnable queue their writes
		// first: without this, on few CPUs the writer wakes for every op
		// and each commit carries one request.
		runtime.Gosched()
	drain:
		for len(batch) < maxBatch && batch[len(batch)-1].conn == nil {
			select {
			case o, ok := <-s.ops:
				if !ok {
					break drain
				}
				batch = append(batch, o)
			default:
				break drain
			}
		}
		s.commitAll(batch)
		for len(s.deferred) > 0 {
			o := s.deferred[0]
			s.deferred = s.deferred[1:]
			s.commitAll([]*op{o})
		}
		s.prepare()
		if s.logged >= s.foldAt {
			s.foldChunk(s.foldSize, nil)
		}
		if s.ckpt != nil {
			s.ckpt.committed(s.db)
		}
	}
	// A database closed has its counters in usage, or most of them.
	s.fold(false, time.Now().Add(foldAtClose))
}

// commitAll commits a batch; an op on the connection, which only ends a
// batch, runs after the others, alone.
func (s *Store) commitAll(batch []*op) {
	last := batch[len(batch)-1]
	if last.conn == nil {
		s.commit(batch)
		return
	}
	if len(batch) > 1 {
		s.commit(batch[:len(batch)-1])
	}
	ctx := context.Background()
	c, err := s.db.Conn(ctx)
	if err == nil {
		s.held = c
		err = last.conn(ctx, c)
		s.held = nil
		if cerr := c.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("release the connection: %w", cerr)
		}
	}
	finish(last, err)
}

// lockUsageOnWriter takes the counters' lock from the writer (for reading
// or writing), committing meanwhile the ops queued before it: a holder of
// the lock may wait for the writer (ImportUsage with a database file waits
// for its commit under it), and would otherwise wait forever. Ops on the
// connection are kept for after the current one. It returns the unlock.
func (s *Store) lockUsageOnWriter(write bool) (unlock func()) {
	try, unlock := s.usageMu.TryRLock, s.usageMu.RUnlock
	if write {
		try, unlock = s.usageMu.TryLock, s.usageMu.Unlock
	}
	open := true
	for !try() {
		if !open {
			time.Sleep(50 * time.Microsecond)
			continue
		}
		select {
		case o, ok := <-s.ops:
			switch {
			case !ok:
				open = false
			case o.conn != nil:
				s.deferred = append(s.deferred, o)
			default:
				s.commit([]*op{o})
			}
		case <-time.After(50 * time.Microsecond):
		}
	}
	return unlock
}

// commit runs a batch in one transaction. If any op fails, the batch is
// rolled back and each op is retried alone, so one bad op cannot take the
// others down with it.
func (s *Store) commit(batch []*op) {
	ctx := context.Background()
	if err := s.runTx(ctx, batch); err == nil || len(batch) == 1 {
		for _, o := range batch {
			finish(o, err)
		}
		return
	}
	for _, o := range batch {
		finish(o, s.runTx(ctx, []*op{o}))
	}
}

// finish runs an op's after hook if it committed, and tells its caller.
func finish(o *op, err error) {
	if err == nil && o.after != nil {
		o.after()
	}
	if err != nil && o.failed != nil {
		o.failed()
	}
	if o.done != nil {
		o.done <- err
	}
}

// stmt returns query prepared for tx. A query is prepared once for the
// connection, between two transactions (while one runs the one connection
// is busy with it); until then, in each transaction that runs it. Only the
// writer goroutine calls it, with constant queries.
func (s *Store) stmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	if st, ok := s.txStmts[query]; ok {
		return st, nil
	}
	var st *sql.Stmt
	if prepared, ok := s.stmts[query]; ok {
		st = tx.StmtContext(ctx, prepared)
	} else {
		var err error
		if st, err = tx.PrepareContext(ctx, query); err != nil {
			return nil, err
		}
		s.unprepared = append(s.unprepared, query)
	}
	s.txStmts[query] = st
	return st, nil
}

// prepare prepares the queries transactions met for the first time;
// called by the writer between transactions.
func (s *Store) prepare() {
	for _, q := range s.unprepared {
		if _, ok := s.stmts[q]; ok {
			continue
		}
		st, err := s.db.Prepare(q)
		if err != nil {
			continue // prepared in each transaction, then
		}
		s.stmts[q] = st
	}
	s.unprepared = s.unprepared[:0]
}

func (s *Store) runTx(ctx context.Context, batch []*op) error {
	s.pending = nil
	s.logTraffic = s.logTraffic[:0] // a failed transaction's
	defer func() {
		s.pending = nil
		clear(s.txStmts) // closed with their transaction
	}()
	var tx *sql.Tx
	var err error
	if s.held != nil {
		tx, err = s.held.BeginTx(ctx, nil)
	} else {
		tx, err = s.db.BeginTx(ctx, nil)
	}
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	var usage map[CounterKey]int64
	for _, o := range batch {
		if o.epoch != 0 && o.epoch != s.epoch.Load() {
			o.failed = nil // nothing to take back from the imported counters
			continue
		}
		if o.usage != nil {
			if usage == nil {
				usage = make(map[CounterKey]int64, len(o.usage))
			}
			for _, d := range o.usage {
				usage[d.key] = addSat(usage[d.key], d.d)
			}
			continue
		}
		if o.needsUsage && (len(usage) > 0 || len(s.logTraffic) > 0) {
			if err := s.logUsage(ctx, tx, usage); err != nil {
				tx.Rollback()
				return err
			}
			usage = nil
		}
		if err := o.fn(ctx, tx); err != nil {
			tx.Rollback()
			return err
		}
	}
	if err := s.logUsage(ctx, tx, usage); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Reset deletes every row: the next Seed starts from nothing, and ids
// start again from 1.
func (s *Store) Reset(ctx context.Context) error {
	err := s.Change(ctx, func(t *Tx) error {
		t.changedAll()
		for _, table := range tables {
			if _, err := t.exec("reset "+table, "DELETE FROM "+table); err != nil {
				return err
			}
		}
		_, err := t.exec("reset ids", "DELETE FROM sqlite_sequence")
		return err
	})
	if err != nil {
		return err
	}
	s.usageMu.Lock()
	s.cells.forget(nil)
	s.usageMu.Unlock()
	return nil
}

// forgetUsage drops the live state of deleted applications. It runs on the
// writer, which never waits for usageMu: the cells go from the map, and the
// old catalogs that still hold them never show them again.
func (s *Store) forgetUsage(apps []int64) { s.cells.forget(apps) }

// signalOutbox wakes the webhook dispatcher, if it sleeps.
func (s *Store) signalOutbox() {
	select {
	case s.outbox <- struct{}{}:
	default:
	}
}

// OutboxSignal is signalled after every commit that queued webhook events.
func (s *Store) OutboxSignal() <-chan struct{} { return s.outbox }
