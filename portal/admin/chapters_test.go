package admin_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The business guide's chapters 1-10, their admin-portal steps done in a
// browser as a person does them, each checked on the page and in what it
// changed: authorize's answers, the emails, the webhooks.

// Chapter 1: an admin creates a developer account without a password,
// then an application for it; the application's keys authorize at once,
// and the developer gets no signup or approval email.
func TestChapter1AddingDevelopers(t *testing.T) {
	s := start(t, guideWorld)
	b := s.Tab(t)
	b.LoginAdmin("admin", "admin")

	b.Open(s.Admin + "/buyers/accounts")
	b.ClickLink("Add an account")
	if got := b.Text("h1"); got != "Create new Account" {
		t.Fatalf("new account page: %q", got)
	}
	b.Screenshot("admin-account-new")
	b.Fill("#account_user_username", "newdev")
	b.Fill("#account_user_email", "newdev@example.com")
	b.Fill("#account_org_name", "New Dev Co")
	if status := b.Submit("main form"); status != 200 {
		t.Fatalf("create: %d", status)
	}
	if got := flash(b); got != "notice: Developer account was successfully created" {
		t.Errorf("flash %q", got)
	}
	if got := b.Text("h1"); !strings.HasPrefix(got, "Account: New Dev Co") {
		t.Errorf("account page %q", got)
	}
	if got := b.Text("#account_state .state"); got != "Approved" {
		t.Errorf("state %q", got)
	}
	acc := named(t, s, "New Dev Co")
	if u := acc.Users[0]; acc.State != "approved" || u.State != "active" || u.SignupType != store.SignupByProvider ||
		u.Username != "newdev" || u.PasswordHash != "" {
		t.Errorf("account %s, user %+v", acc.State, u.UserRecord)
	}

	// Step 2: an application on behalf of the developer, on Pro.
	b.ClickLink(fmt.Sprintf("%d Applications", len(acc.Applications)))
	b.ClickLink("Create an application")
	b.Choose("#cinstance_plan_id", fmt.Sprint(planNamed(t, s, "Pro").ID))
	b.Fill("#cinstance_name", "Dev's App")
	b.Type("#cinstance_description", "Made by the provider")
	b.Submit("main form")
	if got := flash(b); got != "notice: Application was successfully created" {
		t.Errorf("flash %q", got)
	}
	made := app(t, s, "Dev's App")
	if b.Location() != s.Admin+fmt.Sprintf("/p/admin/applications/%d", made.ID) || made.State != "live" {
		t.Errorf("at %s, %s", b.Location(), made.State)
	}
	appID, key := b.Text("#application_id"), b.Text("tr.app-key span.key")
	if appID != made.AppID || len(made.Keys) != 1 || key != made.Keys[0].Value {
		t.Errorf("credentials shown %q %q, stored %q %+v", appID, key, made.AppID, made.Keys)
	}
	b.Screenshot("admin-application")
	if plan := authorizedPlan(t, s, "service_id", echoService, "app_id", appID, "app_key", key); plan != "Pro" {
		t.Errorf("authorize with the new keys: plan %q", plan)
	}
	for _, e := range emails(t, s, "newdev@example.com") {
		if e.Kind != "system_message" {
			t.Errorf("the developer got %q (%s)", e.Subject, e.Kind)
		}
	}
}

