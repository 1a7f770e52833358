package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// invitationDelete is DELETE /admin/account/invitations/{id}: its link no
// longer signs anyone up; back to the list, as porta (no flash).
func (pg *pages) invitationDelete(p *web.Page) error {
	ref, err := invitationRef(p)
	if err != nil {
		return err
	}
	if _, err := p.Domain().DeleteInvitation(p.Context(), p.Actor(), ref); err != nil {
		return err
	}
	return p.Redirect("/admin/account/invitations")
}
