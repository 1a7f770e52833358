package store

import (
	"context"
	"database/sql"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/period"
)

// logRows is how many increments the usage log holds.
func logRows(t *testing.T, st *Store) int {
	t.Helper()
	var n int
	err := st.exec(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM usage_log").Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// foldedWhenIdle leaves st idle until its log is folded (for at most 20
// s: a loaded machine may hold the writer up) and returns the rows left.
// Each look is an op, which the writer is not idle during: looks are far
// apart.
func foldedWhenIdle(t *testing.T, st *Store) int {
	t.Helper()
	n := -1
	for try := 0; try < 20 && n != 0; try++ {
		time.Sleep(5 * foldIdle)
		n = logRows(t, st)
	}
	return n
}

func addHits(t *testing.T, st *Store, k CounterKey, times int) {
	t.Helper()
	for range times {
		if err := st.UpdateUsage(context.Background(), func(w *CounterWriter) error {
			w.Add(k, 1)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
}

func hitsToday(st *Store) CounterKey {
	svc := st.Catalog().Service("2555417735001")
	return Key(svc.Application("echo-app-id"), svc.Metric("hits"), period.Day, now)
}

// Increments in the log and folded ones add up to the same counters, once
// each: after folds in several transactions, after a restart with the log
// folded at close, and after a restart with a log left by a killed
// process, before and after it is folded.
func TestUsageLogFolds(t *testing.T) {
	if p := os.Getenv("STORE_TEST_LOG"); p != "" {
		// The child: increments left in the log, then death without Close.
		foldIdle = time.Hour // however slow the machine
		st := open(t, p)
		addHits(t, st, hitsToday(st), 9)
		os.Exit(0)
	}
	defer func(at, chunk int) { foldAt, foldChunk = at, chunk }(foldAt, foldChunk)
	foldAt, foldChunk = 10, 3 // folds of several transactions, between batches
	path := filepath.Join(t.TempDir(), "s.db")
	st := open(t, path)
	seed(t, st)
	k := hitsToday(st)
	want := func(st *Store, v int64, when string) {
		t.Helper()
		if got := values(st, []CounterKey{k})[0]; got != v {
			t.Errorf("%s: live %d, want %d", when, got, v)
		}
		var stored int64
		err := st.exec(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
			l, err := storedLive(ctx, tx, now)
			for _, cv := range l.Usage {
				if cv.CounterKey == k.bare() {
					stored = cv.Value
				}
			}
			return err
		})
		if err != nil || stored != v {
			t.Errorf("%s: stored %d (%v), want %d", when, stored, err, v)
		}
	}
	addHits(t, st, k, 25)
	if n := logRows(t, st); n >= 10 {
		t.Errorf("the log holds %d rows past foldAt 10", n)
	}
	want(st, 42+25, "after folds")
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st = open(t, path)
	k = hitsToday(st) // the new store's cell
	if n := logRows(t, st); n != 0 {
		t.Errorf("after a close, the log holds %d rows", n)
	}
	want(st, 42+25, "after a restart")
	st.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestUsageLogFolds$")
	cmd.Env = append(os.Environ(), "STORE_TEST_LOG="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v %s", err, out)
	}
	foldAt = 100_000
	idle := foldIdle
	defer func() { foldIdle = idle }()
	foldIdle = time.Hour // the log is counted before any fold
	st = open(t, path)
	k = hitsToday(st)
	if n := logRows(t, st); n != 9 {
		t.Errorf("the killed process left %d rows in the log, want 9", n)
	}
	want(st, 42+25+9, "after kill -9")
	st.Close()
	foldIdle = idle
	st = open(t, path)
	defer st.Close()
	k = hitsToday(st)
	want(st, 42+25+9, "after kill -9 and a close")
	addHits(t, st, k, 1)
	if n := foldedWhenIdle(t, st); n != 0 {
		t.Errorf("idle, the log still holds %d rows", n)
	}
	want(st, 42+25+9+1, "after kill -9 and an idle fold")
}

// A snapshot taken with increments in the log restores them once: Export
// and Import, and the file SaveState writes read back by LoadState.
func TestUsageLogSnapshots(t *testing.T) {
	dir := t.TempDir()
	st := open(t, filepath.Join(dir, "s.db"))
	defer st.Close()
	seed(t, st)
	ctx := context.Background()
	k := hitsToday(st)
	addHits(t, st, k, 4)
	if logRows(t, st) == 0 {
		t.Fatal("the test wants increments in the log")
	}
	state, err := st.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(dir, "snap.db")
	if err := SaveState(ctx, state, saved, now); err != nil {
		t.Fatal(err)
	}
	addHits(t, st, k, 100)
	for _, c := range []struct {
		name string
		load func() (*State, error)
	}{
		{"Export", func() (*State, error) { return state, nil }},
		{"SaveState", func() (*State, error) { return LoadState(ctx, saved, now) }},
	} {
		from, err := c.load()
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Import(ctx, from); err != nil {
			t.Fatal(err)
		}
		k = hitsToday(st)
		if got := values(st, []CounterKey{k})[0]; got != 42+4 {
			t.Errorf("%s: restored %d, want 46", c.name, got)
		}
		addHits(t, st, k, 1)
		st.Close()
		st = open(t, filepath.Join(dir, "s.db"))
		k = hitsToday(st)
		if got := values(st, []CounterKey{k})[0]; got != 42+4+1 {
			t.Errorf("%s: after a restart %d, want 47", c.name, got)
		}
	}
}

// Increments logged for an application that is then deleted are dropped
// by the fold, never shown again.
func TestUsageLogOfDeletedApplication(t *testing.T) {
	st := open(t, filepath.Join(t.TempDir(), "s.db"))
	defer st.Close()
	seed(t, st)
	k := hitsToday(st)
	addHits(t, st, k, 3)
	if err := st.Change(context.Background(), func(tx *Tx) error { return tx.DeleteApplication(k.App) }); err != nil {
		t.Fatal(err)
	}
	if n := foldedWhenIdle(t, st); n != 0 {
		t.Errorf("the log holds %d rows after a fold", n)
	}
	var n int
	err := st.exec(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, "SELECT count(*) FROM usage WHERE application_id = ?", k.App).Scan(&n)
	})
	if err != nil || n != 0 {
		t.Errorf("usage of the deleted application %s: %d rows (%v)", strconv.FormatInt(k.App, 10), n, err)
	}
}

// A write that comes while the log is folded idle waits for no chunk: the
// fold is given up (nothing of it is kept) and done again later, in
// chunks short enough for the gaps between writes. Here the first chunk
// is the whole log, which a write waited out before.
func TestIdleFoldGivesWay(t *testing.T) {
	defer func(at, chunk int, idle time.Duration) { foldAt, foldChunk, foldIdle = at, chunk, idle }(foldAt, foldChunk, foldIdle)
	foldAt, foldChunk, foldIdle = math.MaxInt, math.MaxInt, 20*time.Millisecond
	st := open(t, filepath.Join(t.TempDir(), "s.db"))
	defer st.Close()
	seed(t, st)
	k := hitsToday(st)
	const rows, perRow = 40, 1000
	for r := range rows {
		if err := st.UpdateUsage(context.Background(), func(w *CounterWriter) error {
			for i := range perRow {
				w.Add(CounterKey{App: k.App, Metric: k.Metric, Period: period.Day, Start: -86400 * int64(r*perRow+i+1)}, 1)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(3 * foldIdle) // the idle fold of 40,000 records is under way
	if n := logRows(t, st); n == 0 {
		t.Error("a write waited for the whole log to be folded")
	}
	// Looks far apart (each one stops the fold): a chunk of a row under
	// the race detector takes longer than foldedWhenIdle's gaps.
	n := -1
	for try := 0; try < 40 && n != 0; try++ {
		time.Sleep(25 * foldIdle)
		n = logRows(t, st)
	}
	if n != 0 {
		t.Fatalf("idle, the log still holds %d rows", n)
	}
	var count, sum int64
	err := st.exec(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*), sum(value) FROM usage WHERE application_id = ? AND period = ? AND start < 0`,
			k.App, uint8(period.Day)).Scan(&count, &sum)
	})
	if err != nil || count != rows*perRow || sum != rows*perRow {
		t.Errorf("folded %d counters adding up to %d (%v), want %d of 1", count, sum, err, rows*perRow)
	}
}
