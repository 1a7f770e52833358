package store

import "time"

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
