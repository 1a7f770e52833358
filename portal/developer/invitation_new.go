package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// invitationNew is GET /admin/account/invitations/new: porta's "New
// invitation" form.
func (pg *pages) invitationNew(p *web.Page) error {
	if err := mayInvite(p); err != nil {
		return err
	}
	return p.Render("invitation_new", invitationForm{Tabs: tabs(p)})
}

// invitationForm is the new invitation form.
type invitationForm struct{ Tabs settingsTabs }
