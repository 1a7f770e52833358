package developer_test

import (
	"html"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The signup, its activation and the lost password over plain HTTP:
// every form's validation errors, the refusals, escaping and CSRF. The
// browser journeys are in journeys_test.go.

// approvalWorld is a provider whose developers wait for approval, with a
// defined user field.
const approvalWorld = `version: 1
providers:
  - name: Acme
    provider_key: acme-key
    access_token: acme-token
    admin: {username: admin, email: admin@acme.test, password: admin}
    developer_portal: {signup_enabled: true, account_approval_required: true}
    fields: {user: [first_name], account: [telephone_number]}
    services:
      - id: "100"
        name: Echo API
        backend_version: "2"
        application_plans:
          - {name: Basic, system_name: basic, default: true}
          - {name: Pro, system_name: pro}
    accounts:
      - org_name: Dev Co
        users: [{username: john, email: john@dev.test, password: john, role: admin}]
`

const secret = "a-long-enough-secret"

func signupForm(org, username, email string) url.Values {
	return url.Values{"account[org_name]": {org}, "account[user][username]": {username},
		"account[user][email]": {email}, "account[user][password]": {secret},
		"account[user][password_confirmation]": {secret}}
}

func TestSignupForm(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{Fixture: approvalWorld})
	c := s.DeveloperClient(t)
	r := c.Get("/signup")
	for _, want := range []string{`name="account[org_name]"`, `name="account[telephone_number]"`,
		`name="account[user][first_name]"`, `<label for="account_user_first_name">First name</label>`,
		`<label for="account_telephone_number">Telephone number</label>`, `name="account[user][password_confirmation]"`} {
		if !strings.Contains(r.Body, want) {
			t.Errorf("the form has no %s", want)
		}
	}

	// Every problem beside its field, 422, nothing stored.
	r = c.Post("/signup", url.Values{"account[org_name]": {""}, "account[user][username]": {"j"},
		"account[user][email]": {"john@dev.test"}, "account[user][password]": {"short"},
		"account[user][password_confirmation]": {"other"}})
	if r.Status != 422 {
		t.Fatalf("invalid signup: %d", r.Status)
	}
	for field, want := range map[string]string{
		"account_org_name":                   "can't be blank",
		"account_user_username":              "is too short (minimum is 3 characters), use only letters, numbers, and .-_@+ please.",
		"account_user_email":                 "has already been taken",
		"account_user_password":              "is too short (minimum is 15 characters)",
		"account_user_password_confirmation": "doesn't match Password",
	} {
		if got := fieldErrors(r, field); got != want {
			t.Errorf("%s: %q, want %q", field, got, want)
		}
	}
	if strings.Contains(r.Text(), "Users invalid") {
		t.Error("porta's Users invalid shows on the form")
	}
	if n := len(s.Store.Catalog().Providers[0].Accounts); n != 1 {
		t.Errorf("%d accounts after an invalid signup", n)
	}

	// No CSRF token: refused, nothing stored.
	f := signupForm("Sneaky", "sneaky", "sneaky@x.test")
	f.Set("authenticity_token", "")
	if r := c.Post("/signup", f); r.Status != 403 {
		t.Errorf("signup without a token: %d", r.Status)
	}
	if n := len(s.Store.Catalog().Providers[0].Accounts); n != 1 {
		t.Errorf("%d accounts after a forged signup", n)
	}

	// A hostile name is text; the thanks page next.
	c.Get("/signup")
	f = signupForm("<script>alert(1)</script>", "zoe", "zoe@zeta.test")
	f.Set("account[user][first_name]", "Zoe")
	r = c.Post("/signup", f)
	if r.Status != 200 || r.URL.Path != "/signup/success" || !strings.Contains(r.Text(),
		"Thank you We have sent you an email to confirm your email address. Please click the link in the email and you can directly login!") {
		t.Fatalf("signup: %d %s %s", r.Status, r.URL, r.Text())
	}
	es := s.Emails(t, store.EmailFilter{Subject: "signed up"})
	if len(es) != 1 || es[0].Subject != "Zoe from <script>alert(1)</script> signed up" {
		t.Fatalf("provider notification %v", es)
	}
	c.Login("john", "john")
	api := s.Client(t, s.API)
	if r := api.Get("/admin/api/accounts.xml?access_token=acme-token"); strings.Contains(r.Body, "<script>") {
		t.Error("the API writes the name unescaped")
	}
}

