package developer

import (
	"errors"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// inviteeView is the invitee's signup form.
type inviteeView struct {
	Invitation *store.Invitation
	Account    *store.Account // the account invited to
	Fields     []formField
}

// inviteeForm finds the invitation of the path's token that may still be
// accepted, and its form.
func inviteeForm(p *web.Page) (inviteeView, error) {
	cat := p.Catalog()
	inv, err := porta.PendingInvitation(cat, p.Request().PathValue("token"))
	if err != nil {
		return inviteeView{}, err
	}
	acc := cat.Account(inv.AccountID)
	return inviteeView{Invitation: inv, Account: acc, Fields: definedFields("user", cat.Provider(acc.ProviderID).UserFields)}, nil
}

// invitationRefused answers the link of an invitation that signs no one
// up (unknown, deleted, accepted): the login page with porta's text.
func invitationRefused(p *web.Page, err error) error {
	if errors.Is(err, porta.ErrInvitationNotFound) || errors.Is(err, porta.ErrInvitationAccepted) {
		return p.Redirect("/login", web.Error(err.Error()))
	}
	return err
}

// inviteeSignupShow is GET /signup/{token}, the invitation's link:
// porta's "Invitation sign in" form, the email prefilled.
func (pg *pages) inviteeSignupShow(p *web.Page) error {
	v, err := inviteeForm(p)
	if err != nil {
		return invitationRefused(p, err)
	}
	return p.Render("invitee_signup", v)
}
