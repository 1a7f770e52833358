package clock

import (
	"context"
	"testing"
	"time"
)

// wallAt is a wall clock the test moves.
type wallAt struct{ t time.Time }

func (w *wallAt) now() time.Time { return w.t }

func TestControlFreezeRunAdvance(t *testing.T) {
	w := &wallAt{t: time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)}
	c := newControl(w.now)
	if got := c.Now(); !got.Equal(w.t) || c.Frozen() {
		t.Fatalf("new: %v frozen=%v, want the wall clock, running", got, c.Frozen())
	}
	w.t = w.t.Add(time.Second)
	if got := c.Now(); !got.Equal(w.t) {
		t.Fatalf("running: %v, want %v", got, w.t)
	}

	at := time.Date(2026, 3, 31, 23, 59, 50, 0, time.UTC)
	c.Freeze(at)
	w.t = w.t.Add(time.Hour)
	if got := c.Now(); !got.Equal(at) || !c.Frozen() || !IsFrozen(c) {
		t.Fatalf("frozen: %v frozen=%v, want %v", got, c.Frozen(), at)
	}
	c.Advance(15 * time.Second)
	if got, want := c.Now(), at.Add(15*time.Second); !got.Equal(want) {
		t.Fatalf("advanced while frozen: %v, want %v", got, want)
	}
	c.Advance(-time.Hour) // backwards is allowed
	if got, want := c.Now(), at.Add(15*time.Second-time.Hour); !got.Equal(want) {
		t.Fatalf("moved back: %v, want %v", got, want)
	}

	// Running from a time: it reads that time, then moves with the wall.
	c.Run(at)
	if got := c.Now(); !got.Equal(at) || c.Frozen() {
		t.Fatalf("run from %v: %v frozen=%v", at, got, c.Frozen())
	}
	w.t = w.t.Add(3 * time.Second)
	if got, want := c.Now(), at.Add(3*time.Second); !got.Equal(want) {
		t.Fatalf("running from a time: %v, want %v", got, want)
	}
	c.Advance(time.Hour)
	if got, want := c.Now(), at.Add(time.Hour+3*time.Second); !got.Equal(want) {
		t.Fatalf("advanced while running: %v, want %v", got, want)
	}
	c.Set(at)
	if got := c.Now(); !got.Equal(at) || c.Frozen() {
		t.Fatalf("set while running: %v frozen=%v", got, c.Frozen())
	}
	c.RunReal()
	if got := c.Now(); !got.Equal(w.t) {
		t.Fatalf("real time: %v, want %v", got, w.t)
	}
	if c.Now().Location() != time.UTC {
		t.Fatal("Now is not in UTC")
	}
}

func TestControlWakesWaiters(t *testing.T) {
	start := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	c := NewFrozenControl(start)
	done := make(chan bool)
	go func() { done <- Wait(context.Background(), c, start.Add(time.Hour), nil) }()
	c.Advance(30 * time.Minute)
	select {
	case <-done:
		t.Fatal("Wait returned before the clock reached the time")
	case <-time.After(20 * time.Millisecond):
	}
	c.Set(start.Add(2 * time.Hour))
	if !<-done {
		t.Fatal("Wait reported false when the clock was moved past the time")
	}

	// A running clock moved past the time wakes the waiter too.
	c.Run(start)
	go func() { done <- Wait(context.Background(), c, start.Add(24*time.Hour), nil) }()
	time.Sleep(10 * time.Millisecond)
	c.Advance(25 * time.Hour)
	select {
	case ok := <-done:
		if !ok {
			t.Fatal("Wait reported false")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Wait on a running clock did not follow the move")
	}
}

func TestControlNowAllocatesNothing(t *testing.T) {
	c := NewControl()
	if n := testing.AllocsPerRun(100, func() { c.Now() }); n != 0 {
		t.Errorf("Now allocates %v times", n)
	}
}

func BenchmarkNow(b *testing.B) {
	b.Run("control-running", func(b *testing.B) {
		c := NewControl()
		for b.Loop() {
			c.Now()
		}
	})
	b.Run("control-frozen", func(b *testing.B) {
		c := NewFrozenControl(time.Now())
		for b.Loop() {
			c.Now()
		}
	})
	b.Run("system", func(b *testing.B) {
		var s System
		for b.Loop() {
			s.Now()
		}
	})
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"90s": 90 * time.Second, "1h30m": 90 * time.Minute, "1d": 24 * time.Hour, "2d6h": 54 * time.Hour,
		"-1h": -time.Hour, "-1d2h": -26 * time.Hour, "+5m": 5 * time.Minute, "0s": 0, "1.5h": 90 * time.Minute,
	} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "d", "1x", "1d-2h", "--1h", "1dd", "h", "-", "99999999d", "1d 2h", "106000d100000h"} {
		if got, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", in, got)
		}
	}
}