// Chapter 2: approvals. Accounts found by the state filter are approved
// one from its row and two at once; a pending service subscription is
// approved; a pending application is accepted (its keys then authorize)
// and another rejected with a reason, which the developer is told.
func TestChapter2ApprovingDevelopers(t *testing.T) {
	s := start(t, guideWorld)
	queue := named(t, s, "Queue Co")
	premium := addServicePlan(t, s, legacyService, "Premium", true, queue.ID)
	b := s.Tab(t)
	b.LoginAdmin("admin", "admin")

	// 2.2: the pending accounts, approved from the row and in bulk.
	b.Open(s.Admin + "/buyers/accounts")
	b.Choose("#search_state", "pending")
	b.Submit("form.toolbar")
	if n := b.Count("#buyer_accounts tbody tr"); n != 3 {
		t.Fatalf("%d pending accounts listed, want 3", n)
	}
	pending := named(t, s, "Pending Ltd")
	b.Click(fmt.Sprintf("#account_%d .row-actions button", pending.ID))
	if got := flash(b); got != "notice: Developer account was approved" {
		t.Errorf("approve: %q", got)
	}
	if got := subjects(emails(t, s, "pat@pending.example.com")); strings.Join(got, ",") != "Registration now active!" {
		t.Errorf("pat's emails: %v", got)
	}
	b.Open(s.Admin + "/buyers/accounts?search%5Bstate%5D=pending")
	b.Screenshot("admin-accounts")
	later := named(t, s, "Later Inc")
	b.Tick(fmt.Sprintf("#selected_%d", queue.ID))
	b.Tick(fmt.Sprintf("#selected_%d", later.ID))
	b.Click("#bulk button:not([formaction])")
	if got := b.Text("fieldset legend"); got != "You have selected 2 accounts" {
		t.Errorf("bulk page: %q", got)
	}
	b.Choose("#change_states_action", "approve")
	b.Submit("main form")
	if got := flash(b); got != "notice: Successfully changed the state of 2 accounts" {
		t.Errorf("bulk approve: %q", got)
	}
	if named(t, s, "Queue Co").State != "approved" || named(t, s, "Later Inc").State != "approved" {
		t.Errorf("the bulk approval left them %s, %s", named(t, s, "Queue Co").State, named(t, s, "Later Inc").State)
	}
	if n := len(emails(t, s, "quinn@queue.example.com")) + len(emails(t, s, "lara@later.example.com")); n != 2 {
		t.Errorf("%d approval emails to the bulk's accounts, want 2", n)
	}

	// 2.3: the subscription waiting on a service plan that needs approval.
	b.ClickLink("Subscriptions")
	b.Choose("#search_state", "pending")
	b.Submit("form.toolbar")
	if got := b.Text("#service_contracts tbody"); !strings.Contains(got, "Queue Co") || !strings.Contains(got, "Premium") {
		t.Fatalf("pending subscriptions: %q", got)
	}
	b.Click("#service_contracts tbody .row-actions button")
	if got := flash(b); got != "notice: Service contract was approved" {
		t.Errorf("approve subscription: %q", got)
	}
	if c := named(t, s, "Queue Co").Contract(legacyService); c == nil || c.State != "live" || c.PlanID != premium.ID {
		t.Errorf("subscription %+v", c)
	}

	// 2.4: the application waiting for approval, from the application list.
	creds := []string{"service_id", echoService, "app_id", "pending-app-id", "app_key", "pending-app-key"}
	if status, body := authorize(t, s, creds...); status != 409 || !strings.Contains(body, "application is not active") {
		t.Errorf("authorize a pending application: %d %s", status, body)
	}
	b.ClickLink("Applications")
	b.Choose("#search_state", "pending")
	b.Submit("form.toolbar")
	b.ClickLink("Waiting App")
	b.Screenshot("admin-application-pending")
	b.Click(`form[action$="/accept"] button`)
	if got := flash(b); got != "notice: The application has been accepted" {
		t.Errorf("accept: %q", got)
	}
	if got := b.Text("#cinstance_state .state"); got != "Live" {
		t.Errorf("state %q", got)
	}
	if plan := authorizedPlan(t, s, creds...); plan != "Partner" {
		t.Errorf("authorize the accepted application: %q", plan)
	}
	if got := subjects(emails(t, s, "pat@pending.example.com")); !strings.Contains(strings.Join(got, ","), "API System: Application has been accepted") {
		t.Errorf("pat's emails: %v", got)
	}

	// The other one is rejected, with the reason.
	b.Open(s.Admin + fmt.Sprintf("/p/admin/applications/%d", app(t, s, "Doubtful App").ID))
	b.Tick("#rejectBox summary")
	b.Type("#reason", "Not a fit.")
	b.Click("#rejectBox button")
	if got := flash(b); got != "notice: The application has been rejected" {
		t.Errorf("reject: %q", got)
	}
	if b.Location() != s.Admin+fmt.Sprintf("/buyers/accounts/%d", pending.ID) || len(named(t, s, "Pending Ltd").Applications) != 1 {
		t.Errorf("after rejecting: %s", b.Location())
	}
	es := emails(t, s, "pat@pending.example.com")
	last := es[len(es)-1]
	if last.Subject != "API System: Application has been rejected" || !strings.Contains(last.Body, "Not a fit.") {
		t.Errorf("rejection email %q %q", last.Subject, last.Body)
	}
}

