package admin_test

import (
	"crypto/rand"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
)

// hostileWorld names its objects with markup, and has a second provider
// whose objects the first must not reach.
const hostileWorld = `version: 1
providers:
  - name: Acme Inc
    provider_key: acme-provider-key
    access_token: acme-access-token
    admin: {username: admin, email: admin@acme.example.com, password: admin}
    account_plans:
      - {name: "<i>Plan</i>", system_name: default, default: true, state: published}
      - {name: Gold, system_name: gold, state: published}
    services:
      - id: "2555417735001"
        name: "<u>Echo</u> API"
        system_name: echo
        backend_version: "2"
        application_plans:
          - {name: "<s>Basic</s>", system_name: basic, default: true}
          - {name: Pro, system_name: pro}
      - id: "2555417735002"
        name: Legacy API
        system_name: legacy
        backend_version: "1"
        application_plans:
          - {name: Starter, system_name: starter, default: true}
    accounts:
      - org_name: "<script>alert('org')</script>"
        state: pending
        users: [{username: evil, email: evil@evil.example.com, password: evil}]
        applications:
          - {name: "<img src=x onerror=alert(1)>", service: echo, plan: basic, app_id: evil-app-id, app_keys: [evil-app-key]}
          - {name: Legacy App, service: legacy, plan: starter, app_id: legacy-app-id, user_key: legacy-user-key}
      - org_name: Fine Co
        users: [{username: fine, email: fine@fine.example.com, password: fine}]
        applications:
          - {name: Fine App, service: echo, plan: pro, app_id: fine-app-id, app_keys: [fine-app-key]}
  - name: Other Inc
    provider_key: other-provider-key
    admin: {username: other, email: admin@other.example.com, password: other}
    services:
      - id: "3555417735001"
        name: Other API
        system_name: other
        application_plans:
          - {name: Other Plan, system_name: other_plan, default: true}
    accounts:
      - org_name: Other Customer
        users: [{username: olga, email: olga@other.example.com, password: olga}]
        applications:
          - {name: Other App, service: other, plan: other_plan, app_id: other-app-id}
`