func TestSignupDisabled(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{Fixture: strings.Replace(approvalWorld, "signup_enabled: true", "signup_enabled: false", 1)})
	c := s.DeveloperClient(t)
	for _, r := range []*portaltest.Response{c.Get("/signup"), c.Get("/signup/success")} {
		if r.Status != 403 || r.Body != "Signup disabled" || r.Header.Get("Content-Type") != "text/plain; charset=utf-8" {
			t.Errorf("%s: %d %q", r.URL.Path, r.Status, r.Body)
		}
	}
	c.Get("/login")
	if r := c.Post("/signup", signupForm("Zeta", "zoe", "zoe@zeta.test")); r.Status != 403 || r.Body != "Signup disabled" {
		t.Errorf("POST: %d %q", r.Status, r.Body)
	}
	if strings.Contains(c.Get("/login").Body, `href="/signup"`) {
		t.Error("the login page links to the signup")
	}
}

// A signed-in developer is sent to the dashboard; unknown plans are 404.
func TestSignupGuestsOnly(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{Fixture: approvalWorld})
	c := s.DeveloperClient(t)
	if r := c.Get("/signup?plan_ids[]=999999"); r.Status != 404 {
		t.Errorf("unknown plan: %d", r.Status)
	}
	if r := c.Get("/signup?plan_ids[]=abc"); r.Status != 404 {
		t.Errorf("no plan id: %d", r.Status)
	}
	pro := s.Store.Catalog().Service("100").Plans[1]
	if r := c.Get("/signup?plan_ids[]=" + itoa(pro.ID)); !strings.Contains(r.Text(), "You are signing up to plan Pro.") ||
		!strings.Contains(r.Body, `<input type="hidden" name="plan_ids[]" value="`+itoa(pro.ID)+`">`) {
		t.Errorf("chosen plan: %s", r.Text())
	}
	c.Login("john", "john")
	if r := c.Get("/signup"); r.URL.Path != "/admin" {
		t.Errorf("signed in, /signup shows %s", r.URL.Path)
	}
}

func TestActivation(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{Fixture: approvalWorld})
	c := s.DeveloperClient(t)
	if r := c.Get("/activate/0123456789abcdef"); r.Status != 404 || !strings.Contains(r.Text(),
		"Activation error The activation code is not correct. Maybe the account is already activated?") {
		t.Errorf("unknown code: %d %s", r.Status, r.Text())
	}
	c.Get("/signup")
	c.Post("/signup", signupForm("Zeta", "zoe", "zoe@zeta.test"))
	es := s.Emails(t, store.EmailFilter{To: "zoe@zeta.test", Subject: "account confirmation"})
	link, _ := url.Parse(es[0].Links[0])
	if link.Host != strings.TrimPrefix(s.Developer, "http://") {
		t.Fatalf("the link %s is not to the sandbox's developer portal %s", link, s.Developer)
	}
	r := c.Get(link.Path)
	if r.URL.Path != "/login" || !slices.Equal(r.Flash(), []string{"notice: You will receive a message once your account is approved."}) {
		t.Errorf("activation: %s %v", r.URL.Path, r.Flash())
	}
	if r := c.Login("zoe", secret); !slices.Equal(r.Flash(), []string{"error: Your account isn't active or hasn't been approved yet."}) {
		t.Errorf("login before approval: %v", r.Flash())
	}
	if r := c.Get(link.Path); r.Status != 404 {
		t.Errorf("the link again: %d", r.Status)
	}
	if es := s.Emails(t, store.EmailFilter{To: "zoe@zeta.test", Subject: "Waiting list"}); len(es) != 1 {
		t.Errorf("waiting list emails: %d", len(es))
	}

	// The provider approves with the admin portal's form; zoe comes in.
	admin := s.AdminClient(t)
	admin.Login("admin", "admin")
	acc := s.Emails(t, store.EmailFilter{To: "zoe@zeta.test", Subject: "Waiting list"})[0].AccountID
	admin.Get("/buyers/accounts/" + itoa(acc))
	if r := admin.Post("/buyers/accounts/"+itoa(acc)+"/approve", nil); !slices.Equal(r.Flash(), []string{"notice: Developer account was approved"}) {
		t.Errorf("the admin portal's approve: %v", r.Flash())
	}
	if r := c.Login("zoe", secret); !slices.Equal(r.Flash(), []string{"notice: Signed in successfully"}) {
		t.Errorf("login after approval: %v", r.Flash())
	}
	if es := s.Emails(t, store.EmailFilter{To: "zoe@zeta.test", Subject: "Registration now active!"}); len(es) != 1 ||
		!strings.Contains(es[0].Body, s.Developer+"/admin/") {
		t.Errorf("the approval email %+v", es)
	}
}

