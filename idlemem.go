package main

import (
	"context"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// Between two collections the Go heap grows to twice the live heap
// (GOGC=100), and the runtime's scavenger keeps about that much resident:
// with 100,000 applications, 150 MB of live heap stay 300 MB and more of
// RSS after a load, though an idle sandbox (a CI job between runs, a
// laptop's background process) needs only its live heap. So once the
// sandbox has allocated next to nothing for a second, and its heap holds
// noticeably more memory than right after the last release, the free heap
// is handed back: one forced collection per growth, none during load (a
// lower GOGC or a memory limit cost authrep throughput in every request).
//
// The growth is what the heap holds (not what was allocated): at 100,000
// applications fifty 1000-transaction reports allocate 60 MB, which a
// threshold on allocations ("a busy spell of 64 MB") let stay resident.
const (
	idleCheckEvery = time.Second
	idleAllocs     = 1 << 20 // per check: below it the sandbox is idle
	releaseFrom    = 8 << 20 // held beyond the last release's: worth a collection
)

// heapSample is what each check reads of the runtime.
type heapSample struct {
	allocs uint64 // bytes allocated since the start, cumulative
	held   uint64 // heap memory not returned to the system: objects, dead or alive, and free pages
}

// idleReleaser decides, at each check, whether to hand the free heap back.
type idleReleaser struct {
	read    func() heapSample
	release func()
	last    uint64 // allocs at the previous check
	// base is the least the heap held since the last release (the
	// scavenger hands some back on its own): what a release gets down to.
	base uint64
}

func newIdleReleaser(read func() heapSample, release func()) *idleReleaser {
	s := read()
	return &idleReleaser{read: read, release: release, last: s.allocs, base: s.held}
}

// check is one tick; it reports whether it released.
func (r *idleReleaser) check() bool {
	s := r.read()
	busy := s.allocs-r.last >= idleAllocs
	r.last = s.allocs
	r.base = min(r.base, s.held)
	if busy || s.held-r.base < releaseFrom {
		return false
	}
	r.release()
	s = r.read()
	r.last, r.base = s.allocs, s.held
	return true
}

// heapMetrics are the runtime metrics a heapSample is made of.
var heapMetrics = []string{
	"/gc/heap/allocs:bytes",
	"/memory/classes/heap/objects:bytes",
	"/memory/classes/heap/unused:bytes",
	"/memory/classes/heap/free:bytes",
}

// readHeap returns a reader of heapSamples.
func readHeap() func() heapSample {
	samples := make([]metrics.Sample, len(heapMetrics))
	for i, name := range heapMetrics {
		samples[i].Name = name
	}
	return func() heapSample {
		metrics.Read(samples)
		return heapSample{
			allocs: samples[0].Value.Uint64(),
			held:   samples[1].Value.Uint64() + samples[2].Value.Uint64() + samples[3].Value.Uint64(),
		}
	}
}

// releaseWhenIdle runs the checks until ctx ends. Real time, as the HTTP
// server's timeouts: the sandbox's clock may be frozen.
func releaseWhenIdle(ctx context.Context) {
	r := newIdleReleaser(readHeap(), debug.FreeOSMemory)
	t := time.NewTicker(idleCheckEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.check()
		}
	}
}
