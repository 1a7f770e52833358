package mgmt

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

const fuzzWorld = `version: 1
providers:
  - name: F
    provider_key: pk
    services:
      - id: "1"
        name: S
        service_tokens: [tok]
        metrics: [{name: a, parent: hits}, {name: b, parent: a}]
        application_plans:
          - {name: P, limits: {hits: {day: 100, minute: 10}, b: {eternity: 0}}}
      - id: "2"
        name: U
        backend_version: "1"
        application_plans: [{name: P}]
    accounts:
      - org_name: D
        applications:
          - {name: A, service: "1", app_id: app, app_keys: [key], referrer_filters: ["*.x"]}
          - {name: B, service: "2", app_id: ukapp, user_key: uk}
`

// FuzzRequest sends arbitrary parameters, options and bodies to every
// endpoint: the answer is always one of apisonator's statuses with an XML
// document or no body, never a panic or a 500.
func FuzzRequest(f *testing.F) {
	ctx := context.Background()
	clk := clock.NewFake(time.Date(2026, 11, 22, 7, 26, 30, 0, time.UTC))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	w, err := fixtures.Parse("fuzz.yaml", []byte(fuzzWorld), bytes.NewReader(make([]byte, 4096)))
	if err != nil {
		f.Fatal(err)
	}
	st, err := store.OpenSeeded(ctx, "", w, clk, log)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { st.Close() })
	b := New(st, clk, log)

	f.Add(uint8(1), "provider_key=pk&app_id=app&app_key=key&referrer=a.x&usage[hits]=1&usage[b]=%230", "", "")
	f.Add(uint8(0), "service_token=tok&service_id=1&app_id=app&usage[a]=#3", "limit_headers=1&hierarchy=1", "")
	f.Add(uint8(3), "provider_key=pk&service_id=2&user_key=uk&usage[hits]=1&redirect_url=x", "no_body=1", "")
	f.Add(uint8(4), "", "", "provider_key=pk&transactions[0][app_id]=app&transactions[0][usage][a]=2&transactions[0][timestamp]=2026-11-22")
	f.Add(uint8(4), "provider_key=pk", "flat_usage=1", "transactions[0][user_key]=uk&transactions[1]&transactions[2][usage]=1")
	f.Add(uint8(1), "provider_key=pk&app_id=app&app_key=key&usage[b]=99999999999999999999&usage[a]=%239223372036854775808", "limit_headers=1&flat_usage=1", "")
	f.Add(uint8(4), "provider_key=pk", "", "transactions[0][app_id]=app&transactions[0][usage][a]=99999999999999999999&transactions[0][timestamp]=Sun Nov 22 07:00:00 2026 CET&transactions[1][app_id]=app&transactions[1][usage][hits]=%2399999999999999999999&transactions[1][timestamp][]=2026-11-22")
	f.Fuzz(func(t *testing.T, which uint8, query, options, body string) {
		r := &Request{Method: "GET", RawQuery: query, Options: options, HasOptions: options != ""}
		var resp *Response
		if which%5 == 4 {
			r.Method, r.Body, r.ContentType = "POST", []byte(body), formURLEncoded
			resp = b.Report(ctx, r)
		} else {
			resp = b.Auth(ctx, Endpoint(which%5), r)
		}
		switch resp.Status {
		case 200, 202, 400, 403, 404, 409, 422:
		default:
			t.Fatalf("status %d for %q", resp.Status, query)
		}
		if len(resp.Body) > 0 && !bytes.HasPrefix(resp.Body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
			t.Fatalf("body %q", resp.Body)
		}
	})
}
