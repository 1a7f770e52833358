package main

import (
	"runtime/debug"
	"runtime/metrics"
	"testing"
)

// The free heap is handed back once per busy spell, at the first check
// that finds the sandbox idle; never while it allocates, never twice for
// one spell, never for a spell too small to matter.
func TestIdleReleaser(t *testing.T) {
	var allocated uint64
	releases := 0
	r := newIdleReleaser(func() uint64 { return allocated }, func() { releases++ })
	steps := []struct {
		alloc uint64 // during the second before the check
		want  bool
	}{
		{0, false},             // idle from the start: nothing to hand back
		{100 << 20, false},     // busy
		{2 << 20, false},       // still busy
		{idleAllocs - 1, true}, // idle after 102 MB: released
		{0, false},             // still idle: once per spell
		{10 << 20, false},      // a small spell
		{0, false},             // 10 MB is not worth a collection
		{60 << 20, false},      // busy again: 70 MB since the release
		{idleAllocs / 2, true}, // idle: released
	}
	for i, s := range steps {
		allocated += s.alloc
		if got := r.check(); got != s.want {
			t.Errorf("check %d (%d bytes allocated): released %t, want %t", i, s.alloc, got, s.want)
		}
	}
	if releases != 2 {
		t.Errorf("%d releases, want 2", releases)
	}
}

// The runtime metric the releaser reads exists and counts allocations.
func TestIdleReleaserMetric(t *testing.T) {
	sample := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() != metrics.KindUint64 {
		t.Fatalf("%s: kind %v", sample[0].Name, sample[0].Value.Kind())
	}
	before := sample[0].Value.Uint64()
	sink = make([]byte, 1<<20)
	debug.FreeOSMemory() // flushes the per-P allocation counts
	metrics.Read(sample)
	if d := sample[0].Value.Uint64() - before; d < 1<<20 {
		t.Errorf("a 1 MiB allocation counted as %d bytes", d)
	}
}

var sink []byte
