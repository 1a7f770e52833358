package store

import (
	"context"
	"io"
	"log/slog"
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
