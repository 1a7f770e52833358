package clock

import (
	"context"
	"testing"
	"time"
)

func TestWaitWakesWhenFakeClockReachesTime(t *testing.T) {
	start := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	f := NewFake(start)
	done := make(chan bool)
	go func() { done <- Wait(context.Background(), f, start.Add(time.Hour), nil) }()
	f.Advance(30 * time.Minute)
	select {
	case <-done:
		t.Fatal("Wait returned before the clock reached the time")
	case <-time.After(20 * time.Millisecond):
	}
	f.Advance(30 * time.Minute)
	if !<-done {
		t.Fatal("Wait reported false when the time was reached")
	}
}

func TestWaitReturnsOnWakeAndContext(t *testing.T) {
	f := NewFake(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	wake := make(chan struct{}, 1)
	wake <- struct{}{}
	if Wait(context.Background(), f, f.Now().Add(time.Hour), wake) {
		t.Fatal("Wait reported true after a wake-up")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if Wait(ctx, f, f.Now().Add(time.Hour), nil) {
		t.Fatal("Wait reported true after cancel")
	}
	if !Wait(context.Background(), f, f.Now(), nil) {
		t.Fatal("Wait on a time already reached reported false")
	}
}

func TestWaitOnSystemClock(t *testing.T) {
	if !Wait(context.Background(), System{}, time.Now().Add(5*time.Millisecond), nil) {
		t.Fatal("Wait on the system clock reported false")
	}
}
