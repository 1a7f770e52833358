package developer

import (
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// invitationCreate is POST /admin/account/invitations: the invitation,
// emailed with its signup link; back to the list, as porta (no flash).
func (pg *pages) invitationCreate(p *web.Page) error {
	_, err := p.Domain().CreateInvitation(p.Context(), p.Actor(), p.Signed.User.AccountID, p.Form.Get("invitation[email]"))
	if p.Form.Invalid(err, map[string]string{"email": "invitation[email]"}) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "invitation_new", invitationForm{Tabs: tabs(p)})
	}
	if err != nil {
		return err
	}
	return p.Redirect("/admin/account/invitations")
}