// Chapter 3: plans changed for accounts (in bulk), service subscriptions
// (in bulk) and applications (on the application page, then in bulk);
// authorize names the application's new plan.
func TestChapter3ChangingPlans(t *testing.T) {
	s := start(t, guideWorld)
	dev, pending := named(t, s, "Developer Co"), named(t, s, "Pending Ltd")
	premium := addServicePlan(t, s, echoService, "Premium", false)
	b := s.Tab(t)
	b.LoginAdmin("admin", "admin")

	// 3.1: account plans.
	b.Open(s.Admin + "/buyers/accounts")
	b.Tick(fmt.Sprintf("#selected_%d", dev.ID))
	b.Tick(fmt.Sprintf("#selected_%d", pending.ID))
	b.Click(`#bulk button[formaction$="change_plan/new"]`)
	b.Choose("#change_plans_plan_id", fmt.Sprint(planNamed(t, s, "Gold").ID))
	b.Submit("main form")
	if got := flash(b); got != "notice: Successfully changed the plan of 2 accounts" {
		t.Errorf("account plans: %q", got)
	}
	if got := b.Text(fmt.Sprintf("#account_%d .plan", dev.ID)); got != "Gold" {
		t.Errorf("plan column %q", got)
	}

	// 3.2: service plans.
	b.ClickLink("Subscriptions")
	sub := named(t, s, "Developer Co").Contract(echoService)
	b.Tick(fmt.Sprintf("#selected_%d", sub.ID))
	b.Click(`#bulk button[formaction$="change_plan/new"]`)
	b.Choose("#change_plans_plan_id", fmt.Sprint(premium.ID))
	b.Submit("main form")
	if got := flash(b); got != "notice: The subscription's plan was changed successfully" {
		t.Errorf("service plans: %q", got)
	}
	if c := named(t, s, "Developer Co").Contract(echoService); c.PlanID != premium.ID {
		t.Errorf("subscription on %s", s.Store.Catalog().Plan(c.PlanID).Name)
	}

	// 3.3: the application's plan, from its page.
	creds := []string{"service_id", echoService, "app_id", "echo-app-id", "app_key", "echo-app-key"}
	b.Open(s.Admin + fmt.Sprintf("/p/admin/applications/%d", app(t, s, "Echo App").ID))
	b.Choose("#cinstance_plan_id", fmt.Sprint(planNamed(t, s, "Pro").ID))
	b.Submit("#change_plan form")
	if got := flash(b); got != "notice: Plan changed to 'Pro'" {
		t.Errorf("change plan: %q", got)
	}
	if got := b.Text("#plan_header"); got != "Application Plan: Pro" {
		t.Errorf("plan card %q", got)
	}
	if plan := authorizedPlan(t, s, creds...); plan != "Pro" {
		t.Errorf("authorize after the plan change: %q", plan)
	}
	if got := subjects(emails(t, s, "john@developer.example.com")); strings.Join(got, ",") != "Application plan changed to 'Pro'" {
		t.Errorf("john's emails: %v", got)
	}

	// And two applications of the service at once, back to Basic.
	b.Open(s.Admin + "/p/admin/applications?search%5Bservice_id%5D=" + echoService)
	b.Tick(fmt.Sprintf("#selected_%d", app(t, s, "Echo App").ID))
	b.Tick(fmt.Sprintf("#selected_%d", app(t, s, "Waiting App").ID))
	b.Click(`#bulk button[formaction$="change_plan/new"]`)
	b.Choose("#change_plans_plan_id", fmt.Sprint(planNamed(t, s, "Basic").ID))
	b.Submit("main form")
	if got := flash(b); got != "notice: Successfully changed the plan of 2 applications" {
		t.Errorf("application plans: %q", got)
	}
	if plan := authorizedPlan(t, s, creds...); plan != "Basic" {
		t.Errorf("authorize after the bulk change: %q", plan)
	}
}

