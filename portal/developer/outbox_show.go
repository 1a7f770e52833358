package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// outboxShow is GET /admin/messages/sent/{id}: a message the account
// sent.
func (pg *pages) outboxShow(p *web.Page) error {
	id, err := p.ID("id")
	if err != nil {
		return err
	}
	m, err := p.Domain().SentMessage(p.Context(), p.Actor(), id)
	if err != nil {
		return err
	}
	return p.Render("message_sent", sent(p, *m))
}
