package web_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The machinery of portal/web, on a face of its own made here (a page
// action per route, as the portals write theirs), over the real domain:
// _method, ids that are no ids, validation errors beside their fields,
// flash messages across a redirect, 404 and 405 pages, bad bodies. The
// portals' own sessions, CSRF and escaping are tested through the real
// portals in portals_test.go.

var testViews = fstest.MapFS{
	"layout.html": {Data: []byte(`{{define "layout"}}<!DOCTYPE html><title>{{template "title" .}}</title>` +
		`<main>{{template "flash" .}}{{template "content" .}}</main>{{end}}`)},
	"account.html": {Data: []byte(`{{define "title"}}Account{{end}}{{define "content"}}` +
		`<h1>{{.Data.OrgName}}</h1><form method="post" action="/accounts/{{.Data.ID}}">{{template "csrf" .}}` +
		`{{template "method" "put"}}{{template "form_errors" .Form}}` +
		`{{template "field" (field .Form "account[org_name]" "Organization/Group Name" "text" "required")}}` +
		`<button type="submit">Update</button></form>{{end}}`)},
}

// testFace is a small face: the account page and its update, as the
// admin portal will have them.
func testFace(t *testing.T) (*portaltest.Sandbox, string) {
	t.Helper()
	s, h := testHandler(t)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return s, srv.URL
}

func testHandler(t *testing.T) (*portaltest.Sandbox, http.Handler) {
	t.Helper()
	s := portaltest.Start(t, portaltest.Options{})
	d := porta.New(s.Store, nil)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	p, err := web.New(web.Config{Name: store.PortalAdmin, Domain: d, Secret: make([]byte, 32), Views: testViews,
		LoginPath: "/login", HomePath: "/", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	show := func(pg *web.Page) error {
		id, err := pg.ID("id")
		if err != nil {
			return err
		}
		acc, err := porta.Account(pg.Catalog(), porta.ByProviderUser(pg.Catalog().Providers[0]), id)
		if err != nil {
			return err
		}
		return pg.Render("account", acc)
	}
	update := func(pg *web.Page) error {
		id, err := pg.ID("id")
		if err != nil {
			return err
		}
		a := porta.ByProviderUser(pg.Catalog().Providers[0])
		acc, err := d.UpdateAccount(pg.Context(), a, id, porta.AccountUpdate{
			AccountInput: porta.AccountInput{OrgName: pg.Form.Ptr("account[org_name]")}})
		if pg.Form.Invalid(err, map[string]string{"org_name": "account[org_name]"}) {
			acc, _ := porta.Account(pg.Catalog(), a, id)
			return pg.RenderStatus(http.StatusUnprocessableEntity, "account", acc)
		}
		if err != nil {
			return err
		}
		return pg.Redirect(fmt.Sprintf("/accounts/%d", acc.ID), web.Notice("Account successfully updated"))
	}
	p.Public("GET /accounts/{id}", show)
	p.Public("PUT /accounts/{id}", update)
	return s, p.Handler()
}

func TestPageActions(t *testing.T) {
	s, base := testFace(t)
	c := s.Client(t, base)
	acc := s.Store.Catalog().Providers[0].Accounts[0]
	path := fmt.Sprintf("/accounts/%d", acc.ID)

	page := c.Get(path)
	if page.Status != 200 || !strings.Contains(page.Body, "<h1>Developer Co</h1>") || page.CSRF() == "" {
		t.Fatalf("show: %d %s", page.Status, page.Body)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"} {
		if page.Header.Get(h) == "" {
			t.Errorf("no %s header", h)
		}
	}
	// An empty name: the form again, porta's message beside the field,
	// nothing changed.
	bad := c.Post(path, url.Values{"_method": {"put"}, "account[org_name]": {"  "}})
	if bad.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(bad.Body, `<p class="field-errors" id="account_org_name_errors">can&#39;t be blank</p>`) ||
		!strings.Contains(bad.Body, `aria-invalid="true"`) {
		t.Errorf("invalid update: %d %s", bad.Status, bad.Body)
	}
	if got := s.Store.Catalog().Account(acc.ID).OrgName; got != "Developer Co" {
		t.Errorf("a refused update changed the name to %q", got)
	}
	// PUT as POST with _method: the change, then the page with the flash,
	// once.
	ok := c.Post(path, url.Values{"_method": {"put"}, "account[org_name]": {"Renamed Co"}})
	if ok.Status != 200 || ok.URL.Path != path || len(ok.Redirects) != 1 ||
		strings.Join(ok.Flash(), "|") != "notice: Account successfully updated" {
		t.Errorf("update: %d %s %v %v", ok.Status, ok.URL, ok.Redirects, ok.Flash())
	}
	if got := s.Store.Catalog().Account(acc.ID).OrgName; got != "Renamed Co" {
		t.Errorf("name = %q", got)
	}
	if again := c.Get(path); len(again.Flash()) != 0 {
		t.Errorf("the flash showed twice: %v", again.Flash())
	}

	for _, tt := range []struct {
		method, path, body string
		status             int
	}{
		{"GET", "/accounts/999999", "", 404},
		{"GET", "/accounts/abc", "", 404},
		{"GET", "/accounts/-1", "", 404},
		{"GET", "/accounts/99999999999999999999999", "", 404},
		{"GET", "/nowhere", "", 404},
		{"DELETE", path, "", 405},
		{"GET", path + "?a[=1&%zz", "", 400},
		{"POST", path, "_method=put&account%5Borg_name%5D=%zz", 400},
		{"POST", path, "_method=put&account[org_name]=%FF%FE", 400},
		{"POST", path, "_method=put&" + strings.Repeat("x", 5<<20), 413},
	} {
		var resp *http.Response
		var err error
		req, _ := http.NewRequest(tt.method, base+tt.path, strings.NewReader(tt.body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if resp, err = http.DefaultClient.Do(req); err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || !strings.Contains(string(b), fmt.Sprintf("<h1>%d ", tt.status)) ||
			resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s %.60s: %d %.200s", tt.method, tt.path, resp.StatusCode, b)
		}
	}
}

// A signed state cookie the browser changed is not the portal's: the
// request gets a fresh state, and its form token no longer matches.
func TestTamperedStateCookie(t *testing.T) {
	s, base := testFace(t)
	c := s.Client(t, base).NoRedirects()
	acc := s.Store.Catalog().Providers[0].Accounts[0]
	path := fmt.Sprintf("/accounts/%d", acc.ID)
	page := c.Get(path)
	var state *http.Cookie
	for _, ck := range (&http.Response{Header: page.Header}).Cookies() {
		if ck.Name == "_admin_system_session" {
			state = ck
		}
	}
	if state == nil {
		t.Fatal("no state cookie")
	}
	payload, _, _ := strings.Cut(state.Value, ".")
	req, _ := http.NewRequest("POST", base+path, strings.NewReader(url.Values{"_method": {"put"},
		"account[org_name]": {"Forged"}, "authenticity_token": {page.CSRF()}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: state.Name, Value: payload + ".forged"})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("forged state: %d", resp.StatusCode)
	}
	if got := s.Store.Catalog().Account(acc.ID).OrgName; got != "Developer Co" {
		t.Errorf("the forged request renamed the account to %q", got)
	}
}

// Over TLS the cookies are Secure; over plain HTTP they cannot be. Both
// are HttpOnly and SameSite=Lax.
func TestCookieAttributes(t *testing.T) {
	s, h := testHandler(t)
	acc := s.Store.Catalog().Providers[0].Accounts[0]
	for _, tls := range []bool{false, true} {
		srv := httptest.NewUnstartedServer(h)
		if tls {
			srv.StartTLS()
		} else {
			srv.Start()
		}
		resp, err := srv.Client().Get(srv.URL + fmt.Sprintf("/accounts/%d", acc.ID))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		set := resp.Header.Get("Set-Cookie")
		if !strings.Contains(set, "HttpOnly") || !strings.Contains(set, "SameSite=Lax") || strings.Contains(set, "Secure") != tls {
			t.Errorf("TLS %v: Set-Cookie %q", tls, set)
		}
		srv.Close()
	}
}
