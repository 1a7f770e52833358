package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/benchworld"
	"github.com/threescale-sandbox/threescale-sandbox/clock"
)

var heapProfile = flag.String("heapprofile", "", "BenchmarkLiveHeap: write the heap profile of the served world here")

// BenchmarkLiveHeap is the live heap of a sandbox served from a fixture of
// 100,000 applications (as serve opens it) after an authrep of each: what
// stays resident, at least, once an idle sandbox hands its free heap back.
// Run it with -benchtime 1x; -heapprofile writes where it goes.
func BenchmarkLiveHeap(b *testing.B) {
	const n = 100_000
	fixture := filepath.Join(b.TempDir(), "world.yaml")
	if err := os.WriteFile(fixture, []byte(benchworld.YAML(n)), 0o644); err != nil {
		b.Fatal(err)
	}
	for range b.N {
		stop, h, seed := benchServe(b, &serveConfig{fixtures: listFlag{fixture}})
		// What serve hands back after start-up: the decoded fixtures,
		// once packed, and the baseline, once stored and spilled.
		<-seed.fixtures.Packed()
		if seed.seeding != nil {
			<-seed.seeding.Done()
		}
		for i := 1; i <= n; i++ {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", "/transactions/authrep.xml?"+benchworld.Query(i), nil))
			if rec.Code != 200 {
				b.Fatalf("authrep %d: %d %s", i, rec.Code, rec.Body)
			}
		}
		runtime.GC()
		runtime.GC()
		live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		metrics.Read(live)
		b.ReportMetric(float64(live[0].Value.Uint64())/1e6, "live-MB")
		b.ReportMetric(float64(live[0].Value.Uint64())/n, "live-B/app")
		if *heapProfile != "" {
			f, err := os.Create(*heapProfile + "." + strconv.Itoa(b.N))
			if err != nil {
				b.Fatal(err)
			}
			if err := pprof.WriteHeapProfile(f); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
		runtime.KeepAlive(h)
		stop()
	}
}

// Once the fixtures' baseline is spilled to its file, the seeding that
// made it keeps no copy in the heap (the seeding lives as long as serve).
func TestSpilledBaselineLeavesTheHeap(t *testing.T) {
	fixture := filepath.Join(t.TempDir(), "world.yaml")
	if err := os.WriteFile(fixture, []byte(benchworld.YAML(10)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, seed, err := openStore(ctx, &serveConfig{fixtures: listFlag{fixture}}, clock.NewControl(), log)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	defer seed.baseline.close()
	<-seed.seeding.Done()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(time.Millisecond) {
		seed.baseline.mu.Lock()
		spilled := seed.baseline.spill != nil
		seed.baseline.mu.Unlock()
		if spilled {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the baseline was not spilled")
		}
	}
	if seed.seeding.Baseline() != nil {
		t.Error("the seeding still holds the spilled baseline")
	}
	if st, err := seed.baseline.load(ctx); err != nil || st == nil || len(st.DB) == 0 {
		t.Errorf("the baseline read back from its file: %v, %v", st, err)
	}
}
