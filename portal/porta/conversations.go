package porta

import (
	"context"
	"fmt"
	"regexp"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// What the portals do with messages beyond sending one: a message to
// every developer account, replies, the sent messages, the trash.

// SendMassMessage sends a message from the provider to every one of its
// developer accounts, as the admin portal's compose form without a
// recipient does ("All Users"), each account's admins emailed.
func (d *Domain) SendMassMessage(ctx context.Context, a Actor, in MessageInput) (*store.Message, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return change(ctx, d, a, func(t *tx) (*store.Message, error) {
		prov, err := t.provider()
		if err != nil {
			return nil, err
		}
		m := &store.Message{ProviderID: prov.ID, FromProvider: true, Subject: in.Subject, Body: in.Body, State: "sent"}
		if m.Subject == "" {
			m.State = "unsent"
			return nil, &TransitionError{From: "unsent", Event: "deliver", Object: m, Reason: "Subject can't be blank"}
		}
		recipients, err := t.AddMessage(m)
		if err != nil {
			return nil, err
		}
		return m, t.messageMail(nil, m, recipients)
	})
}

var lineStart = regexp.MustCompile(`(?m)^`)

// ReplyDraft is porta's MessageRecipient#reply: the subject "Re: …" and
// the body quoted line by line, which a reply form starts from.
func ReplyDraft(m store.Message) MessageInput {
	return MessageInput{Subject: "Re: " + m.Subject, Body: lineStart.ReplaceAllString(m.Body, "> ")}
}

// ReplyMessage answers a message the actor's side received (named by the
// id its inbox names it by): to the developer account that wrote it, or,
// from a developer, to the provider. A system message has no one to
// answer (ErrNotFound).
func (d *Domain) ReplyMessage(ctx context.Context, a Actor, recipientID int64, in MessageInput) (*store.Message, error) {
	if a.Kind == Developer && a.User == nil {
		return nil, ErrForbidden
	}
	m, err := d.ReceivedMessage(ctx, a, recipientID)
	if err != nil {
		return nil, err
	}
	to := m.AccountID // the developer account that wrote to the provider
	if a.Kind == Developer {
		to = a.User.AccountID // a developer answers the provider
	}
	if m.Origin == store.OriginSystem || to == 0 {
		return nil, fmt.Errorf("message %d has no sender to answer: %w", recipientID, ErrNotFound)
	}
	return d.SendMessage(ctx, a, to, in)
}

// SentMessage is one message the actor's side sent, by its id.
func (d *Domain) SentMessage(ctx context.Context, a Actor, id int64) (*store.Message, error) {
	m, err := d.store.SentMessage(ctx, mailbox(a), id)
	if err == nil && m == nil {
		err = fmt.Errorf("sent message %d: %w", id, ErrNotFound)
	}
	return m, err
}

// HideSentMessage moves a message the actor's side sent to the trash, or
// (hidden false) back to the sent messages.
func (d *Domain) HideSentMessage(ctx context.Context, a Actor, id int64, hidden bool) error {
	return d.store.Change(ctx, func(t *store.Tx) error {
		ok, err := t.HideSentMessage(mailbox(a), id, hidden)
		if err == nil && !ok {
			err = fmt.Errorf("sent message %d: %w", id, ErrNotFound)
		}
		return err
	})
}

// Trashed is a message in the actor's trash: one they received (Received
// set) or one they sent.
type Trashed struct {
	store.Message
	// Received is the message as the actor received it; nil for one the
	// actor's side sent.
	Received *store.Received
}

// Trash is porta's trashed_messages: what the actor's side deleted of the
// messages it received and of those it sent, newest first, each named by
// its message id.
func (d *Domain) Trash(ctx context.Context, a Actor) ([]Trashed, error) {
	received, err := d.store.ReceivedMessages(ctx, mailbox(a), true)
	if err != nil {
		return nil, err
	}
	sent, err := d.store.SentMessages(ctx, mailbox(a), true)
	if err != nil {
		return nil, err
	}
	out := make([]Trashed, 0, len(received)+len(sent))
	i, j := 0, 0
	for i < len(received) || j < len(sent) {
		if j == len(sent) || (i < len(received) && received[i].ID > sent[j].ID) {
			r := received[i]
			out = append(out, Trashed{Message: r.Message, Received: &r})
			i++
			continue
		}
		out = append(out, Trashed{Message: sent[j]})
		j++
	}
	return out, nil
}

// TrashedMessage is one message of the actor's trash, by its message id.
func (d *Domain) TrashedMessage(ctx context.Context, a Actor, id int64) (*Trashed, error) {
	all, err := d.Trash(ctx, a)
	if err != nil {
		return nil, err
	}
	for i := range all {
		if all[i].ID == id {
			return &all[i], nil
		}
	}
	return nil, fmt.Errorf("trashed message %d: %w", id, ErrNotFound)
}

// RestoreMessage takes a message (by its message id) out of the actor's
// trash, as porta's restore_for! does: back to the sent messages, or to
// the inbox.
func (d *Domain) RestoreMessage(ctx context.Context, a Actor, id int64) error {
	m, err := d.TrashedMessage(ctx, a, id)
	if err != nil {
		return err
	}
	if m.Received == nil {
		return d.HideSentMessage(ctx, a, id, false)
	}
	return d.HideMessage(ctx, a, m.Received.RecipientID, false)
}
