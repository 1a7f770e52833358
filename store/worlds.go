package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
)

// Worlds are copies of a fixture provider made for one test each
// (POST /_sandbox/worlds): a provider of their own, with everything it
// owns under new credentials. They live in the database, so that
// snapshots, resets and restarts treat them as the rest of the state; the
// fixture they were made from is kept, for a reset of one world.

// World is one isolated world.
type World struct {
	ID         string
	ProviderID int64
	// Source names the fixture provider it copies; Fixture is the copy,
	// with its credentials, as it was seeded.
	Source    string
	Fixture   fixtures.Provider
	CreatedAt time.Time
}

// ErrNoWorld is the lookup of an unknown world.
var ErrNoWorld = errors.New("store: no such world")

// CreateWorld seeds p, a fixture provider with credentials of its own, as
// the world id, in one change; its usage is counted as a seed's.
func (s *Store) CreateWorld(ctx context.Context, id, source string, p fixtures.Provider) error {
	fixture, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("world %s: %w", id, err)
	}
	var counts []FixtureCount
	err = s.Change(ctx, func(t *Tx) error {
		prov, c, err := t.seed(p)
		if err != nil {
			return err
		}
		counts = c
		_, err = t.exec("register world", `INSERT INTO worlds (id, provider_id, source, fixture, created_at)
			VALUES (?,?,?,?,?)`, id, prov, source, string(fixture), t.Now.Unix())
		return err
	})
	if err != nil {
		return fmt.Errorf("world %s: %w", id, err)
	}
	return s.countFixture(ctx, counts, nil)
}

// countFixture counts seeded usage at the current time. applied, if not
// nil, is closed once the live counters hold it, before its commit.
func (s *Store) countFixture(ctx context.Context, counts []FixtureCount, applied chan<- struct{}) error {
	if len(counts) == 0 {
		if applied != nil {
			close(applied)
		}
		return nil
	}
	cat, now := s.Catalog(), s.clk.Now()
	return s.UpdateUsage(ctx, func(c *CounterWriter) error {
		for k, v := range fixtureUsage(cat, counts, now) {
			c.Set(k, addSat(c.Get(k), v))
		}
		if applied != nil {
			close(applied)
		}
		return nil
	})
}

// Worlds lists the worlds, oldest first.
func (s *Store) Worlds(ctx context.Context) ([]World, error) {
	var out []World
	err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		out, err = scanWorlds(ctx, tx, `ORDER BY rowid`)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// World returns one world.
func (s *Store) World(ctx context.Context, id string) (*World, error) {
	var out []World
	err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		out, err = scanWorlds(ctx, tx, `WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, ErrNoWorld
	}
	return &out[0], nil
}

type worldQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func scanWorlds(ctx context.Context, q worldQuerier, where string, args ...any) ([]World, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, provider_id, source, fixture, created_at FROM worlds `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read worlds: %w", err)
	}
	defer rows.Close()
	var out []World
	for rows.Next() {
		var w World
		var fixture string
		var created int64
		if err := rows.Scan(&w.ID, &w.ProviderID, &w.Source, &fixture, &created); err != nil {
			return nil, fmt.Errorf("read worlds: %w", err)
		}
		if err := json.Unmarshal([]byte(fixture), &w.Fixture); err != nil {
			return nil, fmt.Errorf("world %s: its fixture: %w", w.ID, err)
		}
		w.CreatedAt = unix(created)
		out = append(out, w)
	}
	return out, rows.Err()
}

// DropWorld deletes a world: its provider and everything it owns, its
// counters, webhook events and failures, emails and error logs.
func (s *Store) DropWorld(ctx context.Context, id string) error {
	return s.Change(ctx, func(t *Tx) error {
		w, err := t.world(id)
		if err != nil {
			return err
		}
		if err := t.dropProvider(w.ProviderID); err != nil {
			return err
		}
		_, err = t.exec("drop world", `DELETE FROM worlds WHERE id = ?`, id)
		return err
	})
}

// ResetWorld puts a world back as it was made: the same credentials, the
// fixture's state, nothing of what its tests did.
func (s *Store) ResetWorld(ctx context.Context, id string) error {
	var counts []FixtureCount
	err := s.Change(ctx, func(t *Tx) error {
		w, err := t.world(id)
		if err != nil {
			return err
		}
		if err := t.dropProvider(w.ProviderID); err != nil {
			return err
		}
		prov, c, err := t.seed(w.Fixture)
		if err != nil {
			return err
		}
		counts = c
		_, err = t.exec("reset world", `UPDATE worlds SET provider_id = ? WHERE id = ?`, prov, id)
		return err
	})
	if err != nil {
		return err
	}
	return s.countFixture(ctx, counts, nil)
}

func (t *Tx) world(id string) (*World, error) {
	ws, err := scanWorlds(t.ctx, t.tx, `WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ws) == 0 {
		return nil, ErrNoWorld
	}
	return &ws[0], nil
}

// dropProvider deletes a provider with everything it owns, and what is
// kept of it beside the model.
func (t *Tx) dropProvider(id int64) error {
	defer t.changedConfig() // after the deletes: the catalog is read first
	cat, err := t.Catalog()
	if err != nil {
		return err
	}
	for _, p := range cat.Providers {
		if p.ID != id {
			continue
		}
		for _, svc := range p.Services {
			for _, app := range svc.Applications {
				if err := t.DeleteApplication(app.ID); err != nil {
					return err
				}
			}
			if _, err := t.exec("delete world errors", `DELETE FROM errors WHERE service_id = ?`, svc.ID); err != nil {
				return err
			}
		}
	}
	for _, q := range []string{
		`DELETE FROM webhook_events WHERE provider_id = ?`, `DELETE FROM webhook_failures WHERE provider_id = ?`,
		`DELETE FROM emails WHERE provider_id = ?`, `DELETE FROM providers WHERE id = ?`,
	} {
		if _, err := t.exec("drop world", q, id); err != nil {
			return err
		}
	}
	return nil
}
