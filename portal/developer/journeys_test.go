package developer_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The developer's journeys of issue 9, in a real browser: clicking and
// typing as a person does, and checking what the sandbox then does (the
// Service Management API's answers, the emails in the outbox, the
// webhooks at a loopback receiver).

// journeyWorld is a provider whose developers sign up, wait for approval
// and manage their applications' keys.
const journeyWorld = `version: 1
providers:
  - name: Acme
    provider_key: acme-key
    access_token: acme-token
    admin: {username: admin, email: admin@acme.test, password: admin}
    developer_portal: {signup_enabled: true, account_approval_required: true}
    services:
      - id: "100"
        name: Echo API
        system_name: echo
        backend_version: "2"
        service_tokens: [echo-token]
        metrics: [{name: hits, friendly_name: Hits, unit: hit}]
        application_plans:
          - {name: Basic, system_name: basic, default: true, limits: {hits: {day: 1000}}}
          - {name: Pro, system_name: pro, limits: {hits: {day: 100000}}}
    accounts:
      - org_name: Dev Co
        users: [{username: john, email: john@dev.test, password: john, role: admin}]
`

// outboxEmail is an email as GET /_sandbox/emails lists it.
type outboxEmail struct {
	To, Subject, Body string
	Links             []string
	AccountID         int64 `json:"account_id"`
}

// sandboxEmails reads the outbox through GET /_sandbox/emails.
func sandboxEmails(t *testing.T, s *portaltest.Sandbox, query url.Values) []outboxEmail {
	t.Helper()
	r := s.Client(t, s.API).Get("/_sandbox/emails?" + query.Encode())
	var out struct{ Emails []outboxEmail }
	if err := json.Unmarshal([]byte(r.Body), &out); err != nil || r.Status != 200 {
		t.Fatalf("GET /_sandbox/emails: %d %v %s", r.Status, err, r.Body)
	}
	return out.Emails
}

// authrep asks the Service Management API, and returns its status and
// body.
func authrep(t *testing.T, s *portaltest.Sandbox, q url.Values) (int, string) {
	t.Helper()
	r := s.Client(t, s.API).Get("/transactions/authrep.xml?" + q.Encode())
	return r.Status, r.Body
}

