package mgmt

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The Service Management domain without HTTP, on an in-memory store: what
// usage values and timestamps cost on the hot path.

const benchWorld = `version: 1
providers:
  - name: B
    provider_key: pk
    services:
      - id: "1"
        name: S
        metrics: [{name: a, parent: hits}, {name: b, parent: a}]
        application_plans:
          - {name: P, limits: {hits: {day: 1000000000000, minute: 1000000000000}, a: {month: 1000000000000}, b: {eternity: 1000000000000}}}
    accounts:
      - org_name: D
        applications:
          - {name: A, service: "1", app_id: app, app_keys: [key]}
`

func benchBackend(b testing.TB) *Backend {
	b.Helper()
	ctx := context.Background()
	clk := clock.NewFake(time.Date(2026, 11, 22, 7, 26, 30, 0, time.UTC))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	w, err := fixtures.Parse("bench.yaml", []byte(benchWorld), bytes.NewReader(make([]byte, 4096)))
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.OpenSeeded(ctx, "", w, clk, log)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return New(st, clk, log)
}

const benchAuth = "provider_key=pk&service_id=1&app_id=app&app_key=key&usage%5Bb%5D=1&usage%5Bhits%5D=2"

func benchAuthEndpoint(b *testing.B, ep Endpoint, options string) {
	be := benchBackend(b)
	r := &Request{Method: "GET", RawQuery: benchAuth, Options: options, HasOptions: options != ""}
	b.ReportAllocs()
	reportCPU(b)
	for b.Loop() {
		if resp := be.Auth(context.Background(), ep, r); resp.Status != 200 {
			b.Fatalf("%d %s", resp.Status, resp.Body)
		}
	}
}

func BenchmarkAuthorize(b *testing.B) { benchAuthEndpoint(b, Authorize, "") }

func BenchmarkAuthorizeLimitHeaders(b *testing.B) { benchAuthEndpoint(b, Authorize, "limit_headers=1") }

func BenchmarkAuthrep(b *testing.B) { benchAuthEndpoint(b, Authrep, "") }

// benchReport reports 1000 transactions, each with the given timestamp
// ("" for none).
func benchReport(b *testing.B, ts string) {
	be := benchBackend(b)
	var body strings.Builder
	body.WriteString("provider_key=pk&service_id=1")
	for i := range 1000 {
		fmt.Fprintf(&body, "&transactions[%d][app_id]=app&transactions[%d][usage][b]=1", i, i)
		if ts != "" {
			fmt.Fprintf(&body, "&transactions[%d][timestamp]=%s", i, ts)
		}
	}
	r := &Request{Method: "POST", Body: []byte(body.String()), ContentType: "application/x-www-form-urlencoded"}
	b.ReportAllocs()
	reportCPU(b)
	for b.Loop() {
		if resp := be.Report(context.Background(), r); resp.Status != 202 {
			b.Fatalf("%d %s", resp.Status, resp.Body)
		}
	}
}

func BenchmarkReport1000(b *testing.B) { benchReport(b, "") }

func BenchmarkReport1000Unix(b *testing.B) { benchReport(b, "1795332390") }

func BenchmarkReport1000Zoned(b *testing.B) { benchReport(b, "2026-11-22%2009:26:30%20%2B0200") }
