package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// healthServer serves the default world with the given health facts, on a
// sandbox clock and a process clock of its own.
func healthServer(t *testing.T, clk clock.Clock, about Health) string {
	t.Helper()
	world, err := fixtures.Default(zeroReader{})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.OpenSeeded(context.Background(), "", world, clk, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := httptest.NewServer(NewServer(Options{Store: st, Clock: clk, Logger: log, Health: about}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestHealth(t *testing.T) {
	started := time.Date(2026, 11, 22, 9, 0, 0, 0, time.UTC)
	wall := clock.NewFake(started.Add(90*time.Second + 1500*time.Microsecond))
	frozen := clock.NewFake(day("10:15:00"))
	url := healthServer(t, frozen, Health{Version: "v0.1.0", Commit: "0480d4e", Fixtures: []string{"/fixtures/world.yaml"},
		DB: "/data/sandbox.db", Seeded: true, Started: started, Wall: wall})
	s := &sandbox{t: t, url: url}

	want := `{"status":"ready","version":"v0.1.0","commit":"0480d4e","apisonator":"3.4.3","uptime_s":90.002,` +
		`"fixtures":["/fixtures/world.yaml"],"db":{"path":"/data/sandbox.db","seeded":true},` +
		`"clock":{"now":"2026-11-22T10:15:00.000Z","frozen":true}}` + "\n"
	// For tools, not pages: no CORS headers, never cached.
	expect(t, "GET", s.get("/_sandbox/health"), 200, want, "Content-Type: application/json; charset=utf-8",
		"Cache-Control: no-store", "Access-Control-Allow-Origin:", "Content-Security-Policy:")
	expect(t, "HEAD", s.call(http.MethodHead, "/_sandbox/health", ""), 200, "", "Content-Type: application/json; charset=utf-8")

	// The process clock moves the uptime; the sandbox clock the "now".
	wall.Advance(10 * time.Second)
	frozen.Advance(time.Hour)
	expectIn(t, "later", s.get("/_sandbox/health").body, `"uptime_s":100.002,`, `"now":"2026-11-22T11:15:00.000Z"`)

	expect(t, "POST", s.form("/_sandbox/health", ""), 404,
		`{"error":"no control route POST /_sandbox/health (did you mean GET /_sandbox/health?); GET /_sandbox/openapi.yaml describes them"}`+"\n")
}

// In memory on the wall clock, with a stored state kept: a null path, no
// fixtures read, a clock that runs.
func TestHealthInMemoryRunningClock(t *testing.T) {
	before := time.Now().UTC()
	url := healthServer(t, clock.System{}, Health{Version: "devel", Started: before})
	r := (&sandbox{t: t, url: url}).get("/_sandbox/health")
	expectIn(t, "in memory", r.body, `{"status":"ready","version":"devel","commit":"","apisonator":"3.4.3","uptime_s":`,
		`,"fixtures":[],"db":{"path":null,"seeded":false},"clock":{"now":"`+before.Format("2006-01-02T"), `","frozen":false}}`)
}