// Chapter 4: the account of an application is found by its user key in
// the account search, and messaged; the developer's inbox and email have
// the message.
func TestChapter4ContactingDevelopers(t *testing.T) {
	s := start(t, guideWorld)
	b := s.Tab(t)
	b.LoginAdmin("admin", "admin")

	b.Open(s.Admin + "/buyers/accounts")
	b.Fill("#search_query", "legacy-user-key")
	b.Submit("form.toolbar")
	if got := b.Text("#buyer_accounts tbody"); !strings.HasPrefix(got, "Developer Co") || b.Count("#buyer_accounts tbody tr") != 1 {
		t.Fatalf("search by user key: %q", got)
	}
	b.ClickLink("Developer Co")
	// 4.3: the administrator's contact.
	if got := b.Text("table.details"); !strings.Contains(got, "john (john@developer.example.com)") {
		t.Errorf("details: %q", got)
	}
	b.Screenshot("admin-account")
	b.ClickLink("Send message")
	if got := b.Text("h1"); got != "Compose Message" {
		t.Fatalf("compose: %q", got)
	}
	b.Fill("#message_subject", "Outage tonight")
	b.Type("#message_body", "Expect errors from 22:00.")
	b.Screenshot("admin-message-compose")
	b.Submit("main form")
	if got := flash(b); got != "notice: Message was sent" {
		t.Errorf("send: %q", got)
	}
	es := emails(t, s, "john@developer.example.com")
	if len(es) != 1 || es[0].Subject != "[msg] Outage tonight" || !strings.Contains(es[0].Body, "Expect errors from 22:00.") {
		t.Errorf("john's emails: %+v", es)
	}
	b.ClickLink("Sent messages")
	if got := b.Text("#messages tbody"); !strings.Contains(got, "Outage tonight") || !strings.Contains(got, "Developer Co") {
		t.Errorf("sent messages: %q", got)
	}
	inbox, err := s.Store.ReceivedMessages(t.Context(), store.Mailbox{ProviderID: named(t, s, "Developer Co").ProviderID,
		AccountID: named(t, s, "Developer Co").ID}, false)
	if err != nil || len(inbox) != 1 || inbox[0].Subject != "Outage tonight" || inbox[0].Read {
		t.Errorf("the developer's inbox: %v %+v", err, inbox)
	}
}

