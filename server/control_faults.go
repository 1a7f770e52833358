package server

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/threescale-sandbox/threescale-sandbox/journal"
	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
)

// Faults: PUT /_sandbox/faults sets rules that make matching requests to
// the APIs slow, fail, or go unanswered, so that a client's timeouts,
// retries and fail-open paths can be tested; GET lists them with how often
// each fired, DELETE clears them. Delays are real time, not the sandbox
// clock's: they are what the client waits.

// faultRule is one rule as PUT and GET write it.
type faultRule struct {
	Path        string   `json:"path"`
	Method      string   `json:"method,omitempty"`
	ServiceID   string   `json:"service_id,omitempty"`
	AppID       string   `json:"app_id,omitempty"`
	Probability *float64 `json:"probability,omitempty"`
	Times       *int64   `json:"times,omitempty"`

	DelayMS   *int64            `json:"delay_ms,omitempty"`
	Status    *int              `json:"status,omitempty"`
	Body      *string           `json:"body,omitempty"`
	Headers   map[string]string `json:"headers,omitempty"`
	Drop      bool              `json:"drop,omitempty"`
	TrickleBS *int64            `json:"trickle_bytes_per_s,omitempty"`
}

// Bounds of a rule. A delay stays under the listener's write timeout
// (60s), which would cut the answer off.
const (
	maxFaultDelay   = 50_000
	maxFaultRules   = 100
	maxTrickleSpeed = 1 << 30
)

// fault is a checked rule and how often it fired.
type fault struct {
	faultRule
	fired atomic.Int64
}

// faultSet is the rules in force; swapped whole by PUT and DELETE.
type faultSet struct {
	rules []*fault
	seed  uint64
	mu    sync.Mutex // guards rnd
	rnd   *rand.Rand
}

type faultsIn struct {
	Rules []faultRule `json:"rules"`
	Seed  *uint64     `json:"seed"`
}

// setFaults is PUT /_sandbox/faults: a list of rules, or {"rules": [...],
// "seed": N} to make the probabilities repeatable.
func (h *handlers) setFaults(c echo.Context) error {
	raw, err := io.ReadAll(io.LimitReader(c.Request().Body, maxControlBody+1))
	if err != nil {
		return badRequest("", "the request body could not be read: %v", err)
	}
	var in faultsIn
	trimmed := bytes.TrimSpace(raw)
	switch {
	case len(trimmed) == 0:
		return badRequest("", `a JSON body is required: a list of rules, e.g. [{"path": "/transactions/authrep.xml", "delay_ms": 1500}]`)
	case trimmed[0] == '[':
		if err := decodeStrict(raw, &in.Rules); err != nil {
			return err
		}
	default:
		if err := decodeStrict(raw, &in); err != nil {
			return err
		}
		if in.Rules == nil {
			return badRequest("rules", "rules is required: a list of rules")
		}
	}
	if len(in.Rules) > maxFaultRules {
		return badRequest("rules", "%d rules: at most %d", len(in.Rules), maxFaultRules)
	}
	set := &faultSet{}
	for i := range in.Rules {
		if err := checkFault(&in.Rules[i], i); err != nil {
			return err
		}
		set.rules = append(set.rules, &fault{faultRule: in.Rules[i]})
	}
	if in.Seed != nil {
		set.seed = *in.Seed
	} else {
		var b [8]byte
		crand.Read(b[:])
		set.seed = binary.LittleEndian.Uint64(b[:])
	}
	set.rnd = rand.New(rand.NewPCG(set.seed, set.seed^0x9e3779b97f4a7c15))
	if len(set.rules) == 0 {
		set = nil
	}
	h.faults.Store(set)
	return h.listFaults(c)
}

// decodeStrict is readJSON's decoding of a body already read.
func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonRefusal(err, raw, v)
	}
	if dec.More() {
		return badRequest("", "malformed JSON: more than one value in the body")
	}
	return nil
}

