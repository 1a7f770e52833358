// Package replay runs contract examples against an endpoint: it sends each
// example's request, checks the request and the response against the
// OpenAPI description, compares the response with the example, and, with
// Update, re-records the examples from what the endpoint answers.
//
// The examples of one file run in order, because a file may build counters
// up from one example to the next; files are independent of each other.
package replay

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/contracts/example"
	"github.com/threescale-sandbox/threescale-sandbox/contracts/openapi"
	"github.com/threescale-sandbox/threescale-sandbox/contracts/xmltree"
)

// Target is the endpoint the examples run against.
type Target struct {
	// URL is the base URL, without a trailing slash.
	URL    string
	Client *http.Client
	// Clock tells the target's time: it fills {{time}} in requests and
	// bounds the period placeholders of responses. Against the in-process
	// sandbox it is the sandbox's own clock.
	Clock clock.Clock
	// Slack widens the window of period placeholders, for a target whose
	// clock is a little off.
	Slack time.Duration
	// Receiver is the base URL of the webhook receiver (a Receiver) that
	// @receiver examples read; "" when there is none. The target posts its
	// webhooks to WebhookURL, which examples give it as {{webhook_url}}
	// (Receiver + "/hooks" when empty).
	Receiver, WebhookURL string
}

// Builtins are the variables a run defines itself (example.Builtins).
var Builtins = example.Builtins

// ExampleID is the ID of an example (its endpoint, then FILE/NAME), with
// the variables known before the run.
func ExampleID(o *Options, e *example.Example, vars map[string]string) string {
	if e.Receiver {
		return ID("webhook_delivery", e)
	}
	return ID(Endpoint(o.OpenAPI, e.Request.Method, e.Request.Path(&example.Env{Vars: vars})), e)
}

// Options say which examples run and how.
type Options struct {
	OpenAPI *openapi.Description
	Vars    map[string]string
	// Run selects examples by their ID (ENDPOINT/FILE/NAME); Skip leaves
	// some out. An example not selected but before a selected one in its
	// file still runs, unreported, as its setup; a skipped one never runs.
	Run, Skip *regexp.Regexp
	// Retry re-sends a read-only request (authorize, oauth_authorize and
	// the like) whose answer differs, up to Retry more times, RetryInterval
	// apart: the hosted backend applies reports asynchronously.
	Retry         int
	RetryInterval time.Duration
	// Update re-records the examples that differ (example.Record);
	// UpdateAll re-records every example, deriving literal values anew (to
	// write values as newly added variables, say).
	Update, UpdateAll bool
	// MaxFailures stops the run once that many examples failed (0: never).
	MaxFailures int
	// Stopwatch measures how long examples take; the wall clock by default.
	Stopwatch clock.Clock
	// OnResult is called after each reported example, for progress.
	OnResult func(*Result)
}

// Status is the outcome of one example.
type Status string

// The outcomes.
const (
	Passed  Status = "passed"
	Failed  Status = "failed"
	Updated Status = "updated"
)

// Result is the outcome of one example, with what a person needs to see
// why it failed.
type Result struct {
	ID       string        `json:"id"`
	Endpoint string        `json:"endpoint"`
	File     string        `json:"file"`
	Name     string        `json:"name"`
	Line     int           `json:"line"`
	Source   string        `json:"source,omitempty"`
	Status   Status        `json:"status"`
	Duration time.Duration `json:"duration_ns"`
	Attempts int           `json:"attempts"`
	// Problems are the differences and violations, one per line.
	Problems []string `json:"problems,omitempty"`
	// Notes say what else happened: a setup example that failed, a retry.
	Notes    []string `json:"notes,omitempty"`
	Request  string   `json:"request"`
	Expected string   `json:"expected"`
	Actual   string   `json:"actual,omitempty"`
}

