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
// the browsers' sessions and open forms valid.
func (s *Store) Secret(ctx context.Context, name string, n int) ([]byte, error) {
	var out []byte
	err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT value FROM secrets WHERE name = ?`, name).Scan(&out)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		out = make([]byte, n)
		if _, err := rand.Read(out); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO secrets (name, value) VALUES (?, ?)`, name, out)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("secret %s: %w", name, err)
	}
	return out, nil
}
