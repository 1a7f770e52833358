package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// inboxDelete is DELETE /admin/messages/received/{id}: the message goes
// to the trash.
func (pg *pages) inboxDelete(p *web.Page) error {
	id, err := p.ID("id")
	if err != nil {
		return err
	}
	if err := p.Domain().HideMessage(p.Context(), p.Actor(), id, true); err != nil {
		return err
	}
	return p.Redirect("/admin/messages/received", web.Notice("Message was deleted."))
}
