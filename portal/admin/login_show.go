package admin

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// loginShow is GET /p/login (and /p/sessions/new): porta's login form,
// username (or email) and password.
func (pg *pages) loginShow(p *web.Page) error {
	return p.Render("login", nil)
}
