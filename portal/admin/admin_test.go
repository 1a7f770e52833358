package admin_test

import (
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
