package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// invitationRef names an invitation of the developer's account by the
// path's id.
func invitationRef(p *web.Page) (porta.InvitationRef, error) {
	id, err := p.ID("id")
	return porta.InvitationRef{Account: p.Signed.User.AccountID, ID: id}, err
}

// invitationResend is PUT /admin/account/invitations/{id}/resend: the
// email again, "Invitation was resent".
func (pg *pages) invitationResend(p *web.Page) error {
	ref, err := invitationRef(p)
	if err != nil {
		return err
	}
	if _, err := p.Domain().ResendInvitation(p.Context(), p.Actor(), ref); err != nil {
		return err
	}
	return p.Redirect("/admin/account/invitations", web.Notice("Invitation was resent"))
}
