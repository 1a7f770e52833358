package developer

import (
	"errors"
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// inviteeSignupCreate is POST /signup/{token}: the invitee joins the
// account as an active member, and signs in next ("Thanks for signing up!
// You can now sign in").
func (pg *pages) inviteeSignupCreate(p *web.Page) error {
	v, err := pendingInvitation(p)
	if v == nil {
		return err
	}
	_, err = p.Domain().AcceptInvitation(p.Context(), v.Invitation.Token, userInput(p))
	if errors.Is(err, porta.ErrInvitationNotFound) || errors.Is(err, porta.ErrInvitationAccepted) {
		return p.Redirect("/login", web.Error(err.Error()))
	}
	if p.Form.Invalid(err, userErrors(v.Fields)) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "invitee_signup", v)
	}
	if err != nil {
		return err
	}
	return p.Redirect("/login", web.Notice("Thanks for signing up! You can now sign in"))
}