// Every page that shows an organization, application, plan or service
// name writes the markup as text.
func TestHostileNamesAreEscaped(t *testing.T) {
	s, c := adminIn(t, hostileWorld)
	evil := named(t, s, "<script>alert('org')</script>")
	evilApp, legacy := app(t, s, "<img src=x onerror=alert(1)>"), app(t, s, "Legacy App")
	sub := evil.Contracts[0]
	d := fmt.Sprint
	// A message and an invitation, so that their pages show the name too.
	if r := submit(c, "/p/admin/messages/outbox/new?to="+d(evil.ID), "/p/admin/messages/outbox", url.Values{"to": {d(evil.ID)},
		"message[subject]": {"<b>subject</b>"}, "message[body]": {"<script>body()</script>"}}); r.Status != 200 {
		t.Fatalf("message: %d", r.Status)
	}
	if r := submit(c, "/buyers/accounts/"+d(evil.ID)+"/invitations/new", "/buyers/accounts/"+d(evil.ID)+"/invitations",
		url.Values{"invitation[email]": {"new@evil.example.com"}}); r.Status != 200 {
		t.Fatalf("invitation: %d", r.Status)
	}
	// A message from the account, for the inbox, and one in the trash.
	d2 := porta.New(s.Store, rand.Reader)
	prov := s.Store.Catalog().Providers[0]
	for _, subject := range []string{"<b>question</b>", "<b>trashed</b>"} {
		if _, err := d2.SendMessage(t.Context(), porta.ByDeveloper(prov, evil.Users[0]), evil.ID,
			porta.MessageInput{Subject: subject, Body: "<script>q()</script>"}); err != nil {
			t.Fatal(err)
		}
	}
	inbox, err := d2.Inbox(t.Context(), porta.ByAdmin(prov), false)
	if err != nil || len(inbox) != 2 {
		t.Fatalf("inbox %v %v", err, inbox)
	}
	if err := d2.HideMessage(t.Context(), porta.ByAdmin(prov), inbox[0].RecipientID, true); err != nil {
		t.Fatal(err)
	}
	pages := []string{
		"/buyers/accounts", "/buyers/accounts?search%5Bquery%5D=alert", "/buyers/accounts/" + d(evil.ID),
		"/buyers/accounts/" + d(evil.ID) + "/edit", "/buyers/accounts/" + d(evil.ID) + "/applications",
		"/buyers/accounts/" + d(evil.ID) + "/applications/new", "/buyers/accounts/" + d(evil.ID) + "/users",
		"/buyers/accounts/" + d(evil.ID) + "/users/" + d(evil.Users[0].ID), "/buyers/accounts/" + d(evil.ID) + "/invitations",
		"/buyers/accounts/" + d(evil.ID) + "/invitations/new", "/buyers/accounts/" + d(evil.ID) + "/service_contracts",
		"/buyers/accounts/" + d(evil.ID) + "/service_contracts/" + d(sub.ID) + "/edit",
		"/buyers/service_contracts", "/p/admin/applications", "/p/admin/applications/" + d(evilApp.ID),
		"/p/admin/applications/" + d(evilApp.ID) + "/edit", "/p/admin/applications/" + d(evilApp.ID) + "/keys/new",
		"/p/admin/applications/" + d(legacy.ID) + "/keys/legacy-user-key/edit",
		"/buyers/accounts/bulk/change_state/new?selected[]=" + d(evil.ID),
		"/buyers/accounts/bulk/change_plan/new?selected[]=" + d(evil.ID),
		"/buyers/applications/bulk/change_state/new?selected[]=" + d(evilApp.ID),
		"/buyers/applications/bulk/change_plan/new?selected[]=" + d(evilApp.ID),
		"/buyers/service_contracts/bulk/change_state/new?selected[]=" + d(sub.ID),
		"/p/admin/messages/outbox", "/p/admin/messages/outbox/new?to=" + d(evil.ID),
		"/apiconfig/services/2555417735001/usage_rules", "/apiconfig/services/2555417735001/application_plans",
		"/apiconfig/application_plans/" + d(evilApp.PlanID) + "/edit", "/site/usage_rules/edit", "/p/admin/dashboard",
		"/p/admin/messages", "/p/admin/messages/inbox/" + d(inbox[1].RecipientID), "/p/admin/messages/trash",
		"/p/admin/messages/trash/" + d(inbox[0].ID),
	}
	if m := regexp.MustCompile(`href="(/p/admin/messages/outbox/\d+)"`).FindStringSubmatch(c.Get("/p/admin/messages/outbox").Body); m != nil {
		pages = append(pages, m[1])
	} else {
		t.Error("the sent message is not listed")
	}
	for _, path := range pages {
		r := c.Get(path)
		if r.Status != 200 {
			t.Errorf("%s: %d", path, r.Status)
			continue
		}
		for _, raw := range []string{"<script>alert(", "<img src=x", "<u>Echo", "<s>Basic", "<i>Plan", "<b>subject", "<script>body(",
			"<b>question", "<b>trashed", "<script>q("} {
			if strings.Contains(r.Body, raw) {
				t.Errorf("%s writes %q raw", path, raw)
			}
		}
		if !strings.Contains(r.Body, "&lt;") {
			t.Errorf("%s shows no hostile name escaped", path)
		}
	}
}

