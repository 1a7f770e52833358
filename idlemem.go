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
// sandbox has allocated next to nothing for a second after a busy spell,
// its free heap is handed back: one forced collection per busy spell, none
// during load (a lower GOGC or a memory limit cost authrep throughput in
// every request).
const (
	idleCheckEvery = time.Second
	idleAllocs     = 1 << 20  // per check: below it the sandbox is idle
	busyAllocs     = 64 << 20 // since the last release: a busy spell
)

// idleReleaser decides, at each check, whether to hand the free heap back.
type idleReleaser struct {
	allocs  func() uint64 // bytes allocated since the start, cumulative
	release func()
	last    uint64
	since   uint64 // allocated since the last release
}

func newIdleReleaser(allocs func() uint64, release func()) *idleReleaser {
	return &idleReleaser{allocs: allocs, release: release, last: allocs()}
}

// check is one tick; it reports whether it released.
func (r *idleReleaser) check() bool {
	now := r.allocs()
	d := now - r.last
	r.last = now
	r.since += d
	if d >= idleAllocs || r.since < busyAllocs {
		return false
	}
	r.release()
	r.last, r.since = r.allocs(), 0
	return true
}

// releaseWhenIdle runs the checks until ctx ends. Real time, as the HTTP
// server's timeouts: the sandbox's clock may be frozen.
func releaseWhenIdle(ctx context.Context) {
	sample := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	allocs := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	r := newIdleReleaser(allocs, debug.FreeOSMemory)
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
