package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Messages between a provider and its developer accounts, as porta's
// Message and MessageRecipient: a message has a sender (the provider, or
// a developer account) and recipients, each of whom holds it read or
// unread, in the inbox or hidden in the trash. The sender can hide it from
// their sent messages too.

// The origins of a message.
const (
	// OriginWeb is a message a person wrote (a portal, the API).
	OriginWeb = "web"
	// OriginSystem is a message porta writes itself about a change
	// (an application accepted, a key created…).
	OriginSystem = "system"
)

// Message is a message between a provider and its developer accounts.
type Message struct {
	ID         int64
	ProviderID int64
	// AccountID is the developer account on the other side: the sender of
	// a message from a developer, the recipient of one from the provider;
	// 0 for a message from the provider to every developer account.
	AccountID      int64
	FromProvider   bool
	Subject        string
	Body           string
	State          string // sent (unsent: refused, never stored)
	Origin         string // OriginWeb or OriginSystem ("": web)
	SenderHiddenAt *time.Time
	CreatedAt      time.Time
}

// Mailbox is one side's messages: a developer account's, or, with
// AccountID 0, the provider's.
type Mailbox struct {
	ProviderID, AccountID int64
}

// Recipient is where a message went: the id an inbox names it by, and the
// developer account (0: the provider).
type Recipient struct {
	ID, AccountID int64
}

// Received is a message as one recipient holds it.
type Received struct {
	Message
	// RecipientID is the id the recipient's inbox names the message by.
	RecipientID int64
	Read        bool
	HiddenAt    *time.Time
}

// AddMessage stores a message and gives it its id and recipients: from
// the provider, the account (every account of the provider for
// AccountID 0); from a developer account, the provider. They hold it
// unread.
func (t *Tx) AddMessage(m *Message) ([]Recipient, error) {
	m.CreatedAt = t.Now
	if m.Origin == "" {
		m.Origin = OriginWeb
	}
	res, err := t.execAside("insert message", `INSERT INTO messages (provider_id, account_id, from_provider,
		subject, body, state, origin, created_at) VALUES (?,?,?,?,?,?,?,?)`, m.ProviderID, nullID(m.AccountID),
		m.FromProvider, m.Subject, m.Body, m.State, m.Origin, m.CreatedAt.Unix())
	if err != nil {
		return nil, err
	}
	if m.ID, err = res.LastInsertId(); err != nil {
		return nil, fmt.Errorf("insert message: %w", err)
	}
	var to []int64
	switch {
	case !m.FromProvider:
		to = []int64{0}
	case m.AccountID != 0:
		to = []int64{m.AccountID}
	default:
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		for _, p := range cat.Providers {
			if p.ID == m.ProviderID {
				for _, acc := range p.Accounts {
					to = append(to, acc.ID)
				}
			}
		}
	}
	out := make([]Recipient, 0, len(to))
	for _, acc := range to {
		res, err := t.execAside("insert message recipient", `INSERT INTO message_recipients (message_id, account_id)
			VALUES (?,?)`, m.ID, nullID(acc))
		if err != nil {
			return nil, err
		}
		id, err := res.LastInsertId()
		if err != nil {
			return nil, fmt.Errorf("insert message recipient: %w", err)
		}
		out = append(out, Recipient{ID: id, AccountID: acc})
	}
	return out, nil
}

const messageColumns = `m.id, m.provider_id, m.account_id, m.from_provider, m.subject, m.body, m.state, m.origin,
	m.sender_hidden_at, m.created_at`

func scanMessage(sc interface{ Scan(...any) error }, m *Message, more ...any) error {
	var account, hidden sql.NullInt64
	var created int64
	if err := sc.Scan(append([]any{&m.ID, &m.ProviderID, &account, &m.FromProvider, &m.Subject, &m.Body, &m.State,
		&m.Origin, &hidden, &created}, more...)...); err != nil {
		return err
	}
	m.AccountID, m.SenderHiddenAt, m.CreatedAt = account.Int64, optTime(hidden), unix(created)
	return nil
}

// receivedWhere selects the recipient rows of a mailbox.
const receivedWhere = `FROM message_recipients r JOIN messages m ON m.id = r.message_id
	WHERE m.provider_id = ? AND r.account_id IS ?`

// ReceivedMessages returns the messages a mailbox received, newest first:
// those in the inbox, or (trash) those hidden.
func (s *Store) ReceivedMessages(ctx context.Context, box Mailbox, trash bool) ([]Received, error) {
	var out []Received
	err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+messageColumns+`, r.id, r.read, r.hidden_at `+receivedWhere+`
			AND (r.hidden_at IS NOT NULL) = ? ORDER BY r.id DESC`, box.ProviderID, nullID(box.AccountID), trash)
		if err != nil {
			return fmt.Errorf("read messages: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var rc Received
			var hidden sql.NullInt64
			if err := scanMessage(rows, &rc.Message, &rc.RecipientID, &rc.Read, &hidden); err != nil {
				return fmt.Errorf("read messages: %w", err)
			}
			rc.HiddenAt = optTime(hidden)
			out = append(out, rc)
		}
		return rows.Err()
	})
	return out, err
}

