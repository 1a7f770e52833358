package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/labstack/echo/v4"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/mgmt"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The sandbox's own endpoints, under /_sandbox: things the hosted 3scale
// does not offer but a test wants to see.

// outboxEvent is one webhook event as GET /_sandbox/webhooks lists it.
type outboxEvent struct {
	ID          string          `json:"id"`
	ProviderID  int64           `json:"provider_id"`
	Event       string          `json:"event"`
	Type        string          `json:"type"`
	Action      string          `json:"action"`
	URL         string          `json:"url"`
	State       string          `json:"state"`
	CreatedAt   string          `json:"created_at"`
	NextAttempt *string         `json:"next_attempt_at"`
	Attempts    []outboxAttempt `json:"attempts"`
	Body        string          `json:"body"`
}

type outboxAttempt struct {
	At     string `json:"at"`
	Status int    `json:"status"`
	Error  string `json:"error,omitempty"`
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// outbox is GET /_sandbox/webhooks: every webhook event, delivered or
// not, with its attempts; provider_key narrows it to one provider, and
// state (pending, delivered, failed) and event (e.g.
// application_suspended) filter it. An unknown state or event is a 400
// naming the accepted values.
func (h *handlers) outbox(c echo.Context) error {
	pid, ok := h.providerFilter(c)
	if !ok {
		return unknownProvider(c)
	}
	state, name := c.QueryParam("state"), c.QueryParam("event")
	if state != "" && !slices.Contains(outboxStates, state) {
		return badFilter(c, "state", state, outboxStates)
	}
	if name != "" && !slices.Contains(fixtures.Events, name) {
		return badFilter(c, "event", name, fixtures.Events)
	}
	if refused, err := onlyParams(c, "provider_key", "state", "event"); refused {
		return err
	}
	events, err := h.store.Outbox(c.Request().Context(), pid)
	if err != nil {
		return err
	}
	out := []outboxEvent{}
	for _, e := range events {
		ev := outboxView(e)
		if (state != "" && ev.State != state) || (name != "" && ev.Event != name) {
			continue
		}
		out = append(out, ev)
	}
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false) // the bodies are XML: keep them readable
	if err := enc.Encode(map[string]any{"events": out}); err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/json; charset=utf-8", body.Bytes())
}

// outboxView is an event as the outbox shows it.
func outboxView(e *store.OutboxEvent) outboxEvent {
	ev := outboxEvent{ID: e.UUID, ProviderID: e.ProviderID, Event: e.Type + "_" + e.Action, Type: e.Type,
		Action: e.Action, URL: e.URL, State: e.State, CreatedAt: stamp(e.CreatedAt),
		Attempts: []outboxAttempt{}, Body: string(e.Body)}
	if e.State == store.EventPending {
		next := stamp(e.NextAttempt)
		ev.NextAttempt = &next
	}
	for _, a := range e.Attempts {
		ev.Attempts = append(ev.Attempts, outboxAttempt{At: stamp(a.At), Status: a.Status, Error: a.Error})
	}
	return ev
}

// redeliver is POST /_sandbox/webhooks/:id/redeliver: the event sent
// again, as a new event of the outbox (202, with it), to the provider's
// webhook URL as it is now.
func (h *handlers) redeliver(c echo.Context) error {
	id, err := uuid.NewRandomFromReader(h.rnd)
	if err != nil {
		return fmt.Errorf("redeliver: %w", err)
	}
	e, err := h.store.Redeliver(c.Request().Context(), c.Param("id"), id.String())
	if errors.Is(err, store.ErrNoEvent) {
		return refuse(http.StatusNotFound, "id", "no webhook event %q in the outbox (GET /_sandbox/webhooks lists them)", c.Param("id"))
	}
	if err != nil {
		return err
	}
	return replyJSON(c, http.StatusAccepted, outboxView(e))
}

// unknownProvider answers a provider_key filter no provider has.
func unknownProvider(c echo.Context) error {
	return c.JSON(http.StatusBadRequest, struct {
		Error string `json:"error"`
		Param string `json:"param"`
	}{fmt.Sprintf("unknown provider_key %q", c.QueryParam("provider_key")), "provider_key"})
}

// onlyParams refuses a query parameter a listing does not read: a typo
// would otherwise look like an unfiltered list. It reports whether it
// answered.
func onlyParams(c echo.Context, known ...string) (bool, error) {
	for name := range c.QueryParams() {
		if !slices.Contains(known, name) {
			return true, c.JSON(http.StatusBadRequest, struct {
				Error    string   `json:"error"`
				Param    string   `json:"param"`
				Accepted []string `json:"accepted"`
			}{fmt.Sprintf("unknown parameter %q: want %s", name, strings.Join(known, ", ")), name, known})
		}
	}
	return false, nil
}

// outboxStates are the states of a webhook event, for the state filter.
var outboxStates = []string{store.EventPending, store.EventDelivered, store.EventFailed}

// badFilter answers a filter value that matches no event ever: a typo
// would otherwise look like an empty outbox.
func badFilter(c echo.Context, param, value string, accepted []string) error {
	return c.JSON(http.StatusBadRequest, struct {
		Error    string   `json:"error"`
		Param    string   `json:"param"`
		Accepted []string `json:"accepted"`
	}{fmt.Sprintf("unknown %s %q: want one of %s", param, value, strings.Join(accepted, ", ")), param, accepted})
}

