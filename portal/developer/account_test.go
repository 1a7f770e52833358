package developer_test

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The settings pages over plain HTTP: the account, its users, one's own
// details, invitations and accepting one.

func TestAccountDetails(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.DeveloperClient(t)
	c.Login("john", "john")
	r := c.Get("/admin/account")
	if !strings.Contains(r.Text(), "Organization/Group Name Developer Co Email john@developer.example.com") ||
		!strings.Contains(r.Text(), "Edit Account") || !strings.Contains(r.Body, `href="/admin/account/users"`) {
		t.Errorf("account: %s", r.Text())
	}
	c.Get("/admin/account/edit")
	if r := c.Post("/admin/account", url.Values{"_method": {"put"}, "account[org_name]": {" "}}); r.Status != 422 ||
		fieldErrors(r, "account_org_name") != "can't be blank" {
		t.Errorf("blank name: %d %s", r.Status, r.Text())
	}
	r = c.Post("/admin/account", url.Values{"_method": {"put"}, "account[org_name]": {"<i>Dev</i> Co"}})
	if r.URL.Path != "/admin/account" || !slices.Equal(r.Flash(), []string{"notice: The account information was updated."}) ||
		strings.Contains(r.Body, "<i>Dev") || !strings.Contains(r.Text(), "<i>Dev</i> Co") {
		t.Errorf("update: %s %v %s", r.URL, r.Flash(), r.Text())
	}
	if r := c.Post("/admin/account", url.Values{"_method": {"put"}, "account[org_name]": {"Forged"}, "authenticity_token": {""}}); r.Status != 403 {
		t.Errorf("no CSRF token: %d", r.Status)
	}
	if got := s.Store.Catalog().Account(1).OrgName; got != "<i>Dev</i> Co" {
		t.Errorf("org name %q", got)
	}

	// A member sees the details, edits nothing.
	m := s.DeveloperClient(t)
	m.Login("jane", "jane")
	if r := m.Get("/admin/account"); strings.Contains(r.Text(), "Edit Account") || strings.Contains(r.Body, `href="/admin/account/users"`) ||
		strings.Contains(r.Body, `href="/admin/account/invitations"`) {
		t.Errorf("a member's account page: %s", r.Text())
	}
	if r := m.Get("/admin/account/edit"); r.Status != 403 || r.Body != "Action disabled" {
		t.Errorf("a member's edit: %d %q", r.Status, r.Body)
	}
	m.Get("/admin/account")
	if r := m.Post("/admin/account", url.Values{"_method": {"put"}, "account[org_name]": {"By jane"}}); r.Status != 403 {
		t.Errorf("a member's update: %d", r.Status)
	}
	for _, path := range []string{"/admin/account/users", "/admin/account/invitations", "/admin/account/invitations/new",
		"/admin/account/users/1/edit"} {
		if r := m.Get(path); r.Status != 403 {
			t.Errorf("a member's %s: %d", path, r.Status)
		}
	}
}

