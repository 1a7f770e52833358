package developer_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The application pages over plain HTTP, on the default world: john of
// Developer Co has Echo App (app_id and key), Legacy App (user_key),
// OAuth App and Keyless App; Pending Ltd's Waiting App is another
// account's.

// appNamed finds an application of the default world.
func appNamed(t *testing.T, s *portaltest.Sandbox, name string) *store.Application {
	t.Helper()
	for _, acc := range s.Store.Catalog().Providers[0].Accounts {
		for _, app := range acc.Applications {
			if app.Name == name {
				return app
			}
		}
	}
	t.Fatalf("no application %q", name)
	return nil
}

// service sets a service's switches through the Account Management API.
func service(t *testing.T, s *portaltest.Sandbox, id string, switches url.Values) {
	t.Helper()
	switches.Set("access_token", "acme-access-token")
	if r := s.Client(t, s.API).Do("PUT", "/admin/api/services/"+id+".xml", switches); r.Status != 200 {
		t.Fatalf("service %s: %d %s", id, r.Status, r.Body)
	}
}

const (
	echoService   = "2555417735001"
	legacyService = "2555417735002"
	oauthService  = "2555417735003"
)

func TestApplicationPages(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.DeveloperClient(t)
	c.Login("john", "john")
	r := c.Get("/admin/applications")
	for _, want := range []string{"Echo App", "Legacy App", "OAuth App", "Keyless App", "Echo API", "legacy-user-key",
		"echo-app-id", "Create new application"} {
		if !strings.Contains(r.Text(), want) {
			t.Errorf("the list has no %q: %s", want, r.Text())
		}
	}
	echo := appNamed(t, s, "Echo App")
	r = c.Get("/admin/applications/" + itoa(echo.ID))
	for _, want := range []string{"Application ID echo-app-id", "Application Keys echo-app-key —", "Status Live",
		"Plan Basic › Review/Change", "Create new key"} {
		if !strings.Contains(r.Text(), want) {
			t.Errorf("Echo App has no %q: %s", want, r.Text())
		}
	}
	legacy := appNamed(t, s, "Legacy App")
	if r := c.Get("/admin/applications/" + itoa(legacy.ID)); !strings.Contains(r.Text(), "User Key legacy-user-key") ||
		!strings.Contains(r.Body, `<code id="user-key">legacy-user-key</code>`) || !strings.Contains(r.Text(), "Regenerate") {
		t.Errorf("Legacy App: %s", r.Text())
	}
	oauth := appNamed(t, s, "OAuth App")
	if r := c.Get("/admin/applications/" + itoa(oauth.ID)); !strings.Contains(r.Text(), "Client ID oauth-app-id") ||
		!strings.Contains(r.Text(), "Client Secret oauth-secret") || !strings.Contains(r.Body, `value="https://dev.example.com/callback"`) {
		t.Errorf("OAuth App: %s", r.Text())
	}

	// Another account's application is not found, as an unknown one: no
	// hint that it exists, on every path.
	waiting := appNamed(t, s, "Waiting App")
	for _, path := range []string{"/admin/applications/" + itoa(waiting.ID), "/admin/applications/" + itoa(waiting.ID) + "/edit",
		"/admin/applications/999999", "/admin/applications/abc",
		"/admin/services/" + echoService + "/plans_widget?application_id=" + itoa(waiting.ID)} {
		if r := c.Get(path); r.Status != 404 {
			t.Errorf("GET %s: %d", path, r.Status)
		}
	}
	c.Get("/admin/applications")
	for _, tt := range []struct{ method, path string }{
		{"put", "/admin/applications/" + itoa(waiting.ID)},
		{"delete", "/admin/applications/" + itoa(waiting.ID)},
		{"post", "/admin/applications/" + itoa(waiting.ID) + "/keys"},
		{"delete", "/admin/applications/" + itoa(waiting.ID) + "/keys/pending-app-key"},
		{"put", "/admin/applications/" + itoa(waiting.ID) + "/keys/pending-app-key/regenerate"},
		{"put", "/admin/applications/" + itoa(waiting.ID) + "/user_key"},
		{"put", "/admin/contracts/" + itoa(waiting.ID) + "?plan_id=" + itoa(echo.PlanID)},
	} {
		c.Get("/admin/applications") // a page with the form token
		if r := c.Post(tt.path, url.Values{"_method": {tt.method}, "application[name]": {"Mine now"}}); r.Status != 404 {
			t.Errorf("%s %s: %d", tt.method, tt.path, r.Status)
		}
	}
	if got := s.Store.Catalog().Application(waiting.ID); got.Name != "Waiting App" || !got.HasKey("pending-app-key") {
		t.Errorf("the other account's application changed: %+v", got)
	}
}

