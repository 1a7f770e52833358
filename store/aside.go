package store

import (
	"database/sql"
	"fmt"
)

// Writes beside the catalog: rows no Catalog holds (sessions, user
// tokens, emails, message states, secrets). They are part of the change's
// transaction, commit or vanish with it, and never rebuild the catalog,
// so that a page view that refreshes its session costs one small write.

// execAside runs one write to a table outside the catalog.
func (t *Tx) execAside(what, query string, args ...any) (sql.Result, error) {
	res, err := t.tx.ExecContext(t.ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return res, nil
}

// queryRow reads one row inside the transaction.
func (t *Tx) queryRow(query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx, query, args...)
}
