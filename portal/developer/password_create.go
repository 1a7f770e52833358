package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// passwordCreate is POST /admin/account/password: the lost-password link
// is emailed to the users with this email; the login page says so in
// porta's words, which tell no one whether such a user exists.
func (pg *pages) passwordCreate(p *web.Page) error {
	email := p.Form.Get("email")
	if err := p.Domain().RequestPasswordReset(p.Context(), email); err != nil {
		return err
	}
	return p.Redirect("/login", web.Notice("A password reset link will be sent to "+email+" if a user exists with this email."))
}
