package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// The email outbox: every email porta would send is written here, in the
// transaction of the change that caused it, instead of being sent. One
// row per recipient address, newest last.

// Email is one email to one address.
type Email struct {
	ID         int64
	ProviderID int64
	To, From   string
	Subject    string
	Body       string
	// Links are the URLs in the body, in order: the activation,
	// invitation or reset link a test follows.
	Links []string
	// Kind names what caused it: "account_approved", "message", ….
	Kind string
	// AccountID is the developer account it is about; 0 for none.
	AccountID int64
	CreatedAt time.Time
}

// QueueEmail writes an email to the outbox, created now.
func (t *Tx) QueueEmail(e *Email) error {
	e.CreatedAt = t.Now
	links := e.Links
	if links == nil {
		links = []string{}
	}
	b, _ := json.Marshal(links) // strings always marshal
	res, err := t.execAside("queue email", `INSERT INTO emails (provider_id, to_address, from_address, subject,
		body, links, kind, account_id, created_ms) VALUES (?,?,?,?,?,?,?,?,?)`, e.ProviderID, e.To, e.From,
		e.Subject, e.Body, string(b), e.Kind, nullID(e.AccountID), ms(e.CreatedAt))
	if err != nil {
		return err
	}
	e.ID, err = res.LastInsertId()
	return err
}

// EmailFilter selects emails; "" keeps any.
type EmailFilter struct {
	ProviderID int64 // 0: every provider
	To         string
	// Subject keeps the emails whose subject contains it.
	Subject string
}

// Emails returns the emails f keeps, oldest first.
func (s *Store) Emails(ctx context.Context, f EmailFilter) ([]Email, error) {
	var out []Email
	err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, provider_id, to_address, from_address, subject, body, links,
			kind, account_id, created_ms FROM emails
			WHERE (? = 0 OR provider_id = ?) AND (? = '' OR to_address = ? COLLATE NOCASE)
			AND (? = '' OR instr(lower(subject), lower(?)) > 0) ORDER BY id`,
			f.ProviderID, f.ProviderID, f.To, f.To, f.Subject, f.Subject)
		if err != nil {
			return fmt.Errorf("read emails: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var e Email
			var account sql.NullInt64
			var created int64
			if err := rows.Scan(&e.ID, &e.ProviderID, &e.To, &e.From, &e.Subject, &e.Body,
				jsonColumn[[]string]{&e.Links}, &e.Kind, &account, &created); err != nil {
				return fmt.Errorf("read emails: %w", err)
			}
			e.AccountID, e.CreatedAt = account.Int64, fromMS(created)
			if e.Links == nil {
				e.Links = []string{}
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ClearEmails forgets the emails of a provider (0: of every provider).
func (s *Store) ClearEmails(ctx context.Context, providerID int64) error {
	return s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM emails WHERE ? = 0 OR provider_id = ?`, providerID,
			providerID); err != nil {
			return fmt.Errorf("clear emails: %w", err)
		}
		return nil
	})
}
