package admin_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
)

func TestMain(m *testing.M) { portaltest.Main(m) }

// An admin in a browser: a protected page sends them to the login page,
// a wrong password gets porta's text, the right one brings them back to
// the page, the dashboard shows the provider, and logout ends it.
func TestAdminLoginInTheBrowser(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	b := s.Tab(t)

	if status := b.Open(s.Admin + "/p/admin/emails"); status != 200 || b.Location() != s.Admin+"/p/login" {
		t.Fatalf("a protected page led to %s (%d)", b.Location(), status)
	}
	b.Screenshot("admin-login")
	b.Fill("#username", "admin")
	b.Fill("#password", "wrong")
	b.Submit("main form")
	if got := strings.Join(b.Flash(), "|"); got != "error: Incorrect email or password. Please try again." {
		t.Errorf("wrong password: %q", got)
	}
	b.Fill("#username", "admin")
	b.Fill("#password", "admin")
	if status := b.Submit("main form"); status != 200 || b.Location() != s.Admin+"/p/admin/emails" {
		t.Fatalf("after the login: %s (%d), want the emails page", b.Location(), status)
	}
	if got := strings.Join(b.Flash(), "|"); got != "notice: Signed in successfully" {
		t.Errorf("login flash: %q", got)
	}

	b.ClickLink("Dashboard")
	if got := b.Text("h1"); got != "Dashboard" {
		t.Errorf("dashboard title %q", got)
	}
	if got := b.Text("#audience + p"); got != "3 developer accounts, 1 pending approval" {
		t.Errorf("audience: %q", got)
	}
	if got := b.Text(".masthead .brand"); got != "Acme Inc · Admin Portal" {
		t.Errorf("masthead: %q", got)
	}
	b.Screenshot("admin-dashboard")

	b.ClickLink("Sign out")
	if b.Location() != s.Admin+"/p/sessions/new" || strings.Join(b.Flash(), "|") != "notice: You have been logged out" {
		t.Errorf("logout: %s %v", b.Location(), b.Flash())
	}
	if b.Open(s.Admin + "/p/admin/dashboard"); b.Location() != s.Admin+"/p/login" {
		t.Errorf("signed out, the dashboard shows at %s", b.Location())
	}
}

// The Emails page lists the outbox, newest first, with the links of each
// email, filtered by to and subject.
func TestEmailsPage(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	api := s.Client(t, s.API)
	for _, call := range []string{"/admin/api/accounts/1/applications/1/suspend.xml", "/admin/api/accounts/1/applications/1/resume.xml"} {
		if r := api.Do("PUT", call, url.Values{"access_token": {"acme-access-token"}}); r.Status != 200 {
			t.Fatalf("%s: %d", call, r.Status)
		}
	}
	if r := api.Do("POST", "/admin/api/accounts/1/messages.xml", url.Values{"access_token": {"acme-access-token"},
		"subject": {"Welcome"}, "body": {"Hello."}}); r.Status != 201 {
		t.Fatalf("message: %d", r.Status)
	}
	c := s.AdminClient(t)
	c.Login("admin", "admin")
	r := c.Get("/p/admin/emails")
	text := r.Text()
	first, second := strings.Index(text, "[msg] Welcome"), strings.Index(text, "API System: Application has been suspended")
	if r.Status != 200 || first < 0 || second < first {
		t.Fatalf("emails page: %d %s", r.Status, text)
	}
	if !strings.Contains(r.Body, `<a href="`+s.Developer+`/admin/messages/received/`) {
		t.Errorf("the message's link to the developer portal is not on the page")
	}
	if r := c.Get("/p/admin/emails?subject=suspended&to=john%40developer.example.com"); strings.Contains(r.Text(), "[msg]") ||
		!strings.Contains(r.Text(), "suspended") {
		t.Errorf("filtered: %s", r.Text())
	}
	if r := c.Get("/p/admin/emails?to=nobody%40example.com"); !strings.Contains(r.Text(), "No emails.") {
		t.Errorf("empty: %s", r.Text())
	}
	if r := c.Get("/p/admin/dashboard"); !strings.Contains(r.Text(), "2 emails in the outbox") {
		t.Errorf("dashboard: %s", r.Text())
	}
}
