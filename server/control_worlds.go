package server

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Isolated worlds for parallel tests: POST /_sandbox/worlds copies a
// fixture provider's whole world under new credentials and answers them;
// each test takes one and never sees another's counters, webhooks or
// changes. GET lists them, DELETE drops one, POST .../:id/reset puts one
// back as it was made. A reset of the sandbox drops them all: they are
// not in the fixtures.

type worldReply struct {
	ID          string         `json:"id"`
	Provider    string         `json:"provider"`
	ProviderKey string         `json:"provider_key"`
	AccessToken string         `json:"access_token"`
	Services    []worldService `json:"services"`
	CreatedAt   string         `json:"created_at"`
}

type worldService struct {
	ID            string     `json:"id"`
	Name          string     `json:"name"`
	SystemName    string     `json:"system_name"`
	ServiceTokens []string   `json:"service_tokens"`
	Applications  []worldApp `json:"applications"`
}

type worldApp struct {
	Name    string   `json:"name"`
	Account string   `json:"account"`
	AppID   string   `json:"app_id"`
	AppKeys []string `json:"app_keys"`
	UserKey string   `json:"user_key,omitempty"`
}

func worldView(w store.World) worldReply {
	p := w.Fixture
	out := worldReply{ID: w.ID, Provider: p.Name, ProviderKey: p.ProviderKey, AccessToken: p.AccessToken,
		Services: []worldService{}, CreatedAt: stamp(w.CreatedAt)}
	for _, s := range p.Services {
		ws := worldService{ID: s.ID, Name: s.Name, SystemName: s.SystemName, ServiceTokens: s.ServiceTokens,
			Applications: []worldApp{}}
		if ws.ServiceTokens == nil {
			ws.ServiceTokens = []string{}
		}
		for _, acc := range p.Accounts {
			for _, a := range acc.Applications {
				if a.Service != s.ID {
					continue
				}
				keys := a.AppKeys
				if keys == nil {
					keys = []string{}
				}
				ws.Applications = append(ws.Applications, worldApp{Name: a.Name, Account: acc.OrgName, AppID: a.AppID,
					AppKeys: keys, UserKey: a.UserKey})
			}
		}
		out.Services = append(out.Services, ws)
	}
	return out
}

func (h *handlers) createWorld(c echo.Context) error {
	world, err := h.world.World()
	if err != nil {
		return err
	}
	if world == nil || len(world.Providers) == 0 {
		return refuse(http.StatusConflict, "", "this sandbox has no fixture provider to copy")
	}
	var in struct {
		Provider *string `json:"provider"`
	}
	if err := readJSON(c, &in, false); err != nil {
		return err
	}
	source := &world.Providers[0]
	if in.Provider != nil {
		source = nil
		var names []string
		for i, p := range world.Providers {
			names = append(names, fmt.Sprintf("%q", p.Name))
			if p.Name == *in.Provider {
				source = &world.Providers[i]
			}
		}
		if source == nil {
			return badRequest("provider", "no fixture provider %q (the fixtures have %s)", *in.Provider, strings.Join(names, ", "))
		}
	}
	cat := h.store.Catalog()
	taken := func(kind, v string) bool {
		switch kind {
		case "provider_key":
			return cat.ProviderByKey(v) != nil
		case "service_id":
			return cat.Service(v) != nil
		case "access_token":
			return cat.AccessToken(v) != nil
		}
		return false
	}
	fresh, err := fixtures.Fresh(*source, h.rnd, taken)
	if err != nil {
		return err
	}
	id, err := worldID(h.rnd)
	if err != nil {
		return err
	}
	if err := h.store.CreateWorld(c.Request().Context(), id, source.Name, fresh); err != nil {
		return err
	}
	w, err := h.store.World(c.Request().Context(), id)
	if err != nil {
		return err
	}
	return replyJSON(c, http.StatusCreated, worldView(*w))
}

// worldID is w- and 8 hex digits.
func worldID(rnd io.Reader) (string, error) {
	var b [4]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		return "", fmt.Errorf("generate a world id: %w", err)
	}
	return "w-" + hex.EncodeToString(b[:]), nil
}

func (h *handlers) listWorlds(c echo.Context) error {
	ws, err := h.store.Worlds(c.Request().Context())
	if err != nil {
		return err
	}
	out := []worldReply{}
	for _, w := range ws {
		out = append(out, worldView(w))
	}
	return replyJSON(c, http.StatusOK, map[string]any{"worlds": out})
}

func (h *handlers) showWorld(c echo.Context) error {
	w, err := h.store.World(c.Request().Context(), c.Param("id"))
	if err != nil {
		return noWorld(c, err)
	}
	return replyJSON(c, http.StatusOK, worldView(*w))
}

func (h *handlers) dropWorld(c echo.Context) error {
	if err := h.store.DropWorld(c.Request().Context(), c.Param("id")); err != nil {
		return noWorld(c, err)
	}
	return c.NoContent(http.StatusNoContent)
}

func (h *handlers) resetWorld(c echo.Context) error {
	start := time.Now()
	if err := h.store.ResetWorld(c.Request().Context(), c.Param("id")); err != nil {
		return noWorld(c, err)
	}
	return replyJSON(c, http.StatusOK, resetReply{TookMS: ms(time.Since(start))})
}

func noWorld(c echo.Context, err error) error {
	if errors.Is(err, store.ErrNoWorld) {
		return refuse(http.StatusNotFound, "id", "no world %q (GET /_sandbox/worlds lists them; a reset drops them all)", c.Param("id"))
	}
	return err
}
