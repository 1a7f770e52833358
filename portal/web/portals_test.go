package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
)

// Sessions, CSRF, logins and escaping through the two real portals, over
// plain HTTP with a cookie jar.

// portal is one of the two portals as these tests drive it.
type portal struct {
	name                       string
	client                     func(*portaltest.Sandbox, *testing.T) *portaltest.Client
	login, session, home, page string // paths: the login form, its action, where a login goes, a private page
	username, password         string
	userCookie                 string
}

var portals = []portal{
	{"admin", func(s *portaltest.Sandbox, t *testing.T) *portaltest.Client { return s.AdminClient(t) },
		"/p/login", "/p/sessions", "/p/admin/dashboard", "/p/admin/emails", "admin", "admin", "admin_user_session"},
	{"developer", func(s *portaltest.Sandbox, t *testing.T) *portaltest.Client { return s.DeveloperClient(t) },
		"/login", "/session", "/", "/admin", "john", "john", "user_session"},
}

func TestLogins(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	const wrong = "error: Incorrect email or password. Please try again."
	const inactive = "error: Your account isn't active or hasn't been approved yet."
	for _, tt := range []struct {
		portal             int
		username, password string
		flash              string
	}{
		{0, "admin", "admin", "notice: Signed in successfully"},
		{0, "ADMIN@acme.example.com", "admin", "notice: Signed in successfully"},
		{0, "admin", "wrong", wrong},
		{0, "nobody", "admin", wrong},
		{0, "john", "john", wrong}, // a developer is no admin
		{1, "john", "john", "notice: Signed in successfully"},
		{1, "jane@developer.example.com", "jane", "notice: Signed in successfully"},
		{1, "john", "wrong", wrong},
		{1, "nobody", "john", wrong},
		{1, "admin", "admin", wrong},   // the admin is no developer
		{1, "pat", "pat", inactive},    // an account waiting for approval
		{1, "sam", "sam", inactive},    // a suspended account
		{1, "pat", "wrong", wrong},     // no hint that pat exists
		{1, "", "", wrong},             // nothing sent
		{1, "john\x00", "john", wrong}, // a NUL is no username
	} {
		p := portals[tt.portal]
		c := p.client(s, t)
		r := c.Login(tt.username, tt.password)
		if got := strings.Join(r.Flash(), "|"); got != tt.flash || r.Status != 200 {
			t.Errorf("%s %q/%q: %d %q, want %q", p.name, tt.username, tt.password, r.Status, got, tt.flash)
		}
		signedIn := strings.HasPrefix(tt.flash, "notice")
		if signedIn != (c.Cookie(p.userCookie) != "") {
			t.Errorf("%s %q: session cookie %q", p.name, tt.username, c.Cookie(p.userCookie))
		}
		if signedIn && r.URL.Path != p.home {
			t.Errorf("%s %q: signed in to %s, want %s", p.name, tt.username, r.URL.Path, p.home)
		}
		if !signedIn && (r.URL.Path != p.session || !strings.Contains(r.Body, `id="username"`)) {
			t.Errorf("%s %q: refused at %s, not on the login form", p.name, tt.username, r.URL.Path)
		}
	}
}

