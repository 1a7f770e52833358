package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// invitationsView is the account's invitations.
type invitationsView struct {
	Tabs        settingsTabs
	Invitations []*store.Invitation
}

// mayInvite refuses the developers who may not manage the account's
// invitations (its members: 403), as the domain's invitations do.
func mayInvite(p *web.Page) error {
	if !tabs(p).Invitations {
		return porta.ErrForbidden
	}
	return nil
}

// invitationsIndex is GET /admin/account/invitations: Recipient, Sent,
// Accepted? ("yes, on DATE" or "no"), Resend and delete ("No
// invitations"); for the account's admins.
func (pg *pages) invitationsIndex(p *web.Page) error {
	if err := mayInvite(p); err != nil {
		return err
	}
	return p.Render("invitations", invitationsView{Tabs: tabs(p), Invitations: porta.Invitations(account(p))})
}