// Sign up, activate from the email's link, wait for the approval, log in
// once approved, create an application, read its keys, and authrep with
// them.
func TestSignupToAuthrepInTheBrowser(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{Fixture: journeyWorld})
	hooks := s.Receiver(t)
	if r := s.Client(t, s.API).Do("PUT", "/admin/api/webhooks.json", url.Values{"access_token": {"acme-token"},
		"url": {hooks.URL}, "active": {"true"}, "account_created_on": {"true"}, "user_created_on": {"true"},
		"application_created_on": {"true"}}); r.Status != 200 {
		t.Fatalf("webhooks: %d %s", r.Status, r.Body)
	}
	b := s.Tab(t)

	b.Open(s.Developer + "/login")
	b.ClickLink("Sign up")
	b.Fill("#account_org_name", "Zeta Labs")
	b.Fill("#account_user_username", "zoe")
	b.Fill("#account_user_email", "zoe@zeta.test")
	b.Fill("#account_user_password", "short")
	b.Fill("#account_user_password_confirmation", "short")
	if status := b.Submit("#signup_form"); status != 422 || b.Text("#account_user_password_errors") != "is too short (minimum is 15 characters)" {
		t.Fatalf("a short password: %d %q", status, b.PageText())
	}
	b.Fill("#account_user_password", secret)
	b.Fill("#account_user_password_confirmation", secret)
	b.Screenshot("developer-signup")
	if status := b.Submit("#signup_form"); status != 200 || !strings.HasSuffix(b.Location(), "/signup/success") ||
		b.Text("#signup_success h2") != "Thank you" {
		t.Fatalf("after the signup: %d %s %q", status, b.Location(), b.PageText())
	}
	// porta's SignupService fires the created events, always.
	var got []string
	for _, ev := range hooks.Wait(3) {
		got = append(got, ev.Type+" "+ev.Action)
	}
	if want := []string{"account created", "user created", "application created"}; !slices.Equal(got, want) {
		t.Errorf("webhooks %q, want %q", got, want)
	}

	// The activation link of the email, opened in the browser.
	mails := sandboxEmails(t, s, url.Values{"to": {"zoe@zeta.test"}, "subject": {"account confirmation"}})
	if len(mails) != 1 || len(mails[0].Links) != 1 || !strings.HasPrefix(mails[0].Links[0], s.Developer+"/activate/") {
		t.Fatalf("the confirmation %+v", mails)
	}
	if status := b.Open(mails[0].Links[0]); status != 200 || !strings.HasSuffix(b.Location(), "/login") ||
		!slices.Equal(b.Flash(), []string{"notice: You will receive a message once your account is approved."}) {
		t.Fatalf("activation: %d %s %v", status, b.Location(), b.Flash())
	}
	if notice := sandboxEmails(t, s, url.Values{"subject": {"signed up"}}); len(notice) != 1 ||
		notice[0].Subject != "zoe from Zeta Labs signed up" || notice[0].To != "admin@acme.test" {
		t.Errorf("the provider's notification %+v", notice)
	}

	// Waiting for approval.
	b.Fill("#username", "zoe")
	b.Fill("#password", secret)
	b.Submit("#session_form")
	if !slices.Equal(b.Flash(), []string{"error: Your account isn't active or hasn't been approved yet."}) {
		t.Fatalf("login before approval: %v", b.Flash())
	}

	// The provider approves, through the API.
	api := s.Client(t, s.API)
	if r := api.Do("PUT", "/admin/api/accounts/"+itoa(mails[0].AccountID)+"/approve.xml",
		url.Values{"access_token": {"acme-token"}}); r.Status != 200 || !strings.Contains(r.Body, "<state>approved</state>") {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	if active := sandboxEmails(t, s, url.Values{"to": {"zoe@zeta.test"}, "subject": {"Registration now active!"}}); len(active) != 1 {
		t.Errorf("approval emails %+v", active)
	}
	if status := b.LoginDeveloper("zoe@zeta.test", secret); status != 200 ||
		!slices.Equal(b.Flash(), []string{"notice: Signed in successfully"}) {
		t.Fatalf("login after approval: %d %v", status, b.Flash())
	}

	// A new application, and its keys.
	b.ClickLink("Applications")
	if got := b.Text("#applications tbody"); !strings.Contains(got, "Zeta Labs's App") {
		t.Errorf("the signup's application is not listed: %q", got)
	}
	b.ClickLink("Create new application")
	b.Fill("#application_name", "Zeta Mobile")
	b.Type("#application_description", "Our phone app")
	if status := b.Submit("#new_application"); status != 200 || !slices.Equal(b.Flash(), []string{"notice: Application was successfully created."}) {
		t.Fatalf("create: %d %v %q", status, b.Flash(), b.PageText())
	}
	appID := b.Text("#app-id")
	key := b.Text("#keys .key code")
	if len(appID) != 8 || len(key) != 32 || b.Text("#application-state") != "Live" {
		t.Fatalf("credentials %q %q, state %q", appID, key, b.Text("#application-state"))
	}
	b.Screenshot("developer-application")

	status, body := authrep(t, s, url.Values{"service_token": {"echo-token"}, "service_id": {"100"}, "app_id": {appID},
		"app_key": {key}, "usage[hits]": {"1"}})
	if status != 200 || !strings.Contains(body, "<authorized>true</authorized>") || !strings.Contains(body, "<plan>Basic</plan>") {
		t.Errorf("authrep with the new keys: %d %s", status, body)
	}
	if status, _ := authrep(t, s, url.Values{"service_token": {"echo-token"}, "service_id": {"100"}, "app_id": {appID},
		"app_key": {"wrong-key"}}); status != 409 {
		t.Errorf("authrep with a wrong key: %d", status)
	}
}