// A page without a session sends the browser to the login page, which
// brings it back; logout revokes the session, and its cookie opens
// nothing any more.
func TestReturnToAndLogout(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	for _, p := range portals {
		t.Run(p.name, func(t *testing.T) {
			c := p.client(s, t)
			r := c.Get(p.page + "?x=1")
			if r.URL.Path != p.login || r.Redirects[0] != p.login {
				t.Fatalf("a private page led to %s (%v)", r.URL, r.Redirects)
			}
			r = c.Post(p.session, url.Values{"username": {p.username}, "password": {p.password}})
			if r.URL.RequestURI() != p.page+"?x=1" || r.Status != 200 {
				t.Errorf("after the login: %d %s, want %s?x=1", r.Status, r.URL, p.page)
			}
			key := c.Cookie(p.userCookie)
			if again := c.Get(p.login); again.URL.Path == p.login {
				t.Errorf("the login page shows to the signed-in")
			}
			logoutPath := strings.TrimSuffix(p.login, "login") + "logout"
			out := c.Get(logoutPath)
			wantFlash := map[string]string{"admin": "notice: You have been logged out",
				"developer": "notice: You have been logged out."}[p.name]
			if strings.Join(out.Flash(), "|") != wantFlash || c.Cookie(p.userCookie) != "" {
				t.Errorf("logout: %s %v, cookie %q", out.URL, out.Flash(), c.Cookie(p.userCookie))
			}
			// The old key, replayed, is signed out.
			req, _ := http.NewRequest("GET", map[string]string{"admin": s.Admin, "developer": s.Developer}[p.name]+p.page, nil)
			req.AddCookie(&http.Cookie{Name: p.userCookie, Value: key})
			noRedirects := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := noRedirects.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != p.login {
				t.Errorf("a revoked session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
		})
	}
}

// A session unused for two weeks of the sandbox's clock is over; one used
// within them lives on.
func TestSessionExpiry(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	for _, p := range portals {
		t.Run(p.name, func(t *testing.T) {
			c := p.client(s, t).NoRedirects()
			c.Login(p.username, p.password)
			s.Clock.Advance(porta.SessionTTL - time.Second)
			if r := c.Get(p.page); r.Status != 200 {
				t.Fatalf("a session used just before two weeks: %d", r.Status)
			}
			s.Clock.Advance(porta.SessionTTL - time.Second)
			if r := c.Get(p.page); r.Status != 200 {
				t.Fatalf("a session used every 13 days ended: %d", r.Status)
			}
			s.Clock.Advance(porta.SessionTTL)
			r := c.Get(p.page)
			if r.Status != http.StatusFound || r.Header.Get("Location") != p.login || c.Cookie(p.userCookie) != "" {
				t.Errorf("after two weeks unused: %d %s, cookie %q", r.Status, r.Header.Get("Location"), c.Cookie(p.userCookie))
			}
		})
	}
}

// A change without a valid authenticity_token is 403 Forbidden, changes
// nothing, and resets the session, as porta's strategy does.
func TestCSRF(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	for _, p := range portals {
		t.Run(p.name, func(t *testing.T) {
			c := p.client(s, t)
			creds := url.Values{"username": {p.username}, "password": {p.password}}
			for name, token := range map[string]string{"none": "", "garbage": "abc", "another's": otherToken(t, s, p)} {
				form := url.Values{"authenticity_token": {token}}
				for k, v := range creds {
					form[k] = v
				}
				c.Get(p.login)
				r := c.Post(p.session, form)
				if r.Status != http.StatusForbidden || !strings.Contains(r.Body, "403 Forbidden") || c.Cookie(p.userCookie) != "" {
					t.Errorf("login with %s token: %d, cookie %q", name, r.Status, c.Cookie(p.userCookie))
				}
			}
			// Signed in, a forged change signs the browser out.
			c.Login(p.username, p.password)
			if c.Cookie(p.userCookie) == "" {
				t.Fatal("no session")
			}
			r := c.Post(p.session, url.Values{"authenticity_token": {""}, "username": {p.username}, "password": {p.password}})
			if r.Status != http.StatusForbidden {
				t.Errorf("forged while signed in: %d", r.Status)
			}
			if after := c.Get(p.page); after.URL.Path != p.login {
				t.Errorf("still signed in after a forged request: %s", after.URL)
			}
			// The _method override does not pass a GET's safety on.
			c.Login(p.username, p.password)
			r = c.Do("POST", p.page, url.Values{"_method": {"get"}})
			if r.Status != http.StatusForbidden && r.Status != http.StatusMethodNotAllowed {
				t.Errorf("POST _method=get: %d", r.Status)
			}
		})
	}
}

// otherToken is a valid token of another browser's state.
func otherToken(t *testing.T, s *portaltest.Sandbox, p portal) string {
	other := p.client(s, t)
	return other.Get(p.login).CSRF()
}

// Suspending a user ends their sessions (porta deletes them).
func TestSuspendedUserIsSignedOut(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.DeveloperClient(t)
	c.Login("john", "john")
	if r := c.Get("/admin"); r.URL.Path != "/admin" {
		t.Fatalf("not signed in: %s", r.URL)
	}
	acc := s.Store.Catalog().Providers[0].Accounts[0]
	api := s.Client(t, s.API)
	r := api.Do("PUT", "/admin/api/accounts/"+itoa(acc.ID)+"/users/"+itoa(acc.Users[0].ID)+"/suspend.xml",
		url.Values{"access_token": {"acme-access-token"}})
	if r.Status != 200 {
		t.Fatalf("suspend: %d %s", r.Status, r.Body)
	}
	if r := c.Get("/admin"); r.URL.Path != "/login" {
		t.Errorf("a suspended user still sees %s", r.URL)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// A hostile name shows as text, everywhere a portal writes it.
func TestHostileNamesAreEscaped(t *testing.T) {
	const hostile = `<script>alert("x")</script> & <img src=x onerror=alert(1)>`
	s := portaltest.Start(t, portaltest.Options{Fixture: `version: 1
providers:
  - name: '` + hostile + `'
    provider_key: k
    admin: {username: admin, password: admin}
    services:
      - id: "1"
        name: '` + hostile + `'
        backend_version: "1"
        application_plans: [{name: Basic}]
    accounts:
      - org_name: '` + hostile + `'
        users: [{username: john, email: john@dev.test, password: john}]
        applications: [{name: '` + hostile + `', user_key: key1}]
`})
	ctx := context.Background()
	acc := s.Store.Catalog().Providers[0].Accounts[0]
	d := porta.New(s.Store, nil)
	if _, err := d.SendMessage(ctx, porta.ByProviderUser(s.Store.Catalog().Providers[0]), acc.ID,
		porta.MessageInput{Subject: hostile, Body: hostile}); err != nil {
		t.Fatal(err)
	}
	dev := s.DeveloperClient(t)
	dev.Login("john", "john")
	adm := s.AdminClient(t)
	adm.Login("admin", "admin")
	for name, r := range map[string]*portaltest.Response{
		"developer dashboard": dev.Get("/admin"), "developer home": dev.Get("/"),
		"admin dashboard": adm.Get("/p/admin/dashboard"), "admin emails": adm.Get("/p/admin/emails"),
	} {
		if r.Status != 200 {
			t.Errorf("%s: %d", name, r.Status)
		}
		if strings.Contains(r.Body, "<script>") || strings.Contains(r.Body, "<img") {
			t.Errorf("%s writes the name unescaped", name)
		}
		if !strings.Contains(r.Body, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;`) {
			t.Errorf("%s does not show the name as text", name)
		}
	}
}

// BenchmarkSignedInPage is one dashboard view of a signed-in developer:
// the session looked up and touched in the store, the view rendered.
func BenchmarkSignedInPage(b *testing.B) {
	s := portaltest.Start(b, portaltest.Options{})
	c := s.DeveloperClient(b)
	c.Login("john", "john")
	b.ResetTimer()
	for b.Loop() {
		s.Clock.Advance(time.Second) // every view refreshes the session
		if r := c.Get("/admin"); r.Status != 200 {
			b.Fatal(r.Status)
		}
	}
}
