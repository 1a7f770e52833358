package porta

import (
	"context"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// MessageInput is a message's subject and body.
type MessageInput struct {
	Subject, Body string
}

// SendMessage sends a message between the provider and one of its
// developer accounts: from the provider to the account (which its
// developer portal inbox shows), or, when a developer sends it, from their
// account to the provider. porta's deliver! refuses a message without a
// subject: a *TransitionError carrying the unsent message.
func (d *Domain) SendMessage(ctx context.Context, a Actor, accountID int64, in MessageInput) (*store.Message, error) {
	return on(ctx, d, a, Account, accountID, func(t *tx, acc *store.Account) (*store.Message, error) {
		m := &store.Message{ProviderID: acc.ProviderID, AccountID: acc.ID, FromProvider: a.Kind != Developer,
			Subject: in.Subject, Body: in.Body, State: "sent"}
		if m.Subject == "" {
			m.State = "unsent"
			return nil, &TransitionError{From: "unsent", Event: "deliver", Object: m, Reason: "Subject can't be blank"}
		}
		if err := t.AddMessage(m); err != nil {
			return nil, err
		}
		return m, nil
	})
}
