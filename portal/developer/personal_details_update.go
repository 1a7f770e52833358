package developer

import (
	"errors"
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// personalDetailsUpdate is PUT /admin/account/personal_details: the
// current password first; a new password ends one's other sessions. Then
// "User was successfully updated.".
func (pg *pages) personalDetailsUpdate(p *web.Page) error {
	in := userInput(p)
	if in.Password != nil && *in.Password == "" {
		in.Password, in.PasswordConfirmation = nil, nil // left blank: unchanged
	}
	_, err := p.Domain().UpdatePersonalDetails(p.Context(), p.Actor(), p.Signed.Session.Key,
		p.Form.Get("user[current_password]"), in)
	if errors.Is(err, porta.ErrForbidden) {
		return actionDisabled(p)
	}
	v := personalDetailsForm(p)
	if p.Form.Invalid(err, userErrors(v.Fields)) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "personal_details", v)
	}
	if err != nil {
		return err
	}
	to := "/admin/account"
	if v.Tabs.Users {
		to = "/admin/account/users"
	}
	return p.Redirect(to, web.Notice("User was successfully updated."))
}
