package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Message is a message between a provider and one of its developer
// accounts, shown in the developer portal's inbox.
type Message struct {
	ID           int64
	ProviderID   int64
	AccountID    int64
	FromProvider bool
	Subject      string
	Body         string
	State        string // sent
	Read         bool
	CreatedAt    time.Time
}

// AddMessage stores a message and gives it its id.
func (t *Tx) AddMessage(m *Message) error {
	m.CreatedAt = t.Now
	id, err := t.insertID("insert message", `INSERT INTO messages (provider_id, account_id, from_provider, subject,
		body, state, read, created_at) VALUES (?,?,?,?,?,?,?,?)`, m.ProviderID, m.AccountID, m.FromProvider,
		m.Subject, m.Body, m.State, m.Read, m.CreatedAt.Unix())
	m.ID = id
	return err
}

// Messages returns an account's messages, newest first.
func (s *Store) Messages(ctx context.Context, accountID int64) ([]*Message, error) {
	var out []*Message
	err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, provider_id, account_id, from_provider, subject, body, state,
			read, created_at FROM messages WHERE account_id = ? ORDER BY id DESC`, accountID)
		if err != nil {
			return fmt.Errorf("read messages: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			m := &Message{}
			var created int64
			if err := rows.Scan(&m.ID, &m.ProviderID, &m.AccountID, &m.FromProvider, &m.Subject, &m.Body, &m.State,
				&m.Read, &created); err != nil {
				return fmt.Errorf("read messages: %w", err)
			}
			m.CreatedAt = unix(created)
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err // the writer may still be filling out
	}
	return out, nil
}
