package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// trashRestore is DELETE /admin/messages/trash/{id}: the message goes
// back to the inbox, or to the sent messages.
func (pg *pages) trashRestore(p *web.Page) error {
	id, err := p.ID("id")
	if err != nil {
		return err
	}
	if err := p.Domain().RestoreMessage(p.Context(), p.Actor(), id); err != nil {
		return err
	}
	return p.Redirect("/admin/messages/trash", web.Notice("Message was restored."))
}