// checkFault refuses a rule that could not work, naming the field as
// rules[i].field.
func checkFault(r *faultRule, i int) error {
	f := func(name string) string { return fmt.Sprintf("rules[%d].%s", i, name) }
	switch {
	case r.Path == "":
		return badRequest(f("path"), "%s is required: the path to match, e.g. /transactions/authrep.xml, or a prefix such as /admin/api/*", f("path"))
	case !strings.HasPrefix(r.Path, "/"):
		return badRequest(f("path"), "%s %q: want a path starting with /", f("path"), r.Path)
	case under(strings.TrimSuffix(strings.TrimSuffix(r.Path, "*"), "/"), "/_sandbox"):
		// A prefix such as /* matches the APIs only.
		return badRequest(f("path"), "%s %q: the control API cannot be given faults (it is how they are taken away)", f("path"), r.Path)
	}
	if r.Method != "" {
		r.Method = strings.ToUpper(r.Method)
		if !slices.Contains([]string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"}, r.Method) {
			return badRequest(f("method"), "%s %q: want GET, HEAD, POST, PUT, PATCH or DELETE", f("method"), r.Method)
		}
	}
	if p := r.Probability; p != nil && (*p < 0 || *p > 1) {
		return badRequest(f("probability"), "%s %v: want a number from 0 to 1", f("probability"), *p)
	}
	if r.Times != nil && *r.Times < 1 {
		return badRequest(f("times"), "%s %d: want at least 1 (leave it out for every matching request)", f("times"), *r.Times)
	}
	actions := 0
	if r.Status != nil {
		actions++
		if *r.Status < 200 || *r.Status > 599 {
			return badRequest(f("status"), "%s %d: want a status from 200 to 599", f("status"), *r.Status)
		}
	}
	if r.Drop {
		actions++
	}
	if r.TrickleBS != nil {
		actions++
		if *r.TrickleBS < 1 || *r.TrickleBS > maxTrickleSpeed {
			return badRequest(f("trickle_bytes_per_s"), "%s %d: want from 1 to %d bytes a second", f("trickle_bytes_per_s"), *r.TrickleBS, maxTrickleSpeed)
		}
	}
	if actions > 1 {
		return badRequest(f("status"), "rules[%d]: give one of status, drop and trickle_bytes_per_s (delay_ms goes with any)", i)
	}
	if r.DelayMS != nil {
		if *r.DelayMS < 0 || *r.DelayMS > maxFaultDelay {
			return badRequest(f("delay_ms"), "%s %d: want from 0 to %d (the listener cuts answers off after 60s)", f("delay_ms"), *r.DelayMS, maxFaultDelay)
		}
	} else if actions == 0 {
		return badRequest(f("delay_ms"), "rules[%d] does nothing: give delay_ms, status, drop or trickle_bytes_per_s", i)
	}
	if (r.Body != nil || r.Headers != nil) && r.Status == nil {
		return badRequest(f("body"), "rules[%d]: body and headers go with status", i)
	}
	for name := range r.Headers {
		if name == "" || strings.ContainsAny(name, " :\r\n") {
			return badRequest(f("headers"), "%s: %q is not a header name", f("headers"), name)
		}
	}
	return nil
}

type faultView struct {
	faultRule
	Fired int64 `json:"fired"`
}

func (h *handlers) listFaults(c echo.Context) error {
	out := struct {
		Rules []faultView `json:"rules"`
		Seed  *uint64     `json:"seed,omitempty"`
	}{Rules: []faultView{}}
	if set := h.faults.Load(); set != nil {
		out.Seed = &set.seed
		for _, r := range set.rules {
			out.Rules = append(out.Rules, faultView{r.faultRule, r.fired.Load()})
		}
	}
	return replyJSON(c, http.StatusOK, out)
}

func (h *handlers) clearFaults(c echo.Context) error {
	h.faults.Store(nil)
	return c.NoContent(http.StatusNoContent)
}

// withFaults applies the rules in force to the APIs' requests: one atomic
// load when there are none.
func (h *handlers) withFaults(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		set := h.faults.Load()
		if set == nil || under(r.URL.Path, "/_sandbox") {
			next.ServeHTTP(w, r)
			return
		}
		f, i := set.match(r)
		if f == nil {
			next.ServeHTTP(w, r)
			return
		}
		if e := journal.For(w); e != nil {
			e.Fault = f.describe(i)
		}
		f.apply(w, r, next)
	})
}

// match finds the first rule that fires for r, and counts it.
func (s *faultSet) match(r *http.Request) (*fault, int) {
	var params *rackquery.Hash
	for i, f := range s.rules {
		if !f.matches(r, &params) {
			continue
		}
		if p := f.Probability; p != nil && *p < 1 {
			s.mu.Lock()
			roll := s.rnd.Float64()
			s.mu.Unlock()
			if roll >= *p {
				continue
			}
		}
		n := f.fired.Add(1)
		if f.Times != nil && n > *f.Times {
			f.fired.Add(-1)
			continue
		}
		return f, i
	}
	return nil, 0
}

func (f *fault) matches(r *http.Request, params **rackquery.Hash) bool {
	if prefix, ok := strings.CutSuffix(f.Path, "*"); ok {
		if !strings.HasPrefix(r.URL.Path, prefix) {
			return false
		}
	} else if r.URL.Path != f.Path {
		return false
	}
	if f.Method != "" && r.Method != f.Method {
		return false
	}
	if f.ServiceID == "" && f.AppID == "" {
		return true
	}
	if *params == nil {
		*params = requestParams(r)
	}
	if f.ServiceID != "" {
		if v, _ := (*params).Get("service_id"); v != rackquery.String(f.ServiceID) {
			return false
		}
	}
	return f.AppID == "" || sendsApp(*params, f.AppID)
}