// Chapter 5: an application's plan is customized, the copy renamed, and
// the customization removed; authorize follows each step.
func TestChapter5CustomizePlans(t *testing.T) {
	s := start(t, guideWorld)
	creds := []string{"service_id", echoService, "app_id", "echo-app-id", "app_key", "echo-app-key"}
	b := s.Tab(t)
	b.LoginAdmin("admin", "admin")

	b.Open(s.Admin + "/buyers/accounts")
	b.ClickLink("Developer Co")
	b.ClickLink("2 Applications")
	b.ClickLink("Echo App")
	b.Click(`form[action$="/custom_application_plans"] button`)
	if got := flash(b); got != "notice: Plan customized" {
		t.Errorf("customize: %q", got)
	}
	if got := b.Text("#plan_header"); got != "Custom Application Plan" {
		t.Errorf("plan card %q", got)
	}
	if plan := authorizedPlan(t, s, creds...); plan != "Basic (custom)" {
		t.Errorf("authorize on the custom plan: %q", plan)
	}
	b.Screenshot("admin-application-custom-plan")
	b.Click(`#plan-widget-with-actions a[href$="/edit"]`)
	b.Fill("#application_plan_name", "Basic for Developer Co")
	b.Submit("main form")
	if plan := authorizedPlan(t, s, creds...); plan != "Basic for Developer Co" {
		t.Errorf("authorize after renaming the custom plan: %q", plan)
	}
	b.Open(s.Admin + fmt.Sprintf("/p/admin/applications/%d", app(t, s, "Echo App").ID))
	b.Click(`form[action*="/custom_application_plans/"] button`)
	if got := flash(b); got != "notice: The plan was set back to Basic" {
		t.Errorf("decustomize: %q", got)
	}
	if plan := authorizedPlan(t, s, creds...); plan != "Basic" {
		t.Errorf("authorize after removing the customization: %q", plan)
	}
	for _, pl := range s.Store.Catalog().Service(echoService).Plans {
		if pl.Custom() {
			t.Errorf("the custom plan %q is still there", pl.Name)
		}
	}
}

// Chapter 6: signups are turned on, with account approval; the settings
// the developer portal reads say so (the Account Management API's
// settings.json, and the domain's).
func TestChapter6EnableSignup(t *testing.T) {
	s := start(t, strings.Replace(strings.Replace(guideWorld, "account_approval_required: true", "account_approval_required: false", 1),
		"      - {name: Gold, system_name: gold, state: published}\n", "", 1))
	settings := func() string {
		t.Helper()
		c := s.Client(t, s.API)
		r := c.Get("/admin/api/settings.json?access_token=acme-access-token")
		return r.Body
	}
	if got := settings(); !strings.Contains(got, `"signups_enabled":false`) || !strings.Contains(got, `"account_approval_required":false`) {
		t.Fatalf("settings before: %s", got)
	}
	b := s.Tab(t)
	b.LoginAdmin("admin", "admin")
	b.ClickLink("Usage Rules")
	if b.Checked("#settings_signups_enabled") || b.Checked("#settings_account_approval_required") {
		t.Fatal("signup or approval already on")
	}
	b.Tick("#settings_signups_enabled")
	b.Tick("#settings_account_approval_required")
	b.Screenshot("admin-usage-rules")
	b.Submit("main form")
	if got := flash(b); got != "notice: Settings updated" {
		t.Errorf("update: %q", got)
	}
	if !b.Checked("#settings_signups_enabled") || !b.Checked("#settings_account_approval_required") {
		t.Error("the form does not show the switches on")
	}
	if got := settings(); !strings.Contains(got, `"signups_enabled":true`) || !strings.Contains(got, `"account_approval_required":true`) {
		t.Errorf("settings after: %s", got)
	}
	prov := s.Store.Catalog().Providers[0]
	if !prov.Settings.SignupsEnabled || !prov.AccountApprovalRequired() || !prov.Settings.UserAccountAreaEnabled {
		t.Errorf("the provider's settings: %+v, approval %v", prov.Settings, prov.AccountApprovalRequired())
	}
}

// manyApps is guideWorld with 22 more applications on one account, for
// the application list's pages.
func manyApps() string {
	var b strings.Builder
	b.WriteString(guideWorld)
	b.WriteString("      - org_name: Many Apps Inc\n        users: [{username: mary, email: mary@many.example.com}]\n        applications:\n")
	for i := 1; i <= 22; i++ {
		fmt.Fprintf(&b, "          - {name: Bulk App %02d, service: echo, plan: basic, app_id: bulk-app-%02d}\n", i, i)
	}
	return b.String()
}