// Summary is a whole run.
type Summary struct {
	Target    string            `json:"target"`
	Results   []*Result         `json:"results"`
	Endpoints []EndpointSummary `json:"endpoints"`
	Passed    int               `json:"passed"`
	Failed    int               `json:"failed"`
	Updated   int               `json:"updated"`
	Duration  time.Duration     `json:"duration_ns"`
	// Stopped says the run ended early, after MaxFailures failures.
	Stopped bool `json:"stopped,omitempty"`
}

// EndpointSummary counts the results of one endpoint.
type EndpointSummary struct {
	Name     string        `json:"name"`
	Examples int           `json:"examples"`
	Passed   int           `json:"passed"`
	Failed   int           `json:"failed"`
	Updated  int           `json:"updated"`
	Duration time.Duration `json:"duration_ns"`
}

// Endpoint is the name of the endpoint a request calls: the operationId of
// the OpenAPI description, "options" for a CORS pre-flight, and
// "unknown_route" for a path the API does not have.
func Endpoint(d *openapi.Description, method, path string) string {
	if method == http.MethodOptions {
		return "options"
	}
	if op := d.Operation(&http.Request{Method: method, URL: &url.URL{Path: path}, Header: http.Header{}}); op != "" {
		return op
	}
	return "unknown_route"
}

// endpointOrder lists the API's endpoints first, in the order of the docs.
var endpointOrder = []string{"authorize", "authrep", "oauth_authorize", "oauth_authrep", "report",
	"check", "status", "available", "openapi", "list_errors", "delete_errors", "options", "unknown_route"}

// readOnly endpoints may be asked again without changing anything.
var readOnly = map[string]bool{"authorize": true, "oauth_authorize": true, "check": true, "status": true,
	"available": true, "openapi": true, "list_errors": true}

// ID is how an example is selected and named in reports.
func ID(endpoint string, e *example.Example) string { return endpoint + "/" + e.FullName() }

// Selected reports whether Run and Skip select the example of this ID.
func (o *Options) Selected(id string) bool {
	return (o.Run == nil || o.Run.MatchString(id)) && (o.Skip == nil || !o.Skip.MatchString(id))
}

// Run replays the files against the target.
func Run(ctx context.Context, files []*example.File, t Target, o Options) (*Summary, error) {
	if o.OpenAPI == nil {
		return nil, fmt.Errorf("replay: no OpenAPI description")
	}
	if o.Stopwatch == nil {
		o.Stopwatch = clock.System{}
	}
	start := o.Stopwatch.Now()
	sum := &Summary{Target: t.URL}
	// Enough failures stop the run: the files still to come, and the rest
	// of the file at hand.
	failures := 0
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	report := o.OnResult
	o.OnResult = func(r *Result) {
		if r.Status == Failed {
			failures++
			if o.MaxFailures > 0 && failures >= o.MaxFailures {
				sum.Stopped = true
				stop()
			}
		}
		if report != nil {
			report(r)
		}
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		if sum.Stopped {
			break
		}
		sum.Results = append(sum.Results, runFile(runCtx, f, t, &o)...)
	}
	sum.Duration = o.Stopwatch.Now().Sub(start)
	sum.tally()
	return sum, nil
}

// Count is the number of examples of files that the options select.
func Count(files []*example.File, o *Options, vars map[string]string) int {
	n := 0
	for _, f := range files {
		for _, e := range f.Examples {
			if o.Selected(ExampleID(o, e, vars)) {
				n++
			}
		}
	}
	return n
}

type runner struct {
	t   Target
	o   *Options
	env *example.Env
}

