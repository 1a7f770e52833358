package store

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/period"
)

// CounterKey names one usage counter: an application's usage of a metric in
// one instance of a period (identified by its start, in Unix seconds).
type CounterKey struct {
	App    int64
	Metric int64
	Period period.Period
	Start  int64
}

// Key returns the counter of app's metric in the period instance containing t.
func Key(app *Application, m *Metric, p period.Period, t time.Time) CounterKey {
	return CounterKey{App: app.ID, Metric: m.ID, Period: p, Start: p.Start(t).Unix()}
}

// Counters reads usage counters.
type Counters interface {
	Get(k CounterKey) int64
}

// CounterWriter reads and writes usage counters inside UpdateUsage.
type CounterWriter struct {
	s *Store
	// delta is what this update added to each counter it set: it is what
	// gets stored, and what is taken back if the commit fails.
	delta map[CounterKey]int64
}

// Get returns the current value of a counter (0 if never written).
func (w *CounterWriter) Get(k CounterKey) int64 { return w.s.usage[k] }

// Set gives a counter a new value, persisted when UpdateUsage returns.
func (w *CounterWriter) Set(k CounterKey, v int64) {
	w.delta[k] = addSat(w.delta[k], v-w.s.usage[k])
	w.s.usage[k] = v
}

type readCounters map[CounterKey]int64

func (r readCounters) Get(k CounterKey) int64 { return r[k] }

// ReadUsage calls fn with a consistent view of the counters. fn must not
// keep the Counters after it returns.
func (s *Store) ReadUsage(fn func(Counters)) {
	s.usageMu.RLock()
	defer s.usageMu.RUnlock()
	fn(readCounters(s.usage))
}

// UpdateUsage calls fn with exclusive access to the counters, then, with a
// database file, commits every counter fn set and returns once that commit
// is durable. Without one nothing needs to last: the counters change in
// memory and UpdateUsage returns at once. If fn returns an error its writes
// are still applied: fn must decide before it writes.
//
// The new values are visible to the next caller at once, before the commit,
// so that concurrent callers cannot both take the last unit of a limit.
// What is stored is each update's increments, never absolute values: if a
// commit fails, its increments are taken back from the live counters (and
// the updates made on top of them keep theirs), so the counters never show
// usage that was not stored once the commit's outcome is known.
func (s *Store) UpdateUsage(ctx context.Context, fn func(*CounterWriter) error) error {
	w := &CounterWriter{s: s, delta: make(map[CounterKey]int64)}
	s.usageMu.Lock()
	err := fn(w)
	s.maybePrune()
	var o *op
	if len(w.delta) > 0 && s.onDisk {
		o = &op{done: make(chan error, 1), usage: w.delta, failed: func() { s.undoUsage(w.delta) }}
		// Queue while still holding the lock so that the order of commits
		// is the order of the updates.
		if serr := s.submit(o); serr != nil {
			s.usageMu.Unlock()
			return serr
		}
	}
	s.usageMu.Unlock()
	if err != nil {
		return err
	}
	if o == nil {
		return nil
	}
	select {
	case cerr := <-o.done:
		return cerr
	case <-ctx.Done():
		return ctx.Err()
	}
}

// undoUsage takes back the increments of an update whose commit failed.
// A counter pruned meanwhile is left alone: nothing reads it any more.
func (s *Store) undoUsage(delta map[CounterKey]int64) {
	s.usageMu.Lock()
	defer s.usageMu.Unlock()
	for k, d := range delta {
		if cur, ok := s.usage[k]; ok {
			s.usage[k] = addSat(cur, -d)
		}
	}
}

// addSat adds without wrapping around: counters saturate at the int64
// bounds, as the Service Management API's usage values do.
func addSat(a, b int64) int64 {
	sum := a + b
	switch {
	case a > 0 && b > 0 && sum < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && sum >= 0:
		return math.MinInt64
	}
	return sum
}

// oldestLive returns, per period, the start of the oldest period instance a
// report can still change: reports may be stamped up to 24 hours back.
func oldestLive(now time.Time) [len(period.All)]int64 {
	var out [len(period.All)]int64
	back := now.Add(-24 * time.Hour)
	for _, p := range period.All {
		out[p] = p.Start(back).Unix()
	}
	return out
}

// maybePrune forgets, at most once a minute, the counters of period
// instances that nothing can read or change any more. They stay in SQLite.
// Called with usageMu held.
func (s *Store) maybePrune() {
	now := s.clk.Now()
	if now.Sub(s.lastPrune) < time.Minute && !now.Before(s.lastPrune) {
		return
	}
	s.lastPrune = now
	live := oldestLive(now)
	for k := range s.usage {
		if k.Start < live[k.Period] {
			delete(s.usage, k)
		}
	}
}

// loadUsage reads the counters of the live period instances.
func (s *Store) loadUsage(ctx context.Context) error {
	live := oldestLive(s.clk.Now())
	for _, p := range period.All {
		rows, err := s.db.QueryContext(ctx, `SELECT application_id, metric_id, start, value FROM usage
			WHERE period = ? AND start >= ?`, uint8(p), live[p])
		if err != nil {
			return fmt.Errorf("load %s usage: %w", p, err)
		}
		for rows.Next() {
			k := CounterKey{Period: p}
			var v int64
			if err := rows.Scan(&k.App, &k.Metric, &k.Start, &v); err != nil {
				rows.Close()
				return fmt.Errorf("load %s usage: %w", p, err)
			}
			s.usage[k] = v
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("load %s usage: %w", p, err)
		}
	}
	return nil
}
