package store

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/period"
)

// hit adds n to the echo app's day counter at the clock's time.
func hit(t *testing.T, st *Store, n int64) {
	t.Helper()
	svc := st.Catalog().Service("2555417735001")
	k := Key(svc.Application("echo-app-id"), svc.Metric("hits"), period.Day, st.clk.Now())
	if err := st.UpdateUsage(context.Background(), func(w *CounterWriter) error {
		w.Set(k, w.Get(k)+n)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

func echoHits(st *Store) int64 {
	svc := st.Catalog().Service("2555417735001")
	app := svc.Application("echo-app-id")
	if app == nil {
		return -1
	}
	var n int64
	st.ReadUsage(func(c Counters) { n = c.Get(Key(app, svc.Metric("hits"), period.Day, st.clk.Now())) })
	return n
}

// renameEcho changes the model: the echo app's name.
func renameEcho(t *testing.T, st *Store, name string) {
	t.Helper()
	err := st.Change(context.Background(), func(tx *Tx) error {
		cat, _ := tx.Catalog()
		rec := cat.Service("2555417735001").Application("echo-app-id").ApplicationRecord
		rec.Name = name
		return tx.SaveApplication(&rec)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func echoName(st *Store) string {
	return st.Catalog().Service("2555417735001").Application("echo-app-id").Name
}

// An exported state comes back exactly, counters and model; in memory and
// on a file, where it also survives a restart.
func TestExportImport(t *testing.T) {
	for _, onDisk := range []bool{false, true} {
		t.Run(map[bool]string{false: "memory", true: "file"}[onDisk], func(t *testing.T) {
			path := ""
			if onDisk {
				path = filepath.Join(t.TempDir(), "s.db")
			}
			st := open(t, path)
			seed(t, st)
			ctx := context.Background()
			hit(t, st, 8) // 42 seeded + 8
			saved, err := st.Export(ctx)
			if err != nil {
				t.Fatal(err)
			}
			hit(t, st, 100)
			renameEcho(t, st, "Changed")
			if echoHits(st) != 150 || echoName(st) != "Changed" {
				t.Fatalf("before import: %d hits, %q", echoHits(st), echoName(st))
			}
			if err := st.Import(ctx, saved); err != nil {
				t.Fatal(err)
			}
			if got := echoHits(st); got != 50 {
				t.Errorf("counters after import: %d, want 50", got)
			}
			if got := echoName(st); got != "Echo App" {
				t.Errorf("model after import: %q", got)
			}
			hit(t, st, 1) // writes go on, on the imported state
			if !onDisk {
				st.Close()
				return
			}
			if err := st.Close(); err != nil {
				t.Fatal(err)
			}
			st = open(t, path)
			defer st.Close()
			if got, name := echoHits(st), echoName(st); got != 51 || name != "Echo App" {
				t.Errorf("after a restart: %d hits, %q; want 51, Echo App", got, name)
			}
		})
	}
}

// A state that does not hold this sandbox's database is refused, and
// the store is left as it was.
func TestImportRefusesBadStates(t *testing.T) {
	for _, onDisk := range []bool{false, true} {
		path := ""
		if onDisk {
			path = filepath.Join(t.TempDir(), "s.db")
		}
		st := open(t, path)
		seed(t, st)
		ctx := context.Background()
		good, err := st.Export(ctx)
		if err != nil {
			t.Fatal(err)
		}
		hit(t, st, 3)
		broken := append([]byte(nil), good.DB...)
		copy(broken[:16], "not a database!!")
		truncated := good.DB[:len(good.DB)/2]
		foreign := func() []byte {
			o := open(t, "")
			defer o.Close()
			if _, err := o.db.Exec("PRAGMA application_id = 7"); err != nil {
				t.Fatal(err)
			}
			s, _ := o.Export(ctx)
			return s.DB
		}()
		for name, db := range map[string][]byte{"empty": nil, "broken": broken, "truncated": truncated, "foreign": foreign} {
			if err := st.Import(ctx, &State{DB: db}); err == nil {
				t.Errorf("%s: imported", name)
			} else {
				t.Logf("%s: %v", name, err)
			}
			if got := echoHits(st); got != 45 {
				t.Errorf("%s: %d hits after a refused import, want 45", name, got)
			}
		}
		st.Close()
	}
}

// The baseline is the fixtures' state: counted at the time of each import.
func TestBaseline(t *testing.T) {
	clk := clock.NewFrozenControl(now)
	st, err := Open(context.Background(), "", clk, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w, err := fixtures.Default(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Seed(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	base, err := st.Baseline(context.Background(), w)
	if err != nil {
		t.Fatal(err)
	}
	hit(t, st, 5)
	renameEcho(t, st, "Changed")
	clk.Advance(48 * time.Hour)
	if err := st.Import(context.Background(), base); err != nil {
		t.Fatal(err)
	}
	if got, name := echoHits(st), echoName(st); got != 42 || name != "Echo App" {
		t.Errorf("after reset two days later: %d hits, %q; want the fixture's 42 today", got, name)
	}
}

// A state saved to a file loads back, counters included.
func TestSaveLoadState(t *testing.T) {
	st := open(t, "")
	defer st.Close()
	seed(t, st)
	hit(t, st, 1)
	ctx := context.Background()
	saved, err := st.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "snap.db")
	if err := SaveState(ctx, saved, path, now); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("temporary file left: %v", err)
	}
	hit(t, st, 10)
	loaded, err := LoadState(ctx, path, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Import(ctx, loaded); err != nil {
		t.Fatal(err)
	}
	if got := echoHits(st); got != 43 {
		t.Errorf("loaded: %d hits, want 43", got)
	}
	// The file is a sandbox database of its own.
	other := open(t, path)
	defer other.Close()
	if got := echoHits(other); got != 43 {
		t.Errorf("opened as a database: %d hits, want 43", got)
	}
}

// Imports and exports while updates run: none is lost or deadlocks, and
// every update lands before or after each import.
func TestImportUnderLoad(t *testing.T) {
	st := open(t, filepath.Join(t.TempDir(), "s.db"))
	defer st.Close()
	seed(t, st)
	ctx := context.Background()
	base, err := st.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	stopped := false
	halt := func() {
		if !stopped {
			stopped = true
			close(stop)
			wg.Wait()
		}
	}
	defer halt()
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				svc := st.Catalog().Service("2555417735001")
				k := Key(svc.Application("echo-app-id"), svc.Metric("hits"), period.Day, now)
				if err := st.UpdateUsage(ctx, func(w *CounterWriter) error {
					w.Set(k, w.Get(k)+1)
					return nil
				}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for range 5 {
		if _, err := st.Export(ctx); err != nil {
			t.Fatal(err)
		}
		if err := st.Import(ctx, base); err != nil {
			t.Fatal(err)
		}
	}
	halt()
	if err := st.Import(ctx, base); err != nil {
		t.Fatal(err)
	}
	if got := echoHits(st); got != 42 {
		t.Errorf("after the last import: %d hits, want 42", got)
	}
}

// liveState is what an import must replace beside the model: an
// application's first-traffic times, the invitations the catalog indexes,
// and a session (a row beside the catalog).
type liveState struct {
	echo, keyless Traffic
	invitations   []string // tokens, by InvitationByToken and the account's list
	session       bool
}

func readLive(t *testing.T, st *Store) liveState {
	t.Helper()
	cat := st.Catalog()
	var l liveState
	l.echo = cat.Service("2555417735001").Application("echo-app-id").Traffic()
	l.keyless = cat.Service("2555417735001").Application("keyless-app-id").Traffic()
	acc := cat.Providers[0].Accounts[0]
	for _, inv := range cat.Account(acc.ID).Invitations {
		if cat.InvitationByToken(inv.Token) != inv || cat.Invitation(inv.ID) != inv {
			t.Errorf("invitation %s is not indexed", inv.Token)
		}
		l.invitations = append(l.invitations, inv.Token)
	}
	change(t, st, func(tx *Tx) error {
		s, err := tx.TouchSession("later", PortalDeveloper, time.Hour)
		l.session = s != nil
		return err
	})
	return l
}

func counterSet(vs []CounterValue) map[CounterKey]int64 {
	out := map[CounterKey]int64{}
	for _, v := range vs {
		out[v.bare()] = v.Value
	}
	return out
}

func sameTraffic(a, b Traffic) bool {
	eq := func(x, y *time.Time) bool { return x == nil && y == nil || x != nil && y != nil && x.Equal(*y) }
	return eq(a.First, b.First) && eq(a.FirstDaily, b.FirstDaily)
}

// An import replaces every part of the state main's store keeps in memory
// beside the catalog (the cells' counters and first-traffic times, the
// catalog's invitation indexes) and the rows beside it (sessions), in
// memory and on a file, where the imported times also survive a restart;
// a reset (the baseline) leaves none of them.
func TestImportReplacesLiveState(t *testing.T) {
	for _, onDisk := range []bool{false, true} {
		t.Run(map[bool]string{false: "memory", true: "file"}[onDisk], func(t *testing.T) {
			ctx := context.Background()
			path := ""
			if onDisk {
				path = filepath.Join(t.TempDir(), "s.db")
			}
			clk := clock.NewFrozenControl(now)
			st, err := Open(ctx, path, clk, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			defer func() { st.Close() }()
			w, err := fixtures.Default(nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := st.Seed(ctx, w); err != nil {
				t.Fatal(err)
			}
			base, err := st.Baseline(ctx, w)
			if err != nil {
				t.Fatal(err)
			}
			cat := st.Catalog()
			echo := cat.Service("2555417735001").Application("echo-app-id")
			acc := cat.Providers[0].Accounts[0]
			st.NoteTraffic(echo, now)
			change(t, st, func(tx *Tx) error {
				return tx.SaveInvitation(&InvitationRecord{AccountID: acc.ID, Email: "a@example.com", Token: "aaaa"})
			})
			// NoteTraffic does not wait: a change behind it is behind its write.
			change(t, st, func(*Tx) error { return nil })
			saved, err := st.Export(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := readLive(t, st)
			if want.echo.First == nil || len(want.invitations) != 1 || want.session {
				t.Fatalf("before: %+v", want)
			}

			// Everything moves after the export.
			hit(t, st, 5)
			clk.Advance(24 * time.Hour)
			st.NoteTraffic(st.Catalog().Service("2555417735001").Application("echo-app-id"), clk.Now())
			st.NoteTraffic(st.Catalog().Service("2555417735001").Application("keyless-app-id"), clk.Now())
			change(t, st, func(tx *Tx) error {
				inv := st.Catalog().InvitationByToken("aaaa")
				if err := tx.DeleteInvitation(acc.ID, inv.ID); err != nil {
					return err
				}
				if err := tx.SaveInvitation(&InvitationRecord{AccountID: acc.ID, Email: "b@example.com", Token: "bbbb"}); err != nil {
					return err
				}
				return tx.CreateSession(&Session{Key: "later", ProviderID: acc.ProviderID, Portal: PortalDeveloper})
			})
			change(t, st, func(*Tx) error { return nil })
			moved := readLive(t, st)
			if sameTraffic(moved.echo, want.echo) || moved.keyless.First == nil || len(moved.invitations) != 1 ||
				moved.invitations[0] != "bbbb" || !moved.session {
				t.Fatalf("after the export: %+v", moved)
			}

			clk.Set(now)
			if err := st.Import(ctx, saved); err != nil {
				t.Fatal(err)
			}
			check := func(when string, got liveState) {
				t.Helper()
				if !sameTraffic(got.echo, want.echo) || got.keyless != (Traffic{}) {
					t.Errorf("%s: traffic echo %+v keyless %+v, want %+v and none", when, got.echo, got.keyless, want.echo)
				}
				if len(got.invitations) != 1 || got.invitations[0] != "aaaa" ||
					st.Catalog().InvitationByToken("bbbb") != nil {
					t.Errorf("%s: invitations %v, want [aaaa]", when, got.invitations)
				}
				if got.session {
					t.Errorf("%s: the session made after the export is there", when)
				}
				// What is read by application id, not through the
				// catalog (exports, pruning), is the imported state too.
				if got, want := counterSet(st.ExportUsage()), counterSet(saved.Usage); !maps.Equal(got, want) {
					t.Errorf("%s: counters %v, want %v", when, got, want)
				}
				echoID := st.Catalog().Service("2555417735001").Application("echo-app-id").ID
				if tr := st.memoryLive().Traffic; len(tr) != 1 || !sameTraffic(tr[echoID], want.echo) {
					t.Errorf("%s: the cells' traffic %+v", when, tr)
				}
			}
			check("imported", readLive(t, st))
			// The imported cells go on: the first report of the next day
			// moves first_daily_traffic_at, never first_traffic_at.
			next := now.Add(24 * time.Hour)
			st.NoteTraffic(st.Catalog().Service("2555417735001").Application("echo-app-id"), next)
			change(t, st, func(*Tx) error { return nil })
			if tr := st.Catalog().Service("2555417735001").Application("echo-app-id").Traffic(); !tr.First.Equal(*want.echo.First) ||
				!tr.FirstDaily.Equal(next) {
				t.Errorf("traffic after the import: %+v", tr)
			}
			if onDisk {
				if err := st.Import(ctx, saved); err != nil {
					t.Fatal(err)
				}
				if err := st.Close(); err != nil {
					t.Fatal(err)
				}
				if st, err = Open(ctx, path, clk, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
					t.Fatal(err)
				}
				check("after a restart", readLive(t, st))
			}

			if err := st.Import(ctx, base); err != nil {
				t.Fatal(err)
			}
			if got := readLive(t, st); got.echo != (Traffic{}) || got.keyless != (Traffic{}) || len(got.invitations) != 0 || got.session {
				t.Errorf("after a reset: %+v", got)
			}
		})
	}
}

// A memory-mode state saved to a file keeps its first-traffic times, which
// lived only in memory: the file opened as a database shows them.
func TestSaveStateKeepsTraffic(t *testing.T) {
	ctx := context.Background()
	st := open(t, "")
	defer st.Close()
	seed(t, st)
	st.NoteTraffic(st.Catalog().Service("2555417735001").Application("echo-app-id"), now)
	saved, err := st.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "snap.db")
	if err := SaveState(ctx, saved, path, now); err != nil {
		t.Fatal(err)
	}
	other := open(t, path)
	defer other.Close()
	if tr := other.Catalog().Service("2555417735001").Application("echo-app-id").Traffic(); tr.First == nil || !tr.First.Equal(now) {
		t.Errorf("first traffic in the saved file: %+v", tr)
	}
}

// Increments read before an import and queued after it are dropped: they
// changed counters the import replaced, and would otherwise be stored on
// top of the imported ones, which a restart would show.
func TestImportDropsStaleIncrements(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	st := open(t, path)
	seed(t, st)
	saved, err := st.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	svc := st.Catalog().Service("2555417735001")
	k := Key(svc.Application("echo-app-id"), svc.Metric("hits"), period.Day, now).bare()
	// What UpdateUsage queues once it let go of the counters' lock.
	stale := &op{done: make(chan error, 1), usage: []counterDelta{{k, 1000}}, epoch: st.epoch.Load()}
	if err := st.Import(ctx, saved); err != nil {
		t.Fatal(err)
	}
	if err := st.submit(stale); err != nil {
		t.Fatal(err)
	}
	if err := <-stale.done; err != nil {
		t.Fatal(err)
	}
	hit(t, st, 1)
	if got := echoHits(st); got != 43 {
		t.Errorf("live: %d hits, want 43", got)
	}
	st.Close()
	st = open(t, path)
	defer st.Close()
	if got := echoHits(st); got != 43 {
		t.Errorf("after a restart: %d hits, want 43 (the stale increment stored)", got)
	}
}

// An import waits for the counters' lock on the writer while a holder of
// the lock waits for a commit of that writer, as ImportUsage does with a
// database file: the writer commits it meanwhile, and neither waits forever.
func TestImportBesideImportUsage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st := open(t, filepath.Join(t.TempDir(), "s.db"))
	defer st.Close()
	seed(t, st)
	saved, err := st.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hit(t, st, 1)
	st.usageMu.Lock()
	imported := make(chan error, 1)
	go func() { imported <- st.Import(ctx, saved) }()
	// Let the import reach the writer, which then waits for the lock (if it
	// has not yet, the commit below simply comes first).
	time.Sleep(200 * time.Millisecond)
	err = st.exec(ctx, func(ctx context.Context, tx *sql.Tx) error { return nil })
	st.usageMu.Unlock()
	if err != nil {
		t.Fatalf("a commit under the counters' lock: %v", err)
	}
	if err := <-imported; err != nil {
		t.Fatal(err)
	}
	if got := echoHits(st); got != 42 {
		t.Errorf("%d hits, want 42", got)
	}
	// And the real thing, beside imports.
	usage := st.ExportUsage()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 20 {
			if err := st.ImportUsage(ctx, usage); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for range 20 {
		if err := st.Import(ctx, saved); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}
