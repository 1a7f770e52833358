package admin

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// routes lists every route of the admin portal, on porta's paths
// (portal-spec.md §2.1, §3.1, §4). Public: anyone; Guest: visitors (the
// signed-in go to the dashboard); Private: the signed-in (visitors go to
// the login page and come back after it). A POST form may send PUT,
// PATCH or DELETE as _method.
func routes(p *web.Portal, pg *pages) {
	// Sessions.
	p.Guest("GET /p/login", pg.loginShow)
	p.Guest("GET /p/sessions/new", pg.loginShow)
	p.Public("POST /p/sessions", pg.sessionCreate)
	p.Public("GET /p/logout", pg.logout)

	// The dashboard, where /, /admin and /p/admin lead.
	p.Private("GET /p/admin/dashboard", pg.dashboard)
	p.Private("GET /p/admin", pg.toDashboard)
	p.Private("GET /admin", pg.toDashboard)
	p.Private("GET /{$}", pg.toDashboard)

	// The sandbox's email outbox (porta sends the emails).
	p.Private("GET /p/admin/emails", pg.emailsIndex)
}
