package server

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/store"
	"github.com/threescale-sandbox/threescale-sandbox/webhook"
)

// sandbox is a real server on a loopback port, on a fresh in-memory store
// seeded from a fixture, with a clock the test moves.
type sandbox struct {
	t     *testing.T
	url   string
	clock *clock.Control
	store *store.Store
}

// zeroReader makes generated keys deterministic.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 0
	}
	return len(p), nil
}

func start(t *testing.T, fixture string, now time.Time) *sandbox {
	t.Helper()
	return startWith(t, fixture, now, nil)
}

// startWith is start with options of the test's: opts changes the
// server's before it is made.
func startWith(t *testing.T, fixture string, now time.Time, opts func(*Options)) *sandbox {
	t.Helper()
	return startServer(t, fixture, now, opts, nil)
}

// startWrapped is start with the handler wrapped by wrap.
func startWrapped(t *testing.T, fixture string, now time.Time, wrap func(http.Handler) http.Handler) *sandbox {
	t.Helper()
	return startServer(t, fixture, now, nil, wrap)
}

func startServer(t *testing.T, fixture string, now time.Time, opts func(*Options),
	wrap func(http.Handler) http.Handler) *sandbox {
	t.Helper()
	world, err := fixtures.Load([]string{fixture}, zeroReader{})
	if err != nil {
		t.Fatal(err)
	}
	clk := clock.NewFrozenControl(now)
	st, h := seededWith(t, "", world, clk, opts)
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &sandbox{t: t, url: srv.URL, clock: clk, store: st}
}

// seeded opens a store at dbPath ("" = in memory), seeds world into it and
// returns it with the real handler on it; both are closed with the test.
func seeded(tb testing.TB, dbPath string, world *fixtures.World, clk clock.Clock) (*store.Store, http.Handler) {
	tb.Helper()
	return seededWith(tb, dbPath, world, clk, nil)
}

func seededWith(tb testing.TB, dbPath string, world *fixtures.World, clk clock.Clock, opts func(*Options)) (*store.Store, http.Handler) {
	tb.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// A database that holds state is kept, as serve keeps it.
	st, err := store.Open(ctx, dbPath, clk, log)
	if err != nil {
		tb.Fatal(err)
	}
	if !st.Seeded() {
		if err := st.Seed(ctx, world); err != nil {
			st.Close()
			tb.Fatal(err)
		}
	}
	tb.Cleanup(func() { st.Close() })
	// Generated keys and ids differ from each other, the same in every run.
	rnd := rand.NewChaCha8([32]byte{'s', 'a', 'n', 'd', 'b', 'o', 'x'})
	base, err := st.Baseline(ctx, world)
	if err != nil {
		tb.Fatal(err)
	}
	o := Options{Store: st, Clock: clk, Logger: log, Random: rnd, Baseline: base, World: fixtures.Hold(world)}
	if opts != nil {
		opts(&o)
	}
	return st, NewServer(o)
}

// dispatch delivers the sandbox's webhooks until the test ends.
func (s *sandbox) dispatch(retries int, delay time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		webhook.New(webhook.Options{Store: s.store, Clock: s.clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Retries: retries, Delay: delay}).Run(ctx)
	}()
	s.t.Cleanup(func() {
		cancel()
		<-done
	})
}

type reply struct {
	status int
	header http.Header
	body   string
}

// call sends one request. headers are "Name: value" lines.
func (s *sandbox) call(method, path, body string, headers ...string) reply {
	s.t.Helper()
	var rd io.Reader
	if body != "" || method == http.MethodPost {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.url+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, resp.Body); err != nil {
		s.t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: buf.String()}
}

func (s *sandbox) get(path string, headers ...string) reply {
	s.t.Helper()
	return s.call(http.MethodGet, path, "", headers...)
}

// form posts a form body, as most clients report.
func (s *sandbox) form(path, body string, headers ...string) reply {
	s.t.Helper()
	return s.call(http.MethodPost, path, body, append([]string{"Content-Type: application/x-www-form-urlencoded"}, headers...)...)
}

// at sets the clock to a time of 2026-11-22 (a Sunday), the day of the
// reference captures.
func (s *sandbox) at(hms string) {
	s.clock.Set(day(hms))
}

func day(hms string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05", "2026-11-22 "+hms)
	if err != nil {
		panic(err)
	}
	return t
}

// expect checks status and exact body; headers are "Name: value" lines that
// must match exactly, or "Name:" for a header that must be absent.
func expect(t *testing.T, name string, r reply, status int, body string, headers ...string) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d (body %q)", name, r.status, status, r.body)
	}
	if r.body != body {
		t.Errorf("%s: body\n got: %s\nwant: %s", name, r.body, body)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		got, ok := r.header[http.CanonicalHeaderKey(k)]
		switch {
		case v == "" && ok:
			t.Errorf("%s: header %s = %q, want none", name, k, got)
		case v != "" && (!ok || strings.Join(got, ",") != v):
			t.Errorf("%s: header %s = %q, want %q", name, k, got, v)
		}
	}
}

const xmlDecl = `<?xml version="1.0" encoding="UTF-8"?>`

func errDoc(code, msg string) string {
	return xmlDecl + `<error code="` + code + `">` + msg + `</error>`
}

// expectIn checks that body holds every one of wants.
func expectIn(t *testing.T, name, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: want %s in\n%s", name, w, body)
		}
	}
}
