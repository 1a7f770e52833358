package clock

import (
	"sync"
	"sync/atomic"
	"time"
)

// Control is the clock of a running sandbox, which a test moves through the
// control API: it runs with the wall clock (shifted by an offset) or stands
// frozen, and it can be set, frozen, let run and advanced at any moment.
// Now costs one atomic load, and a read of the wall clock when running: it
// is on every request's path. Moves wake whoever waits in Wait.
type Control struct {
	state atomic.Pointer[controlState]
	wall  func() time.Time // nil: time.Now (tests set their own)

	mu      sync.Mutex // serializes moves
	changed chan struct{}
}

// controlState is one setting of the clock; a move swaps in a new one.
type controlState struct {
	frozen bool
	at     time.Time     // the time it stands at, when frozen
	offset time.Duration // added to the wall clock, when running
}

// NewControl returns a clock that runs with the wall clock.
func NewControl() *Control { return newControl(nil) }

// NewFrozenControl returns a clock frozen at t.
func NewFrozenControl(t time.Time) *Control {
	c := NewControl()
	c.Freeze(t)
	return c
}

func newControl(wall func() time.Time) *Control {
	c := &Control{wall: wall, changed: make(chan struct{})}
	c.state.Store(&controlState{})
	return c
}

// Now returns the sandbox's time, in UTC.
func (c *Control) Now() time.Time {
	s := c.state.Load()
	if s.frozen {
		return s.at
	}
	return c.wallNow().Add(s.offset).UTC()
}

func (c *Control) wallNow() time.Time {
	if c.wall == nil {
		return time.Now()
	}
	return c.wall()
}

// Frozen reports whether the clock stands still.
func (c *Control) Frozen() bool { return c.state.Load().frozen }

// Freeze stops the clock at t.
func (c *Control) Freeze(t time.Time) {
	c.move(func(*controlState) controlState { return controlState{frozen: true, at: t.UTC()} })
}

// Run lets the clock run from t: it reads t now, and moves on with the wall
// clock from there.
func (c *Control) Run(t time.Time) {
	c.move(func(*controlState) controlState { return controlState{offset: t.Sub(c.wallNow())} })
}

// RunReal lets the clock run with the wall clock itself.
func (c *Control) RunReal() {
	c.move(func(*controlState) controlState { return controlState{} })
}

// Set moves the clock to t, frozen or running as it was.
func (c *Control) Set(t time.Time) {
	c.move(func(s *controlState) controlState {
		if s.frozen {
			return controlState{frozen: true, at: t.UTC()}
		}
		return controlState{offset: t.Sub(c.wallNow())}
	})
}

// Advance moves the clock by d (backwards when d is negative), frozen or
// running as it was.
func (c *Control) Advance(d time.Duration) {
	c.move(func(s *controlState) controlState {
		n := *s
		if n.frozen {
			n.at = n.at.Add(d)
		} else {
			n.offset += d
		}
		return n
	})
}

// move swaps in the state next makes of the current one, and wakes the
// waiters.
func (c *Control) move(next func(*controlState) controlState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := next(c.state.Load())
	c.state.Store(&n)
	close(c.changed)
	c.changed = make(chan struct{})
}

// Changed returns a channel that is closed the next time the clock moves.
func (c *Control) Changed() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changed
}
