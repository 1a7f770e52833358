package mgmt

import (
	"syscall"
	"testing"
	"time"
)

// reportCPU adds cpu-ns/op to b's results: the process's CPU time (user
// and system, GC workers included) per operation from now to the end of
// the benchmark. On a machine shared with other work it moves far less
// than ns/op, which counts the time waited for a CPU too.
func reportCPU(b *testing.B) {
	b.Helper()
	start := cpuTime()
	b.Cleanup(func() {
		if b.N > 0 {
			b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
		}
	})
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