func TestActivationWithoutApproval(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{Fixture: strings.Replace(approvalWorld, "account_approval_required: true",
		"account_approval_required: false", 1)})
	c := s.DeveloperClient(t)
	c.Get("/signup")
	c.Post("/signup", signupForm("Zeta", "zoe", "zoe@zeta.test"))
	link, _ := url.Parse(s.Emails(t, store.EmailFilter{To: "zoe@zeta.test", Subject: "account confirmation"})[0].Links[0])
	if r := c.Get(link.Path); !slices.Equal(r.Flash(), []string{"notice: Signup complete. You can now sign in."}) {
		t.Errorf("activation: %v", r.Flash())
	}
	if r := c.Login("zoe@zeta.test", secret); r.URL.Path != "/" || !slices.Equal(r.Flash(), []string{"notice: Signed in successfully"}) {
		t.Errorf("login: %s %v", r.URL.Path, r.Flash())
	}
}

func TestPasswordReset(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{Fixture: approvalWorld})
	c := s.DeveloperClient(t)
	r := c.Get("/login")
	if !strings.Contains(r.Body, `<a href="/admin/account/password/new">Forgot password?</a>`) {
		t.Error("no Forgot password? link")
	}
	c.Get("/admin/account/password/new")
	for _, email := range []string{"nobody@dev.test", "john@dev.test"} {
		r := c.Post("/admin/account/password", url.Values{"email": {email}})
		if r.URL.Path != "/login" || !slices.Equal(r.Flash(), []string{"notice: A password reset link will be sent to " + email +
			" if a user exists with this email."}) {
			t.Errorf("%s: %s %v", email, r.URL.Path, r.Flash())
		}
	}
	es := s.Emails(t, store.EmailFilter{Subject: "Lost password"})
	if len(es) != 1 || es[0].To != "john@dev.test" || es[0].Subject != "Acme Lost password recovery. (Valid for 24 hours)" {
		t.Fatalf("emails %v", es)
	}
	link, _ := url.Parse(es[0].Links[0])
	r = c.Get(link.RequestURI())
	if r.Status != 200 || !strings.Contains(r.Body, `name="user[password]"`) {
		t.Fatalf("the link: %d %s", r.Status, r.Text())
	}
	token := link.Query().Get("password_reset_token")
	for _, tt := range []struct{ password, confirmation, field, want string }{
		{"", "", "user_password", "can't be blank"},
		{"short", "short", "user_password", "is too short (minimum is 15 characters)"},
		{"a-new-long-password", "other", "user_password_confirmation", "doesn't match Password"},
	} {
		r := c.Post("/admin/account/password", url.Values{"_method": {"put"}, "password_reset_token": {token},
			"user[password]": {tt.password}, "user[password_confirmation]": {tt.confirmation}})
		if r.Status != 422 || !slices.Equal(r.Flash(), []string{"error: The password is invalid"}) ||
			fieldErrors(r, tt.field) != tt.want {
			t.Errorf("%q: %d %v %s", tt.password, r.Status, r.Flash(), r.Text())
		}
	}
	// Without the form's token: refused, the password unchanged.
	if r := c.Post("/admin/account/password", url.Values{"_method": {"put"}, "password_reset_token": {token},
		"authenticity_token": {""}, "user[password]": {"a-forged-long-password"}}); r.Status != 403 {
		t.Errorf("no CSRF token: %d", r.Status)
	}
	c.Get(link.RequestURI())
	r = c.Post("/admin/account/password", url.Values{"_method": {"put"}, "password_reset_token": {token},
		"user[password]": {"a-new-long-password"}, "user[password_confirmation]": {"a-new-long-password"}})
	if r.URL.Path != "/login" || !slices.Equal(r.Flash(), []string{"notice: The password has been changed."}) {
		t.Errorf("change: %s %v", r.URL.Path, r.Flash())
	}
	if r := c.Login("john", "a-new-long-password"); !slices.Equal(r.Flash(), []string{"notice: Signed in successfully"}) {
		t.Errorf("login with the new password: %v", r.Flash())
	}
	c.Get("/logout")
	if r := c.Get(link.RequestURI()); r.URL.Path != "/login" || !slices.Equal(r.Flash(), []string{"error: The password reset token is invalid."}) {
		t.Errorf("the spent link: %s %v", r.URL.Path, r.Flash())
	}

	// A link is valid 24 hours on the sandbox's clock.
	c.Get("/admin/account/password/new")
	c.Post("/admin/account/password", url.Values{"email": {"john@dev.test"}})
	es = s.Emails(t, store.EmailFilter{Subject: "Lost password"})
	link, _ = url.Parse(es[len(es)-1].Links[0])
	s.Clock.Advance(24 * time.Hour)
	if r := c.Get(link.RequestURI()); !slices.Equal(r.Flash(), []string{"error: The password reset token is invalid."}) {
		t.Errorf("after 24 hours: %v", r.Flash())
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// fieldErrors is the text of the errors shown beside a form's field (by
// its id).
func fieldErrors(r *portaltest.Response, id string) string {
	m := regexp.MustCompile(`<p class="field-errors" id="` + regexp.QuoteMeta(id) + `_errors">([^<]*)</p>`).FindStringSubmatch(r.Body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}
