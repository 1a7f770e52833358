package developer

import (
	"errors"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// passwordView is the form of a lost-password link.
type passwordView struct{ Token string }

// passwordShow is GET /admin/account/password?password_reset_token=T, the
// link of the lost-password email: the form of the new password. A link
// no longer valid (used, replaced, older than 24 hours) goes to the login
// page with porta's text.
func (pg *pages) passwordShow(p *web.Page) error {
	token := p.Form.Get("password_reset_token")
	if _, err := p.Domain().PasswordResetUser(p.Context(), token); err != nil {
		return invalidResetToken(p, err)
	}
	return p.Render("password_show", passwordView{Token: token})
}

// invalidResetToken answers a lost-password link that is no longer
// valid.
func invalidResetToken(p *web.Page, err error) error {
	if errors.Is(err, porta.ErrResetTokenInvalid) {
		return p.Redirect("/login", web.Error(err.Error()))
	}
	return err
}
