package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The webhook outbox: every event porta would send is queued here in the
// transaction of the change that caused it, so a change and its events
// commit (or vanish) together and a restart resumes the deliveries that
// were pending. Delivered and failed events stay, with their attempts, for
// tests to assert on.

// Event states.
const (
	EventPending   = "pending"
	EventDelivered = "delivered"
	EventFailed    = "failed"
)

// OutboxEvent is one webhook event and its deliveries.
type OutboxEvent struct {
	ID          int64
	UUID        string
	ProviderID  int64
	Type        string // account | user | application
	Action      string // created, updated, suspended, key_created, ...
	URL         string // the webhook URL when the event was queued
	Body        []byte // the <event> document
	CreatedAt   time.Time
	State       string
	NextAttempt time.Time
	Attempts    []Attempt
}

// Attempt is one delivery try.
type Attempt struct {
	At     time.Time
	Status int    // the HTTP status, 0 when there was no response
	Error  string // why it failed, "" on success
}

// Failure is an event whose deliveries were all refused, as porta keeps it
// for GET /admin/api/webhooks/failures.xml.
type Failure struct {
	UUID  string
	Time  time.Time
	Error string
	URL   string
	Event []byte
}

// ErrEventGone is RecordAttempt's error for an event that is no longer in
// the outbox: cleared, or replaced by a reset or a restore meanwhile.
var ErrEventGone = errors.New("store: the webhook event is no longer in the outbox")

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// Enqueue queues a webhook event, due at once.
func (t *Tx) Enqueue(e *OutboxEvent) error {
	e.CreatedAt, e.NextAttempt, e.State = t.Now, t.Now, EventPending
	id, err := t.insertID("queue webhook event", `INSERT INTO webhook_events (uuid, provider_id, type, action, url,
		body, created_ms, state, attempts, next_attempt_ms) VALUES (?,?,?,?,?,?,?,?,0,?)`,
		e.UUID, e.ProviderID, e.Type, e.Action, e.URL, string(e.Body), ms(e.CreatedAt), e.State, ms(e.NextAttempt))
	if err != nil {
		return err
	}
	e.ID = id
	t.enqueued = true
	return nil
}

// ErrNoEvent is Redeliver's error for an id the outbox does not hold.
var ErrNoEvent = errors.New("store: no such webhook event")

// Redeliver queues a recorded event again, due at once, as a new event
// with id newUUID: its document as it was, sent to the provider's webhook
// URL as it is now (the event's own when the provider has none), with
// every attempt ahead of it. The sandbox's outbox offers it; porta has no
// such call.
func (s *Store) Redeliver(ctx context.Context, uuid, newUUID string) (*OutboxEvent, error) {
	var e *OutboxEvent
	err := s.Change(ctx, func(t *Tx) error {
		found, err := scanEvents(t.ctx, t.tx, `WHERE uuid = ?`, uuid)
		if err != nil {
			return err
		}
		if len(found) == 0 {
			return ErrNoEvent
		}
		old := found[0]
		e = &OutboxEvent{UUID: newUUID, ProviderID: old.ProviderID, Type: old.Type, Action: old.Action, URL: old.URL,
			Body: old.Body}
		cat, err := t.Catalog()
		if err != nil {
			return err
		}
		for _, p := range cat.Providers {
			if p.ID == old.ProviderID && p.Webhooks.URL != "" {
				e.URL = p.Webhooks.URL
			}
		}
		return t.Enqueue(e)
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// DueProviders returns the providers with pending events due at now, and
// the time the next pending event of any provider falls due after now
// (zero if none is waiting).
func (s *Store) DueProviders(ctx context.Context, now time.Time) ([]int64, time.Time, error) {
	var due []int64
	var next time.Time
	err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT provider_id FROM webhook_events
			WHERE state = 'pending' AND next_attempt_ms <= ? ORDER BY provider_id`, ms(now))
		if err != nil {
			return fmt.Errorf("due webhook providers: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				return fmt.Errorf("due webhook providers: %w", err)
			}
			due = append(due, id)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("due webhook providers: %w", err)
		}
		var n sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT MIN(next_attempt_ms) FROM webhook_events
			WHERE state = 'pending' AND next_attempt_ms > ?`, ms(now)).Scan(&n); err != nil {
			return fmt.Errorf("next webhook event: %w", err)
		}
		if n.Valid {
			next = fromMS(n.Int64)
		}
		return nil
	})
	if err != nil {
		return nil, time.Time{}, err // the writer may still be filling them
	}
	return due, next, nil
}

// DueEvents returns up to 100 pending events of a provider due at now,
// oldest due first.
func (s *Store) DueEvents(ctx context.Context, now time.Time, providerID int64) ([]*OutboxEvent, error) {
	var due []*OutboxEvent
	err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		due, err = scanEvents(ctx, tx, `WHERE provider_id = ? AND state = 'pending' AND next_attempt_ms <= ?
			ORDER BY next_attempt_ms, id LIMIT 100`, providerID, ms(now))
		return err
	})
	if err != nil {
		return nil, err // the writer may still be filling them
	}
	return due, nil
}

