package admin

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// logout is GET /p/logout: the session is revoked, and the login page
// says so.
func (pg *pages) logout(p *web.Page) error {
	if err := p.SignOut(); err != nil {
		return err
	}
	return p.Redirect("/p/sessions/new", web.Notice("You have been logged out"))
}