// Ids the provider has not are 404 pages: unknown, not numbers, another
// provider's, another account's.
func TestUnknownIDsAre404(t *testing.T) {
	s, c := adminIn(t, hostileWorld)
	other, fine := named(t, s, "Other Customer"), named(t, s, "Fine Co")
	otherApp, fineApp := app(t, s, "Other App"), app(t, s, "Fine App")
	d := fmt.Sprint
	for _, path := range []string{
		"/buyers/accounts/999", "/buyers/accounts/abc", "/buyers/accounts/" + d(other.ID),
		"/buyers/accounts/" + d(other.ID) + "/edit", "/buyers/accounts/" + d(other.ID) + "/users",
		"/buyers/accounts/" + d(fine.ID) + "/users/" + d(other.Users[0].ID),
		"/buyers/accounts/" + d(fine.ID) + "/invitations/new", // exists: a control
		"/buyers/accounts/" + d(other.ID) + "/invitations", "/buyers/accounts/" + d(other.ID) + "/applications/new",
		"/buyers/accounts/" + d(other.ID) + "/service_contracts/" + d(other.Contracts[0].ID) + "/edit",
		"/buyers/accounts/" + d(fine.ID) + "/service_contracts/" + d(other.Contracts[0].ID) + "/edit",
		"/p/admin/applications/999", "/p/admin/applications/0", "/p/admin/applications/" + d(otherApp.ID),
		"/p/admin/applications/" + d(otherApp.ID) + "/edit", "/p/admin/applications/" + d(fineApp.ID) + "/keys/x/edit",
		"/p/admin/messages/inbox/1", "/p/admin/messages/outbox/1", "/p/admin/messages/trash/1",
		"/p/admin/messages/outbox/new?to=" + d(other.ID), "/p/admin/messages/outbox/new?to=x",
		"/apiconfig/services/3555417735001/usage_rules", "/apiconfig/services/nope/application_plans",
		"/apiconfig/application_plans/" + d(otherApp.PlanID) + "/edit", "/apiconfig/application_plans/" + d(fine.PlanID) + "/edit",
		"/no/such/page",
	} {
		r := c.Get(path)
		want := 404
		if strings.HasSuffix(path, "/invitations/new") && strings.Contains(path, d(fine.ID)) {
			want = 200
		}
		if r.Status != want {
			t.Errorf("GET %s: %d, want %d", path, r.Status, want)
		} else if want == 404 && !strings.Contains(r.Text(), "The page you were looking for doesn't exist.") {
			t.Errorf("GET %s: not the 404 page: %s", path, r.Text())
		}
	}
	for _, f := range []struct{ path, method string }{
		{"/buyers/accounts/" + d(other.ID) + "/approve", "post"}, {"/buyers/accounts/" + d(other.ID), "delete"},
		{"/p/admin/applications/" + d(otherApp.ID) + "/suspend", "post"},
		{"/p/admin/applications/" + d(otherApp.ID) + "/change_plan", "put"},
		{"/p/admin/applications/" + d(fineApp.ID) + "/keys/no-such-key", "delete"},
		{"/buyers/contracts/" + d(fineApp.ID) + "/custom_application_plans/" + d(fineApp.PlanID), "delete"},
		{"/buyers/accounts/" + d(fine.ID) + "/invitations/999/resend", "put"},
		{"/buyers/accounts/" + d(fine.ID) + "/users/" + d(other.Users[0].ID) + "/suspend", "post"},
		{"/buyers/account_contracts/" + d(fine.ID), "put"}, // no plan given
	} {
		c.Get("/buyers/accounts/new") // a page with a form's token
		r := c.Post(f.path, url.Values{"_method": {f.method}})
		if r.Status != 404 {
			t.Errorf("%s %s: %d, want 404", f.method, f.path, r.Status)
		}
	}
	if a := app(t, s, "Other App"); a.State != "live" {
		t.Errorf("another provider's application is %s", a.State)
	}
}

