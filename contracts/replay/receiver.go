package replay

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sync"
	"time"
)

// Receiver is the webhook receiver a contract run starts on loopback: the
// target is told its URL ({{webhook_url}}) through porta's webhook
// settings, and posts its events there; examples marked @receiver read
// them back, in the order they arrived.
//
//   - POST (or any method but GET and DELETE) to any path: a delivery,
//     recorded and answered 200.
//   - GET /deliveries/next: the oldest delivery not yet read, waiting up to
//     Wait (or ?wait=DURATION, up to 30s) for one; ?event=TYPE_ACTION
//     (application_suspended) skips those of other events, and
//     ?contains=TEXT those whose body does not hold TEXT. The answer is the delivery's body with its
//     Content-Type, and its method and path in x-delivery-method and
//     x-delivery-path. 404, "no delivery", when none came in time.
//   - DELETE /deliveries: forget every delivery.
type Receiver struct {
	// Wait bounds how long GET /deliveries/next waits; 5s by default.
	Wait time.Duration

	mu         sync.Mutex
	deliveries []Delivery
	arrived    chan struct{} // closed and replaced at each delivery
}

// Delivery is one request the target sent.
type Delivery struct {
	Method, Path, ContentType string
	Body                      []byte
}

var eventRE = regexp.MustCompile(`<event><action>([a-z_]+)</action><type>([a-z_]+)</type>`)

func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/deliveries/next":
		rc.next(w, r)
	case r.Method == http.MethodDelete && r.URL.Path == "/deliveries":
		rc.mu.Lock()
		rc.deliveries = nil
		rc.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodGet || r.Method == http.MethodDelete:
		http.NotFound(w, r)
	default:
		body, _ := io.ReadAll(io.LimitReader(r.Body, 16<<20))
		rc.mu.Lock()
		rc.deliveries = append(rc.deliveries, Delivery{r.Method, r.URL.RequestURI(), r.Header.Get("Content-Type"), body})
		if rc.arrived != nil {
			close(rc.arrived)
			rc.arrived = nil
		}
		rc.mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}
}

// eventOf is the TYPE_ACTION of a webhook event's envelope.
func eventOf(body []byte) string {
	m := eventRE.FindSubmatch(bytes.TrimPrefix(body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)))
	if m == nil {
		return ""
	}
	return string(m[2]) + "_" + string(m[1])
}

func (rc *Receiver) next(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	want, contains := q.Get("event"), q.Get("contains")
	wait := rc.Wait
	if wait <= 0 {
		wait = 5 * time.Second
	}
	if d, err := time.ParseDuration(q.Get("wait")); err == nil && d > 0 {
		wait = min(d, 30*time.Second)
	}
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		rc.mu.Lock()
		for i, d := range rc.deliveries {
			if (want != "" && eventOf(d.Body) != want) || !bytes.Contains(d.Body, []byte(contains)) {
				continue
			}
			rc.deliveries = append(rc.deliveries[:i:i], rc.deliveries[i+1:]...)
			rc.mu.Unlock()
			h := w.Header()
			h.Set("Content-Type", d.ContentType)
			h.Set("X-Delivery-Method", d.Method)
			h.Set("X-Delivery-Path", d.Path)
			w.WriteHeader(http.StatusOK)
			_, _ = w.Write(d.Body)
			return
		}
		if rc.arrived == nil {
			rc.arrived = make(chan struct{})
		}
		arrived := rc.arrived
		rc.mu.Unlock()
		select {
		case <-arrived:
		case <-deadline.C:
			http.Error(w, fmt.Sprintf("no delivery within %s", wait), http.StatusNotFound)
			return
		case <-r.Context().Done():
			return
		}
	}
}
