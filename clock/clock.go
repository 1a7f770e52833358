// Package clock is the one source of time for the whole sandbox.
//
// Every component takes a Clock instead of calling time.Now, so tests (and
// `serve --frozen-time`) can pin the periods that limits and counters use,
// and the moments at which delayed work (webhook retries) comes due.
package clock

import (
	"context"
	"sync"
	"time"
)

// Clock tells the current time.
type Clock interface {
	Now() time.Time
}

// System is the wall clock.
type System struct{}

// Now returns the current wall-clock time in UTC.
func (System) Now() time.Time { return time.Now().UTC() }

// Fake is a settable clock for tests and frozen-time runs. It is safe for
// concurrent use.
type Fake struct {
	mu      sync.Mutex
	t       time.Time
	changed chan struct{} // closed and replaced at every move
}

// NewFake returns a Fake clock stopped at t.
func NewFake(t time.Time) *Fake { return &Fake{t: t.UTC(), changed: make(chan struct{})} }

// Now returns the time the clock is set to.
func (f *Fake) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.t
}

// Set moves the clock to t.
func (f *Fake) Set(t time.Time) {
	f.mu.Lock()
	f.t = t.UTC()
	f.moved()
	f.mu.Unlock()
}

// Advance moves the clock forward by d.
func (f *Fake) Advance(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.moved()
	f.mu.Unlock()
}

// moved wakes everyone waiting in Changed. Called with mu held.
func (f *Fake) moved() {
	close(f.changed)
	f.changed = make(chan struct{})
}

// Changed returns a channel that is closed the next time the clock moves.
func (f *Fake) Changed() <-chan struct{} {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.changed
}

// mover is a clock that can jump, and says so.
type mover interface{ Changed() <-chan struct{} }

// Wait blocks until clk reads at or after t, wake is signalled, or ctx is
// done; it reports whether t was reached. On the system clock it sleeps; on
// a clock that can jump it also wakes whenever the clock moves.
func Wait(ctx context.Context, clk Clock, t time.Time, wake <-chan struct{}) bool {
	for {
		var moved <-chan struct{}
		if m, ok := clk.(mover); ok {
			moved = m.Changed() // before Now: a move in between is not missed
		}
		d := t.Sub(clk.Now())
		if d <= 0 {
			return true
		}
		timer := time.NewTimer(d)
		select {
		case <-timer.C:
		case <-moved:
		case <-wake:
			timer.Stop()
			return false
		case <-ctx.Done():
			timer.Stop()
			return false
		}
		timer.Stop()
	}
}

// Frozen reports that a Fake clock only moves when told to.
func (f *Fake) Frozen() bool { return true }

// IsFrozen reports whether clk stands still: a frozen Control, or a Fake.
func IsFrozen(clk Clock) bool {
	f, ok := clk.(interface{ Frozen() bool })
	return ok && f.Frozen()
}
