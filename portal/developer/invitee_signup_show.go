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
	Fields     []formField
}

// pendingInvitation finds the invitation of the path's token; an unknown
// or accepted one answers with the login page and porta's text.
func pendingInvitation(p *web.Page) (*inviteeView, error) {
	inv, err := porta.PendingInvitation(p.Catalog(), p.Request().PathValue("token"))
	if errors.Is(err, porta.ErrInvitationNotFound) || errors.Is(err, porta.ErrInvitationAccepted) {
		return nil, p.Redirect("/login", web.Error(err.Error()))
	}
	if err != nil {
		return nil, err
	}
	return &inviteeView{Invitation: inv, Fields: definedFields("user", inv.Account.Provider.UserFields)}, nil
}

// inviteeSignupShow is GET /signup/{token}, the invitation's link:
// porta's "Invitation sign in" form, the email prefilled.
func (pg *pages) inviteeSignupShow(p *web.Page) error {
	v, err := pendingInvitation(p)
	if v == nil {
		return err
	}
	return p.Render("invitee_signup", v)
}
