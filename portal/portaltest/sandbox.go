// Package portaltest starts the real sandbox for the portals' tests: its
// three faces (the APIs, the admin portal, the developer portal) each on
// a loopback listener of its own, on an in-memory store seeded from a
// fixture, with a clock the test moves. A test drives it over plain HTTP
// (Client: a cookie jar, forms with their authenticity_token) or in a
// headless Chromium (Tab).
package portaltest

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/server"
	"github.com/threescale-sandbox/threescale-sandbox/store"
	"github.com/threescale-sandbox/threescale-sandbox/webhook"
)

// Now is where a sandbox's clock starts.
var Now = time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)

// Sandbox is a running sandbox.
type Sandbox struct {
	// API, Admin and Developer are the listeners' base URLs
	// (http://127.0.0.1:PORT).
	API, Admin, Developer string
	Clock                 *clock.Fake
	Store                 *store.Store
}

// Options choose the sandbox's world.
type Options struct {
	// Fixture is a fixture's YAML; "" is the embedded default world
	// (admin/admin, john/john of Developer Co…).
	Fixture string
	// Log receives the sandbox's logs (nil: discarded; set
	// THREESCALE_SANDBOX_TEST_LOG=1 to see them on stderr).
	Log io.Writer
}

// Start starts a sandbox that stops with the test.
func Start(t testing.TB, o Options) *Sandbox {
	t.Helper()
	rnd := rand.NewChaCha8([32]byte{'p', 'o', 'r', 't', 'a', 'l', 's'})
	var world *fixtures.World
	var err error
	if o.Fixture == "" {
		world, err = fixtures.Default(rnd)
	} else {
		world, err = fixtures.Parse("world.yaml", []byte(o.Fixture), rnd)
	}
	if err != nil {
		t.Fatal(err)
	}
	logTo := o.Log
	if logTo == nil {
		logTo = io.Discard
		if os.Getenv("THREESCALE_SANDBOX_TEST_LOG") == "1" {
			logTo = os.Stderr
		}
	}
	log := slog.New(slog.NewTextHandler(logTo, &slog.HandlerOptions{Level: slog.LevelDebug}))
	clk := clock.NewFake(Now)
	ctx := context.Background()
	st, err := store.OpenSeeded(ctx, "", world, clk, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })

	// The listeners first: the portals' URLs are the links of the emails.
	var lns [3]net.Listener
	for i := range lns {
		if lns[i], err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
	}
	base := func(ln net.Listener) string { return "http://" + ln.Addr().String() }
	sb := &Sandbox{API: base(lns[0]), Admin: base(lns[1]), Developer: base(lns[2]), Clock: clk, Store: st}
	faces, err := server.NewFaces(ctx, server.Options{Store: st, Clock: clk, Logger: log, Random: rnd,
		Links: porta.Links{Admin: sb.Admin, Developer: sb.Developer}})
	if err != nil {
		t.Fatal(err)
	}
	// Webhooks are delivered as serve delivers them, retried on the
	// sandbox clock (which a test moves).
	hooksCtx, stopHooks := context.WithCancel(ctx)
	hooksDone := make(chan struct{})
	go func() {
		defer close(hooksDone)
		webhook.New(webhook.Options{Store: st, Clock: clk, Logger: log, Retries: 5, Delay: time.Minute,
			Timeout: 5 * time.Second}).Run(hooksCtx)
	}()
	t.Cleanup(func() {
		stopHooks()
		<-hooksDone
	})
	for i, h := range []http.Handler{faces.API, faces.Admin, faces.Developer} {
		srv := httptest.NewUnstartedServer(h)
		srv.Listener.Close()
		srv.Listener = lns[i]
		srv.Start()
		t.Cleanup(srv.Close)
	}
	return sb
}

// Emails are the emails in the outbox, oldest first.
func (s *Sandbox) Emails(t testing.TB, f store.EmailFilter) []store.Email {
	t.Helper()
	es, err := s.Store.Emails(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return es
}
