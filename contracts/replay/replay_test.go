package replay_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/contracts"
	"github.com/threescale-sandbox/threescale-sandbox/contracts/example"
	"github.com/threescale-sandbox/threescale-sandbox/contracts/openapi"
	"github.com/threescale-sandbox/threescale-sandbox/contracts/replay"
	"github.com/threescale-sandbox/threescale-sandbox/contracts/report"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/server"
	"github.com/threescale-sandbox/threescale-sandbox/store"
	"github.com/threescale-sandbox/threescale-sandbox/webhook"
)

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// sunday is the default contract time.
var sunday = time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)

// sandbox is the real handler on the contracts' world, at sunday.
func sandbox(t *testing.T, set *contracts.Set) (http.Handler, *clock.Fake) {
	t.Helper()
	world, err := fixtures.Parse("world.yaml", set.World, zeroReader{})
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFake(sunday)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.OpenSeeded(context.Background(), "", world, clk, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	// Webhooks are delivered, for the examples that read them at the
	// receiver.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		webhook.New(webhook.Options{Store: st, Clock: clk, Logger: log}).Run(ctx)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return server.NewServer(server.Options{Store: st, Clock: clk, Logger: log}), clk
}

func load(t *testing.T) (*contracts.Set, *openapi.Description) {
	t.Helper()
	set, err := contracts.Load(contracts.Embedded(), "contracts/")
	if err != nil {
		t.Fatal(err)
	}
	d, err := openapi.LoadAll()
	if err != nil {
		t.Fatal(err)
	}
	return set, d
}

func run(t *testing.T, files []*example.File, h http.Handler, clk clock.Clock, o replay.Options) *replay.Summary {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	receiver := httptest.NewServer(&replay.Receiver{})
	t.Cleanup(receiver.Close)
	sum, err := replay.Run(context.Background(), files, replay.Target{URL: srv.URL, Client: srv.Client(), Clock: clk,
		Receiver: receiver.URL}, o)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// Every documented example passes against the sandbox, and each endpoint
// of the API has its examples.
func TestContractsPassAgainstTheSandbox(t *testing.T) {
	set, d := load(t)
	h, clk := sandbox(t, set)
	sum := run(t, set.Files, h, clk, replay.Options{OpenAPI: d, Vars: set.Vars})
	for _, r := range sum.Results {
		if r.Status != replay.Passed {
			var b bytes.Buffer
			report.Failure(&b, r)
			t.Error(b.String())
		}
	}
	if sum.Passed != set.Examples() || sum.Failed != 0 {
		t.Errorf("%d passed, %d failed of %d", sum.Passed, sum.Failed, set.Examples())
	}
	min := map[string]int{"authorize": 100, "authrep": 20, "oauth_authorize": 20, "oauth_authrep": 5, "report": 50,
		"check": 1, "status": 1, "available": 1, "options": 2, "unknown_route": 5, "list_errors": 1, "delete_errors": 1, "openapi": 1}
	for _, e := range sum.Endpoints {
		if e.Examples < min[e.Name] {
			t.Errorf("endpoint %s: %d examples, want at least %d", e.Name, e.Examples, min[e.Name])
		}
		delete(min, e.Name)
	}
	for name := range min {
		t.Errorf("no examples for endpoint %s", name)
	}
	// Every operation of the Account Management API has examples, and so
	// do webhook deliveries.
	am, err := openapi.LoadAccountManagement()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, e := range sum.Endpoints {
		have[e.Name] = true
	}
	for _, op := range append(am.Operations(), "webhook_delivery") {
		if !have[op] {
			t.Errorf("no examples for %s", op)
		}
	}
	// Every example says where its behaviour is documented.
	for _, f := range set.Files {
		for _, e := range f.Examples {
			if e.Source == "" {
				t.Errorf("%s: no @source", e.FullName())
			}
		}
	}
}

// wrong wraps the sandbox and alters what it answers to some requests.
func wrong(h http.Handler, alter func(r *http.Request, status int, header http.Header, body []byte) (int, []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		status, body := alter(r, rec.Code, rec.Header(), rec.Body.Bytes())
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		w.Write(body)
	})
}

// Against an endpoint that answers wrongly, the run fails and says exactly
// what differs; the JUnit report parses and carries the failures.
func TestWrongEndpoint(t *testing.T) {
	set, d := load(t)
	h, clk := sandbox(t, set)
	double := wrong(h, func(r *http.Request, status int, header http.Header, body []byte) (int, []byte) {
		q := r.URL.RawQuery
		switch {
		case strings.Contains(q, "app_id=php-app-1") && strings.HasSuffix(q, "app_key=php-key-1"):
			// The second usage report's current value, one too many.
			day := []byte(`<usage_report metric="hits" period="day"><period_start>2026-11-22 00:00:00 +0000</period_start><period_end>2026-11-23 00:00:00 +0000</period_end><max_value>10000</max_value><current_value>4<`)
			return status, bytes.Replace(body, day, append(day[:len(day)-2:len(day)-2], "5<"...), 1)
		case strings.Contains(q, "app_id=no-such-app"):
			return 403, body // the wrong status
		case strings.Contains(q, "usage%5Bmetric1%5D=101"):
			delete(header, "3scale-rejection-reason") // a header missing (set as Rack writes it)
			return status, body
		}
		return status, body
	})
	sum := run(t, set.Files, double, clk, replay.Options{OpenAPI: d, Vars: set.Vars, Run: regexp.MustCompile(`/seeds/php/`)})
	got := map[string][]string{}
	for _, r := range sum.Results {
		if r.Status == replay.Failed {
			got[r.Name] = r.Problems
		}
	}
	want := map[string][]string{
		"both reports are counted": {
			"/status/usage_reports/usage_report[2]/current_value: want 4, got 5",
		},
		"authorize an application that does not exist": {
			"OpenAPI: the response violates the description: response body doesn't match schema #/components/schemas/Error403: /code: value is not one of the allowed values " +
				`["provider_key_invalid","provider_key_invalid_or_service_missing","provider_key_or_service_token_required","service_token_invalid","service_id_invalid","user_key_invalid","authentication_error","usage_value_invalid"]`,
			"status: want 404, got 403",
		},
		"authorize over the usage limits": {
			"header 3scale-rejection-reason: want limits_exceeded, got nothing",
		},
	}
	for name, w := range want {
		if strings.Join(got[name], "\n") != strings.Join(w, "\n") {
			t.Errorf("%s:\n got: %q\nwant: %q", name, got[name], w)
		}
	}
	if len(got) != len(want) || sum.Failed != 3 || sum.Passed != 7 {
		t.Errorf("%d passed, %d failed: %v", sum.Passed, sum.Failed, got)
	}

	var buf bytes.Buffer
	if err := report.JUnit(&buf, sum); err != nil {
		t.Fatal(err)
	}
	var junit struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &junit); err != nil {
		t.Fatalf("the JUnit report does not parse: %v\n%s", err, buf.Bytes())
	}
	if junit.Tests != 10 || junit.Failures != 3 || len(junit.Suites) != 2 || junit.Suites[0].Name != "authorize" || junit.Suites[0].Failures != 3 || junit.Suites[1].Name != "report" {
		t.Errorf("JUnit report: %+v", junit)
	}
	found := false
	for _, c := range junit.Suites[0].Cases {
		if c.Name == "seeds/php/both reports are counted" {
			found = c.Failure != nil && c.Failure.Message == "/status/usage_reports/usage_report[2]/current_value: want 4, got 5" &&
				strings.Contains(c.Failure.Text, "GET /transactions/authorize.xml?provider_key=contract-provider-key&app_id=php-app-1&app_key=php-key-1")
		}
	}
	if !found {
		t.Errorf("JUnit: no failure with the difference and the request in %s", buf.Bytes())
	}
}