// clearOutbox is DELETE /_sandbox/webhooks: forget every event (of one
// provider with provider_key), pending ones included.
func (h *handlers) clearOutbox(c echo.Context) error {
	pid, ok := h.providerFilter(c)
	if !ok {
		return unknownProvider(c)
	}
	if err := h.store.ClearOutbox(c.Request().Context(), pid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// providerFilter reads the optional provider_key: 0 means every provider.
func (h *handlers) providerFilter(c echo.Context) (int64, bool) {
	key := c.QueryParam("provider_key")
	if key == "" {
		return 0, true
	}
	p := h.store.Catalog().ProviderByKey(key)
	if p == nil {
		return 0, false
	}
	return p.ID, true
}

// Health is what the health route says about the running process.
type Health struct {
	Version, Commit string
	// Fixtures names the fixture files this start seeded the state from;
	// empty when a --db's stored state was kept.
	Fixtures []string
	// DB is the database file, "" in memory; Seeded says whether this
	// start seeded it (false: the stored state was kept).
	DB     string
	Seeded bool
	// Started is when the process started, on Wall: uptime is the
	// process's, not the sandbox clock's, which may be frozen.
	Started time.Time
	Wall    clock.Clock
}

type healthReply struct {
	Status   string      `json:"status"`
	Version  string      `json:"version"`
	Commit   string      `json:"commit"`
	Backend  string      `json:"apisonator"`
	Uptime   float64     `json:"uptime_s"`
	Fixtures []string    `json:"fixtures"`
	DB       healthDB    `json:"db"`
	Clock    healthClock `json:"clock"`
}

type healthDB struct {
	Path   *string `json:"path"`
	Seeded bool    `json:"seeded"`
}

type healthClock struct {
	Now    string `json:"now"`
	Frozen bool   `json:"frozen"`
}

// health is GET /_sandbox/health: answered once the sandbox serves, so
// a 200 with status "ready" is what a container health check or a CI job
// waits for. No CORS headers: it is for tools, not pages.
func (h *handlers) health(c echo.Context) error {
	a := h.about
	r := healthReply{Status: "ready", Version: a.Version, Commit: a.Commit, Fixtures: a.Fixtures,
		DB: healthDB{Seeded: a.Seeded}, Backend: mgmt.Version}
	if r.Fixtures == nil {
		r.Fixtures = []string{}
	}
	if a.DB != "" {
		r.DB.Path = &a.DB
	}
	if !a.Started.IsZero() {
		r.Uptime = math.Round(a.Wall.Now().Sub(a.Started).Seconds()*1000) / 1000
	}
	r.Clock = healthClock{Now: stamp(h.clock.Now()), Frozen: clock.IsFrozen(h.clock)}
	var body bytes.Buffer
	if err := json.NewEncoder(&body).Encode(r); err != nil {
		return fmt.Errorf("encode health: %w", err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "application/json; charset=utf-8", body.Bytes())
}

// outboxEmail is one email as GET /_sandbox/emails lists it.
type outboxEmail struct {
	ID         int64    `json:"id"`
	ProviderID int64    `json:"provider_id"`
	To         string   `json:"to"`
	From       string   `json:"from"`
	Subject    string   `json:"subject"`
	Body       string   `json:"body"`
	Links      []string `json:"links"`
	Kind       string   `json:"kind"`
	AccountID  *int64   `json:"account_id"`
	CreatedAt  string   `json:"created_at"`
}

// emails is GET /_sandbox/emails: every email the sandbox would have
// sent, newest last; to (an address, any case) and subject (a part of it,
// any case) filter them, provider_key narrows them to one provider.
func (h *handlers) emails(c echo.Context) error {
	pid, ok := h.providerFilter(c)
	if !ok {
		return unknownProvider(c)
	}
	if refused, err := onlyParams(c, "provider_key", "to", "subject"); refused {
		return err
	}
	es, err := h.store.Emails(c.Request().Context(), store.EmailFilter{ProviderID: pid, To: c.QueryParam("to"),
		Subject: c.QueryParam("subject")})
	if err != nil {
		return err
	}
	out := []outboxEmail{}
	for _, e := range es {
		oe := outboxEmail{ID: e.ID, ProviderID: e.ProviderID, To: e.To, From: e.From, Subject: e.Subject, Body: e.Body,
			Links: e.Links, Kind: e.Kind, CreatedAt: stamp(e.CreatedAt)}
		if e.AccountID != 0 {
			oe.AccountID = &e.AccountID
		}
		out = append(out, oe)
	}
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false) // links keep their & and <
	if err := enc.Encode(map[string]any{"emails": out}); err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/json; charset=utf-8", body.Bytes())
}

// clearEmails is DELETE /_sandbox/emails: forget every email (of one
// provider with provider_key).
func (h *handlers) clearEmails(c echo.Context) error {
	pid, ok := h.providerFilter(c)
	if !ok {
		return unknownProvider(c)
	}
	if err := h.store.ClearEmails(c.Request().Context(), pid); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}