// Chapter 7: an application is found by its user key (the "user_key:
// KEY" form), by its account's app id, by a part of its name, by state,
// and on the list's second page; its page shows what is known of it.
func TestChapter7FindingApplications(t *testing.T) {
	s := start(t, manyApps())
	b := s.Tab(t)
	b.LoginAdmin("admin", "admin")

	b.ClickLink("Applications")
	if got := b.Text(".pager span"); got != "Page 1 of 2" || b.Count("#applications tbody tr") != 20 {
		t.Errorf("first page: %q, %d rows", got, b.Count("#applications tbody tr"))
	}
	b.Click(`.pager a[rel="next"]`)
	if n := b.Count("#applications tbody tr"); n != 6 {
		t.Errorf("second page: %d rows, want 6", n)
	}

	b.Fill("#search_name", "user_key: legacy-user-key")
	b.Submit("form.toolbar")
	if got := b.Text("#applications tbody"); b.Count("#applications tbody tr") != 1 || !strings.HasPrefix(got, "Legacy App") {
		t.Fatalf("by user key: %q", got)
	}
	b.Screenshot("admin-applications")
	b.ClickLink("Legacy App")
	if got := b.Text("#cinstance-user-key"); got != "legacy-user-key" {
		t.Errorf("the application's page shows the user key %q", got)
	}
	if got := b.Text("table.details"); !strings.Contains(got, "Developer Co") || !strings.Contains(got, "Legacy API") {
		t.Errorf("details %q", got)
	}

	b.Open(s.Admin + "/p/admin/applications")
	b.Fill("#search_account_query", "echo-app-id")
	b.Submit("form.toolbar")
	if got := b.Text("#applications tbody"); b.Count("#applications tbody tr") != 2 || !strings.Contains(got, "Echo App") ||
		!strings.Contains(got, "Legacy App") {
		t.Errorf("by the account's app id: %q", got)
	}
	b.Open(s.Admin + "/p/admin/applications")
	b.Fill("#search_name", "ECHO")
	b.Choose("#search_state", "live")
	b.Submit("form.toolbar")
	if got := b.Text("#applications tbody"); b.Count("#applications tbody tr") != 1 || !strings.HasPrefix(got, "Echo App") {
		t.Errorf("by a part of the name: %q", got)
	}
	b.Fill("#search_name", "nothing like it")
	b.Submit("form.toolbar")
	if got := b.Text("#applications tbody"); !strings.Contains(got, "No applications match the filter criteria.") {
		t.Errorf("no match: %q", got)
	}
}

// Chapter 8: a user is invited to an account; the invitation email holds
// the link to the developer portal's signup; it is resent, then deleted.
func TestChapter8InvitingDevelopers(t *testing.T) {
	s := start(t, guideWorld)
	b := s.Tab(t)
	b.LoginAdmin("admin", "admin")

	b.Open(s.Admin + "/buyers/accounts")
	b.ClickLink("Developer Co")
	b.ClickLink("0 Invitations")
	if got := b.Text("h1"); got != "Sent invitations for Developer Co" {
		t.Fatalf("invitations: %q", got)
	}
	b.ClickLink("Invite user")
	b.Fill("#invitation_email", "colleague@developer.example.com")
	b.Submit("main form")
	if got := flash(b); got != "notice: Invitation was successfully created and will be sent soon" {
		t.Errorf("invite: %q", got)
	}
	row := strings.Join(strings.Fields(b.Text("#invitations tbody tr")), " ")
	if !strings.HasPrefix(row, "colleague@developer.example.com November 22, 2026 10:15 no") {
		t.Errorf("row %q", row)
	}
	b.Screenshot("admin-invitations")
	acc := named(t, s, "Developer Co")
	if len(acc.Invitations) != 1 {
		t.Fatalf("invitations %+v", acc.Invitations)
	}
	inv := acc.Invitations[0]
	es := emails(t, s, "colleague@developer.example.com")
	link := s.Developer + "/signup/" + inv.Token
	if len(es) != 1 || es[0].Subject != "Invitation to join Developer Co" || len(es[0].Links) != 1 || es[0].Links[0] != link ||
		!strings.Contains(es[0].Body, link) {
		t.Errorf("invitation email %+v, want the link %s", es, link)
	}
	if len(inv.Token) != 32 || s.Store.Catalog().InvitationByToken(inv.Token) == nil {
		t.Errorf("token %q", inv.Token)
	}

	b.Click(`form[action$="/resend"] button`)
	if got := flash(b); got != "notice: Invitation will be resent soon" {
		t.Errorf("resend: %q", got)
	}
	if n := len(emails(t, s, "colleague@developer.example.com")); n != 2 {
		t.Errorf("%d invitation emails after the resend, want 2", n)
	}
	b.Tick("#invitations details.confirm summary")
	b.Click("#invitations details.confirm button")
	if got := flash(b); got != "notice: Invitation was successfully deleted" {
		t.Errorf("delete: %q", got)
	}
	if s.Store.Catalog().InvitationByToken(inv.Token) != nil || b.Count("#invitations tbody tr td.empty-search") != 1 {
		t.Error("the invitation is still there")
	}
}

