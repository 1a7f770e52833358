package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// trashEmpty is DELETE /admin/messages/trash: the received messages of
// the trash are deleted for good.
func (pg *pages) trashEmpty(p *web.Page) error {
	if err := p.Domain().EmptyTrash(p.Context(), p.Actor()); err != nil {
		return err
	}
	return p.Redirect("/admin/messages/trash", web.Notice("Received messages have been deleted."))
}
