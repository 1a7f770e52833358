package admin

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

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

	// Accounts (guide, chapters 1-5, 8, 9).
	p.Private("GET /buyers/accounts", pg.accountsIndex)
	p.Private("GET /buyers/accounts/new", pg.accountNew)
	p.Private("POST /buyers/accounts", pg.accountCreate)
	p.Private("GET /buyers/accounts/{id}", pg.accountShow)
	p.Private("GET /buyers/accounts/{id}/edit", pg.accountEdit)
	p.Private("PUT /buyers/accounts/{id}", pg.accountUpdate)
	p.Private("DELETE /buyers/accounts/{id}", pg.accountDestroy)
	p.Private("POST /buyers/accounts/{id}/approve", pg.accountState("approve", func(d *porta.Domain) accountOp { return d.ApproveAccount }))
	p.Private("POST /buyers/accounts/{id}/reject", pg.accountState("reject", func(d *porta.Domain) accountOp { return d.RejectAccount }))
	p.Private("POST /buyers/accounts/{id}/suspend", pg.accountState("suspend", func(d *porta.Domain) accountOp { return d.SuspendAccount }))
	p.Private("POST /buyers/accounts/{id}/resume", pg.accountState("resume", func(d *porta.Domain) accountOp { return d.ResumeAccount }))
	p.Private("PUT /buyers/account_contracts/{id}", pg.accountPlanChange)
	p.Private("GET /buyers/accounts/bulk/change_state/new", pg.accountsBulkStateNew)
	p.Private("POST /buyers/accounts/bulk/change_state", pg.accountsBulkState)
	p.Private("GET /buyers/accounts/bulk/change_plan/new", pg.accountsBulkPlanNew)
	p.Private("POST /buyers/accounts/bulk/change_plan", pg.accountsBulkPlan)

	// An account's applications, users and invitations.
	p.Private("GET /buyers/accounts/{id}/applications", pg.accountApplications)
	p.Private("GET /buyers/accounts/{id}/applications/new", pg.applicationNew)
	p.Private("POST /buyers/accounts/{id}/applications", pg.applicationCreate)
	p.Private("GET /buyers/accounts/{id}/users", pg.usersIndex)
	p.Private("GET /buyers/accounts/{id}/users/{uid}", pg.userShow)
	p.Private("POST /buyers/accounts/{id}/users/{uid}/activate", pg.userAction("User was activated", activateUser))
	p.Private("POST /buyers/accounts/{id}/users/{uid}/suspend", pg.userAction("User was suspended", suspendUser))
	p.Private("POST /buyers/accounts/{id}/users/{uid}/unsuspend", pg.userAction("User was unsuspended", unsuspendUser))
	p.Private("DELETE /buyers/accounts/{id}/users/{uid}", pg.userAction("User was successfully deleted", deleteUser))
	p.Private("GET /buyers/accounts/{id}/invitations", pg.invitationsIndex)
	p.Private("GET /buyers/accounts/{id}/invitations/new", pg.invitationNew)
	p.Private("POST /buyers/accounts/{id}/invitations", pg.invitationCreate)
	p.Private("PUT /buyers/accounts/{id}/invitations/{iid}/resend", pg.invitationResend)
	p.Private("DELETE /buyers/accounts/{id}/invitations/{iid}", pg.invitationDestroy)

	// Service subscriptions (guide, 2.3 and 3.2).
	p.Private("GET /buyers/service_contracts", pg.subscriptionsIndex)
	p.Private("GET /buyers/accounts/{id}/service_contracts", pg.accountSubscriptions)
	p.Private("POST /buyers/accounts/{account_id}/service_contracts/{id}/approve", pg.subscriptionApprove)
	p.Private("GET /buyers/accounts/{account_id}/service_contracts/{id}/edit", pg.subscriptionEdit)
	p.Private("PUT /buyers/accounts/{account_id}/service_contracts/{id}", pg.subscriptionUpdate)
	p.Private("GET /buyers/service_contracts/bulk/change_state/new", pg.subscriptionsBulkStateNew)
	p.Private("POST /buyers/service_contracts/bulk/change_state", pg.subscriptionsBulkState)
	p.Private("GET /buyers/service_contracts/bulk/change_plan/new", pg.subscriptionsBulkPlanNew)
	p.Private("POST /buyers/service_contracts/bulk/change_plan", pg.subscriptionsBulkPlan)

	// Applications (guide, chapters 2-3, 5, 7, 9).
	p.Private("GET /p/admin/applications", pg.applicationsIndex)
	p.Private("GET /p/admin/applications/{id}", pg.applicationShow)
	p.Private("GET /p/admin/applications/{id}/edit", pg.applicationEdit)
	p.Private("PUT /p/admin/applications/{id}", pg.applicationUpdate)
	p.Private("DELETE /p/admin/applications/{id}", pg.applicationDestroy)
	p.Private("PUT /p/admin/applications/{id}/accept", pg.applicationState("The application has been accepted", func(d *porta.Domain) appOp { return d.AcceptApplication }))
	p.Private("POST /p/admin/applications/{id}/suspend", pg.applicationState("The application has been suspended", func(d *porta.Domain) appOp { return d.SuspendApplication }))
	p.Private("POST /p/admin/applications/{id}/resume", pg.applicationState("The application is live again!", func(d *porta.Domain) appOp { return d.ResumeApplication }))
	p.Private("DELETE /p/admin/applications/{id}/reject", pg.applicationReject)
	p.Private("PUT /p/admin/applications/{id}/change_plan", pg.applicationChangePlan)
	p.Private("POST /buyers/contracts/{id}/custom_application_plans", pg.planCustomize)
	p.Private("DELETE /buyers/contracts/{id}/custom_application_plans/{plan_id}", pg.planDecustomize)
	p.Private("PUT /p/admin/applications/{id}/change_user_key", pg.userKeyChange)
	p.Private("GET /p/admin/applications/{id}/keys/new", pg.keyNew)
	p.Private("POST /p/admin/applications/{id}/keys", pg.keyCreate)
	p.Private("GET /p/admin/applications/{id}/keys/{key}/edit", pg.userKeyEdit)
	p.Private("PUT /p/admin/applications/{id}/keys/{key}", pg.userKeyUpdate)
	p.Private("DELETE /p/admin/applications/{id}/keys/{key}", pg.keyDestroy)
	p.Private("PUT /p/admin/applications/{id}/keys/{key}/regenerate", pg.keyRegenerate)
	p.Private("GET /buyers/applications/bulk/change_state/new", pg.applicationsBulkStateNew)
	p.Private("POST /buyers/applications/bulk/change_state", pg.applicationsBulkState)
	p.Private("GET /buyers/applications/bulk/change_plan/new", pg.applicationsBulkPlanNew)
	p.Private("POST /buyers/applications/bulk/change_plan", pg.applicationsBulkPlan)

	// Messages (guide, chapters 4 and 9).
	p.Private("GET /p/admin/messages", pg.inboxIndex)
	p.Private("GET /p/admin/messages/inbox", pg.inboxIndex)
	p.Private("GET /p/admin/messages/inbox/{id}", pg.inboxShow)
	p.Private("POST /p/admin/messages/inbox/{id}/reply", pg.inboxReply)
	p.Private("POST /p/admin/messages/inbox/{id}/mark_as_read", pg.inboxMarkRead)
	p.Private("DELETE /p/admin/messages/inbox/{id}", pg.inboxDestroy)
	p.Private("GET /p/admin/messages/outbox", pg.outboxIndex)
	p.Private("GET /p/admin/messages/outbox/new", pg.outboxNew)
	p.Private("POST /p/admin/messages/outbox", pg.outboxCreate)
	p.Private("GET /p/admin/messages/outbox/{id}", pg.outboxShow)
	p.Private("DELETE /p/admin/messages/outbox/{id}", pg.outboxDestroy)
	p.Private("GET /p/admin/messages/trash", pg.trashIndex)
	p.Private("GET /p/admin/messages/trash/{id}", pg.trashShow)
	p.Private("DELETE /p/admin/messages/trash/{id}", pg.trashRestore)

	// Usage rules (guide, chapter 6) and the products' application rules
	// and plans.
	p.Private("GET /site/usage_rules/edit", pg.usageRulesEdit)
	p.Private("PUT /site/usage_rules", pg.usageRulesUpdate)
	p.Private("GET /apiconfig/services/{id}/usage_rules", pg.serviceUsageRules)
	p.Private("PUT /apiconfig/services/{id}", pg.serviceUpdate)
	p.Private("GET /apiconfig/services/{id}/application_plans", pg.applicationPlansIndex)
	p.Private("GET /apiconfig/application_plans/{id}/edit", pg.applicationPlanEdit)
	p.Private("PUT /apiconfig/application_plans/{id}", pg.applicationPlanUpdate)

	// Webhooks (guide, chapter 10).
	p.Private("GET /p/admin/webhooks/edit", pg.webhooksEdit)
	p.Private("GET /p/admin/webhooks/new", pg.webhooksNew)
	p.Private("PUT /p/admin/webhooks", pg.webhooksUpdate)
	p.Private("POST /p/admin/webhooks", pg.webhooksUpdate)
	p.Private("GET /p/admin/webhooks", pg.webhooksPing)
	p.Private("GET /p/admin/webhooks.json", pg.webhooksPingJSON)

	// The sandbox's email outbox (porta sends the emails).
	p.Private("GET /p/admin/emails", pg.emailsIndex)
}