func parse(t *testing.T, text string) *example.File {
	t.Helper()
	f, err := example.Parse("t.txt", "t", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// A request that violates the OpenAPI description is reported, unless the
// example declares it; a declaration that no longer holds is reported too.
func TestOpenAPIViolationsAreReported(t *testing.T) {
	set, d := load(t)
	h, clk := sandbox(t, set)
	f := parse(t, `=== undeclared
GET /transactions/authorize.xml?provider_key={{provider_key}}&app_id={{tree_app_id}}&app_key={{tree_app_key}}&usage%5Bhits%5D=-1
HTTP 403
`+"```xml"+`
<error code="usage_value_invalid">usage value "-1" for metric "hits" is invalid</error>
`+"```"+`
=== declared
@violates request
GET /transactions/authorize.xml?provider_key={{provider_key}}&app_id={{tree_app_id}}&app_key={{tree_app_key}}&usage=5
HTTP 403
=== declared but valid
@violates request response
GET /check.txt
HTTP 200
`+"```"+`
ok
`+"```"+`
`)
	sum := run(t, []*example.File{f}, h, clk, replay.Options{OpenAPI: d, Vars: set.Vars})
	want := [][]string{
		{`OpenAPI: the request violates the description: query parameter "usage": /hits: string doesn't match the regular expression "^\s*#?\d+\s*$"`},
		nil,
		{"OpenAPI: the example says (@violates request) that the request violates the description, but it matches",
			"OpenAPI: the example says (@violates response) that the response violates the description, but it matches"},
	}
	for i, r := range sum.Results {
		if strings.Join(r.Problems, "\n") != strings.Join(want[i], "\n") {
			t.Errorf("%s: problems\n%q\nwant\n%q", r.Name, r.Problems, want[i])
		}
	}
	if sum.Failed != 2 {
		t.Errorf("%d failed", sum.Failed)
	}
}

// --run selects an example; the examples before it in its file run
// unreported, so the counters are what it expects. --skip leaves out.
func TestRunSelectsWithSetup(t *testing.T) {
	set, d := load(t)
	h, clk := sandbox(t, set)
	var seen []string
	sum := run(t, set.Files, h, clk, replay.Options{OpenAPI: d, Vars: set.Vars,
		Run:      regexp.MustCompile(`seeds/ruby/an exceeded limit`),
		OnResult: func(r *replay.Result) { seen = append(seen, r.ID) }})
	if len(seen) != 1 || seen[0] != "authorize/seeds/ruby/an exceeded limit is marked and the application is refused" || sum.Passed != 1 {
		t.Errorf("reported %v, %d passed", seen, sum.Passed)
	}
	h, clk = sandbox(t, set)
	// Without its setup the same example fails, and says which setup failed.
	sum = run(t, set.Files, h, clk, replay.Options{OpenAPI: d, Vars: set.Vars,
		Run: regexp.MustCompile(`seeds/ruby/an exceeded limit`), Skip: regexp.MustCompile(`report more than the limit`)})
	if sum.Failed != 1 || sum.Results[0].Problems[0] != "status: want 409, got 200" {
		t.Errorf("without setup: %+v", sum.Results[0])
	}
	h, clk = sandbox(t, set)
	sum = run(t, set.Files, h, clk, replay.Options{OpenAPI: d, Vars: set.Vars, Skip: regexp.MustCompile(`.`)})
	if len(sum.Results) != 0 {
		t.Errorf("--skip . ran %d", len(sum.Results))
	}
}

// A read-only example that differs is sent again with Retry; a write is not.
func TestRetryReadOnly(t *testing.T) {
	set, d := load(t)
	h, clk := sandbox(t, set)
	calls := 0
	double := wrong(h, func(r *http.Request, status int, _ http.Header, body []byte) (int, []byte) {
		calls++
		if calls == 1 {
			return 500, nil
		}
		return status, body
	})
	f := parse(t, "=== check\nGET /check.txt\nHTTP 200\n```\nok\n```\n")
	sum := run(t, []*example.File{f}, double, clk, replay.Options{OpenAPI: d, Retry: 2, RetryInterval: time.Millisecond})
	if sum.Passed != 1 || sum.Results[0].Attempts != 2 || sum.Results[0].Notes[0] != "sent 2 times (--retry)" {
		t.Errorf("retry: %+v", sum.Results[0])
	}
	calls = 0
	f = parse(t, "=== report\nPOST /transactions.xml\n[Form]\nprovider_key: {{provider_key}}\ntransactions[0][app_id]: {{tree_app_id}}\nHTTP 202\n")
	sum = run(t, []*example.File{f}, double, clk, replay.Options{OpenAPI: d, Vars: set.Vars, Retry: 2, RetryInterval: time.Millisecond})
	if sum.Failed != 1 || sum.Results[0].Attempts != 1 {
		t.Errorf("a report was retried: %+v", sum.Results[0])
	}
}

// Update re-records what differs, keeping the placeholders; the recorded
// file then passes.
func TestUpdate(t *testing.T) {
	set, d := load(t)
	h, clk := sandbox(t, set)
	f := parse(t, "=== authorize\nGET /transactions/authorize.xml?provider_key={{provider_key}}&app_id={{keyless_app_id}}\n\nHTTP 404\ncontent-type: application/vnd.3scale-v2.0+xml\n"+
		"=== gold\nGET /transactions/authorize.xml?provider_key={{provider_key}}&app_id={{gold_app_id}}&app_key={{gold_app_key}}\nHTTP 200\n```xml\n<status>\n  <authorized>{{any}}</authorized>\n  <plan>Gold</plan>\n</status>\n```\n")
	sum := run(t, []*example.File{f}, h, clk, replay.Options{OpenAPI: d, Vars: set.Vars, Update: true})
	if sum.Updated != 2 || sum.Failed != 0 {
		t.Fatalf("update: %+v", sum)
	}
	want := "=== authorize\nGET /transactions/authorize.xml?provider_key={{provider_key}}&app_id={{keyless_app_id}}\n\nHTTP 200\ncontent-type: application/vnd.3scale-v2.0+xml\n```xml\n" +
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<status>\n  <authorized>true</authorized>\n  <plan>Open</plan>\n</status>\n```\n" +
		"=== gold\nGET /transactions/authorize.xml?provider_key={{provider_key}}&app_id={{gold_app_id}}&app_key={{gold_app_key}}\nHTTP 200\n```xml\n" +
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<status>\n  <authorized>{{any}}</authorized>\n  <plan>Gold &amp; &lt;Co&gt;</plan>\n  <usage_reports>\n" +
		"    <usage_report metric=\"hits\" period=\"eternity\">\n      <max_value>5</max_value>\n      <current_value>0</current_value>\n    </usage_report>\n  </usage_reports>\n</status>\n```\n"
	if got := string(f.Bytes()); got != want {
		t.Errorf("recorded:\n%s\nwant:\n%s", got, want)
	}
	again := parse(t, string(f.Bytes()))
	if sum := run(t, []*example.File{again}, h, clk, replay.Options{OpenAPI: d, Vars: set.Vars}); sum.Passed != 2 {
		t.Errorf("the recorded file: %+v", sum.Results)
	}
}
