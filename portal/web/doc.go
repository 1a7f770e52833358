// Package web is what porta's two HTML faces share (portal/admin,
// portal/developer): server-side sessions, CSRF, Rails' _method, flash
// messages, return_to, forms read into the operations' typed inputs with
// their validation errors shown beside the fields, html/template views
// embedded in the binary, one small stylesheet, a strict
// Content-Security-Policy and the error pages. It decides no rule of
// porta's: the pages call portal/porta.
//
// # Sessions and CSRF
//
// Two cookies, as porta's. The user session (user_session; the admin
// portal's is admin_user_session, since both portals share the host) is a
// random key naming a row of the store (porta.Signed): who signed in to
// which portal, valid two weeks after its last use on the sandbox's clock,
// revoked by the logout, deleted when the user is suspended. The state
// (_system_session, _admin_system_session) is Rails' signed cookie store:
// the CSRF secret, the flash messages for the next page and the return_to
// path, signed with HMAC-SHA256 under a secret the store keeps. Why this
// cut: a visitor who only looks costs no write (a login page view writes
// nothing), the flash and return_to survive exactly the redirect they are
// for, a tampered cookie is no state at all, and a restart on the same
// --db keeps both the sessions and the open forms valid.
//
// Every form carries authenticity_token, the CSRF secret masked with a
// one-time pad as Rails masks it; every request but GET and HEAD must send
// one that unmasks to the browser's secret (or Rails' X-CSRF-Token
// header). One that does not is refused before the page action runs, as
// porta's exception-and-reset strategy refuses it: 403 Forbidden, nothing
// changed, the session revoked and the state renewed. Signing in renews
// the secret too. The cookies are HttpOnly, SameSite=Lax, and Secure over
// TLS.
//
// # How to add a page
//
// A page action is one small file in its portal's package, named for the
// page and its action (account_show.go, account_update.go), and a view in
// its templates/ folder; one line in routes.go registers it. For the admin
// portal's account page and its edit:
//
//	// routes.go
//	p.Private("GET /buyers/accounts/{id}", pg.accountShow)
//	p.Private("PUT /buyers/accounts/{id}", pg.accountUpdate)
//
//	// account_update.go
//	// accountUpdate is PUT /buyers/accounts/{id}: porta's edit form.
//	func (pg *pages) accountUpdate(p *web.Page) error {
//		id, err := p.ID("id") // not an id: 404, as an unknown one
//		if err != nil {
//			return err
//		}
//		acc, err := p.Domain().UpdateAccount(p.Context(), p.Actor(), id, porta.AccountUpdate{
//			AccountInput: porta.AccountInput{OrgName: p.Form.Ptr("account[org_name]")}})
//		if p.Form.Invalid(err, map[string]string{"org_name": "account[org_name]"}) {
//			acc, err := porta.Account(p.Catalog(), p.Actor(), id)
//			if err != nil {
//				return err
//			}
//			return p.RenderStatus(http.StatusUnprocessableEntity, "account_edit", acc)
//		}
//		if err != nil {
//			return err // porta.ErrNotFound: 404; ErrForbidden: 403; else 500
//		}
//		return p.Redirect(fmt.Sprintf("/buyers/accounts/%d", acc.ID), web.Notice("Account successfully updated"))
//	}
//
//	<!-- templates/account_edit.html -->
//	{{define "title"}}Edit {{.Data.OrgName}}{{end}}
//	{{define "content"}}<h1>Account: {{.Data.OrgName}}</h1>
//	<form method="post" action="/buyers/accounts/{{.Data.ID}}">
//	{{template "csrf" .}}{{template "method" "put"}}{{template "form_errors" .Form}}
//	{{template "field" (field .Form "account[org_name]" "Organization/Group Name" "text" "required" (printf "value=%s" .Data.OrgName))}}
//	<button type="submit">Update Account</button>
//	</form>{{end}}
//
// What a page can rely on:
//
//   - Page.Form: the query and the body as Rails reads them (rackquery);
//     Get, Ptr (nil when not sent: an operation's "not given"), Bool (a
//     Rails checkbox), Int64, Strings (selected[]), Fields (extra
//     fields). Form.Invalid puts a *porta.ValidationError's messages
//     beside the fields its map names and the rest (and a
//     *porta.TransitionError's) at the top of the form.
//   - Page.ID reads a path id; Page.Actor, Page.Provider, Page.Catalog
//     and Page.Domain are who acts and what to call.
//   - Page.Render / RenderStatus show a view with the flash messages
//     waiting; Page.Redirect(path, web.Notice(…)) answers 303 after a
//     change (302 after a GET) and shows the flash on the next page.
//   - An error returned is its error page: porta.ErrNotFound 404,
//     porta.ErrForbidden 403, web.ErrBadRequest 400, an unshown
//     validation error 422, anything else 500 (logged). Unknown paths
//     are 404, a known path with another method 405, an unreadable body
//     400, one over 4 MiB 413.
//   - Public, Guest and Private decide who opens a page: a visitor of a
//     Private page goes to the login page and comes back after it.
//   - Views see a *View: .Data (the page's), .Form, .Signed, .Nav, .Flash
//     and .CSRF; partials csrf, method, flash, form_errors, field,
//     checkbox and button (a one-button form for Approve, Suspend,
//     Delete…); functions field, checkbox, button, time, date, plural.
//     html/template escapes everything. The layout is the portal's
//     layout.html; there is no script, and the CSP lets none run.
//
// Tests drive the real sandbox with portal/portaltest: a cookie-jar client
// over HTTP, or a headless Chromium tab.
package web
