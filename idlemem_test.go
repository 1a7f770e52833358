package main

import (
	"runtime/debug"
	"testing"
)

// The free heap is handed back at the first check that finds the sandbox
// idle with more held than after the last release: never while it
// allocates, never twice for one growth, never for a growth too small to
// matter, and for a spell of any size whose garbage stayed resident (at
// 100,000 applications, fifty 1000-transaction reports leave 60 MB: a rule
// of 64 MB allocated since the last release kept them).
func TestIdleReleaser(t *testing.T) {
	const mb = 1 << 20
	s := heapSample{held: 200 * mb}
	const live = 150 * mb // what a release brings the heap down to
	releases := 0
	r := newIdleReleaser(func() heapSample { return s }, func() { releases++; s.held = live })
	steps := []struct {
		alloc uint64 // during the second before the check
		held  int64  // what the heap holds more (or less) at the check
		want  bool
	}{
		{0, 0, false},               // idle from the start: nothing more held
		{100 * mb, 100 * mb, false}, // busy
		{2 * mb, 2 * mb, false},     // still busy
		{idleAllocs - 1, 0, true},   // idle with 102 MB more: released
		{0, 0, false},               // still idle: once per growth
		{50 * mb, 60 * mb, false},   // a spell of reports
		{0, 0, true},                // 60 MB more held than after the release
		{60 * mb, 0, false},         // a spell whose garbage the held heap took
		{0, 0, false},               // nothing to give back
		{0, -20 * mb, false},        // the scavenger gave 20 MB back
		{10 * mb, 10 * mb, false},   // a spell
		{idleAllocs / 2, 0, true},   // 10 MB more than the least since the release
		{6 * mb, 6 * mb, false},     // a short spell
		{0, 0, false},               // 6 MB are not worth a collection
		{300 * mb, 300 * mb, false}, // the world grew
		{0, 0, true},                // released
		{0, 0, false},               // idle
	}
	want := 0
	for i, st := range steps {
		s.allocs += st.alloc
		s.held = uint64(int64(s.held) + st.held)
		if got := r.check(); got != st.want {
			t.Errorf("check %d (%d bytes allocated, %+d held): released %t, want %t", i, st.alloc, st.held, got, st.want)
		}
		if st.want {
			want++
		}
	}
	if releases != want {
		t.Errorf("%d releases, want %d", releases, want)
	}
}

// The runtime metrics the releaser reads exist and count allocations, and
// what the heap holds.
func TestIdleReleaserMetric(t *testing.T) {
	read := readHeap()
	debug.FreeOSMemory()
	before := read()
	sink = make([]byte, 16<<20)
	debug.FreeOSMemory() // flushes the per-P allocation counts
	after := read()
	if d := after.allocs - before.allocs; d < 16<<20 {
		t.Errorf("a 16 MiB allocation counted as %d bytes allocated", d)
	}
	if after.held < 16<<20 {
		t.Errorf("the heap holds %d bytes with a 16 MiB allocation kept", after.held)
	}
	sink = nil
}

var sink []byte
