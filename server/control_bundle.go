package server

import (
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/threescale-sandbox/threescale-sandbox/bundle"
	"github.com/threescale-sandbox/threescale-sandbox/clock"
)

// getBundle is GET /_sandbox/bundle: one file with the state, the clock
// and the journal, which serve --bundle opens again.
func (h *handlers) getBundle(c echo.Context) error {
	st, err := h.store.Export(c.Request().Context())
	if err != nil {
		return err
	}
	baseline, err := h.fixtureState(c.Request().Context())
	if err != nil {
		return err
	}
	world, err := h.world.World()
	if err != nil {
		return err
	}
	now := h.clock.Now()
	b := &bundle.Bundle{
		Manifest: bundle.Manifest{Sandbox: h.about.Version, CreatedAt: time.Now().UTC(), Clock: now,
			Frozen: clock.IsFrozen(h.clock)},
		State: st, Baseline: baseline, World: world, Journal: h.journal.Entries(),
	}
	w := c.Response()
	w.Header().Set("Content-Type", "application/gzip")
	w.Header().Set("Content-Disposition",
		fmt.Sprintf(`attachment; filename="threescale-sandbox-bundle-%s.tar.gz"`, now.Format("20060102T150405Z")))
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	return bundle.Write(w, b)
}
