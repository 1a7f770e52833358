package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
)

// Secret returns the named random secret of this database, made (n bytes
// of crypto/rand) the first time it is asked for. The portals sign their
// cookies with one, so that a sandbox restarted on the same --db keeps
// the browsers' sessions and open forms valid. While a seed's rows are
// being written it does not wait behind them: the stored secrets were read
// at Open, and a new one is queued behind the seed (a seed that fails
// stops the sandbox, its secrets with it).
func (s *Store) Secret(ctx context.Context, name string, n int) ([]byte, error) {
	if s.seeding.Load() > 0 {
		return s.secretWhileSeeding(name, n)
	}
	out := make([]byte, n)
	if _, err := rand.Read(out); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	if err := s.exec(ctx, storeSecret(name, &out)); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	return out, nil
}

// secretWhileSeeding is Secret during a seed.
func (s *Store) secretWhileSeeding(name string, n int) ([]byte, error) {
	s.secretsMu.Lock()
	defer s.secretsMu.Unlock()
	if v, ok := s.secrets[name]; ok {
		return v, nil
	}
	v := make([]byte, n)
	if _, err := rand.Read(v); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	stored := v
	if err := s.submit(&op{fn: storeSecret(name, &stored)}); err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	s.secrets[name] = v
	return v, nil
}

// storeSecret is an op that stores *v as the secret name, or sets *v to
// the one stored.
func storeSecret(name string, v *[]byte) func(ctx context.Context, tx *sql.Tx) error {
	return func(ctx context.Context, tx *sql.Tx) error {
		var stored []byte
		err := tx.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&stored)
		if err == nil {
			*v = stored
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO secrets (name, value) VALUES (?, ?)`, name, *v)
		return err
	}
}

// loadSecrets reads the stored secrets, for a seed.
func (s *Store) loadSecrets(ctx context.Context) error {
	s.secrets = map[string][]byte{}
	return scanAll(ctx, s.db, `SELECT name, value FROM secrets`, func(r *sql.Rows) error {
		var name string
		var v []byte
		if err := r.Scan(&name, &v); err != nil {
			return err
		}
		s.secrets[name] = v
		return nil
	})
}
