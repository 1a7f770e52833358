package porta

import (
	"context"
	"fmt"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The messages an actor holds (a developer their account's, a provider
// user the provider's), and the email outbox.

// mailbox is the actor's side of the messages.
func mailbox(a Actor) store.Mailbox {
	box := store.Mailbox{ProviderID: a.Provider.ID}
	if a.Kind == Developer && a.User != nil {
		box.AccountID = a.User.AccountID
	}
	return box
}

// Inbox is the actor's received messages, newest first: those in the
// inbox, or (trash) those deleted.
func (d *Domain) Inbox(ctx context.Context, a Actor, trash bool) ([]store.Received, error) {
	return d.store.ReceivedMessages(ctx, mailbox(a), trash)
}

// UnreadMessages counts the unread messages of the actor's inbox.
func (d *Domain) UnreadMessages(ctx context.Context, a Actor) (int, error) {
	return d.store.UnreadMessages(ctx, mailbox(a))
}

// ReceivedMessage is one message of the actor's, by the id its inbox
// names it by.
func (d *Domain) ReceivedMessage(ctx context.Context, a Actor, id int64) (*store.Received, error) {
	m, err := d.store.ReceivedMessage(ctx, mailbox(a), id)
	if err == nil && m == nil {
		err = fmt.Errorf("message %d: %w", id, ErrNotFound)
	}
	return m, err
}

// SentMessages is what the actor's side sent, newest first (trash: those
// deleted).
func (d *Domain) SentMessages(ctx context.Context, a Actor, trash bool) ([]store.Message, error) {
	return d.store.SentMessages(ctx, mailbox(a), trash)
}

// ReadMessage marks a received message read, as opening it does, and
// returns it.
func (d *Domain) ReadMessage(ctx context.Context, a Actor, id int64) (*store.Received, error) {
	err := d.store.Change(ctx, func(t *store.Tx) error {
		ok, err := t.SetMessageRead(mailbox(a), id, true)
		if err == nil && !ok {
			err = fmt.Errorf("message %d: %w", id, ErrNotFound)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return d.ReceivedMessage(ctx, a, id)
}

// HideMessage moves a received message to the trash, or (hidden false)
// restores it.
func (d *Domain) HideMessage(ctx context.Context, a Actor, id int64, hidden bool) error {
	return d.store.Change(ctx, func(t *store.Tx) error {
		ok, err := t.HideReceivedMessage(mailbox(a), id, hidden)
		if err == nil && !ok {
			err = fmt.Errorf("message %d: %w", id, ErrNotFound)
		}
		return err
	})
}

// Emails are the provider's emails in the outbox that f keeps, oldest
// first; the provider's only.
func (d *Domain) Emails(ctx context.Context, a Actor, f store.EmailFilter) ([]store.Email, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	f.ProviderID = a.Provider.ID
	return d.store.Emails(ctx, f)
}
