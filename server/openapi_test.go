package server

import (
	"bytes"
	"log/slog"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/contracts/openapi"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
)

// syncBuffer is a log sink the server's goroutines may share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestOpenAPIDocument(t *testing.T) {
	s := specSandbox(t)
	r := s.get("/openapi.yaml")
	expect(t, "GET /openapi.yaml", r, 200, string(openapi.YAML()),
		"Content-Type: application/yaml", "Access-Control-Allow-Origin: *")
	expect(t, "HEAD /openapi.yaml", s.call("HEAD", "/openapi.yaml", ""), 200, "", "Content-Type: application/yaml")
}

// With a validator, each violating request is logged with its violations,
// answered as usual, and a valid request logs nothing.
func TestValidateLogsViolations(t *testing.T) {
	world, err := fixtures.Load([]string{"testdata/spec.yaml"}, zeroReader{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := openapi.Load()
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	// Warnings only: the request lines at info are TestRequestLog's.
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	clk := clock.NewFake(day("10:15:00"))
	st, _ := seeded(t, "", world, clk)
	srv := httptest.NewServer(NewServer(Options{Store: st, Clock: clk, Logger: log, Validator: d}))
	t.Cleanup(srv.Close)
	s := &sandbox{t: t, url: srv.URL}

	expect(t, "valid", s.get(auth), 200, status("", treePlan, tree(0, 0, 0, 0)))
	if got := logs.String(); got != "" {
		t.Errorf("a valid request logged: %s", got)
	}
	expect(t, "negative usage", s.get(auth+"&usage[hits]=-1"), 403, errDoc("usage_value_invalid", `usage value "-1" for metric "hits" is invalid`))
	expect(t, "report body", s.form("/transactions.xml", "provider_key=spk&transactions[0][app_id]=tree&transactions[0][usage][hits]=x"), 202, "")
	expect(t, "unknown path", s.get("/nope"), 404, "")
	got := logs.String()
	for _, want := range []string{
		`level=WARN msg="request violates the OpenAPI description" method=GET path=/transactions/authorize.xml query="provider_key=spk&service_id=2001&app_id=tree&app_key=k1&usage[hits]=-1" violations="query parameter \"usage\": /hits: string doesn't match the regular expression \"^\\s*#?\\d+\\s*$\""`,
		`method=POST path=/transactions.xml query="" violations="request body: /transactions/0/usage/hits: string doesn't match the regular expression \"^\\s*#?\\d+\\s*$\""`,
		`method=GET path=/nope query="" violations="no operation for GET /nope"`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("want in the log:\n%s\ngot:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "\n"); n != 3 {
		t.Errorf("%d log lines, want 3:\n%s", n, got)
	}
}
