package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// routes lists every route of the developer portal, on porta's paths
// (portal-spec.md §6.1). Public: anyone; Guest: visitors (the signed-in go
// to /admin); Private: the signed-in (visitors go to the login page and
// come back after it). A POST form may send PUT, PATCH or DELETE as
// _method.
func routes(p *web.Portal, pg *pages) {
	p.Public("GET /{$}", pg.home)

	// Sessions.
	p.Guest("GET /login", pg.loginShow)
	p.Public("POST /session", pg.sessionCreate)
	p.Public("GET /logout", pg.logout)

	// The signup, its activation link, the lost password.
	p.Guest("GET /signup", pg.signupShow)
	p.Guest("POST /signup", pg.signupCreate)
	p.Guest("GET /signup/success", pg.signupSuccess)
	p.Public("GET /activate/{code}", pg.activate)
	p.Public("GET /admin/account/password/new", pg.passwordNew)
	p.Public("POST /admin/account/password", pg.passwordCreate)
	p.Public("GET /admin/account/password", pg.passwordShow)
	p.Public("PUT /admin/account/password", pg.passwordUpdate)

	// The dashboard.
	p.Private("GET /admin", pg.dashboard)
}