func TestAccountUsers(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.DeveloperClient(t)
	c.Login("john", "john")
	r := c.Get("/admin/account/users")
	if !strings.Contains(r.Text(), "YOU john john john@developer.example.com admin") || !strings.Contains(r.Text(), "jane jane jane@developer.example.com member") {
		t.Errorf("users: %s", r.Text())
	}
	cat := s.Store.Catalog()
	john, jane := cat.Account(1).Users[0], cat.Account(1).Users[1]
	pat := cat.Account(2).Users[0]
	if r := c.Get("/admin/account/users/" + itoa(pat.ID) + "/edit"); r.Status != 404 {
		t.Errorf("another account's user: %d", r.Status)
	}
	r = c.Get("/admin/account/users/" + itoa(jane.ID) + "/edit")
	if !strings.Contains(r.Body, `name="user[role]"`) || !strings.Contains(r.Text(), "Delete user") {
		t.Errorf("jane's edit: %s", r.Text())
	}
	if r := c.Post("/admin/account/users/"+itoa(jane.ID), url.Values{"_method": {"put"}, "user[username]": {"jane"},
		"user[email]": {"not-an-email"}}); r.Status != 422 || fieldErrors(r, "user_email") != "should look like an email address" {
		t.Errorf("a bad email: %d %s", r.Status, r.Text())
	}
	r = c.Post("/admin/account/users/"+itoa(jane.ID), url.Values{"_method": {"put"}, "user[username]": {"jane"},
		"user[email]": {"jane@developer.example.com"}, "user[role]": {"admin"}, "user[password]": {""}})
	if r.URL.Path != "/admin/account/users" || !slices.Equal(r.Flash(), []string{"notice: User was successfully updated."}) {
		t.Errorf("update: %s %v", r.URL, r.Flash())
	}
	if got := s.Store.Catalog().User(jane.ID); got.Role != "admin" || got.PasswordHash != jane.PasswordHash {
		t.Errorf("jane %s, password changed %v", got.Role, got.PasswordHash != jane.PasswordHash)
	}
	// Not oneself: no role, no delete.
	if r := c.Get("/admin/account/users/" + itoa(john.ID) + "/edit"); strings.Contains(r.Body, `name="user[role]"`) || strings.Contains(r.Text(), "Delete user") {
		t.Errorf("john's own edit: %s", r.Text())
	}
	c.Get("/admin/account/users")
	if r := c.Post("/admin/account/users/"+itoa(john.ID), url.Values{"_method": {"delete"}}); r.Status != 403 {
		t.Errorf("john deletes himself: %d", r.Status)
	}
	c.Get("/admin/account/users")
	if r := c.Post("/admin/account/users/"+itoa(pat.ID), url.Values{"_method": {"delete"}}); r.Status != 404 {
		t.Errorf("john deletes pat: %d", r.Status)
	}
	c.Get("/admin/account/users")
	if r := c.Post("/admin/account/users/"+itoa(jane.ID), url.Values{"_method": {"delete"}}); r.URL.Path != "/admin/account/users" ||
		strings.Contains(r.Text(), "jane@developer.example.com") {
		t.Errorf("delete jane: %s %s", r.URL, r.Text())
	}
	if s.Store.Catalog().User(jane.ID) != nil || s.Store.Catalog().User(pat.ID) == nil || s.Store.Catalog().User(john.ID) == nil {
		t.Error("users after the deletes")
	}
}

func TestPersonalDetailsPage(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.DeveloperClient(t)
	c.Login("jane", "jane")
	c.Get("/admin/account/personal_details")
	form := url.Values{"_method": {"put"}, "user[username]": {"jane2"}, "user[email]": {"jane@developer.example.com"},
		"user[current_password]": {"wrong"}}
	if r := c.Post("/admin/account/personal_details", form); r.Status != 422 || fieldErrors(r, "user_current_password") != "is incorrect" {
		t.Errorf("a wrong current password: %d %s", r.Status, r.Text())
	}
	form.Set("user[current_password]", "jane")
	r := c.Post("/admin/account/personal_details", form)
	if r.URL.Path != "/admin/account" || !slices.Equal(r.Flash(), []string{"notice: User was successfully updated."}) {
		t.Errorf("update: %s %v %s", r.URL, r.Flash(), r.Text())
	}
	if r := c.Get("/admin"); !strings.Contains(r.Body, "<span>jane2</span>") {
		t.Error("the menu does not show the new username")
	}
}

var signupLinkRE = regexp.MustCompile(`/signup/[0-9a-f]{32}`)

