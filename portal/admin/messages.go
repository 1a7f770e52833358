package admin

import (
	"fmt"
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Messages (Audience › Messages): porta's Provider::Admin::Messages
// inbox, outbox and trash controllers (guide, chapters 4 and 9).

// messageRow is a message as a list shows it: who it is from and to.
type messageRow struct {
	store.Message
	// ID names it on its list (the recipient's id in the inbox).
	ID int64
	// Read is false for an unread message of the inbox.
	Read bool
	// Party is the developer account on the other side; nil when gone.
	Party *store.Account
	// Everyone is a message to every developer account.
	Everyone bool
	// Subject is porta's message_subject: the subject, or the start of
	// the body, or "(No subject)".
	Subject string
	// Sent is a message the provider sent.
	Sent bool
	// ProviderName is the provider's side.
	ProviderName string
}

// messageSubject is porta's message_subject.
func messageSubject(m store.Message) string {
	switch {
	case m.Subject != "":
		return m.Subject
	case m.Body != "":
		r := []rune(m.Body)
		if len(r) > 15 {
			return string(r[:12]) + "..."
		}
		return m.Body
	}
	return "(No subject)"
}

func newMessageRow(cat *store.Catalog, a porta.Actor, m store.Message, id int64) messageRow {
	row := messageRow{Message: m, ID: id, Read: true, Subject: messageSubject(m), Sent: m.FromProvider,
		Everyone: m.FromProvider && m.AccountID == 0, ProviderName: porta.Provider(cat, a).Name}
	if acc, err := porta.Account(cat, a, m.AccountID); err == nil {
		row.Party = acc
	}
	return row
}

// messagesView is one of the three lists.
type messagesView struct {
	Title string
	Rows  []messageRow
	Pager pager
}

// inboxIndex is GET /p/admin/messages (and /p/admin/messages/inbox):
// what developers wrote, newest first.
func (pg *pages) inboxIndex(p *web.Page) error {
	received, err := p.Domain().Inbox(p.Context(), p.Actor(), false)
	if err != nil {
		return err
	}
	cat := p.Catalog()
	var rows []messageRow
	for _, m := range received {
		if m.Origin == store.OriginSystem {
			continue // porta's not_system
		}
		row := newMessageRow(cat, p.Actor(), m.Message, m.RecipientID)
		row.Read = m.Read
		rows = append(rows, row)
	}
	shown, pgr := paginate(p, rows)
	return p.Render("inbox", messagesView{Title: "Inbox", Rows: shown, Pager: pgr})
}

// receivedView is a message of the inbox, with the reply form.
type receivedView struct {
	messageRow
	Reply porta.MessageInput
}

// receivedMessage finds the inbox's message of the path's id.
func receivedMessage(p *web.Page) (*store.Received, error) {
	id, err := p.ID("id")
	if err != nil {
		return nil, err
	}
	return p.Domain().ReceivedMessage(p.Context(), p.Actor(), id)
}

// inboxShow is GET /p/admin/messages/inbox/{id}: the message, marked
// read, and porta's reply form ("Re: …", the body quoted).
func (pg *pages) inboxShow(p *web.Page) error {
	m, err := receivedMessage(p)
	if err != nil {
		return err
	}
	if !m.Read {
		if m, err = p.Domain().ReadMessage(p.Context(), p.Actor(), m.RecipientID); err != nil {
			return err
		}
	}
	return p.Render("inbox_show", receivedView{messageRow: newMessageRow(p.Catalog(), p.Actor(), m.Message, m.RecipientID),
		Reply: porta.ReplyDraft(m.Message)})
}

// inboxReply is POST /p/admin/messages/inbox/{id}/reply: message[subject],
// message[body], to the developer account that wrote.
func (pg *pages) inboxReply(p *web.Page) error {
	m, err := receivedMessage(p)
	if err != nil {
		return err
	}
	_, err = p.Domain().ReplyMessage(p.Context(), p.Actor(), m.RecipientID, porta.MessageInput{
		Subject: p.Form.Get("message[subject]"), Body: p.Form.Get("message[body]")})
	if msgs, refused := porta.Refusal(err); refused {
		return p.Redirect(fmt.Sprintf("/p/admin/messages/inbox/%d", m.RecipientID), web.Error(joinMessages(msgs)))
	}
	if err != nil {
		return err
	}
	return p.Redirect("/p/admin/messages/inbox", web.Notice("Reply was sent"))
}

// inboxMarkRead is POST /p/admin/messages/inbox/{id}/mark_as_read.
func (pg *pages) inboxMarkRead(p *web.Page) error {
	m, err := receivedMessage(p)
	if err != nil {
		return err
	}
	if _, err := p.Domain().ReadMessage(p.Context(), p.Actor(), m.RecipientID); err != nil {
		return err
	}
	return p.Redirect(referer(p, "/p/admin/messages/inbox"))
}

// inboxDestroy is DELETE /p/admin/messages/inbox/{id}: to the trash.
func (pg *pages) inboxDestroy(p *web.Page) error {
	m, err := receivedMessage(p)
	if err != nil {
		return err
	}
	if err := p.Domain().HideMessage(p.Context(), p.Actor(), m.RecipientID, true); err != nil {
		return err
	}
	return p.Redirect("/p/admin/messages/inbox", web.Notice("Message was deleted"))
}

// outboxIndex is GET /p/admin/messages/outbox: "Sent Messages".
func (pg *pages) outboxIndex(p *web.Page) error {
	sent, err := p.Domain().SentMessages(p.Context(), p.Actor(), false)
	if err != nil {
		return err
	}
	cat := p.Catalog()
	rows := make([]messageRow, len(sent))
	for i, m := range sent {
		rows[i] = newMessageRow(cat, p.Actor(), m, m.ID)
	}
	shown, pgr := paginate(p, rows)
	return p.Render("outbox", messagesView{Title: "Sent Messages", Rows: shown, Pager: pgr})
}

// outboxShow is GET /p/admin/messages/outbox/{id}.
func (pg *pages) outboxShow(p *web.Page) error {
	id, err := p.ID("id")
	if err != nil {
		return err
	}
	m, err := p.Domain().SentMessage(p.Context(), p.Actor(), id)
	if err != nil {
		return err
	}
	return p.Render("message", receivedView{messageRow: newMessageRow(p.Catalog(), p.Actor(), *m, m.ID)})
}

// outboxDestroy is DELETE /p/admin/messages/outbox/{id}: to the trash.
func (pg *pages) outboxDestroy(p *web.Page) error {
	id, err := p.ID("id")
	if err != nil {
		return err
	}
	if err := p.Domain().HideSentMessage(p.Context(), p.Actor(), id, true); err != nil {
		return err
	}
	return p.Redirect(referer(p, "/p/admin/messages/outbox"), web.Notice("Message was deleted"))
}

// composeView is the compose form: to one account, or to all.
type composeView struct {
	To *store.Account // nil: every developer account ("All Users")
}

// composeTo reads to, the account the message goes to ("": all).
func composeTo(p *web.Page) (*store.Account, error) {
	to := p.Form.Get("to")
	if to == "" {
		return nil, nil
	}
	n, ok := p.Form.Int64("to")
	if !ok {
		return nil, fmt.Errorf("account %q: %w", to, porta.ErrNotFound)
	}
	return porta.Account(p.Catalog(), p.Actor(), n)
}

// outboxNew is GET /p/admin/messages/outbox/new[?to=ACCOUNT]: porta's
// "Send message" form.
func (pg *pages) outboxNew(p *web.Page) error {
	to, err := composeTo(p)
	if err != nil {
		return err
	}
	return p.Render("compose", composeView{To: to})
}

// outboxCreate is POST /p/admin/messages/outbox: message[subject],
// message[body], to (none: a message to every account).
func (pg *pages) outboxCreate(p *web.Page) error {
	to, err := composeTo(p)
	if err != nil {
		return err
	}
	in := porta.MessageInput{Subject: p.Form.Get("message[subject]"), Body: p.Form.Get("message[body]")}
	if to == nil {
		_, err = p.Domain().SendMassMessage(p.Context(), p.Actor(), in)
	} else {
		_, err = p.Domain().SendMessage(p.Context(), p.Actor(), to.ID, in)
	}
	if _, refused := porta.Refusal(err); refused {
		p.Form.Fail("message[subject]", "can't be blank")
		return p.RenderStatus(http.StatusUnprocessableEntity, "compose", composeView{To: to})
	}
	if err != nil {
		return err
	}
	return p.Redirect("/p/admin/messages", web.Notice("Message was sent"))
}

// trashIndex is GET /p/admin/messages/trash: what was deleted, received
// or sent.
func (pg *pages) trashIndex(p *web.Page) error {
	trash, err := p.Domain().Trash(p.Context(), p.Actor())
	if err != nil {
		return err
	}
	cat := p.Catalog()
	rows := make([]messageRow, len(trash))
	for i, m := range trash {
		rows[i] = newMessageRow(cat, p.Actor(), m.Message, m.ID)
	}
	shown, pgr := paginate(p, rows)
	return p.Render("trash", messagesView{Title: "Trash", Rows: shown, Pager: pgr})
}

// trashShow is GET /p/admin/messages/trash/{id}.
func (pg *pages) trashShow(p *web.Page) error {
	id, err := p.ID("id")
	if err != nil {
		return err
	}
	m, err := p.Domain().TrashedMessage(p.Context(), p.Actor(), id)
	if err != nil {
		return err
	}
	return p.Render("message", receivedView{messageRow: newMessageRow(p.Catalog(), p.Actor(), m.Message, m.ID)})
}

// trashRestore is DELETE /p/admin/messages/trash/{id}: back where it was.
func (pg *pages) trashRestore(p *web.Page) error {
	id, err := p.ID("id")
	if err != nil {
		return err
	}
	if err := p.Domain().RestoreMessage(p.Context(), p.Actor(), id); err != nil {
		return err
	}
	return p.Redirect("/p/admin/messages/trash", web.Notice("Message was restored"))
}
