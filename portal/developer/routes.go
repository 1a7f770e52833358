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
	p.Guest("GET /signup/{token}", pg.inviteeSignupShow)
	p.Guest("POST /signup/{token}", pg.inviteeSignupCreate)

	// The dashboard.
	p.Private("GET /admin", pg.dashboard)

	// Applications, their keys and their plans, as the service's switches
	// allow.
	p.Private("GET /admin/applications", pg.applicationsIndex)
	p.Private("GET /admin/applications/choose_service", pg.applicationsChooseService)
	p.Private("GET /admin/applications/new", pg.applicationsNew)
	p.Private("POST /admin/applications", pg.applicationsCreate)
	p.Private("GET /admin/applications/{id}", pg.applicationsShow)
	p.Private("GET /admin/applications/{id}/edit", pg.applicationsEdit)
	p.Private("PUT /admin/applications/{id}", pg.applicationsUpdate)
	p.Private("DELETE /admin/applications/{id}", pg.applicationsDelete)
	p.Private("PUT /admin/applications/{id}/user_key", pg.userKeyUpdate)
	p.Private("POST /admin/applications/{id}/keys", pg.keysCreate)
	p.Private("DELETE /admin/applications/{id}/keys/{key}", pg.keysDelete)
	p.Private("PUT /admin/applications/{id}/keys/{key}/regenerate", pg.keysRegenerate)
	p.Private("GET /admin/services/{service_id}/plans_widget", pg.plansWidget)
	p.Private("PUT /admin/contracts/{id}", pg.contractsUpdate)

	// Messages: the inbox, compose, the sent messages, the trash.
	p.Private("GET /admin/messages", pg.messagesIndex)
	p.Private("GET /admin/messages/new", pg.messagesNew)
	p.Private("GET /admin/messages/received", pg.inboxIndex)
	p.Private("POST /admin/messages/received", pg.inboxReply)
	p.Private("GET /admin/messages/received/{id}", pg.inboxShow)
	p.Private("DELETE /admin/messages/received/{id}", pg.inboxDelete)
	p.Private("GET /admin/messages/sent", pg.outboxIndex)
	p.Private("POST /admin/messages/sent", pg.messagesCreate)
	p.Private("GET /admin/messages/sent/{id}", pg.outboxShow)
	p.Private("DELETE /admin/messages/sent/{id}", pg.outboxDelete)
	p.Private("GET /admin/messages/trash", pg.trashIndex)
	p.Private("DELETE /admin/messages/trash", pg.trashEmpty)
	p.Private("GET /admin/messages/trash/{id}", pg.trashShow)
	p.Private("DELETE /admin/messages/trash/{id}", pg.trashRestore)

	// Settings: the account, its users, one's own details, invitations.
	p.Private("GET /admin/account", pg.accountShow)
	p.Private("GET /admin/account/edit", pg.accountEdit)
	p.Private("PUT /admin/account", pg.accountUpdate)
	p.Private("GET /admin/account/personal_details", pg.personalDetailsShow)
	p.Private("PUT /admin/account/personal_details", pg.personalDetailsUpdate)
	p.Private("GET /admin/account/users", pg.usersIndex)
	p.Private("GET /admin/account/users/{id}/edit", pg.userEdit)
	p.Private("PUT /admin/account/users/{id}", pg.userUpdate)
	p.Private("DELETE /admin/account/users/{id}", pg.userDelete)
	p.Private("GET /admin/account/invitations", pg.invitationsIndex)
	p.Private("GET /admin/account/invitations/new", pg.invitationNew)
	p.Private("POST /admin/account/invitations", pg.invitationCreate)
	p.Private("PUT /admin/account/invitations/{id}/resend", pg.invitationResend)
	p.Private("DELETE /admin/account/invitations/{id}", pg.invitationDelete)
}
