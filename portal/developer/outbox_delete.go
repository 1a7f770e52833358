package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// outboxDelete is DELETE /admin/messages/sent/{id}: the sent message goes
// to the trash.
func (pg *pages) outboxDelete(p *web.Page) error {
	id, err := p.ID("id")
	if err != nil {
		return err
	}
	if err := p.Domain().HideSentMessage(p.Context(), p.Actor(), id, true); err != nil {
		return err
	}
	return p.Redirect("/admin/messages/sent", web.Notice("Message was deleted."))
}