func TestApplicationCreateAndEdit(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.DeveloperClient(t)
	c.Login("john", "john")
	// Three services: choose one.
	r := c.Get("/admin/applications/new")
	if r.URL.Path != "/admin/applications/choose_service" || !strings.Contains(r.Text(), "Select service") ||
		!strings.Contains(r.Body, `href="/admin/applications/new?service_id=legacy"`) {
		t.Fatalf("choose service: %s %s", r.URL, r.Text())
	}
	r = c.Get("/admin/applications/new?service_id=legacy")
	if !strings.Contains(r.Text(), "Service Legacy API Plan Starter") || strings.Contains(r.Body, "<select") {
		t.Errorf("new on Legacy API: %s", r.Text())
	}
	if r := c.Get("/admin/applications/new?service_id=nope"); r.Status != 404 {
		t.Errorf("an unknown service: %d", r.Status)
	}
	// No name: porta's message beside the field, nothing created.
	c.Get("/admin/applications/new?service_id=legacy")
	before := len(s.Store.Catalog().Service(legacyService).Applications)
	r = c.Post("/admin/applications?service_id=legacy", url.Values{"application[name]": {" "}})
	if r.Status != 422 || fieldErrors(r, "application_name") != "can't be blank" {
		t.Errorf("no name: %d %q", r.Status, fieldErrors(r, "application_name"))
	}
	// Without the form's token: refused, nothing created.
	if r := c.Post("/admin/applications?service_id=legacy", url.Values{"application[name]": {"Forged"}, "authenticity_token": {""}}); r.Status != 403 {
		t.Errorf("no CSRF token: %d", r.Status)
	}
	if n := len(s.Store.Catalog().Service(legacyService).Applications); n != before {
		t.Fatalf("%d applications after refusals, want %d", n, before)
	}
	c.Login("john", "john")
	c.Get("/admin/applications/new?service_id=legacy")
	r = c.Post("/admin/applications?service_id=legacy", url.Values{"application[name]": {"<b>Bold</b> & co"},
		"application[description]": {"<script>alert(1)</script>"}})
	if r.Status != 200 || !slices.Equal(r.Flash(), []string{"notice: Application was successfully created."}) {
		t.Fatalf("create: %d %v %s", r.Status, r.Flash(), r.Text())
	}
	if strings.Contains(r.Body, "<script>alert") || strings.Contains(r.Body, "<b>Bold") ||
		!strings.Contains(r.Body, "&lt;b&gt;Bold&lt;/b&gt; &amp; co") {
		t.Error("a hostile name is not escaped")
	}
	cat := s.Store.Catalog()
	app := cat.LinkApplication(cat.Service(legacyService).Applications[before])
	if app.Plan.Name != "Starter" || app.State != "live" || len(app.UserKey) != 32 {
		t.Errorf("new application: %s %s %q", app.Plan.Name, app.State, app.UserKey)
	}

	// Edit: the name is needed; the update shows on the page.
	path := "/admin/applications/" + itoa(app.ID)
	c.Get(path + "/edit")
	if r := c.Post(path, url.Values{"_method": {"put"}, "application[name]": {""}}); r.Status != 422 ||
		fieldErrors(r, "application_name") != "can't be blank" {
		t.Errorf("edit without a name: %d", r.Status)
	}
	r = c.Post(path, url.Values{"_method": {"put"}, "application[name]": {"Renamed"}, "application[description]": {"New words"}})
	if !slices.Equal(r.Flash(), []string{"notice: Application was successfully updated."}) || !strings.Contains(r.Text(), "Name Renamed Description New words") {
		t.Errorf("update: %v %s", r.Flash(), r.Text())
	}
	// Delete: gone, its key refused.
	key := s.Store.Catalog().Application(app.ID).UserKey
	c.Get(path + "/edit")
	r = c.Post(path, url.Values{"_method": {"delete"}})
	if r.URL.Path != "/admin/applications" || !slices.Equal(r.Flash(), []string{"notice: Application was successfully deleted."}) {
		t.Errorf("delete: %s %v", r.URL, r.Flash())
	}
	if status, _ := authrep(t, s, url.Values{"service_token": {"legacy-service-token"}, "service_id": {legacyService},
		"user_key": {key}}); status != 403 {
		t.Errorf("authrep with a deleted application's key: %d", status)
	}
}