// Chapter 9: a misbehaving application is found and suspended: its keys
// stop authorizing and its developer is told; then it is resumed, and its
// account's admin messaged from the account page.
func TestChapter9SuspendingApplications(t *testing.T) {
	s := start(t, guideWorld)
	creds := []string{"service_id", echoService, "app_id", "echo-app-id", "app_key", "echo-app-key"}
	b := s.Tab(t)
	b.LoginAdmin("admin", "admin")

	b.ClickLink("Applications")
	b.Fill("#search_name", "Echo")
	b.Submit("form.toolbar")
	b.ClickLink("Echo App")
	b.Tick("#cinstance_state details.confirm summary")
	if got := b.Text("#cinstance_state details.confirm p"); got != "The application will be suspended and no longer be able to access your API. Are you sure?" {
		t.Errorf("confirmation %q", got)
	}
	b.Click("#cinstance_state details.confirm button")
	if got := flash(b); got != "notice: The application has been suspended" {
		t.Errorf("suspend: %q", got)
	}
	if got := b.Text("#cinstance_state .state"); got != "Suspended" {
		t.Errorf("state %q", got)
	}
	if status, body := authorize(t, s, creds...); status != 409 || !strings.Contains(body, "application is not active") {
		t.Errorf("authorize a suspended application: %d %s", status, body)
	}
	if got := subjects(emails(t, s, "john@developer.example.com")); strings.Join(got, ",") != "API System: Application has been suspended" {
		t.Errorf("john's emails %v", got)
	}
	b.Click(`form[action$="/resume"] button`)
	if got := flash(b); got != "notice: The application is live again!" {
		t.Errorf("resume: %q", got)
	}
	if plan := authorizedPlan(t, s, creds...); plan != "Basic" {
		t.Errorf("authorize the resumed application: %q", plan)
	}

	// 9.3: the account, from the application's details, and its message.
	b.Click("table.details a[href^='/buyers/accounts/']")
	b.ClickLink("Send message")
	b.Fill("#message_subject", "Your app was suspended")
	b.Type("#message_body", "Please fix the loop.")
	b.Submit("main form")
	if got := flash(b); got != "notice: Message was sent" {
		t.Errorf("message: %q", got)
	}
	if got := subjects(emails(t, s, "john@developer.example.com")); !strings.Contains(strings.Join(got, ","), "[msg] Your app was suspended") {
		t.Errorf("john's emails %v", got)
	}
}

