package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// logout is GET /logout: the session is revoked, and the homepage says
// so.
func (pg *pages) logout(p *web.Page) error {
	if err := p.SignOut(); err != nil {
		return err
	}
	return p.Redirect("/", web.Notice("You have been logged out."))
}