// Every form's POST without the CSRF token is refused (403), changes
// nothing, and signs the admin out.
func TestFormsRefuseMissingCSRFToken(t *testing.T) {
	s, c := adminIn(t, hostileWorld)
	fine, fineApp := named(t, s, "Fine Co"), app(t, s, "Fine App")
	d := fmt.Sprint
	before := s.Store.Catalog()
	for _, f := range []struct {
		path string
		form url.Values
	}{
		{"/buyers/accounts", url.Values{"account[org_name]": {"X"}, "account[user][username]": {"xxx"}, "account[user][email]": {"x@x.example.com"}}},
		{"/buyers/accounts/" + d(fine.ID), url.Values{"_method": {"put"}, "account[org_name]": {"Changed"}}},
		{"/buyers/accounts/" + d(fine.ID), url.Values{"_method": {"delete"}}},
		{"/buyers/accounts/" + d(fine.ID) + "/suspend", nil},
		{"/buyers/account_contracts/" + d(fine.ID), url.Values{"_method": {"put"}, "account_contract[plan_id]": {d(planNamed(t, s, "Gold").ID)}}},
		{"/buyers/accounts/bulk/change_state", url.Values{"selected[]": {d(fine.ID)}, "change_states[action]": {"reject"}}},
		{"/buyers/accounts/bulk/change_plan", url.Values{"selected[]": {d(fine.ID)}, "change_plans[plan_id]": {d(planNamed(t, s, "Gold").ID)}}},
		{"/buyers/accounts/" + d(fine.ID) + "/applications", url.Values{"cinstance[plan_id]": {d(fineApp.PlanID)}, "cinstance[name]": {"New"}}},
		{"/buyers/accounts/" + d(fine.ID) + "/users/" + d(fine.Users[0].ID) + "/suspend", nil},
		{"/buyers/accounts/" + d(fine.ID) + "/invitations", url.Values{"invitation[email]": {"a@fine.example.com"}}},
		{"/p/admin/applications/" + d(fineApp.ID), url.Values{"_method": {"put"}, "cinstance[name]": {"Renamed"}}},
		{"/p/admin/applications/" + d(fineApp.ID) + "/suspend", nil},
		{"/p/admin/applications/" + d(fineApp.ID) + "/change_plan", url.Values{"_method": {"put"}, "cinstance[plan_id]": {d(planNamed(t, s, "<s>Basic</s>").ID)}}},
		{"/buyers/contracts/" + d(fineApp.ID) + "/custom_application_plans", nil},
		{"/p/admin/applications/" + d(fineApp.ID) + "/keys", nil},
		{"/p/admin/applications/" + d(fineApp.ID) + "/keys/fine-app-key", url.Values{"_method": {"delete"}}},
		{"/buyers/applications/bulk/change_state", url.Values{"selected[]": {d(fineApp.ID)}, "change_states[action]": {"suspend"}}},
		{"/buyers/service_contracts/bulk/change_state", url.Values{"selected[]": {d(fine.Contracts[0].ID)}, "change_states[action]": {"suspend"}}},
		{"/site/usage_rules", url.Values{"_method": {"put"}, "settings[signups_enabled]": {"0"}}},
		{"/apiconfig/services/2555417735001", url.Values{"_method": {"put"}, "service[buyers_manage_apps]": {"0"}}},
		{"/apiconfig/application_plans/" + d(fineApp.PlanID), url.Values{"_method": {"put"}, "application_plan[name]": {"Cheap"}}},
		{"/p/admin/webhooks", url.Values{"_method": {"put"}, "web_hook[active]": {"1"}, "web_hook[url]": {"http://127.0.0.1:1/"}}},
		{"/p/admin/messages/outbox", url.Values{"to": {d(fine.ID)}, "message[subject]": {"Hi"}}},
	} {
		c.Get("/p/admin/dashboard")
		r := c.Post(f.path, withEmptyToken(f.form))
		if r.Status != 403 {
			t.Errorf("POST %s without a token: %d, want 403", f.path, r.Status)
		}
		if r := c.Get("/p/admin/dashboard"); r.URL.Path != "/p/login" {
			t.Errorf("after a forged POST %s the admin is still signed in", f.path)
		}
		c.Login("admin", "admin")
	}
	after := s.Store.Catalog()
	if after != before {
		t.Errorf("a refused form changed the model")
	}
	if es := s.Emails(t, storeFilter("")); len(es) != 0 {
		t.Errorf("refused forms sent %d emails", len(es))
	}
}

// withEmptyToken is form with the token left out (portaltest sends
// none for an empty one).
func withEmptyToken(form url.Values) url.Values {
	out := url.Values{"authenticity_token": {""}}
	for k, v := range form {
		out[k] = v
	}
	return out
}