// ReceivedMessage returns one message of a mailbox by its recipient id;
// nil when the mailbox has no such message.
func (s *Store) ReceivedMessage(ctx context.Context, box Mailbox, recipientID int64) (*Received, error) {
	var out *Received
	err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		rc := &Received{}
		var hidden sql.NullInt64
		err := scanMessage(tx.QueryRowContext(ctx, `SELECT `+messageColumns+`, r.id, r.read, r.hidden_at `+
			receivedWhere+` AND r.id = ?`, box.ProviderID, nullID(box.AccountID), recipientID), &rc.Message,
			&rc.RecipientID, &rc.Read, &hidden)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read message: %w", err)
		}
		rc.HiddenAt, out = optTime(hidden), rc
		return nil
	})
	return out, err
}

// UnreadMessages counts the unread messages in a mailbox's inbox.
func (s *Store) UnreadMessages(ctx context.Context, box Mailbox) (int, error) {
	var n int
	err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) `+receivedWhere+` AND r.read = 0 AND r.hidden_at IS NULL`,
			box.ProviderID, nullID(box.AccountID)).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("count unread messages: %w", err)
	}
	return n, nil
}

// sentWhere selects the messages a mailbox sent.
const sentWhere = `FROM messages m WHERE m.provider_id = ? AND m.from_provider = ? AND (? OR m.account_id = ?)`

// SentMessages returns the messages a mailbox sent, newest first: those
// shown, or (trash) those hidden.
func (s *Store) SentMessages(ctx context.Context, box Mailbox, trash bool) ([]Message, error) {
	var out []Message
	err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		fromProvider := box.AccountID == 0
		rows, err := tx.QueryContext(ctx, `SELECT `+messageColumns+` `+sentWhere+`
			AND (m.sender_hidden_at IS NOT NULL) = ? ORDER BY m.id DESC`, box.ProviderID, fromProvider, fromProvider,
			box.AccountID, trash)
		if err != nil {
			return fmt.Errorf("read sent messages: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var m Message
			if err := scanMessage(rows, &m); err != nil {
				return fmt.Errorf("read sent messages: %w", err)
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, err
}

// SentMessage returns one message a mailbox sent; nil when it sent no such
// message.
func (s *Store) SentMessage(ctx context.Context, box Mailbox, id int64) (*Message, error) {
	var out *Message
	err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		fromProvider := box.AccountID == 0
		m := &Message{}
		err := scanMessage(tx.QueryRowContext(ctx, `SELECT `+messageColumns+` `+sentWhere+` AND m.id = ?`,
			box.ProviderID, fromProvider, fromProvider, box.AccountID, id), m)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read sent message: %w", err)
		}
		out = m
		return nil
	})
	return out, err
}

// recipientOf checks that a recipient row is the mailbox's.
func (t *Tx) recipientOf(box Mailbox, recipientID int64) (bool, error) {
	var n int
	err := t.queryRow(`SELECT count(*) `+receivedWhere+` AND r.id = ?`, box.ProviderID, nullID(box.AccountID),
		recipientID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("read message recipient: %w", err)
	}
	return n == 1, nil
}

// SetMessageRead marks a received message read or unread. It reports
// false when the mailbox has no such message.
func (t *Tx) SetMessageRead(box Mailbox, recipientID int64, read bool) (bool, error) {
	return t.onRecipient(box, recipientID, "mark message read", `UPDATE message_recipients SET read = ? WHERE id = ?`,
		read, recipientID)
}

// HideReceivedMessage moves a received message to the trash (hidden) or
// back to the inbox. It reports false when the mailbox has no such
// message.
func (t *Tx) HideReceivedMessage(box Mailbox, recipientID int64, hidden bool) (bool, error) {
	var at sql.NullInt64
	if hidden {
		at = sql.NullInt64{Int64: t.Now.Unix(), Valid: true}
	}
	return t.onRecipient(box, recipientID, "hide message", `UPDATE message_recipients SET hidden_at = ? WHERE id = ?`,
		at, recipientID)
}

// DeleteReceivedMessage deletes a received message for good (emptying the
// trash). It reports false when the mailbox has no such message.
func (t *Tx) DeleteReceivedMessage(box Mailbox, recipientID int64) (bool, error) {
	return t.onRecipient(box, recipientID, "delete message", `DELETE FROM message_recipients WHERE id = ?`,
		recipientID)
}

func (t *Tx) onRecipient(box Mailbox, recipientID int64, what, query string, args ...any) (bool, error) {
	ok, err := t.recipientOf(box, recipientID)
	if err != nil || !ok {
		return false, err
	}
	_, err = t.execAside(what, query, args...)
	return err == nil, err
}

// HideSentMessage hides a sent message from the sender's sent messages, or
// shows it again. It reports false when the mailbox sent no such message.
func (t *Tx) HideSentMessage(box Mailbox, id int64, hidden bool) (bool, error) {
	var at sql.NullInt64
	if hidden {
		at = sql.NullInt64{Int64: t.Now.Unix(), Valid: true}
	}
	fromProvider := box.AccountID == 0
	res, err := t.execAside("hide sent message", `UPDATE messages SET sender_hidden_at = ? WHERE id IN
		(SELECT m.id `+sentWhere+` AND m.id = ?)`, at, box.ProviderID, fromProvider, fromProvider, box.AccountID, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
