package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// passwordNew is GET /admin/account/password/new: porta's "Forgot
// password" form.
func (pg *pages) passwordNew(p *web.Page) error { return p.Render("password_new", nil) }