// A plan change under each of the service's permissions: direct changes
// it now (and authrep sees the new plan), request changes nothing and
// tells the provider, none offers no button.
func TestPlanChangeInTheBrowser(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	b := s.Tab(t)
	echo := appNamed(t, s, "Echo App")
	appPage := s.Developer + "/admin/applications/" + itoa(echo.ID)
	q := url.Values{"service_token": {"echo-service-token"}, "service_id": {echoService}, "app_id": {"echo-app-id"},
		"app_key": {"echo-app-key"}, "referrer": {"www.example.com"}}
	b.LoginDeveloper("john", "john")

	// request, porta's default.
	b.Open(appPage)
	b.ClickLink("Review/Change")
	if got := b.Text(".current-plan .current-plan-notice"); got != "This is your current plan." {
		t.Errorf("the widget: %q", got)
	}
	b.Screenshot("developer-plan-widget")
	var pro *store.Plan
	for _, pl := range s.Store.Catalog().Service(echoService).Plans {
		if pl.Name == "Pro" {
			pro = pl
		}
	}
	button := "#change-plan-" + itoa(pro.ID)
	if got := b.Text(button); got != "Request Plan Change" {
		t.Fatalf("button %q", got)
	}
	b.Click(button)
	if !slices.Equal(b.Flash(), []string{"notice: A request to change your application plan has been sent."}) ||
		b.Text("#plan-name") != "Basic" {
		t.Errorf("request: %v, plan %q", b.Flash(), b.Text("#plan-name"))
	}
	if mails := sandboxEmails(t, s, url.Values{"to": {"admin@acme.example.com"}, "subject": {"Action required"}}); len(mails) != 1 ||
		mails[0].Subject != "Action required: john from Developer Co requested an app plan change" ||
		!strings.Contains(mails[0].Body, "Requested plan: Pro") {
		t.Errorf("the provider's email %+v", mails)
	}
	if got := b.Text(".who .badge"); got != "1" {
		t.Errorf("unread %q after the request", got)
	}
	b.Click(".who a[href='/admin/messages/received']")
	if got := b.Text("#messages tbody tr.unread a"); got != "Plan change request has been received" {
		t.Errorf("the developer's message %q", got)
	}
	if _, body := authrep(t, s, q); !strings.Contains(body, "<plan>Basic</plan>") {
		t.Errorf("requested, authrep sees %s", body)
	}

	// direct.
	service(t, s, echoService, url.Values{"buyer_plan_change_permission": {"direct"}})
	b.Open(appPage)
	b.ClickLink("Review/Change")
	if got := b.Text(button); got != "Change Plan" {
		t.Fatalf("button %q", got)
	}
	b.Click(button)
	if !slices.Equal(b.Flash(), []string{"notice: Plan change was successful."}) || b.Text("#plan-name") != "Pro" {
		t.Errorf("direct: %v, plan %q", b.Flash(), b.Text("#plan-name"))
	}
	if _, body := authrep(t, s, q); !strings.Contains(body, "<plan>Pro</plan>") {
		t.Errorf("changed, authrep sees %s", body)
	}

	// none: no Review/Change, and the widget says so.
	service(t, s, echoService, url.Values{"buyer_plan_change_permission": {"none"}})
	b.Open(appPage)
	if strings.Contains(b.PageText(), "Review/Change") {
		t.Error("Review/Change under none")
	}
	b.Open(s.Developer + "/admin/services/" + echoService + "/plans_widget?application_id=" + itoa(echo.ID))
	if !strings.Contains(b.PageText(), "Plan changes are not allowed.") {
		t.Errorf("the widget under none: %q", b.PageText())
	}
	c := s.DeveloperClient(t)
	c.Login("john", "john")
	c.Get("/admin/applications/" + itoa(echo.ID))
	if r := c.Post("/admin/contracts/"+itoa(echo.ID)+"?plan_id="+itoa(echo.PlanID), url.Values{"_method": {"put"}}); r.Status != 403 {
		t.Errorf("a forged change under none: %d", r.Status)
	}
	cat := s.Store.Catalog()
	if got := cat.Plan(cat.Application(echo.ID).PlanID).Name; got != "Pro" {
		t.Errorf("plan %s after the forged change", got)
	}
}

