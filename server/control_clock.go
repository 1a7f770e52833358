package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
)

// movable is the clock a running sandbox's controls move: *clock.Control.
type movable interface {
	clock.Clock
	Frozen() bool
	Freeze(t time.Time)
	Run(t time.Time)
	RunReal()
	Advance(d time.Duration)
}

type clockReply struct {
	Now    string `json:"now"`
	Frozen bool   `json:"frozen"`
}

func (h *handlers) clockReply() clockReply {
	return clockReply{Now: stamp(h.clock.Now()), Frozen: clock.IsFrozen(h.clock)}
}

// getClock is GET /_sandbox/clock.
func (h *handlers) getClock(c echo.Context) error { return replyJSON(c, http.StatusOK, h.clockReply()) }

// setClock is PUT /_sandbox/clock: {"frozen": true, "time": T} stops the
// clock at T (at its current time without one); {"frozen": false} lets it
// run with the real time again, and with a time, run on from that time.
func (h *handlers) setClock(c echo.Context) error {
	clk, err := h.movableClock()
	if err != nil {
		return err
	}
	var in struct {
		Frozen *bool   `json:"frozen"`
		Time   *string `json:"time"`
	}
	if err := readJSON(c, &in, true); err != nil {
		return err
	}
	if in.Frozen == nil {
		return badRequest("frozen", "frozen is required: true stops the clock, false lets it run")
	}
	var at time.Time
	if in.Time != nil {
		if at, err = clock.ParseInstant(*in.Time); err != nil {
			return badRequest("time", "time %q: %v", *in.Time, err)
		}
	}
	switch {
	case *in.Frozen && in.Time != nil:
		clk.Freeze(at)
	case *in.Frozen:
		clk.Freeze(clk.Now())
	case in.Time != nil:
		clk.Run(at)
	default:
		clk.RunReal()
	}
	return replyJSON(c, http.StatusOK, h.clockReply())
}

// advanceClock is POST /_sandbox/clock/advance: {"by": "1h30m"} moves the
// clock by a duration, {"to": T} to a time; frozen or running, it stays
// so. Going back is allowed; counters are not rewound.
func (h *handlers) advanceClock(c echo.Context) error {
	clk, err := h.movableClock()
	if err != nil {
		return err
	}
	var in struct {
		By *string `json:"by"`
		To *string `json:"to"`
	}
	if err := readJSON(c, &in, true); err != nil {
		return err
	}
	switch {
	case in.By != nil && in.To != nil:
		return badRequest("by", "give by or to, not both")
	case in.By != nil:
		d, err := clock.ParseDuration(*in.By)
		if err != nil {
			return badRequest("by", "by %v", err)
		}
		clk.Advance(d)
	case in.To != nil:
		at, err := clock.ParseInstant(*in.To)
		if err != nil {
			return badRequest("to", "to %q: %v", *in.To, err)
		}
		clk.Advance(at.Sub(clk.Now()))
	default:
		return badRequest("by", `by (a duration, e.g. "1h30m") or to (a time) is required`)
	}
	return replyJSON(c, http.StatusOK, h.clockReply())
}

func (h *handlers) movableClock() (movable, error) {
	m, ok := h.clock.(movable)
	if !ok {
		return nil, refuse(http.StatusConflict, "", "this sandbox's clock cannot be moved")
	}
	return m, nil
}
