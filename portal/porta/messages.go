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
		recipients, err := t.AddMessage(m)
		if err != nil {
			return nil, err
		}
		return m, t.messageMail(acc, m, recipients)
	})
}

// messageMail queues the emails of a message a person wrote: "[msg]
// SUBJECT" to the admins of each account it went to (not a suspended
// one), or "New message from ORG" to the provider's admin.
func (t *tx) messageMail(from *store.Account, m *store.Message, recipients []store.Recipient) error {
	cat, err := t.Catalog()
	if err != nil {
		return err
	}
	prov := Provider(cat, t.actor)
	for _, r := range recipients {
		if r.AccountID == 0 {
			if err := t.queue(providerMessageMail(t.d.links, cat.LinkAccount(from), r.ID)); err != nil {
				return err
			}
			continue
		}
		acc := cat.Account(r.AccountID)
		if acc == nil || acc.State == "suspended" {
			continue
		}
		if err := t.queue(messageMail(t.d.links, prov, acc, m, r.ID)); err != nil {
			return err
		}
	}
	return nil
}
