package developer

import (
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// passwordUpdate is PUT /admin/account/password: the new password of a
// lost-password link, then the login page. A password the domain refuses
// comes back with porta's "The password is invalid" and the reasons
// beside the fields.
func (pg *pages) passwordUpdate(p *web.Page) error {
	token := p.Form.Get("password_reset_token")
	_, err := p.Domain().ResetPassword(p.Context(), token, porta.UserInput{
		Password: p.Form.Ptr("user[password]"), PasswordConfirmation: p.Form.Ptr("user[password_confirmation]")})
	if p.Form.Invalid(err, map[string]string{"password": "user[password]",
		"password_confirmation": "user[password_confirmation]"}) {
		p.Flash(web.Error("The password is invalid"))
		return p.RenderStatus(http.StatusUnprocessableEntity, "password_show", passwordView{Token: token})
	}
	if err != nil {
		return invalidResetToken(p, err)
	}
	return p.Redirect("/login", web.Notice("The password has been changed."))
}
