package store

import (
	"os"
	"runtime/debug"
	"sync"
)

// startupGCPercent is the collector's target while a big world is read or
// seeded: the heap grows to five times what it keeps before a collection,
// and those allocations, most of which are kept, are marked a quarter as
// often (a restart from --db of 100,000 applications: 13 collections to
// the first answer and its shutdown, 3 with it).
const startupGCPercent = 400

// startup counts the opens and seeds under way: the collector's target is
// the process's, so the first raises it and the last puts it back.
var startup struct {
	mu   sync.Mutex
	n    int
	prev int
}

// startupGC raises the collector's target for an open or a seed, unless
// GOGC is set in the environment, and returns its restore (idempotent).
func startupGC() (restore func()) {
	if os.Getenv("GOGC") != "" {
		return func() {}
	}
	startup.mu.Lock()
	if startup.n == 0 {
		startup.prev = debug.SetGCPercent(startupGCPercent)
	}
	startup.n++
	startup.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			startup.mu.Lock()
			defer startup.mu.Unlock()
			if startup.n--; startup.n == 0 {
				debug.SetGCPercent(startup.prev)
			}
		})
	}
}