// buyer_can_select_plan: the plan select, and only the plans offered.
func TestApplicationPlanChoice(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.DeveloperClient(t)
	c.Login("john", "john")
	var pro, partner *store.Plan
	for _, pl := range s.Store.Catalog().Service(echoService).Plans {
		switch pl.Name {
		case "Pro":
			pro = pl
		case "Partner":
			partner = pl
		}
	}
	// Without the switch, a plan sent is ignored: the default plan.
	c.Get("/admin/applications/new?service_id=echo")
	r := c.Post("/admin/applications?service_id=echo", url.Values{"application[name]": {"Wants Pro"}, "application[plan_id]": {itoa(pro.ID)}})
	if !strings.Contains(r.Text(), "Plan Basic") {
		t.Errorf("without buyer_can_select_plan: %s", r.Text())
	}
	service(t, s, echoService, url.Values{"buyer_can_select_plan": {"true"}})
	r = c.Get("/admin/applications/new?service_id=echo")
	if !strings.Contains(r.Body, `<select id="application_plan_id" name="application[plan_id]">`) ||
		!strings.Contains(r.Body, ">Partner</option>") {
		t.Errorf("the plan select: %s", r.Text())
	}
	r = c.Post("/admin/applications?service_id=echo", url.Values{"application[name]": {"Partner one"}, "application[plan_id]": {itoa(partner.ID)}})
	// Partner requires approval: pending, with porta's text.
	if !strings.Contains(r.Text(), "Plan Partner") || !strings.Contains(r.Text(), "Status Pending Your application is awaiting approval. This can take a little time - you will be notified by email.") ||
		strings.Contains(r.Text(), "Review/Change") {
		t.Errorf("a pending application: %s", r.Text())
	}
}

