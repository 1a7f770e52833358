package admin

import (
	"fmt"
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// An account's invitations: porta's Buyers::InvitationsController (guide,
// chapter 8).

// invitationsView is the Invitations tab.
type invitationsView struct {
	Account     *store.Account
	Invitations []*store.Invitation
	Pager       pager
}

// invitationsIndex is GET /buyers/accounts/{id}/invitations: "Sent
// invitations for ORG".
func (pg *pages) invitationsIndex(p *web.Page) error {
	acc, err := account(p)
	if err != nil {
		return err
	}
	invs, pgr := paginate(p, porta.Invitations(acc))
	return p.Render("invitations", invitationsView{Account: acc, Invitations: invs, Pager: pgr})
}

// invitationNew is GET /buyers/accounts/{id}/invitations/new: "Invite
// user to ORG".
func (pg *pages) invitationNew(p *web.Page) error {
	acc, err := account(p)
	if err != nil {
		return err
	}
	return p.Render("invitation_new", acc)
}

// invitationCreate is POST /buyers/accounts/{id}/invitations:
// invitation[email]; the email with the signup link goes out.
func (pg *pages) invitationCreate(p *web.Page) error {
	acc, err := account(p)
	if err != nil {
		return err
	}
	_, err = p.Domain().CreateInvitation(p.Context(), p.Actor(), acc.ID, p.Form.Get("invitation[email]"))
	if p.Form.Invalid(err, fieldErrors("invitation", "email")) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "invitation_new", acc)
	}
	if err != nil {
		return err
	}
	return p.Redirect(invitationsPath(acc.ID), web.Notice("Invitation was successfully created and will be sent soon"))
}

func invitationsPath(accountID int64) string {
	return fmt.Sprintf("/buyers/accounts/%d/invitations", accountID)
}

// invitationRef is the path's invitation.
func invitationRef(p *web.Page) (porta.InvitationRef, error) {
	acc, err := p.ID("id")
	if err != nil {
		return porta.InvitationRef{}, err
	}
	iid, err := p.ID("iid")
	return porta.InvitationRef{Account: acc, ID: iid}, err
}

// invitationResend is PUT /buyers/accounts/{id}/invitations/{iid}/resend.
func (pg *pages) invitationResend(p *web.Page) error {
	ref, err := invitationRef(p)
	if err != nil {
		return err
	}
	if _, err := p.Domain().ResendInvitation(p.Context(), p.Actor(), ref); err != nil {
		return err
	}
	return p.Redirect(invitationsPath(ref.Account), web.Notice("Invitation will be resent soon"))
}

// invitationDestroy is DELETE /buyers/accounts/{id}/invitations/{iid}.
func (pg *pages) invitationDestroy(p *web.Page) error {
	ref, err := invitationRef(p)
	if err != nil {
		return err
	}
	if _, err := p.Domain().DeleteInvitation(p.Context(), p.Actor(), ref); err != nil {
		return err
	}
	return p.Redirect(invitationsPath(ref.Account), web.Notice("Invitation was successfully deleted"))
}
