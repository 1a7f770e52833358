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
	"sync"
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

// Dispatcher delivers pending events: each provider's one at a time, in the
// order they fall due, beside the other providers'.
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

// Backoff bounds the waits after a store error (a full disk, say): the
// first wait is the minimum, each next one twice as long, up to the maximum.
// They are real time, not the sandbox clock's: the store recovers in the
// real world, and a frozen clock would never end them.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 30 * time.Second
)

// Run delivers until ctx is done. Each provider's events are delivered by
// a worker of its own, one at a time in the order they fall due, so that a
// slow or hanging receiver delays only its own provider's events. Between
// deliveries Run sleeps until the next retry falls due, a change queues an
// event, or a worker ends. When the store fails it backs off, logging once
// per wait, and carries on once it recovers.
func (d *Dispatcher) Run(ctx context.Context) {
	// kick wakes the loop: a change queued events, or a worker ended.
	kick := make(chan struct{}, 1)
	poke := func() {
		select {
		case kick <- struct{}{}:
		default:
		}
	}
	go func() {
		for {
			select {
			case <-d.o.Store.OutboxSignal():
				poke()
			case <-ctx.Done():
				return
			}
		}
	}()
	var mu sync.Mutex
	busy := map[int64]bool{}
	var workers sync.WaitGroup
	defer workers.Wait()
	b := backoff{log: d.o.Logger}
	for ctx.Err() == nil {
		due, next, err := d.o.Store.DueProviders(ctx, d.o.Clock.Now())
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, store.ErrClosed) {
				return
			}
			b.wait(ctx, "read the webhook outbox", err)
			continue
		}
		b.reset()
		mu.Lock()
		for _, p := range due {
			if busy[p] {
				continue
			}
			busy[p] = true
			workers.Add(1)
			go func() {
				defer workers.Done()
				d.drain(ctx, p)
				mu.Lock()
				delete(busy, p)
				mu.Unlock()
				poke()
			}()
		}
		mu.Unlock()
		if next.IsZero() {
			select {
			case <-kick:
			case <-ctx.Done():
			}
			continue
		}
		clock.Wait(ctx, d.o.Clock, next, kick)
	}
}

// drain delivers a provider's due events until none is left.
func (d *Dispatcher) drain(ctx context.Context, providerID int64) {
	b := backoff{log: d.o.Logger}
	for ctx.Err() == nil {
		due, err := d.o.Store.DueEvents(ctx, d.o.Clock.Now(), providerID)
		if err != nil {
			if errors.Is(err, store.ErrClosed) {
				return
			}
			b.wait(ctx, "read the webhook outbox", err)
			continue
		}
		b.reset()
		if len(due) == 0 {
			return
		}
		for _, e := range due {
			if ctx.Err() != nil {
				return
			}
			d.deliver(ctx, e, &b)
		}
	}
}

// deliver makes one attempt and records it. If the store cannot record it,
// the outcome is kept and recorded again after each back-off, rather than
// sending the event again: a receiver sees it twice only if the process
// dies before the store recovers.
func (d *Dispatcher) deliver(ctx context.Context, e *store.OutboxEvent, b *backoff) {
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
	for {
		rerr := d.o.Store.RecordAttempt(ctx, e, a, retryAt, FailureError)
		if rerr == nil {
			b.reset()
			break
		}
		if ctx.Err() != nil || errors.Is(rerr, store.ErrClosed) {
			return
		}
		if errors.Is(rerr, store.ErrEventGone) {
			log.Info("webhook event gone from the outbox (cleared, reset or restored) during its delivery")
			return
		}
		b.wait(ctx, "record a webhook attempt", rerr)
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

// backoff is the dispatcher's wait after store errors.
type backoff struct {
	log  *slog.Logger
	next time.Duration // 0: no error since the last success
}

// wait logs the error once and sleeps for the current back-off.
func (b *backoff) wait(ctx context.Context, what string, err error) {
	if b.next == 0 {
		b.next = minBackoff
	}
	b.log.Error("webhook outbox: cannot "+what+"; retrying", "err", err, "in", b.next)
	t := time.NewTimer(b.next)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	b.next = min(2*b.next, maxBackoff)
}

// reset ends a run of errors, saying so if there was one.
func (b *backoff) reset() {
	if b.next != 0 {
		b.log.Info("webhook outbox: the store works again")
		b.next = 0
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