// The service's switches: what they forbid is not shown, and a forged
// request for it is refused (403) and changes nothing.
func TestApplicationSwitches(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.DeveloperClient(t)
	c.Login("john", "john")
	echo, legacy := appNamed(t, s, "Echo App"), appNamed(t, s, "Legacy App")
	echoPath, legacyPath := "/admin/applications/"+itoa(echo.ID), "/admin/applications/"+itoa(legacy.ID)

	service(t, s, echoService, url.Values{"buyers_manage_keys": {"false"}})
	r := c.Get(echoPath)
	if strings.Contains(r.Text(), "Application Keys") || strings.Contains(r.Text(), "Create new key") {
		t.Errorf("keys shown without buyers_manage_keys: %s", r.Text())
	}
	for _, tt := range []struct{ method, path string }{
		{"post", echoPath + "/keys"},
		{"delete", echoPath + "/keys/echo-app-key"},
		{"put", echoPath + "/keys/echo-app-key/regenerate"},
	} {
		c.Get(echoPath)
		if r := c.Post(tt.path, url.Values{"_method": {tt.method}}); r.Status != 403 {
			t.Errorf("forged %s %s: %d", tt.method, tt.path, r.Status)
		}
	}
	if keys := s.Store.Catalog().Application(echo.ID).Keys; len(keys) != 1 || keys[0].Value != "echo-app-key" {
		t.Errorf("keys %v after forged requests", keys)
	}

	service(t, s, legacyService, url.Values{"buyer_key_regenerate_enabled": {"false"}})
	if r := c.Get(legacyPath); strings.Contains(r.Text(), "Regenerate") {
		t.Error("Regenerate shown without buyer_key_regenerate_enabled")
	}
	c.Get(legacyPath)
	if r := c.Post(legacyPath+"/user_key", url.Values{"_method": {"put"}}); r.Status != 403 {
		t.Errorf("forged regenerate: %d", r.Status)
	}
	if got := s.Store.Catalog().Application(legacy.ID).UserKey; got != "legacy-user-key" {
		t.Errorf("user key %s after a forged regenerate", got)
	}

	service(t, s, echoService, url.Values{"buyers_manage_apps": {"false"}})
	c.Get(echoPath)
	if r := c.Get(echoPath); strings.Contains(r.Text(), "Edit Echo App") {
		t.Error("Edit shown without buyers_manage_apps")
	}
	if r := c.Get(echoPath + "/edit"); r.Status != 403 {
		t.Errorf("edit without buyers_manage_apps: %d", r.Status)
	}
	for _, m := range []string{"put", "delete"} {
		c.Get(echoPath)
		if r := c.Post(echoPath, url.Values{"_method": {m}, "application[name]": {"Forged"}}); r.Status != 403 {
			t.Errorf("forged %s: %d", m, r.Status)
		}
	}
	c.Get("/admin/applications")
	if r := c.Post("/admin/applications?service_id=echo", url.Values{"application[name]": {"Forged"}}); r.Status != 403 {
		t.Errorf("forged create: %d", r.Status)
	}
	if r := c.Get("/admin/applications/new?service_id=echo"); r.Status != 403 {
		t.Errorf("new without buyers_manage_apps: %d", r.Status)
	}
	if got := s.Store.Catalog().Application(echo.ID); got.Name != "Echo App" {
		t.Errorf("renamed to %q by a forged update", got.Name)
	}
	if r := c.Get("/admin/applications/choose_service"); strings.Contains(r.Text(), "Echo API") {
		t.Errorf("choose_service offers Echo API: %s", r.Text())
	}
}

