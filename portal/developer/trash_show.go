package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// trashShow is GET /admin/messages/trash/{id}: a message of the trash, by
// its message id.
func (pg *pages) trashShow(p *web.Page) error {
	id, err := p.ID("id")
	if err != nil {
		return err
	}
	m, err := p.Domain().TrashedMessage(p.Context(), p.Actor(), id)
	if err != nil {
		return err
	}
	return p.Render("message_trashed", trashRow(p, *m))
}