// Messages both ways: the provider writes through the API, the developer
// sees the unread badge, opens the message and replies; the provider's
// inbox has the reply, and its admin the email.
func TestMessagesInTheBrowser(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	b := s.Tab(t)
	b.LoginDeveloper("john", "john")
	tell(t, s, 1, "Maintenance on Sunday", "The API is down from 2 to 4 UTC.")
	b.Open(s.Developer + "/admin")
	if got := b.Text(".who .badge"); got != "1" {
		t.Fatalf("the unread badge %q", got)
	}
	b.Click(".who a[href='/admin/messages/received']")
	b.Screenshot("developer-inbox")
	b.ClickLink("Maintenance on Sunday")
	if got := b.Text("pre.message"); got != "The API is down from 2 to 4 UTC." {
		t.Errorf("body %q", got)
	}
	if got := b.Text(".who a[href='/admin/messages/received']"); got != "Messages" {
		t.Errorf("after reading, the menu says %q", got)
	}
	b.Type("#message_body", "Thanks for the notice.")
	b.Submit("#reply_form")
	if !slices.Equal(b.Flash(), []string{"notice: Reply was sent."}) {
		t.Errorf("reply: %v", b.Flash())
	}
	got := providerInbox(t, s)
	if len(got) != 1 || got[0].Subject != "Re: Maintenance on Sunday" || got[0].Body != "Thanks for the notice." || got[0].Read {
		t.Errorf("the provider's inbox %+v", got)
	}
	mails := sandboxEmails(t, s, url.Values{"subject": {"New message from Developer Co"}})
	if len(mails) != 1 || len(mails[0].Links) != 1 || !strings.HasPrefix(mails[0].Links[0], s.Admin+"/p/admin/messages/inbox/") {
		t.Errorf("the provider's email %+v", mails)
	}
	b.ClickLink("Sent Messages")
	if got := b.Text("#messages tbody"); !strings.Contains(got, "Re: Maintenance on Sunday") {
		t.Errorf("sent %q", got)
	}
}

// An account's admin invites a colleague from the settings; the
// colleague opens the email's link in their own browser, signs up, is a
// member of the account (webhook user created) and signs in to its
// applications; the invitation shows accepted.
func TestInvitationInTheBrowser(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	hooks := s.Receiver(t)
	if r := s.Client(t, s.API).Do("PUT", "/admin/api/webhooks.json", url.Values{"access_token": {"acme-access-token"},
		"url": {hooks.URL}, "active": {"true"}, "user_created_on": {"true"}}); r.Status != 200 {
		t.Fatalf("webhooks: %d %s", r.Status, r.Body)
	}
	admin := s.Tab(t)
	admin.LoginDeveloper("john", "john")
	admin.ClickLink("Settings")
	admin.ClickLink("Invitations")
	admin.ClickLink("Invite new user")
	admin.Fill("#invitation_email", "colleague@developer.example.com")
	admin.Submit("#new_invitation")
	if got := admin.Text("#invitations tbody"); !strings.Contains(got, "colleague@developer.example.com") || !strings.Contains(got, "no") {
		t.Fatalf("invitations %q", got)
	}
	admin.Screenshot("developer-invitations")

	mails := sandboxEmails(t, s, url.Values{"to": {"colleague@developer.example.com"}})
	if len(mails) != 1 || mails[0].Subject != "Invitation to join Developer Co" || len(mails[0].Links) != 1 {
		t.Fatalf("the invitation %+v", mails)
	}
	colleague := s.Tab(t)
	colleague.Open(mails[0].Links[0])
	colleague.Fill("#user_username", "colleague")
	colleague.Fill("#user_password", secret)
	colleague.Fill("#user_password_confirmation", secret)
	colleague.Submit("#invitation_signup")
	if !strings.HasSuffix(colleague.Location(), "/login") ||
		!slices.Equal(colleague.Flash(), []string{"notice: Thanks for signing up! You can now sign in"}) {
		t.Fatalf("accepted: %s %v", colleague.Location(), colleague.Flash())
	}
	if evs := hooks.Wait(1); evs[0].Type != "user" || evs[0].Action != "created" ||
		!strings.Contains(evs[0].Body, "<username>colleague</username>") || !strings.Contains(evs[0].Body, "<role>member</role>") {
		t.Errorf("webhook %+v", evs[0])
	}
	colleague.Fill("#username", "colleague@developer.example.com")
	colleague.Fill("#password", secret)
	colleague.Submit("#session_form")
	colleague.Open(s.Developer + "/admin")
	if got := colleague.Text("#app-id"); got != "echo-app-id" {
		t.Errorf("the colleague's dashboard: %q", got)
	}
	admin.Open(s.Developer + "/admin/account/invitations")
	if got := admin.Text("#invitations tbody"); !strings.Contains(got, "yes, on 22 Nov 2026") {
		t.Errorf("after acceptance %q", got)
	}
}