func TestApplicationKeys(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.DeveloperClient(t)
	c.Login("john", "john")
	echo := appNamed(t, s, "Echo App")
	path := "/admin/applications/" + itoa(echo.ID)

	c.Get(path)
	if r := c.Post(path+"/keys/echo-app-key", url.Values{"_method": {"delete"}}); !slices.Equal(r.Flash(), []string{"error: One application key minimum is required."}) {
		t.Errorf("the last key: %v", r.Flash())
	}
	for i := range 4 {
		r := c.Post(path+"/keys", nil)
		if !slices.Equal(r.Flash(), []string{"notice: Application key was created."}) {
			t.Fatalf("key %d: %v", i, r.Flash())
		}
	}
	r := c.Get(path)
	if !strings.Contains(r.Text(), "At most 5 keys are allowed.") || strings.Contains(r.Text(), "Create new key") {
		t.Errorf("five keys: %s", r.Text())
	}
	if r := c.Post(path+"/keys", nil); !slices.Equal(r.Flash(), []string{"error: At most 5 keys are allowed."}) {
		t.Errorf("a sixth key: %v", r.Flash())
	}
	// A key of its own choosing, with a slash in it: its own path.
	c.Post(path+"/keys/echo-app-key", url.Values{"_method": {"delete"}})
	r = c.Post(path+"/keys", url.Values{"key": {"my/own+key"}})
	if !slices.Equal(r.Flash(), []string{"notice: Application key was created."}) ||
		!strings.Contains(r.Body, `action="`+path+`/keys/my%2Fown&#43;key"`) {
		t.Fatalf("a custom key: %v", r.Flash())
	}
	if r := c.Post(path+"/keys/my%2Fown+key", url.Values{"_method": {"delete"}}); !slices.Equal(r.Flash(), []string{"notice: Application key was deleted."}) {
		t.Errorf("delete the custom key: %v", r.Flash())
	}
	if s.Store.Catalog().Application(echo.ID).HasKey("my/own+key") {
		t.Error("the custom key is still there")
	}
	if r := c.Post(path+"/keys/nope", url.Values{"_method": {"delete"}}); r.Status != 404 {
		t.Errorf("an unknown key: %d", r.Status)
	}

	// The user key and the client secret, regenerated.
	legacy := appNamed(t, s, "Legacy App")
	c.Get("/admin/applications/" + itoa(legacy.ID))
	r = c.Post("/admin/applications/"+itoa(legacy.ID)+"/user_key", url.Values{"_method": {"put"}})
	newKey := s.Store.Catalog().Application(legacy.ID).UserKey
	if !slices.Equal(r.Flash(), []string{"notice: The user key was regenerated."}) || newKey == "legacy-user-key" ||
		!strings.Contains(r.Text(), "User Key "+newKey) {
		t.Errorf("user key: %v %s", r.Flash(), newKey)
	}
	for key, want := range map[string]int{"legacy-user-key": 403, newKey: 200} {
		if status, _ := authrep(t, s, url.Values{"service_token": {"legacy-service-token"}, "service_id": {legacyService},
			"user_key": {key}}); status != want {
			t.Errorf("authrep with %s: %d, want %d", key, status, want)
		}
	}
	oauth := appNamed(t, s, "OAuth App")
	c.Get("/admin/applications/" + itoa(oauth.ID))
	r = c.Post("/admin/applications/"+itoa(oauth.ID)+"/keys/oauth-secret/regenerate", url.Values{"_method": {"put"}})
	if secret := s.Store.Catalog().Application(oauth.ID).Keys; !slices.Equal(r.Flash(), []string{"notice: Application key was regenerated."}) ||
		len(secret) != 1 || secret[0].Value == "oauth-secret" || !strings.Contains(r.Text(), "Client Secret "+secret[0].Value) {
		t.Errorf("client secret: %v %v", r.Flash(), secret)
	}
	// The redirect URL of the OAuth application's page.
	r = c.Post("/admin/applications/"+itoa(oauth.ID), url.Values{"_method": {"put"}, "application[redirect_url]": {"https://new.example.com/cb"}})
	if got := s.Store.Catalog().Application(oauth.ID).RedirectURL; got != "https://new.example.com/cb" ||
		!slices.Equal(r.Flash(), []string{"notice: Application was successfully updated."}) {
		t.Errorf("redirect url %q %v", got, r.Flash())
	}
}

