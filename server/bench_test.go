package server

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/benchworld"
	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/journal"
)

var benchNow = time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)

// benchHandler is the real handler on a world of n applications, in memory
// or (onDisk) on a SQLite file in WAL mode, where authrep and report pay
// for their durable commits.
func benchHandler(b *testing.B, n int, onDisk bool) http.Handler {
	b.Helper()
	w, err := fixtures.Parse("bench.yaml", []byte(benchworld.YAML(n)), zeroReader{})
	if err != nil {
		b.Fatal(err)
	}
	path := ""
	if onDisk {
		path = filepath.Join(b.TempDir(), "bench.db")
	}
	_, h := seeded(b, path, w, clock.NewFake(benchNow))
	return h
}

// benchGet sends GETs from as many clients as the load command uses; path
// gives the URL of the i-th request of a client.
func benchGet(b *testing.B, h http.Handler, path func(rnd *rand.Rand) string) {
	b.ReportAllocs()
	b.SetParallelism(16)
	var seed atomic.Uint64
	b.ResetTimer()
	reportCPU(b)
	b.RunParallel(func(pb *testing.PB) {
		rnd := rand.New(rand.NewPCG(seed.Add(1), 0))
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", path(rnd), nil))
			if rec.Code != 200 {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	})
}

func appQuery(i int) string {
	return fmt.Sprintf("?provider_key=bench-key&service_id=1&app_id=app-%d&app_key=key-%d&usage%%5Bsearch%%5D=1", i, i)
}

func hot(endpoint string) func(*rand.Rand) string {
	url := "/transactions/" + endpoint + ".xml" + appQuery(1)
	return func(*rand.Rand) string { return url }
}

func random(endpoint string, n int) func(*rand.Rand) string {
	urls := make([]string, n)
	for i := range urls {
		urls[i] = "/transactions/" + endpoint + ".xml" + appQuery(i+1)
	}
	return func(rnd *rand.Rand) string { return urls[rnd.IntN(n)] }
}

func BenchmarkAuthorize(b *testing.B) {
	benchGet(b, benchHandler(b, 1, false), hot("authorize"))
}

// Authrep over one hot application, in memory and on a file; on a file,
// concurrent authreps share group commits.
func BenchmarkAuthrep(b *testing.B) {
	for _, mode := range []string{"memory", "file"} {
		h := benchHandler(b, 1, mode == "file") // once: a parent benchmark runs once
		b.Run(mode, func(b *testing.B) { benchGet(b, h, hot("authrep")) })
	}
}

// Authrep over a random application of 10,000 per request: most are an
// application's first traffic of the day.
func BenchmarkAuthrepRandom(b *testing.B) {
	for _, mode := range []string{"memory", "file"} {
		h := benchHandler(b, 10000, mode == "file")
		b.Run(mode, func(b *testing.B) { benchGet(b, h, random("authrep", 10000)) })
	}
}

func BenchmarkReport1000(b *testing.B) {
	h := benchHandler(b, 1, true)
	var body strings.Builder
	body.WriteString("provider_key=bench-key&service_id=1")
	for i := range 1000 {
		fmt.Fprintf(&body, "&transactions[%d][app_id]=app-1&transactions[%d][usage][search]=1", i, i)
	}
	b.ReportAllocs()
	reportCPU(b)
	for b.Loop() {
		req := httptest.NewRequest("POST", "/transactions.xml", strings.NewReader(body.String()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 202 {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
}

// BenchmarkAMUpdateAccount is one Account Management API write, a durable
// commit on a file, in worlds of apps applications; and in memory, where
// the database is a temporary one spilled to a file past its cache.
func BenchmarkAMUpdateAccount(b *testing.B) {
	for _, c := range []struct {
		where string
		apps  int
	}{{"file", 1}, {"file", 1000}, {"file", 10000}, {"memory", 1}, {"memory", 10000}} {
		h := benchHandler(b, c.apps, c.where == "file")
		b.Run(fmt.Sprintf("%s/apps=%d", c.where, c.apps), func(b *testing.B) {
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				req := httptest.NewRequest("PUT", "/admin/api/accounts/1.xml",
					strings.NewReader(fmt.Sprintf("provider_key=bench-key&org_name=Bench+%d", i)))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// controlHandler is the real handler on the default world, in memory or
// on a file, with snapshots beside the file.
func controlHandler(b *testing.B, onDisk bool) http.Handler {
	b.Helper()
	w, err := fixtures.Default(zeroReader{})
	if err != nil {
		b.Fatal(err)
	}
	path := ""
	if onDisk {
		path = filepath.Join(b.TempDir(), "bench.db")
	}
	_, h := seededWith(b, path, w, clock.NewFrozenControl(benchNow), func(o *Options) {
		if onDisk {
			o.SnapshotDir = path + ".snapshots"
		}
	})
	return h
}

func benchControl(b *testing.B, h http.Handler, method, path, body string, want int) {
	b.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != want {
		b.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
}

// BenchmarkControls times reset, snapshot and restore of the default
// world (issue 12: under 50 ms, "instant"), in memory and on a file.
func BenchmarkControls(b *testing.B) {
	for _, onDisk := range []bool{false, true} {
		where := map[bool]string{false: "memory", true: "file"}[onDisk]
		b.Run("reset/"+where, func(b *testing.B) {
			h := controlHandler(b, onDisk)
			for b.Loop() {
				benchControl(b, h, "POST", "/_sandbox/reset", "", 200)
			}
		})
		b.Run("snapshot/"+where, func(b *testing.B) {
			h := controlHandler(b, onDisk)
			for b.Loop() {
				benchControl(b, h, "POST", "/_sandbox/snapshots", `{"name":"s"}`, 201)
			}
		})
		b.Run("restore/"+where, func(b *testing.B) {
			h := controlHandler(b, onDisk)
			benchControl(b, h, "POST", "/_sandbox/snapshots", `{"name":"s"}`, 201)
			for b.Loop() {
				benchControl(b, h, "POST", "/_sandbox/snapshots/s/restore", "", 200)
			}
		})
	}
}

// BenchmarkResetLarge times a reset of a generated world of 10,000
// applications: in memory its database is written to a temporary file and
// restored from it.
func BenchmarkResetLarge(b *testing.B) {
	w, err := fixtures.Parse("bench.yaml", []byte(benchworld.YAML(10000)), zeroReader{})
	if err != nil {
		b.Fatal(err)
	}
	for _, onDisk := range []bool{false, true} {
		b.Run(map[bool]string{false: "memory", true: "file"}[onDisk], func(b *testing.B) {
			path := ""
			if onDisk {
				path = filepath.Join(b.TempDir(), "bench.db")
			}
			_, h := seeded(b, path, w, clock.NewFrozenControl(benchNow))
			for b.Loop() {
				benchControl(b, h, "POST", "/_sandbox/reset", "", 200)
			}
		})
	}
}

// BenchmarkWorld times making an isolated world of the default fixture
// (issue 12: under 20 ms) beside none or ten others; each is dropped
// again, untimed, so that every one is made on the same state.
func BenchmarkWorld(b *testing.B) {
	for _, onDisk := range []bool{false, true} {
		for _, others := range []int{0, 10} {
			b.Run(fmt.Sprintf("%s/others=%d", map[bool]string{false: "memory", true: "file"}[onDisk], others), func(b *testing.B) {
				h := controlHandler(b, onDisk)
				for range others {
					benchControl(b, h, "POST", "/_sandbox/worlds", "", 201)
				}
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					req := httptest.NewRequest("POST", "/_sandbox/worlds", nil)
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != 201 {
						b.Fatalf("%d %s", rec.Code, rec.Body)
					}
					b.StopTimer()
					id := rec.Body.String()[len(`{"id":"`):][:10]
					benchControl(b, h, "DELETE", "/_sandbox/worlds/"+id, "", 204)
					b.StartTimer()
				}
			})
		}
	}
}

// BenchmarkAuthrepJournal is authrep's cost with and without the journal
// and the request log line, on a file (as BenchmarkAuthrep) and in memory.
func BenchmarkAuthrepJournal(b *testing.B) {
	w, err := fixtures.Parse("bench.yaml", []byte(benchworld.YAML(1)), zeroReader{})
	if err != nil {
		b.Fatal(err)
	}
	for _, where := range []string{"file", "memory"} {
		for _, c := range []struct {
			name    string
			journal int
			level   slog.Level
		}{
			{"journal-off,log-warn", 0, slog.LevelWarn},
			{"journal-on,log-warn", DefaultJournalSize, slog.LevelWarn},
			{"journal-on,log-info", DefaultJournalSize, slog.LevelInfo},
		} {
			b.Run(where+"/"+c.name, func(b *testing.B) {
				path := ""
				if where == "file" {
					path = filepath.Join(b.TempDir(), "bench.db")
				}
				_, h := seededWith(b, path, w, clock.NewFrozenControl(benchNow), func(o *Options) {
					o.Journal = journal.New(c.journal)
					o.Logger = slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: c.level}))
				})
				benchGet(b, h, hot("authrep"))
			})
		}
	}
}

// BenchmarkAuthrepOpenLoop is the tail of a durable authrep at a fixed rate
// (2,000 a second, about half of its peak here), each request timed from its
// scheduled send, as cmd/loadtest's open loop but without HTTP: over the hot
// application, then over a random one of 10,000. It reports p50 and p99.
func BenchmarkAuthrepOpenLoop(b *testing.B) {
	const rate = 2000
	for _, c := range []struct {
		name string
		apps int
		path func(endpoint string) func(*rand.Rand) string
	}{
		{"hot", 1, hot},
		{"random", 10000, func(ep string) func(*rand.Rand) string { return random(ep, 10000) }},
	} {
		h := benchHandler(b, c.apps, true)
		b.Run(c.name, func(b *testing.B) {
			path := c.path("authrep")
			rnd := rand.New(rand.NewPCG(1, 2))
			urls := make([]string, b.N)
			for i := range urls {
				urls[i] = path(rnd)
			}
			lat := make([]time.Duration, b.N)
			interval := time.Second / rate
			var wg sync.WaitGroup
			b.ResetTimer()
			begin := time.Now()
			for i := range b.N {
				at := begin.Add(time.Duration(i) * interval)
				time.Sleep(time.Until(at))
				wg.Add(1)
				go func() {
					defer wg.Done()
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, httptest.NewRequest("GET", urls[i], nil))
					if rec.Code != 200 {
						b.Errorf("%d %s", rec.Code, rec.Body)
					}
					lat[i] = time.Since(at)
				}()
			}
			wg.Wait()
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms")
		})
	}
}