// Chapter 10: webhooks set up in the admin portal and pinged; admin
// actions fire them only once "actions in the admin portal also trigger
// webhooks" is on, the API by its own rule; the receiver gets porta's
// <event> documents.
func TestChapter10Webhooks(t *testing.T) {
	s := start(t, guideWorld)
	hooks := s.Receiver(t)
	b := s.Tab(t)
	b.LoginAdmin("admin", "admin")

	b.ClickLink("Webhooks")
	if b.Count("#ping_button") != 0 {
		t.Error("Ping! is offered with no URL")
	}
	b.Tick("#web_hook_active")
	b.Fill("#web_hook_url", hooks.URL+"?secret=s3cret")
	b.Tick("#web_hook_application_suspended_on")
	b.Tick("#web_hook_application_updated_on")
	b.Tick("#web_hook_account_updated_on")
	b.Click("#update_webhooks")
	if got := flash(b); got != "notice: Webhooks settings were successfully updated" {
		t.Fatalf("update: %q", got)
	}
	w := s.Store.Catalog().Providers[0].Webhooks
	if !w.Active || w.ProviderActions || w.URL != hooks.URL+"?secret=s3cret" ||
		strings.Join(w.Events, ",") != "account_updated,application_updated,application_suspended" {
		t.Errorf("webhooks %+v", w)
	}
	b.Click("#ping_button")
	if got := flash(b); got != "notice: "+hooks.URL+"?secret=s3cret responded with 200" || hooks.Pings() != 1 {
		t.Errorf("ping: %q (%d pings)", got, hooks.Pings())
	}
	b.Screenshot("admin-webhooks")

	// Switch off: the admin's suspension fires nothing.
	echo := app(t, s, "Echo App")
	b.Open(s.Admin + fmt.Sprintf("/p/admin/applications/%d", echo.ID))
	b.Tick("#cinstance_state details.confirm summary")
	b.Click("#cinstance_state details.confirm button")
	if got := hookEvents(t, s); len(got) != 0 {
		t.Errorf("admin actions fired %v with the switch off", got)
	}
	// The API with the provider key never fires; with an access token it
	// follows the same switch.
	api := s.Client(t, s.API)
	resume := fmt.Sprintf("/admin/api/accounts/%d/applications/%d/resume.xml", echo.AccountID, echo.ID)
	if r := api.Do("PUT", resume, map[string][]string{"provider_key": {providerKey}}); r.Status != 200 {
		t.Fatalf("API resume: %d", r.Status)
	}
	if got := hookEvents(t, s); len(got) != 0 {
		t.Errorf("the provider key fired %v", got)
	}

	// Switch on: the admin's actions fire, and reach the receiver.
	b.ClickLink("Webhooks")
	b.Tick("#web_hook_provider_actions")
	b.Click("#update_webhooks")
	b.Open(s.Admin + fmt.Sprintf("/p/admin/applications/%d", echo.ID))
	b.Tick("#cinstance_state details.confirm summary")
	b.Click("#cinstance_state details.confirm button")
	b.Click(`form[action$="/resume"] button`)
	got := hooks.Wait(2)
	if len(got) != 2 || got[0].Type != "application" || got[0].Action != "suspended" || got[1].Action != "updated" ||
		!strings.Contains(got[0].Body, "<application>") || !strings.Contains(got[0].Body, "<state>suspended</state>") ||
		!strings.Contains(got[1].Body, "<state>live</state>") {
		t.Errorf("received %+v", got)
	}
	suspend := fmt.Sprintf("/admin/api/accounts/%d/applications/%d/suspend.xml", echo.AccountID, echo.ID)
	if r := api.Do("PUT", suspend, map[string][]string{"access_token": {"acme-access-token"}}); r.Status != 200 {
		t.Fatalf("API suspend: %d", r.Status)
	}
	if got := hooks.Wait(3); got[2].Action != "suspended" {
		t.Errorf("the access token's suspension: %+v", got[2])
	}

	// A ping nobody answers.
	b.ClickLink("Webhooks")
	b.Fill("#web_hook_url", "http://127.0.0.1:1/hooks")
	b.Click("#update_webhooks")
	b.Click("#ping_button")
	if got := flash(b); !strings.HasPrefix(got, `error: Ping failed: "Get \"http://127.0.0.1:1/hooks?ping=3scale\"`) {
		t.Errorf("failed ping: %q", got)
	}
}
