package openapi_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/contracts/openapi"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/server"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// sandbox serves the default world on a loopback port.
func sandbox(t *testing.T) string {
	t.Helper()
	world, err := fixtures.Default(zeroReader{})
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.OpenSeeded(context.Background(), "", world, clk, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := httptest.NewServer(server.NewServer(server.Options{Store: st, Clock: clk, Logger: log}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// Requests of every operation, valid and not, sent to the real sandbox: the
// request's violations are exactly those listed, and every answer of the
// sandbox matches the description.
func TestLiveRequestsAndResponses(t *testing.T) {
	d, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	base := sandbox(t)
	const (
		echo   = "provider_key=acme-provider-key&app_id=echo-app-id&app_key=echo-app-key&referrer=www.example.com"
		form   = "application/x-www-form-urlencoded"
		report = "/transactions.xml"
	)
	tests := []struct {
		method, target, contentType, body, options string
		status                                     int
		violations                                 string
	}{
		{"GET", "/transactions/authorize.xml?" + echo + "&usage[hits]=1", "", "", "", 200, ""},
		{"GET", "/transactions/authorize.xml?" + echo, "", "", "hierarchy=1&list_app_keys=1&limit_headers=1", 200, ""},
		{"GET", "/transactions/authorize.xml?" + echo + "&usage[storage]=1", "", "", "rejection_reason_header=1&limit_headers=1", 409, ""},
		{"GET", "/transactions/authorize.xml?" + echo, "", "", "no_body=1", 200, ""},
		{"HEAD", "/transactions/authorize.xml?" + echo, "", "", "", 200, ""},
		{"GET", "/transactions/authrep.xml?" + echo + "&usage[search]=2&log[code]=200", "", "", "", 200, ""},
		{"GET", "/transactions/authrep.xml?service_token=legacy-service-token&service_id=2555417735002&user_key=legacy-user-key", "", "", "", 200, ""},
		{"GET", "/transactions/oauth_authorize.xml?provider_key=acme-provider-key&service_id=2555417735003&app_id=oauth-app-id&redirect_uri=https://dev.example.com/callback", "", "", "", 200, ""},
		{"GET", "/transactions/oauth_authrep.xml?provider_key=acme-provider-key&service_id=2555417735003&app_id=oauth-app-id&app_key=oauth-secret&usage[hits]=1", "", "", "", 200, ""},
		{"GET", "/transactions/oauth_authorize.xml?provider_key=acme-provider-key&app_id=echo-app-id", "", "", "", 409, ""},
		{"GET", "/transactions/authorize.xml?provider_key=acme-provider-key&app_id=nope", "", "", "", 404, ""},
		{"POST", report, form, "provider_key=acme-provider-key&transactions[0][app_id]=echo-app-id&transactions[0][usage][hits]=1&transactions[0][timestamp]=2026-11-22%2010:00:00", "", 202, ""},
		{"POST", report + "?provider_key=acme-provider-key&service_id=2555417735002&transactions[0][user_key]=legacy-user-key&transactions[0][usage][hits]=1", "", "", "", 202, ""},
		{"POST", report, "multipart/form-data; boundary=XX",
			"--XX\r\nContent-Disposition: form-data; name=\"provider_key\"\r\n\r\nacme-provider-key\r\n--XX\r\nContent-Disposition: form-data; name=\"transactions[0][app_id]\"\r\n\r\necho-app-id\r\n--XX--\r\n", "", 202, ""},
		{"GET", "/check.txt", "", "", "", 200, ""},
		{"GET", "/status", "", "", "", 200, ""},
		{"HEAD", "/available", "", "", "", 200, ""},
		{"GET", "/internal/services/2555417735001/errors/?per_page=5", "", "", "", 200, ""},
		{"DELETE", "/internal/services/2555417735001/errors/", "", "", "", 200, ""},
		{"GET", "/internal/services/nope/errors/", "", "", "", 404, ""},
		{"OPTIONS", "/anything", "", "", "", 204, ""},

		{"GET", "/transactions/authorize.xml?app_id=echo-app-id", "", "", "", 403,
			"credentials: provider_key, or service_id and service_token, required"},
		{"GET", "/transactions/authorize.xml?service_token=echo-service-token&app_id=echo-app-id", "", "", "", 422,
			"credentials: provider_key, or service_id and service_token, required"},
		{"GET", "/transactions/authorize.xml?provider_key=&service_token=echo-service-token&service_id=2555417735001&app_id=echo-app-id", "", "", "", 409,
			`query parameter "provider_key": empty value`},
		{"GET", "/transactions/authorize.xml?" + echo + "&usage[hits]=-1", "", "", "", 403,
			`query parameter "usage": /hits: string doesn't match the regular expression "^\s*#?\d+\s*$"`},
		{"GET", "/transactions/authorize.xml?" + echo + "&usage=5", "", "", "", 403, `query parameter "usage": value must be an object`},
		{"GET", "/transactions/authorize.xml?provider_key=acme-provider-key&app_id[x]=1", "", "", "", 404, `query parameter "app_id": value must be a string`},
		{"GET", "/transactions/authorize.xml?" + echo + "&user_id=u", "", "", "", 400,
			`query parameter "user_id": not allowed: end users are no longer supported (the backend answers 400 end_users_no_longer_supported)`},
		{"GET", "/transactions/authorize.xml?" + echo + "&x=1%", "", "", "", 400, "query string: invalid %-encoding (1%)"},
		{"GET", "/transactions/authorize.xml?" + echo + "&x=%ff", "", "", "", 422, "query string: not valid UTF-8"},
		{"GET", "/transactions/authrep.xml?" + echo + "&log[code]=OK", "", "", "", 200, `query parameter "log": /code: string doesn't match the regular expression "^\d{3}$"`},
		{"GET", "/transactions/oauth_authorize.xml?provider_key=acme-provider-key&service_id=2555417735003", "", "", "", 404, `query parameter "app_id": required`},
		{"GET", "/transactions/authorize.xml?" + echo, "", "", "no_body", 200, ""},
		{"POST", report, "application/json", `{"provider_key":"acme-provider-key"}`, "", 400,
			`request body: Content-Type "application/json" is not one of application/x-www-form-urlencoded, multipart/form-data`},
		{"POST", report, form, "provider_key=acme-provider-key", "", 400, `request body: /transactions: property "transactions" is missing`},
		{"POST", report, form, "provider_key=acme-provider-key&transactions[0][app_id]=echo-app-id&transactions[0][user_key]=k", "", 202,
			"request body: /transactions/0: does not match (not): One transaction; `app_id` or `user_key`, not both."},
		{"POST", report, form, "provider_key=acme-provider-key&transactions[0][app_id]=echo-app-id&transactions[0][usage][hits]=x", "", 202,
			`request body: /transactions/0/usage/hits: string doesn't match the regular expression "^\s*#?\d+\s*$"`},
		{"POST", report, form, "transactions[0][app_id]=echo-app-id", "", 403, "credentials: provider_key, or service_id and service_token, required"},
		{"GET", "/nope", "", "", "", 404, "no operation for GET /nope"},
		{"GET", report, "", "", "", 404, "GET is not an operation of /transactions.xml"},
		{"POST", "/transactions/authorize.xml", "", "", "", 404, "POST is not an operation of /transactions/authorize.xml"},
	}
	for _, tt := range tests {
		req, err := http.NewRequest(tt.method, base+tt.target, strings.NewReader(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		if tt.contentType != "" {
			req.Header["content-type"] = []string{tt.contentType} // as a client may write it
		}
		if tt.options != "" {
			req.Header.Set("3scale-options", tt.options)
		}
		name := tt.method + " " + tt.target
		got := ""
		if err := d.CheckRequest(req, []byte(tt.body)); err != nil {
			got = err.Error()
		}
		if got != tt.violations {
			t.Errorf("%s: request violations\n got: %s\nwant: %s", name, got, tt.violations)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != tt.status {
			t.Errorf("%s: status %d, want %d", name, resp.StatusCode, tt.status)
		}
		if err := d.CheckResponse(req, resp.StatusCode, resp.Header, body); err != nil {
			t.Errorf("%s: the sandbox's answer violates the description: %v\n%s", name, err, body)
		}
	}
}
