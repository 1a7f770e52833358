package server

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/journal"
)

// benchWorld has limits high enough never to deny.
const benchWorld = `version: 1
providers:
  - name: Bench
    provider_key: bench-key
    services:
      - id: "1"
        name: Bench API
        metrics: [{name: search, parent: hits}]
        application_plans:
          - {name: Big, limits: {hits: {day: 1000000000000, minute: 1000000000000}, search: {month: 1000000000000}}}
    accounts:
      - org_name: Bench
        applications:
          - {name: App, app_id: bench-app, app_keys: [bench-key-1]}
`

// benchHandler is the real handler on a SQLite file in WAL mode, so that
// authrep and report pay for their durable commits.
func benchHandler(b *testing.B) http.Handler {
	b.Helper()
	w, err := fixtures.Parse("bench.yaml", []byte(benchWorld), zeroReader{})
	if err != nil {
		b.Fatal(err)
	}
	_, h := seeded(b, filepath.Join(b.TempDir(), "bench.db"), w, clock.NewFake(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)))
	return h
}

func benchGet(b *testing.B, h http.Handler, path string) {
	b.ReportAllocs()
	b.SetParallelism(16) // as many clients as the load command uses
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			if rec.Code != 200 {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	})
}

const benchQuery = "?provider_key=bench-key&service_id=1&app_id=bench-app&app_key=bench-key-1&usage%5Bsearch%5D=1"

func BenchmarkAuthorize(b *testing.B) {
	benchGet(b, benchHandler(b), "/transactions/authorize.xml"+benchQuery)
}

// Concurrent authreps share group commits.
func BenchmarkAuthrep(b *testing.B) {
	benchGet(b, benchHandler(b), "/transactions/authrep.xml"+benchQuery)
}

func BenchmarkReport1000(b *testing.B) {
	h := benchHandler(b)
	var body strings.Builder
	body.WriteString("provider_key=bench-key&service_id=1")
	for i := range 1000 {
		fmt.Fprintf(&body, "&transactions[%d][app_id]=bench-app&transactions[%d][usage][search]=1", i, i)
	}
	b.ReportAllocs()
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

// BenchmarkAMUpdateAccount is one Account Management API write: a durable
// commit that rebuilds the catalog, in a world of apps applications.
func BenchmarkAMUpdateAccount(b *testing.B) {
	for _, apps := range []int{1, 1000} {
		b.Run(fmt.Sprintf("apps=%d", apps), func(b *testing.B) {
			var y strings.Builder
			y.WriteString(benchWorld)
			for i := 1; i < apps; i++ {
				fmt.Fprintf(&y, "          - {name: App %d, app_id: app-%d, app_keys: [key-%d]}\n", i, i, i)
			}
			w, err := fixtures.Parse("bench.yaml", []byte(y.String()), zeroReader{})
			if err != nil {
				b.Fatal(err)
			}
			_, h := seeded(b, filepath.Join(b.TempDir(), "bench.db"), w, clock.NewFake(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)))
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
	_, h := seededWith(b, path, w, clock.NewFrozenControl(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)), func(o *Options) {
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
	w, err := fixtures.Parse("bench.yaml", []byte(benchWorld), zeroReader{})
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
				_, h := seededWith(b, path, w, clock.NewFrozenControl(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)), func(o *Options) {
					o.Journal = journal.New(c.journal)
					o.Logger = slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: c.level}))
				})
				benchGet(b, h, "/transactions/authrep.xml"+benchQuery)
			})
		}
	}
}