// RecordAttempt stores the outcome of one delivery of e. A failed attempt
// is tried again at retryAt; with a zero retryAt the event has failed for
// good and becomes a failure of its provider, with failureError as porta's
// error text.
func (s *Store) RecordAttempt(ctx context.Context, e *OutboxEvent, a Attempt, retryAt time.Time, failureError string) error {
	attempts := len(e.Attempts)
	var state string
	var next time.Time
	err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		n := attempts + 1
		var found int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM webhook_events WHERE id = ? AND uuid = ?`,
			e.ID, e.UUID).Scan(&found); err != nil {
			return fmt.Errorf("find webhook event: %w", err)
		}
		if found == 0 {
			return ErrEventGone
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_attempts (event_id, n, at_ms, status, error)
			VALUES (?,?,?,?,?)`, e.ID, n, ms(a.At), a.Status, a.Error); err != nil {
			return fmt.Errorf("record webhook attempt: %w", err)
		}
		state, next = EventPending, retryAt
		switch {
		case a.Error == "":
			state, next = EventDelivered, a.At
		case retryAt.IsZero():
			state, next = EventFailed, a.At
			if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_failures (provider_id, uuid, time, error, url, event)
				VALUES (?,?,?,?,?,?)`, e.ProviderID, e.UUID, a.At.Unix(), failureError, e.URL, string(e.Body)); err != nil {
				return fmt.Errorf("record webhook failure: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE webhook_events SET state=?, attempts=?, next_attempt_ms=? WHERE id=?`,
			state, n, ms(next), e.ID); err != nil {
			return fmt.Errorf("update webhook event: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	e.State, e.NextAttempt = state, next
	e.Attempts = append(e.Attempts, a)
	return nil
}

// Outbox returns every event of a provider (0: of every provider), oldest
// first, with its attempts.
func (s *Store) Outbox(ctx context.Context, providerID int64) ([]*OutboxEvent, error) {
	var out []*OutboxEvent
	err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		out, err = scanEvents(ctx, tx, `WHERE ? = 0 OR provider_id = ? ORDER BY id`, providerID, providerID)
		return err
	})
	if err != nil {
		return nil, err // the writer may still be filling out
	}
	return out, nil
}

// ClearOutbox forgets every event of a provider (0: of every provider),
// pending ones included.
func (s *Store) ClearOutbox(ctx context.Context, providerID int64) error {
	return s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhook_events WHERE ? = 0 OR provider_id = ?`,
			providerID, providerID); err != nil {
			return fmt.Errorf("clear webhook outbox: %w", err)
		}
		return nil
	})
}

// scanEvents reads events matching where, with their attempts.
func scanEvents(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]*OutboxEvent, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, uuid, provider_id, type, action, url, body, created_ms, state,
		next_attempt_ms FROM webhook_events `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read webhook events: %w", err)
	}
	var out []*OutboxEvent
	byID := map[int64]*OutboxEvent{}
	for rows.Next() {
		e := &OutboxEvent{}
		var body string
		var created, next int64
		if err := rows.Scan(&e.ID, &e.UUID, &e.ProviderID, &e.Type, &e.Action, &e.URL, &body, &created, &e.State,
			&next); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read webhook events: %w", err)
		}
		e.Body, e.CreatedAt, e.NextAttempt = []byte(body), fromMS(created), fromMS(next)
		out = append(out, e)
		byID[e.ID] = e
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read webhook events: %w", err)
	}
	if len(out) == 0 {
		return nil, nil
	}
	lo, hi := out[0].ID, out[0].ID
	for _, e := range out {
		lo, hi = min(lo, e.ID), max(hi, e.ID)
	}
	arows, err := tx.QueryContext(ctx, `SELECT event_id, at_ms, status, error FROM webhook_attempts
		WHERE event_id BETWEEN ? AND ? ORDER BY event_id, n`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("read webhook attempts: %w", err)
	}
	defer arows.Close()
	for arows.Next() {
		var id, at int64
		var a Attempt
		if err := arows.Scan(&id, &at, &a.Status, &a.Error); err != nil {
			return nil, fmt.Errorf("read webhook attempts: %w", err)
		}
		if e := byID[id]; e != nil {
			a.At = fromMS(at)
			e.Attempts = append(e.Attempts, a)
		}
	}
	return out, arows.Err()
}

// Failures returns a provider's failed deliveries, oldest first.
func (s *Store) Failures(ctx context.Context, providerID int64) ([]Failure, error) {
	var out []Failure
	err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT uuid, time, error, url, event FROM webhook_failures
			WHERE provider_id = ? ORDER BY id`, providerID)
		if err != nil {
			return fmt.Errorf("read webhook failures: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var f Failure
			var at int64
			var event string
			if err := rows.Scan(&f.UUID, &at, &f.Error, &f.URL, &event); err != nil {
				return fmt.Errorf("read webhook failures: %w", err)
			}
			f.Time, f.Event = unix(at), []byte(event)
			out = append(out, f)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err // the writer may still be filling out
	}
	return out, nil
}

// DeleteFailures deletes a provider's failures: all of them, or, given a
// time, those from the oldest on while they are not newer than it (porta
// stops at the first newer one).
func (s *Store) DeleteFailures(ctx context.Context, providerID int64, upTo *time.Time) error {
	return s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		query, args := `DELETE FROM webhook_failures WHERE provider_id = ?`, []any{providerID}
		if upTo != nil {
			query += ` AND id < COALESCE((SELECT MIN(id) FROM webhook_failures WHERE provider_id = ? AND time > ?),
				9223372036854775807)`
			args = append(args, providerID, upTo.Unix())
		}
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			return fmt.Errorf("delete webhook failures: %w", err)
		}
		return nil
	})
}
