package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
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
		return c.JSON(http.StatusNotFound, map[string]string{"error": "unknown provider_key"})
	}
	state, name := c.QueryParam("state"), c.QueryParam("event")
	if state != "" && !slices.Contains(outboxStates, state) {
		return badFilter(c, "state", state, outboxStates)
	}
	if name != "" && !slices.Contains(fixtures.Events, name) {
		return badFilter(c, "event", name, fixtures.Events)
	}
	events, err := h.store.Outbox(c.Request().Context(), pid)
	if err != nil {
		return err
	}
	out := []outboxEvent{}
	for _, e := range events {
		ev := outboxEvent{ID: e.UUID, ProviderID: e.ProviderID, Event: e.Type + "_" + e.Action, Type: e.Type,
			Action: e.Action, URL: e.URL, State: e.State, CreatedAt: stamp(e.CreatedAt),
			Attempts: []outboxAttempt{}, Body: string(e.Body)}
		if (state != "" && ev.State != state) || (name != "" && ev.Event != name) {
			continue
		}
		if e.State == store.EventPending {
			next := stamp(e.NextAttempt)
			ev.NextAttempt = &next
		}
		for _, a := range e.Attempts {
			ev.Attempts = append(ev.Attempts, outboxAttempt{At: stamp(a.At), Status: a.Status, Error: a.Error})
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
		return c.JSON(http.StatusNotFound, map[string]string{"error": "unknown provider_key"})
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
