package developer_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
)

func TestMain(m *testing.M) { portaltest.Main(m) }

// A developer in a browser: the dashboard sends them to the login page; a
// wrong password and an account waiting for approval get porta's texts;
// the login brings them back to the dashboard with their credentials and
// messages; logout ends it.
func TestDeveloperLoginInTheBrowser(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	b := s.Tab(t)

	if status := b.Open(s.Developer + "/admin"); status != 200 || b.Location() != s.Developer+"/login" {
		t.Fatalf("the dashboard led to %s (%d)", b.Location(), status)
	}
	b.Screenshot("developer-login")
	b.Fill("#username", "pat")
	b.Fill("#password", "pat")
	b.Submit("main form")
	if got := strings.Join(b.Flash(), "|"); got != "error: Your account isn't active or hasn't been approved yet." {
		t.Errorf("pending account: %q", got)
	}
	b.Fill("#username", "john")
	b.Fill("#password", "wrong")
	b.Submit("main form")
	if got := strings.Join(b.Flash(), "|"); got != "error: Incorrect email or password. Please try again." {
		t.Errorf("wrong password: %q", got)
	}
	b.Fill("#username", "john@developer.example.com")
	b.Fill("#password", "john")
	if status := b.Submit("main form"); status != 200 || b.Location() != s.Developer+"/admin" {
		t.Fatalf("after the login: %s (%d), want /admin", b.Location(), status)
	}
	if got := strings.Join(b.Flash(), "|"); got != "notice: Signed in successfully" {
		t.Errorf("login flash: %q", got)
	}
	// The credentials panel: the first application, app_id mode.
	if got := b.Text("#app-id"); got != "echo-app-id" {
		t.Errorf("App ID %q", got)
	}
	if got := b.Text("#app-key"); got != "echo-app-key" {
		t.Errorf("Key %q", got)
	}
	if got := b.Text("#latest-messages + p"); got != "Your inbox is empty." {
		t.Errorf("messages: %q", got)
	}
	b.Screenshot("developer-dashboard")

	b.ClickLink("Sign out")
	if b.Location() != s.Developer+"/" || strings.Join(b.Flash(), "|") != "notice: You have been logged out." {
		t.Errorf("logout: %s %v", b.Location(), b.Flash())
	}
	if b.Open(s.Developer + "/admin"); b.Location() != s.Developer+"/login" {
		t.Errorf("signed out, the dashboard shows at %s", b.Location())
	}
}

// The dashboard shows the latest messages, unread ones marked, and the
// unread count beside Messages; an account without applications gets
// the button to create one.
func TestDashboardMessages(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	api := s.Client(t, s.API)
	for _, subject := range []string{"First", "Second"} {
		if r := api.Do("POST", "/admin/api/accounts/1/messages.xml", url.Values{"access_token": {"acme-access-token"},
			"subject": {subject}, "body": {"Hello."}}); r.Status != 201 {
			t.Fatalf("message: %d", r.Status)
		}
	}
	c := s.DeveloperClient(t)
	c.Login("jane", "jane") // a member sees the account's messages too
	r := c.Get("/admin")
	if !strings.Contains(r.Text(), "Latest Messages Second") || !strings.Contains(r.Body, `<li class="unread"><a href="/admin/messages/received/`) {
		t.Errorf("latest messages: %s", r.Text())
	}
	if !strings.Contains(r.Body, `Messages <span class="badge" title="unread">2</span>`) {
		t.Errorf("no unread count of 2")
	}

	s2 := portaltest.Start(t, portaltest.Options{Fixture: `version: 1
providers:
  - name: Acme
    provider_key: k
    services: [{id: "1", name: API, application_plans: [{name: Basic}]}]
    accounts:
      - org_name: New Co
        users: [{username: neo, email: neo@new.test, password: neo}]
`})
	c2 := s2.DeveloperClient(t)
	c2.Login("neo", "neo")
	if r := c2.Get("/admin"); !strings.Contains(r.Text(), "You have no application yet. Create Application") ||
		!strings.Contains(r.Text(), "Your inbox is empty.") {
		t.Errorf("empty dashboard: %s", r.Text())
	}
}
