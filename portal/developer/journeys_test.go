package developer_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
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
	b.Screenshot("developer-application-new")
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