func runFile(ctx context.Context, f *example.File, t Target, o *Options) []*Result {
	vars := make(map[string]string, len(o.Vars))
	for k, v := range o.Vars {
		vars[k] = v
	}
	vars["target_url"] = t.URL
	switch {
	case t.WebhookURL != "":
		vars["webhook_url"] = t.WebhookURL
	case t.Receiver != "":
		vars["webhook_url"] = t.Receiver + "/hooks"
	}
	r := &runner{t: t, o: o, env: &example.Env{Vars: vars, Slack: t.Slack}}
	ids := make([]string, len(f.Examples))
	last := -1
	for i, e := range f.Examples {
		ids[i] = ExampleID(o, e, r.env.Vars)
		if o.Selected(ids[i]) {
			last = i
		}
	}
	var out []*Result
	var notes []string
	for i := 0; i <= last; i++ {
		if ctx.Err() != nil {
			break
		}
		e := f.Examples[i]
		if o.Skip != nil && o.Skip.MatchString(ids[i]) {
			continue
		}
		selected := o.Selected(ids[i])
		res := r.example(ctx, e, ids[i], selected && (o.Update || o.UpdateAll))
		if !selected {
			if res.Status == Failed {
				notes = append(notes, fmt.Sprintf("setup example %q (line %d) failed: %s", e.Name, e.Line, first(res.Problems)))
			}
			continue
		}
		res.Notes = append(notes, res.Notes...)
		notes = nil
		out = append(out, res)
		if o.OnResult != nil {
			o.OnResult(res)
		}
	}
	return out
}

func first(ps []string) string {
	if len(ps) == 0 {
		return "(no detail)"
	}
	return ps[0]
}

// maxBody bounds what is read of a response.
const maxBody = 16 << 20