// requestParams reads the query and a form body as Rack would, leaving
// the body for the handler.
func requestParams(r *http.Request) *rackquery.Hash {
	h, err := rackquery.Parse(r.URL.RawQuery)
	if err != nil {
		h = rackquery.NewHash()
	}
	if r.Body == nil || r.Body == http.NoBody {
		return h
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
	if err != nil {
		return h
	}
	if mt := rackquery.MediaType(r.Header.Get("Content-Type")); mt == rackquery.FormURLEncoded || mt == rackquery.FormMultipart || mt == "" {
		if form, err := rackquery.ParseForm(body, r.Header.Get("Content-Type")); err == nil {
			rackquery.Merge(h, form)
		}
	}
	return h
}

// sendsApp reports whether the parameters name the application: app_id or
// user_key, at the top or in a report's transactions.
func sendsApp(h *rackquery.Hash, id string) bool {
	for _, k := range []string{"app_id", "user_key"} {
		if v, _ := h.Get(k); v == rackquery.String(id) {
			return true
		}
	}
	txs, _ := h.Get("transactions")
	switch txs := txs.(type) {
	case *rackquery.Hash:
		for _, k := range txs.Keys() {
			if t, ok := mustGetHash(txs, k); ok && sendsApp(t, id) {
				return true
			}
		}
	case rackquery.Array:
		for _, t := range txs {
			if t, ok := t.(*rackquery.Hash); ok && sendsApp(t, id) {
				return true
			}
		}
	}
	return false
}

func mustGetHash(h *rackquery.Hash, k string) (*rackquery.Hash, bool) {
	v, _ := h.Get(k)
	t, ok := v.(*rackquery.Hash)
	return t, ok
}

// describe is the fault as the journal and the log name it.
func (f *fault) describe(i int) string {
	var parts []string
	if f.DelayMS != nil {
		parts = append(parts, "delay_ms="+strconv.FormatInt(*f.DelayMS, 10))
	}
	switch {
	case f.Status != nil:
		parts = append(parts, "status="+strconv.Itoa(*f.Status))
	case f.Drop:
		parts = append(parts, "drop")
	case f.TrickleBS != nil:
		parts = append(parts, "trickle_bytes_per_s="+strconv.FormatInt(*f.TrickleBS, 10))
	}
	return fmt.Sprintf("rules[%d]: %s", i, strings.Join(parts, " "))
}

// apply does what the rule says, then (for a delay or a trickle) serves
// the request.
func (f *fault) apply(w http.ResponseWriter, r *http.Request, next http.Handler) {
	if f.DelayMS != nil && *f.DelayMS > 0 {
		if !sleep(r.Context(), time.Duration(*f.DelayMS)*time.Millisecond) {
			return // the client gave up
		}
	}
	switch {
	case f.Status != nil:
		for k, v := range f.Headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(*f.Status)
		if f.Body != nil {
			io.WriteString(w, *f.Body)
		}
	case f.Drop:
		if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
			conn.Close()
			return
		}
		panic(http.ErrAbortHandler) // closes the connection without an answer
	case f.TrickleBS != nil:
		t := &trickle{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(t, r)
		t.send(r.Context(), w, *f.TrickleBS)
	default:
		next.ServeHTTP(w, r)
	}
}

// sleep waits d, or until ctx is done; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// trickle keeps an answer, to send it slowly.
type trickle struct {
	header http.Header
	status int
	body   bytes.Buffer
	wrote  bool
}

func (t *trickle) Header() http.Header { return t.header }

func (t *trickle) WriteHeader(code int) {
	if !t.wrote {
		t.status, t.wrote = code, true
	}
}

func (t *trickle) Write(b []byte) (int, error) {
	t.wrote = true
	return t.body.Write(b)
}

// send writes the kept answer at speed bytes a second: the headers at
// once, then the body in a tenth of a second's worth at a time.
func (t *trickle) send(ctx context.Context, w http.ResponseWriter, speed int64) {
	for k, v := range t.header {
		w.Header()[k] = v
	}
	w.Header().Set("Content-Length", strconv.Itoa(t.body.Len()))
	w.WriteHeader(t.status)
	rc := http.NewResponseController(w)
	rc.Flush()
	chunk := max(speed/10, 1)
	every := time.Duration(float64(time.Second) * float64(chunk) / float64(speed))
	body := t.body.Bytes()
	for len(body) > 0 {
		n := min(int64(len(body)), chunk)
		if _, err := w.Write(body[:n]); err != nil {
			return
		}
		rc.Flush()
		body = body[n:]
		if len(body) > 0 && !sleep(ctx, every) {
			return
		}
	}
}