func TestInvitations(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.DeveloperClient(t)
	c.Login("john", "john")
	if r := c.Get("/admin/account/invitations"); !strings.Contains(r.Text(), "No invitations") {
		t.Errorf("no invitations: %s", r.Text())
	}
	c.Get("/admin/account/invitations/new")
	for email, want := range map[string]string{"not-an-email": "should look like an email address",
		"jane@developer.example.com": "has been taken by another user", "": "can't be blank"} {
		if r := c.Post("/admin/account/invitations", url.Values{"invitation[email]": {email}}); r.Status != 422 ||
			!strings.HasPrefix(fieldErrors(r, "invitation_email"), want) {
			t.Errorf("%q: %d %q", email, r.Status, fieldErrors(r, "invitation_email"))
		}
	}
	r := c.Post("/admin/account/invitations", url.Values{"invitation[email]": {"new@dev.test"}})
	if r.URL.Path != "/admin/account/invitations" || !strings.Contains(r.Text(), "new@dev.test 22 Nov 2026 no Resend") {
		t.Fatalf("create: %s %s", r.URL, r.Text())
	}
	es := s.Emails(t, store.EmailFilter{To: "new@dev.test"})
	if len(es) != 1 || es[0].Subject != "Invitation to join Developer Co" || !strings.HasPrefix(es[0].Links[0], s.Developer+"/signup/") {
		t.Fatalf("the invitation email %+v", es)
	}
	inv := s.Store.Catalog().Account(1).Invitations[0]
	r = c.Post("/admin/account/invitations/"+itoa(inv.ID)+"/resend", url.Values{"_method": {"put"}})
	if !slices.Equal(r.Flash(), []string{"notice: Invitation was resent"}) || len(s.Emails(t, store.EmailFilter{To: "new@dev.test"})) != 2 {
		t.Errorf("resend: %v", r.Flash())
	}
	// Another account's invitation is not found.
	p := s.DeveloperClient(t)
	s.Client(t, s.API).Do("PUT", "/admin/api/accounts/2/approve.xml", url.Values{"access_token": {"acme-access-token"}})
	p.Login("pat", "pat")
	p.Get("/admin/account/invitations")
	for _, tt := range []struct{ method, path string }{{"put", "/resend"}, {"delete", ""}} {
		if r := p.Post("/admin/account/invitations/"+itoa(inv.ID)+tt.path, url.Values{"_method": {tt.method}}); r.Status != 404 {
			t.Errorf("pat's %s: %d", tt.method, r.Status)
		}
		p.Get("/admin/account/invitations")
	}
	c.Get("/admin/account/invitations")
	r = c.Post("/admin/account/invitations/"+itoa(inv.ID), url.Values{"_method": {"delete"}})
	if !strings.Contains(r.Text(), "No invitations") {
		t.Errorf("delete: %s", r.Text())
	}
	link, _ := url.Parse(es[0].Links[0])
	if r := s.DeveloperClient(t).Get(link.Path); r.URL.Path != "/login" || !slices.Equal(r.Flash(), []string{"error: Invitation token did not exist."}) {
		t.Errorf("a deleted invitation's link: %s %v", r.URL, r.Flash())
	}
}

func TestInviteeSignup(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.DeveloperClient(t)
	c.Login("john", "john")
	c.Get("/admin/account/invitations/new")
	c.Post("/admin/account/invitations", url.Values{"invitation[email]": {"new@dev.test"}})
	link, _ := url.Parse(s.Emails(t, store.EmailFilter{To: "new@dev.test"})[0].Links[0])

	// Signed in, the link leads to the dashboard.
	if r := c.Get(link.Path); r.URL.Path != "/admin" {
		t.Errorf("signed in: %s", r.URL)
	}
	v := s.DeveloperClient(t)
	if r := v.Get("/signup/0123456789abcdef0123456789abcdef"); r.URL.Path != "/login" ||
		!slices.Equal(r.Flash(), []string{"error: Invitation token did not exist."}) {
		t.Errorf("unknown token: %s %v", r.URL, r.Flash())
	}
	r := v.Get(link.Path)
	if !strings.Contains(r.Text(), "Invitation sign in You have been invited to join Developer Co.") ||
		!strings.Contains(r.Body, `value="new@dev.test"`) {
		t.Fatalf("the form: %s", r.Text())
	}
	r = v.Post(link.Path, url.Values{"user[username]": {"jo"}, "user[email]": {"new@dev.test"}, "user[password]": {""}})
	if r.Status != 422 || fieldErrors(r, "user_password") != "can't be blank" || fieldErrors(r, "user_username") != "is too short (minimum is 3 characters)" {
		t.Errorf("invalid: %d %s", r.Status, r.Text())
	}
	if r := v.Post(link.Path, url.Values{"user[username]": {"newbie"}, "user[password]": {secret}, "authenticity_token": {""}}); r.Status != 403 {
		t.Errorf("no CSRF token: %d", r.Status)
	}
	v.Get(link.Path)
	r = v.Post(link.Path, url.Values{"user[username]": {"newbie"}, "user[email]": {"new@dev.test"}, "user[password]": {secret},
		"user[password_confirmation]": {secret}})
	if r.URL.Path != "/login" || !slices.Equal(r.Flash(), []string{"notice: Thanks for signing up! You can now sign in"}) {
		t.Fatalf("accept: %s %v %s", r.URL, r.Flash(), r.Text())
	}
	if r := v.Get(link.Path); !slices.Equal(r.Flash(), []string{"error: Invitation token has already been accepted."}) {
		t.Errorf("accepted: %v", r.Flash())
	}
	if r := v.Login("newbie", secret); r.URL.Path != "/" || !slices.Equal(r.Flash(), []string{"notice: Signed in successfully"}) {
		t.Errorf("the invitee's login: %s %v", r.URL, r.Flash())
	}
	if r := c.Get("/admin/account/invitations"); !strings.Contains(r.Text(), "new@dev.test 22 Nov 2026 yes, on 22 Nov 2026") {
		t.Errorf("accepted on the list: %s", r.Text())
	}
}
