package developer

import (
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// inviteeSignupCreate is POST /signup/{token}: the invitee joins the
// account as an active member, and signs in next ("Thanks for signing up!
// You can now sign in").
func (pg *pages) inviteeSignupCreate(p *web.Page) error {
	v, err := inviteeForm(p)
	if err != nil {
		return invitationRefused(p, err)
	}
	_, err = p.Domain().AcceptInvitation(p.Context(), v.Invitation.Token, userInput(p))
	if p.Form.Invalid(err, userErrors(v.Fields)) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "invitee_signup", v)
	}
	if err != nil {
		return invitationRefused(p, err)
	}
	return p.Redirect("/login", web.Notice("Thanks for signing up! You can now sign in"))
}
