package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// receivedView is a received message, and whether it can be answered.
type receivedView struct {
	Message messageRow
	// Reply is the answer's subject; "" for a system message, which has
	// no one to answer.
	Reply string
}

// inboxShow is GET /admin/messages/received/{id}: the message, marked
// read, with the reply form.
func (pg *pages) inboxShow(p *web.Page) error {
	id, err := p.ID("id")
	if err != nil {
		return err
	}
	m, err := p.Domain().ReadMessage(p.Context(), p.Actor(), id)
	if err != nil {
		return err
	}
	v := receivedView{Message: received(p, *m)}
	if m.Origin != store.OriginSystem {
		v.Reply = porta.ReplyDraft(m.Message).Subject
	}
	return p.Render("message_received", v)
}
