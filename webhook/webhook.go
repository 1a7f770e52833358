// Package webhook delivers the events of the store's webhook outbox the way
// porta's WebHookWorker does: a POST of the <event> document with
// Content-Type application/xml, where any 2xx is a delivery and anything
// else (another status, a redirect, a timeout, a refused connection) is
// tried again after a delay, up to a number of retries, and then recorded
// as a failure of the provider. Delays follow the sandbox clock.
package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// FailureError is what porta records as the error of every failure: the
// worker wraps each delivery error in this class, whose to_s is its name.
const FailureError = "WebHookWorker::ClientError"

// Options configure a Dispatcher.
type Options struct {
	Store  *store.Store
	Clock  clock.Clock
	Logger *slog.Logger
	// Retries after the first attempt (porta: 5), each Delay after the
	// previous failure (porta: 60s).
	Retries int
	Delay   time.Duration
	// Timeout bounds one attempt.
	Timeout time.Duration
	// Client sends the requests; nil means a client that follows no
	// redirects, as RestClient's POST does not.
	Client *http.Client
}

// Dispatcher delivers pending events, one at a time, in the order they fall
// due.
type Dispatcher struct {
	o Options
}

// New returns a Dispatcher.
func New(o Options) *Dispatcher {
	if o.Client == nil {
		o.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}}
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	return &Dispatcher{o: o}
}

// Run delivers until ctx is done: whatever is due, then it sleeps until the
// next retry falls due or a change queues a new event.
func (d *Dispatcher) Run(ctx context.Context) {
	wake := d.o.Store.OutboxSignal()
	for ctx.Err() == nil {
		due, next, err := d.o.Store.DueEvents(ctx, d.o.Clock.Now())
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, store.ErrClosed) {
				d.o.Logger.Error("webhook outbox", "err", err)
			}
			return
		}
		for _, e := range due {
			if ctx.Err() != nil {
				return
			}
			d.deliver(ctx, e)
		}
		if len(due) > 0 {
			continue
		}
		if next.IsZero() {
			select {
			case <-wake:
			case <-ctx.Done():
			}
			continue
		}
		clock.Wait(ctx, d.o.Clock, next, wake)
	}
}

// deliver makes one attempt and records it.
func (d *Dispatcher) deliver(ctx context.Context, e *store.OutboxEvent) {
	status, err := d.post(ctx, e)
	a := store.Attempt{At: d.o.Clock.Now(), Status: status}
	var retryAt time.Time
	if err != nil {
		a.Error = err.Error()
		if len(e.Attempts) < d.o.Retries {
			retryAt = a.At.Add(d.o.Delay)
		}
	}
	log := d.o.Logger.With("event", e.Type+"_"+e.Action, "id", e.UUID, "url", e.URL, "attempt", len(e.Attempts)+1)
	if rerr := d.o.Store.RecordAttempt(ctx, e, a, retryAt, FailureError); rerr != nil {
		if !errors.Is(rerr, store.ErrClosed) && ctx.Err() == nil {
			d.o.Logger.Error("webhook outbox", "err", rerr)
		}
		return
	}
	switch {
	case err == nil:
		log.Info("webhook delivered", "status", status)
	case !retryAt.IsZero():
		log.Warn("webhook delivery failed; will retry", "err", err, "retry_at", retryAt)
	default:
		log.Warn("webhook delivery failed for good", "err", err)
	}
}

// post sends the event; a nil error means a 2xx answer.
func (d *Dispatcher) post(ctx context.Context, e *store.OutboxEvent) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, d.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(e.Body))
	if err != nil {
		return 0, fmt.Errorf("bad webhook url: %w", err)
	}
	req.Header.Set("Content-Type", "application/xml")
	req.Header.Set("User-Agent", "threescale-sandbox webhooks")
	resp, err := d.o.Client.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, nil
}
