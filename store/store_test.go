package store

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/period"
)

var now = time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)

func open(t *testing.T, path string) *Store {
	t.Helper()
	st, err := Open(context.Background(), path, clock.NewFake(now), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func seed(t *testing.T, st *Store) {
	t.Helper()
	w, err := fixtures.Default(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Seed(context.Background(), w); err != nil {
		t.Fatal(err)
	}
}

// Concurrent updates share commits; every increment is kept, in memory and
// on disk, and the seeded model comes back from the file.
func TestConcurrentUpdatesAreDurable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st := open(t, path)
	seed(t, st)
	svc := st.Catalog().Service("2555417735001")
	app := svc.Application("echo-app-id")
	hits := svc.Metric("hits")
	key := Key(app, hits, period.Day, now)
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				err := st.UpdateUsage(context.Background(), func(w *CounterWriter) error {
					w.Set(key, w.Get(key)+1)
					return nil
				})
				if err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	st.ReadUsage(func(c Counters) {
		if got := c.Get(key); got != 42+1000 {
			t.Errorf("in memory: %d, want 1042", got)
		}
	})
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st = open(t, path)
	defer st.Close()
	if !st.Seeded() {
		t.Fatal("the model did not survive a restart")
	}
	svc = st.Catalog().Service("2555417735001")
	key = Key(svc.Application("echo-app-id"), svc.Metric("hits"), period.Day, now)
	st.ReadUsage(func(c Counters) {
		if got := c.Get(key); got != 1042 {
			t.Errorf("after reopening: %d, want 1042", got)
		}
	})
	if err := st.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st.Seeded() {
		t.Error("Reset kept the model")
	}
}

// The error log keeps the newest 1000 per service, newest first, in pages.
func TestErrorLog(t *testing.T) {
	st := open(t, "")
	defer st.Close()
	seed(t, st)
	for i := range 1005 {
		st.RecordError("2555417735001", ErrorRecord{Code: "metric_invalid", Message: fmt.Sprint(i), Time: now})
	}
	ctx := context.Background()
	// RecordError does not wait: poll until the writer has caught up.
	var total int
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, total, _ = st.Errors(ctx, "2555417735001", 1, 1); total == 1000 {
			break
		}
	}
	recs, total, err := st.Errors(ctx, "2555417735001", 2, 3)
	if err != nil || total != 1000 || len(recs) != 3 || recs[0].Message != "1001" || recs[2].Message != "999" {
		t.Fatalf("page 2 = %+v, total %d, %v", recs, total, err)
	}
	if err := st.DeleteErrors(ctx, "2555417735001"); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := st.Errors(ctx, "2555417735001", 1, 10); total != 0 {
		t.Errorf("after delete: %d", total)
	}
}