func (r *runner) example(ctx context.Context, e *example.Example, id string, record bool) *Result {
	endpoint, _, _ := strings.Cut(id, "/")
	res := &Result{ID: id, Endpoint: endpoint, File: e.File.Name, Name: e.Name, Line: e.Line, Source: e.Source,
		Expected: renderExpected(e)}
	began := r.o.Stopwatch.Now()
	defer func() { res.Duration = r.o.Stopwatch.Now().Sub(began) }()
	fail := func(format string, args ...any) *Result {
		res.Status = Failed
		res.Problems = append(res.Problems, fmt.Sprintf(format, args...))
		return res
	}
	var diffs []example.Diff
	var actual *example.Actual
	var reqViolations, respViolations error
	for {
		res.Attempts++
		base := r.t.URL
		if e.Receiver {
			if r.t.Receiver == "" {
				return fail("@receiver: this run has no webhook receiver")
			}
			base = r.t.Receiver
		}
		req, body, err := e.Request.Build(base, r.env, r.t.Clock.Now())
		if err != nil {
			return fail("cannot build the request: %v", err)
		}
		res.Request = renderRequest(req, body)
		if !e.Receiver {
			reqViolations = r.o.OpenAPI.CheckRequest(req, body)
		}
		r.env.Sent = r.t.Clock.Now()
		resp, err := r.t.Client.Do(req.WithContext(ctx))
		if err != nil {
			return fail("request failed: %v", err)
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
		resp.Body.Close()
		r.env.Received = r.t.Clock.Now()
		if err != nil {
			return fail("reading the response: %v", err)
		}
		actual = &example.Actual{Status: resp.StatusCode, Header: resp.Header, Body: data}
		res.Actual = renderActual(e, actual)
		if !e.Receiver {
			respViolations = r.o.OpenAPI.CheckResponse(req, resp.StatusCode, resp.Header, data)
		}
		diffs, err = e.Check(actual, r.env)
		if err != nil {
			return fail("cannot check the response: %v", err)
		}
		if len(diffs) == 0 || !readOnly[res.Endpoint] || res.Attempts > r.o.Retry {
			break
		}
		select {
		case <-ctx.Done():
			return fail("interrupted: %v", ctx.Err())
		case <-time.After(r.o.RetryInterval):
		}
	}
	if res.Attempts > 1 {
		res.Notes = append(res.Notes, fmt.Sprintf("sent %d times (--retry)", res.Attempts))
	}
	res.Problems = append(res.Problems, violations("request", reqViolations, e.ViolatesRequest)...)
	res.Problems = append(res.Problems, violations("response", respViolations, e.ViolatesResponse)...)
	res.Status = Passed
	if len(res.Problems) > 0 {
		res.Status = Failed
	}
	if record && (len(diffs) > 0 || r.o.UpdateAll) {
		changed, err := e.Record(actual, r.env, r.o.UpdateAll)
		if err != nil {
			return fail("cannot record the response: %v", err)
		}
		for _, d := range diffs {
			res.Notes = append(res.Notes, "re-recorded "+d.String())
		}
		if changed && res.Status == Passed {
			res.Status = Updated
		}
		return res
	}
	for _, d := range diffs {
		res.Problems = append(res.Problems, d.String())
	}
	if len(diffs) > 0 {
		res.Status = Failed
	}
	return res
}

// violations turns what the OpenAPI check found into problems, unless the
// example declares them (@violates), in which case their absence is one.
func violations(what string, err error, declared bool) []string {
	switch {
	case err != nil && !declared:
		var out []string
		for _, v := range splitViolations(err) {
			out = append(out, "OpenAPI: the "+what+" violates the description: "+v)
		}
		return out
	case err == nil && declared:
		return []string{"OpenAPI: the example says (@violates " + what + ") that the " + what + " violates the description, but it matches"}
	}
	return nil
}

func splitViolations(err error) []string {
	if v, ok := err.(openapi.Violations); ok {
		return v
	}
	return []string{err.Error()}
}

// renderRequest shows a request as it went out: the line, the headers the
// example set, the body.
func renderRequest(req *http.Request, body []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", req.Method, req.URL.RequestURI())
	if req.Host != "" && req.Host != req.URL.Host {
		fmt.Fprintf(&b, "Host: %s\n", req.Host)
	}
	names := make([]string, 0, len(req.Header))
	for k := range req.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range req.Header[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	if len(body) > 0 {
		b.WriteString("\n" + clip(string(body)) + "\n")
	}
	return b.String()
}

func renderExpected(e *example.Example) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d\n", e.Response.Status)
	for _, h := range e.Response.Header {
		fmt.Fprintf(&b, "%s: %s\n", h.Name, h.Value)
	}
	if e.Response.Body != nil {
		b.WriteString("\n" + e.Response.Body.Raw + "\n")
	}
	return b.String()
}

// renderActual shows the answer: its status, the headers the example looks
// at, and the body, indented when it is XML.
func renderActual(e *example.Example, a *example.Actual) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d\n", a.Status)
	for _, h := range e.Response.Header {
		if vs := a.Header.Values(h.Name); len(vs) > 0 {
			fmt.Fprintf(&b, "%s: %s\n", strings.ToLower(h.Name), strings.Join(vs, ", "))
		}
	}
	if len(a.Body) > 0 {
		body := string(a.Body)
		if doc, err := xmltree.Parse(a.Body); err == nil && bytes.HasPrefix(bytes.TrimSpace(a.Body), []byte("<")) {
			body = strings.TrimSuffix(string(doc.Bytes()), "\n")
		}
		b.WriteString("\n" + clip(body) + "\n")
	}
	return b.String()
}

func clip(s string) string {
	const max = 8 << 10
	if len(s) > max {
		return s[:max] + fmt.Sprintf("… (%d more bytes)", len(s)-max)
	}
	return s
}

func (s *Summary) tally() {
	by := map[string]*EndpointSummary{}
	for _, r := range s.Results {
		es := by[r.Endpoint]
		if es == nil {
			es = &EndpointSummary{Name: r.Endpoint}
			by[r.Endpoint] = es
		}
		es.Examples++
		es.Duration += r.Duration
		switch r.Status {
		case Passed:
			es.Passed++
			s.Passed++
		case Updated:
			es.Updated++
			s.Updated++
		default:
			es.Failed++
			s.Failed++
		}
	}
	rank := func(n string) int {
		for i, e := range endpointOrder {
			if e == n {
				return i
			}
		}
		return len(endpointOrder)
	}
	for _, es := range by {
		s.Endpoints = append(s.Endpoints, *es)
	}
	sort.Slice(s.Endpoints, func(i, j int) bool {
		a, b := s.Endpoints[i].Name, s.Endpoints[j].Name
		if rank(a) != rank(b) {
			return rank(a) < rank(b)
		}
		return a < b
	})
}