// What the developer sees after the provider's actions (portal-spec.md
// §6.6): suspended, and its keys refused; resumed, live again.
func TestApplicationAfterAdminActions(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.DeveloperClient(t)
	c.Login("john", "john")
	echo := appNamed(t, s, "Echo App")
	path := "/admin/applications/" + itoa(echo.ID)
	q := url.Values{"service_token": {"echo-service-token"}, "service_id": {echoService}, "app_id": {"echo-app-id"},
		"app_key": {"echo-app-key"}, "referrer": {"www.example.com"}}
	if status, body := authrep(t, s, q); status != 200 {
		t.Fatalf("authrep before: %d %s", status, body)
	}
	api := s.Client(t, s.API)
	token := url.Values{"access_token": {"acme-access-token"}}
	if r := api.Do("PUT", "/admin/api/accounts/1/applications/"+itoa(echo.ID)+"/suspend.xml", token); r.Status != 200 {
		t.Fatalf("suspend: %d", r.Status)
	}
	r := c.Get(path)
	if !strings.Contains(r.Text(), "Status Suspended") || strings.Contains(r.Text(), "awaiting approval") || strings.Contains(r.Text(), "Review/Change") {
		t.Errorf("suspended: %s", r.Text())
	}
	if r := c.Get("/admin/applications"); !strings.Contains(r.Text(), "Echo App Echo API echo-app-id suspended") {
		t.Errorf("list: %s", r.Text())
	}
	if status, body := authrep(t, s, q); status != 409 || !strings.Contains(body, "application is not active") {
		t.Errorf("authrep suspended: %d %s", status, body)
	}
	if r := c.Get("/admin"); !strings.Contains(r.Body, `Messages <span class="badge" title="unread">1</span>`) ||
		!strings.Contains(r.Text(), "API System: Application has been suspended") {
		t.Errorf("the dashboard after the suspension: %s", r.Text())
	}
	if r := api.Do("PUT", "/admin/api/accounts/1/applications/"+itoa(echo.ID)+"/resume.xml", token); r.Status != 200 {
		t.Fatalf("resume: %d", r.Status)
	}
	if r := c.Get(path); !strings.Contains(r.Text(), "Status Live") {
		t.Errorf("resumed: %s", r.Text())
	}
	// A customized plan: "NAME (custom)".
	if r := api.Do("PUT", "/admin/api/accounts/1/applications/"+itoa(echo.ID)+"/customize_plan.xml", token); r.Status != 200 {
		t.Fatalf("customize: %d", r.Status)
	}
	if r := c.Get(path); !strings.Contains(r.Text(), "Plan Basic (custom)") {
		t.Errorf("customized: %s", r.Text())
	}
	// The provider changes the plan: the new plan, and the message.
	var pro int64
	for _, pl := range s.Store.Catalog().Service(echoService).Plans {
		if pl.Name == "Pro" {
			pro = pl.ID
		}
	}
	if r := api.Do("PUT", "/admin/api/accounts/1/applications/"+itoa(echo.ID)+"/change_plan.xml", url.Values{
		"access_token": {"acme-access-token"}, "plan_id": {itoa(pro)}}); r.Status != 200 {
		t.Fatalf("change plan: %d %s", r.Status, r.Body)
	}
	if r := c.Get(path); !strings.Contains(r.Text(), "Plan Pro") {
		t.Errorf("plan changed: %s", r.Text())
	}
	if r := c.Get("/admin/messages/received"); !strings.Contains(r.Text(), "Application plan changed to 'Pro'") {
		t.Errorf("inbox: %s", r.Text())
	}
	// The account rejected: signed out, and the login refused.
	if r := api.Do("PUT", "/admin/api/accounts/1/reject.xml", token); r.Status != 200 {
		t.Fatalf("reject: %d", r.Status)
	}
	if r := c.Get(path); r.URL.Path != "/login" {
		t.Errorf("rejected, the application page shows at %s", r.URL)
	}
	if r := c.Login("john", "john"); !slices.Equal(r.Flash(), []string{"error: Your account isn't active or hasn't been approved yet."}) {
		t.Errorf("rejected, login: %v", r.Flash())
	}
}

// A pending application the provider rejects (porta deletes it) is gone.
func TestRejectedApplicationIsGone(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.DeveloperClient(t)
	c.Login("john", "john")
	service(t, s, echoService, url.Values{"buyer_can_select_plan": {"true"}})
	var partner int64
	for _, pl := range s.Store.Catalog().Service(echoService).Plans {
		if pl.Name == "Partner" {
			partner = pl.ID
		}
	}
	c.Get("/admin/applications/new?service_id=echo")
	r := c.Post("/admin/applications?service_id=echo", url.Values{"application[name]": {"Hopeful"}, "application[plan_id]": {itoa(partner)}})
	path := r.URL.Path
	app := s.Store.Catalog().Service(echoService).Applications
	id := app[len(app)-1].ID
	if r := s.Client(t, s.API).Do("DELETE", "/admin/api/accounts/1/applications/"+itoa(id)+".xml",
		url.Values{"access_token": {"acme-access-token"}}); r.Status != 200 {
		t.Fatalf("delete: %d", r.Status)
	}
	if r := c.Get(path); r.Status != 404 {
		t.Errorf("a rejected application: %d", r.Status)
	}
	if r := c.Get("/admin/applications"); strings.Contains(r.Text(), "Hopeful") {
		t.Errorf("listed: %s", r.Text())
	}
}
