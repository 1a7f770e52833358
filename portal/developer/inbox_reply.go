package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// inboxReply is POST /admin/messages/received: the answer to reply_to,
// "Re: SUBJECT", to the provider; back to the inbox with "Reply was
// sent.".
func (pg *pages) inboxReply(p *web.Page) error {
	id, ok := p.Form.Int64("reply_to")
	if !ok {
		return porta.ErrNotFound
	}
	m, err := p.Domain().ReceivedMessage(p.Context(), p.Actor(), id)
	if err != nil {
		return err
	}
	in := porta.ReplyDraft(m.Message)
	in.Body = p.Form.Get("message[body]")
	if _, err := p.Domain().ReplyMessage(p.Context(), p.Actor(), id, in); err != nil {
		return err
	}
	return p.Redirect("/admin/messages/received", web.Notice("Reply was sent."))
}
