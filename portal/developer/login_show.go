package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// loginView is what the login page shows around its form.
type loginView struct {
	Provider *store.Provider
}

// loginShow is GET /login: porta's login form, with the links to a new
// password and (when signups are on) to the signup.
func (pg *pages) loginShow(p *web.Page) error {
	return p.Render("login", loginView{Provider: provider(p)})
}
