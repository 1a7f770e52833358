package portaltest

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Receiver is a webhook receiver on loopback: it answers 200 to every
// POST and keeps the events, in the order they came.
type Receiver struct {
	// URL is where the provider's webhooks point.
	URL string

	t      testing.TB
	mu     sync.Mutex
	events []Event
	pings  int
	came   chan struct{}
}

// Event is a webhook event as the receiver got it.
type Event struct {
	Type, Action string
	// Body is the <event> document.
	Body string
}

// Receiver starts a webhook receiver that stops with the test.
func (s *Sandbox) Receiver(t testing.TB) *Receiver {
	t.Helper()
	r := &Receiver{t: t, came: make(chan struct{}, 1)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
		r.mu.Lock()
		if req.Method == http.MethodGet && req.URL.Query().Get("ping") == "3scale" {
			r.pings++
		} else {
			var ev struct {
				Action string `xml:"action"`
				Type   string `xml:"type"`
			}
			_ = xml.Unmarshal(body, &ev)
			r.events = append(r.events, Event{Type: ev.Type, Action: ev.Action, Body: string(body)})
		}
		r.mu.Unlock()
		select {
		case r.came <- struct{}{}:
		default:
		}
	}))
	t.Cleanup(srv.Close)
	r.URL = srv.URL + "/hooks"
	return r
}

// Events are the events received so far.
func (r *Receiver) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// Pings counts the pings received.
func (r *Receiver) Pings() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pings
}

// Wait waits (up to 10 s) until n events have come, and returns them.
func (r *Receiver) Wait(n int) []Event {
	r.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if evs := r.Events(); len(evs) >= n {
			return evs
		}
		select {
		case <-r.came:
		case <-deadline:
			r.t.Fatalf("webhooks: %d of %d events came: %+v", len(r.Events()), n, r.Events())
		}
	}
}
