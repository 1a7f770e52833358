package store

import (
	"context"
	"database/sql"
	"maps"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/period"
)

// Every counter comes out of ExportUsage and goes back with ImportUsage,
// in memory and (stored too) on a file.
func TestUsageExportImport(t *testing.T) {
	for _, mode := range []string{"memory", "file"} {
		t.Run(mode, func(t *testing.T) {
			path := ""
			if mode == "file" {
				path = filepath.Join(t.TempDir(), "s.db")
			}
			st := open(t, path)
			defer func() { st.Close() }()
			seed(t, st)
			ctx := context.Background()
			svc := st.Catalog().Service("2555417735001")
			app := svc.Application("echo-app-id")
			hits := svc.Metric("hits")
			keys := []CounterKey{Key(app, hits, period.Day, now), Key(app, hits, period.Minute, now),
				{App: app.ID, Metric: hits.ID, Period: period.Hour, Start: period.Hour.Start(now).Unix()}}
			err := st.UpdateUsage(ctx, func(w *CounterWriter) error {
				for i, k := range keys {
					w.Set(k, w.Get(k)+int64(i+1))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := values(st, keys)
			exported := st.ExportUsage()
			if err := st.ImportUsage(ctx, nil); err != nil {
				t.Fatal(err)
			}
			if got := values(st, keys); slices.ContainsFunc(got, func(v int64) bool { return v != 0 }) || len(st.ExportUsage()) != 0 {
				t.Fatalf("after importing nothing: %v", got)
			}
			if err := st.ImportUsage(ctx, exported); err != nil {
				t.Fatal(err)
			}
			if got := values(st, keys); !slices.Equal(got, want) {
				t.Errorf("after importing the export: %v, want %v", got, want)
			}
			if path == "" {
				return
			}
			st.Close()
			st = open(t, path)
			if got := values(st, keys); !slices.Equal(got, want) {
				t.Errorf("after a restart: %v, want %v", got, want)
			}
		})
	}
}

func values(st *Store, keys []CounterKey) []int64 {
	out := make([]int64, len(keys))
	st.ReadUsage(func(c Counters) {
		for i, k := range keys {
			out[i] = c.Get(k.bare())
		}
	})
	return out
}

// An application with counters in hundreds of period instances (reports
// stamped over the last day) keeps each apart, and the ones no report can
// reach any more are forgotten.
func TestManyPeriodInstances(t *testing.T) {
	clk := clock.NewFake(now)
	st, err := Open(context.Background(), "", clk, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seed(t, st)
	svc := st.Catalog().Service("2555417735001")
	app := svc.Application("echo-app-id")
	hits := svc.Metric("hits")
	var keys []CounterKey
	for i := range 300 {
		keys = append(keys, Key(app, hits, period.Minute, now.Add(-time.Duration(i)*time.Minute)))
	}
	err = st.UpdateUsage(context.Background(), func(w *CounterWriter) error {
		for i, k := range keys {
			w.Set(k, int64(i))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range values(st, keys) {
		if v != int64(i) {
			t.Fatalf("minute -%d: %d", i, v)
		}
	}
	// 23 hours on, the prune keeps the minutes of the last 24 hours.
	clk.Advance(23*time.Hour + 10*time.Minute)
	if err := st.UpdateUsage(context.Background(), func(*CounterWriter) error { return nil }); err != nil {
		t.Fatal(err)
	}
	// A report can be stamped 24 hours back: to now - 50 minutes.
	for i, v := range values(st, keys) {
		want := int64(i)
		if i > 50 {
			want = 0
		}
		if v != want {
			t.Errorf("minute -%d after 23h10m: %d, want %d", i, v, want)
		}
	}
}

// Snapshot sees the model, the counters and the first-traffic times of
// every change and update made before it, in memory and on a file.
func TestSnapshot(t *testing.T) {
	for _, mode := range []string{"memory", "file"} {
		t.Run(mode, func(t *testing.T) {
			path := ""
			if mode == "file" {
				path = filepath.Join(t.TempDir(), "s.db")
			}
			st := open(t, path)
			defer st.Close()
			seed(t, st)
			ctx := context.Background()
			svc := st.Catalog().Service("2555417735001")
			app := svc.Application("echo-app-id")
			k := Key(app, svc.Metric("hits"), period.Day, now)
			// Queued, not waited for: the snapshot still comes after them.
			done := make(chan error, 1)
			go func() {
				done <- st.UpdateUsage(ctx, func(w *CounterWriter) error { w.Set(k, w.Get(k)+5); return nil })
			}()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			st.NoteTraffic(app, now)
			var apps int
			var got int64
			var tr Traffic
			err := st.Snapshot(ctx, func(ctx context.Context, tx *sql.Tx, l Live) error {
				for _, v := range l.Usage {
					if v.CounterKey == k.bare() {
						got = v.Value
					}
				}
				tr = l.Traffic[app.ID]
				return tx.QueryRowContext(ctx, "SELECT count(*) FROM applications").Scan(&apps)
			})
			if err != nil {
				t.Fatal(err)
			}
			if got != 42+5 || tr.First == nil || !tr.First.Equal(now) || apps != st.Catalog().ApplicationCount() {
				t.Errorf("snapshot: hits today %d (want 47), traffic %v, %d applications", got, tr.First, apps)
			}
		})
	}
}

// A counter's slot is 16 bytes without pointers, an older instance's cell
// 32: 100,000 applications keep 16 slots each, and the GC never scans
// them.
func TestCountersDense(t *testing.T) {
	if n := unsafe.Sizeof(slot{}); n != 16 {
		t.Errorf("a slot takes %d bytes, want 16", n)
	}
	if n := unsafe.Sizeof(cell{}); n != 32 {
		t.Errorf("a cell takes %d bytes, want 32", n)
	}
	for _, typ := range []reflect.Type{reflect.TypeFor[slot](), reflect.TypeFor[cell]()} {
		if hasPointers(typ) {
			t.Errorf("a %s holds a pointer", typ)
		}
	}
}

func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	case reflect.Array:
		return hasPointers(t.Elem())
	case reflect.Pointer, reflect.Slice, reflect.Map, reflect.String, reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		return true
	}
	return false
}

// One update that sets many counters (indexed), some several times, stores
// each counter's net increment once: the values survive a restart, and a
// later update of the same counters adds to them.
func TestUpdateUsageManyCounters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st := open(t, path)
	defer func() { st.Close() }()
	seed(t, st)
	ctx := context.Background()
	svc := st.Catalog().Service("2555417735001")
	app := svc.Application("echo-app-id")
	hits := svc.Metric("hits")
	var keys []CounterKey
	for i := range 2 * indexFrom {
		keys = append(keys, Key(app, hits, period.Minute, now.Add(-time.Duration(i)*time.Minute)))
	}
	update := func(round int64) {
		t.Helper()
		err := st.UpdateUsage(ctx, func(w *CounterWriter) error {
			for i, k := range keys {
				w.Add(k, int64(i))
				w.Set(k, w.Get(k)+round)
				w.Add(k, 1)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	update(10)
	update(100)
	want := make([]int64, len(keys))
	for i := range want {
		want[i] = 2*int64(i) + 10 + 100 + 2
	}
	if got := values(st, keys); !slices.Equal(got, want) {
		t.Fatalf("in memory: %v, want %v", got, want)
	}
	st.Close()
	st = open(t, path)
	if got := values(st, keys); !slices.Equal(got, want) {
		t.Errorf("after a restart: %v, want %v", got, want)
	}
}

// An application's first authrep of two metrics (7 periods each) makes
// room for exactly their two rows, and nothing older.
func TestCountersGrowByPeriods(t *testing.T) {
	var c counters
	for m := range int64(2) {
		for _, p := range period.All {
			c.set(cellKey{metric: m + 1, start: 0, period: p}, 1)
		}
	}
	if len(c.slots) != 2*rowSlots || cap(c.slots) != 2*rowSlots || c.older != nil {
		t.Errorf("%d slots, room for %d, older %v; want %d and %d, nil", len(c.slots), cap(c.slots), c.older,
			2*rowSlots, 2*rowSlots)
	}
}

// A period's latest instance has its slot; the one it moved on from, and
// instances stamped before it, are kept beside it and read back, exported
// and pruned like it.
func TestCountersMoveOn(t *testing.T) {
	var c counters
	minute := func(i int64) cellKey { return cellKey{metric: 7, start: 60 * i, period: period.Minute} }
	c.set(minute(10), 1)
	c.set(minute(11), 2) // the minute moves on: 10 leaves the slot
	c.set(minute(5), 3)  // a report stamped in the past
	*c.make(minute(10)) += 10
	c.set(cellKey{metric: 7, start: 0, period: period.Eternity}, 4)
	want := map[cellKey]int64{minute(10): 11, minute(11): 2, minute(5): 3,
		{metric: 7, start: 0, period: period.Eternity}: 4}
	for k, v := range want {
		if got := c.get(k); got != v {
			t.Errorf("%+v: %d, want %d", k, got, v)
		}
	}
	if c.get(minute(12)) != 0 || c.value(minute(12)) != nil || c.value(cellKey{metric: 8, period: period.Eternity}) != nil {
		t.Error("a counter never written has a value")
	}
	got := map[cellKey]int64{}
	c.each(func(k cellKey, v int64) { got[k] = v })
	if !maps.Equal(got, want) {
		t.Errorf("each: %v, want %v", got, want)
	}
	var oldest [len(period.All)]int64
	oldest[period.Minute] = 60 * 10
	c.prune(&oldest)
	delete(want, minute(5))
	got = map[cellKey]int64{}
	c.each(func(k cellKey, v int64) { got[k] = v })
	if !maps.Equal(got, want) {
		t.Errorf("after the prune: %v, want %v", got, want)
	}
	oldest[period.Minute] = 60 * 12
	c.prune(&oldest)
	if c.older != nil || c.value(minute(11)) != nil || c.get(cellKey{metric: 7, start: 0, period: period.Eternity}) != 4 {
		t.Errorf("after the minutes are pruned: older %v, minute 11 %d", c.older, c.get(minute(11)))
	}
}
