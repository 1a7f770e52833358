package admin_test

import (
	"crypto/rand"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
)

// The admin portal's other workflows over plain HTTP, each checked in
// what it changed.

func flashOf(r *portaltest.Response) string { return strings.Join(r.Flash(), " | ") }

// Bulk state changes with allowed and refused changes mixed: the allowed
// ones are made, the refused ones listed on porta's errors page (422).
func TestBulkOperationsMixAllowedAndRefused(t *testing.T) {
	s, c := adminIn(t, guideWorld)
	dev, pending, queue := named(t, s, "Developer Co"), named(t, s, "Pending Ltd"), named(t, s, "Queue Co")
	d := fmt.Sprint
	r := submit(c, "/buyers/accounts/bulk/change_state/new?selected[]="+d(dev.ID), "/buyers/accounts/bulk/change_state",
		url.Values{"selected[]": {d(dev.ID), d(pending.ID), d(queue.ID), "999", "abc"}, "change_states[action]": {"approve"}})
	text := r.Text()
	if r.Status != 422 || !strings.Contains(text, "There were some errors: Developer Co State cannot transition via \"approve\" "+
		"All other changes have been completed successfully.") {
		t.Errorf("accounts: %d %s", r.Status, text)
	}
	if named(t, s, "Pending Ltd").State != "approved" || named(t, s, "Queue Co").State != "approved" ||
		named(t, s, "Developer Co").State != "approved" {
		t.Errorf("the allowed changes were not made")
	}

	echo, waiting := app(t, s, "Echo App"), app(t, s, "Waiting App")
	r = submit(c, "/buyers/applications/bulk/change_state/new?selected[]="+d(echo.ID), "/buyers/applications/bulk/change_state",
		url.Values{"selected[]": {d(echo.ID), d(waiting.ID)}, "change_states[action]": {"accept"}})
	if r.Status != 422 || !strings.Contains(r.Text(), "Echo App (Developer Co) State cannot transition via \"accept\"") {
		t.Errorf("applications: %d %s", r.Status, r.Text())
	}
	if app(t, s, "Waiting App").State != "live" {
		t.Error("the pending application was not accepted")
	}

	// All allowed: porta's flash, one and many.
	r = submit(c, "/buyers/applications/bulk/change_state/new?selected[]="+d(echo.ID), "/buyers/applications/bulk/change_state",
		url.Values{"selected[]": {d(echo.ID)}, "change_states[action]": {"suspend"}})
	if r.URL.Path != "/p/admin/applications" || flashOf(r) != "notice: The application's state was changed successfully" {
		t.Errorf("one application: %s %q", r.URL.Path, flashOf(r))
	}
	r = submit(c, "/buyers/accounts/bulk/change_state/new?selected[]="+d(dev.ID), "/buyers/accounts/bulk/change_state",
		url.Values{"selected[]": {d(dev.ID), d(pending.ID)}, "change_states[action]": {"make_pending"}})
	if flashOf(r) != "notice: Successfully changed the state of 2 accounts" || named(t, s, "Developer Co").State != "pending" {
		t.Errorf("make pending: %q", flashOf(r))
	}

	// An action outside the list, nothing selected, several services.
	r = submit(c, "/buyers/accounts/bulk/change_state/new?selected[]="+d(dev.ID), "/buyers/accounts/bulk/change_state",
		url.Values{"selected[]": {d(dev.ID)}, "change_states[action]": {"suspend"}})
	if r.URL.Path != "/buyers/accounts" || !strings.HasPrefix(flashOf(r), `error: Action "suspend" is not included in the list`) {
		t.Errorf("unknown action: %s %q", r.URL.Path, flashOf(r))
	}
	if r := c.Get("/buyers/accounts/bulk/change_state/new"); r.URL.Path != "/buyers/accounts" || flashOf(r) != "error: No accounts selected." {
		t.Errorf("nothing selected: %s %q", r.URL.Path, flashOf(r))
	}
	legacy := app(t, s, "Legacy App")
	r = c.Get("/buyers/applications/bulk/change_plan/new?selected[]=" + d(echo.ID) + "&selected[]=" + d(legacy.ID))
	if !strings.Contains(r.Text(), "You have selected applications from different services") {
		t.Errorf("several services: %s", r.Text())
	}
	r = submit(c, "/buyers/accounts/new", "/buyers/applications/bulk/change_plan", url.Values{"selected[]": {d(echo.ID), d(legacy.ID)},
		"change_plans[plan_id]": {d(planNamed(t, s, "Pro").ID)}})
	if r.Status != 422 || s.Store.Catalog().Plan(app(t, s, "Legacy App").PlanID).Name != "Starter" {
		t.Errorf("several services posted: %d", r.Status)
	}
}

// An account's life in the admin portal: edit, suspend, resume, plan,
// users, delete.
func TestAccountWorkflows(t *testing.T) {
	s, c := adminIn(t, guideWorld)
	dev := named(t, s, "Developer Co")
	page := fmt.Sprintf("/buyers/accounts/%d", dev.ID)
	r := submit(c, page+"/edit", page, url.Values{"_method": {"put"}, "account[org_name]": {"Developer Company"}})
	if flashOf(r) != "notice: Account successfully updated" || named(t, s, "Developer Company").ID != dev.ID {
		t.Errorf("edit: %q", flashOf(r))
	}
	if r := submit(c, page, page+"/suspend", nil); flashOf(r) != "notice: Developer account was suspended" {
		t.Errorf("suspend: %q", flashOf(r))
	}
	if r := c.Get(page); strings.Contains(r.Text(), "Send message") || !strings.Contains(r.Text(), "Resume") {
		t.Errorf("a suspended account's page: %s", r.Text())
	}
	dc := s.DeveloperClient(t)
	if r := dc.Login("john", "john"); !strings.Contains(strings.Join(r.Flash(), "|"), "Your account isn't active or hasn't been approved yet.") {
		t.Errorf("john signs in to a suspended account: %v", r.Flash())
	}
	if r := submit(c, page, page+"/resume", nil); flashOf(r) != "notice: Developer account was resumed" {
		t.Errorf("resume: %q", flashOf(r))
	}
	gold := planNamed(t, s, "Gold")
	r = submit(c, page, "/buyers/account_contracts/"+fmt.Sprint(dev.ID), url.Values{"_method": {"put"},
		"account_contract[plan_id]": {fmt.Sprint(gold.ID)}})
	if flashOf(r) != "notice: Plan changed to 'Gold'" || named(t, s, "Developer Company").PlanID != gold.ID {
		t.Errorf("plan: %q", flashOf(r))
	}

	// Users: a second user, suspended, unsuspended, deleted; the last
	// admin stays.
	d := porta.New(s.Store, rand.Reader)
	prov := s.Store.Catalog().Providers[0]
	jane, err := d.CreateUser(t.Context(), porta.ByAdmin(prov), dev.ID, porta.UserInput{Username: strPtr("jane"), Email: strPtr("jane@developer.example.com")})
	if err != nil {
		t.Fatal(err)
	}
	users := page + "/users"
	user := fmt.Sprintf("%s/%d", users, jane.ID)
	for _, step := range []struct{ action, method, want, state string }{
		{"/activate", "post", "notice: User was activated", "active"},
		{"/suspend", "post", "notice: User was suspended", "suspended"},
		{"/unsuspend", "post", "notice: User was unsuspended", "active"},
	} {
		r := submit(c, users, user+step.action, url.Values{"_method": {step.method}})
		if flashOf(r) != step.want || s.Store.Catalog().User(jane.ID).State != step.state || r.URL.Path != users {
			t.Errorf("%s: %q at %s, %s", step.action, flashOf(r), r.URL.Path, s.Store.Catalog().User(jane.ID).State)
		}
	}
	if r := submit(c, users, user, url.Values{"_method": {"delete"}}); flashOf(r) != "notice: User was successfully deleted" ||
		s.Store.Catalog().User(jane.ID) != nil {
		t.Errorf("delete: %q", flashOf(r))
	}
	john := fmt.Sprintf("%s/%d", users, dev.Users[0].ID)
	if r := submit(c, users, john, url.Values{"_method": {"delete"}}); flashOf(r) != "error: User could not be deleted" {
		t.Errorf("delete the last admin: %q", flashOf(r))
	}

	// The account list's Activate brings an account signed up through the
	// API in: pending, as its plan requires approval.
	api := s.Client(t, s.API)
	if r := api.Do("POST", "/admin/api/signup.xml", url.Values{"provider_key": {providerKey}, "org_name": {"Signed Up"},
		"username": {"sunny"}, "email": {"sunny@signed.example.com"}}); r.Status != 201 {
		t.Fatalf("signup: %d %s", r.Status, r.Body)
	}
	signed := named(t, s, "Signed Up")
	if r := c.Get("/buyers/accounts"); !strings.Contains(r.Body, fmt.Sprintf(`action="/buyers/accounts/%d/users/%d/activate"`,
		signed.ID, signed.Users[0].ID)) {
		t.Errorf("no Activate on the new account's row")
	}
	r = c.Post(fmt.Sprintf("/buyers/accounts/%d/users/%d/activate", signed.ID, signed.Users[0].ID), nil)
	if flashOf(r) != "notice: User was activated" || named(t, s, "Signed Up").State != "pending" {
		t.Errorf("activate: %q, %s", flashOf(r), named(t, s, "Signed Up").State)
	}

	// Delete.
	if r := submit(c, page+"/edit", page, url.Values{"_method": {"delete"}}); r.URL.Path != "/buyers/accounts" ||
		flashOf(r) != "notice: The account was successfully deleted scheduled for deletion" {
		t.Errorf("delete: %s %q", r.URL.Path, flashOf(r))
	}
	if s.Store.Catalog().Account(dev.ID) != nil {
		t.Error("the account is still there")
	}
	if status, _ := authorize(t, s, "service_id", echoService, "app_id", "echo-app-id", "app_key", "echo-app-key"); status != 404 {
		t.Errorf("authorize a deleted account's application: %d", status)
	}
}

func strPtr(s string) *string { return &s }

// An application's keys: user key regenerated and set, app keys added
// (random and custom) and removed, an OAuth secret regenerated; each as
// authorize sees it.
func TestApplicationKeys(t *testing.T) {
	s, c := adminIn(t, "")
	legacy, echo, oauth := app(t, s, "Legacy App"), app(t, s, "Echo App"), app(t, s, "OAuth App")
	page := func(id int64) string { return fmt.Sprintf("/p/admin/applications/%d", id) }

	r := submit(c, page(legacy.ID), page(legacy.ID)+"/change_user_key", url.Values{"_method": {"put"}})
	newKey := app(t, s, "Legacy App").UserKey
	if flashOf(r) != "notice: The key was successfully changed" || newKey == "legacy-user-key" || !strings.Contains(r.Body, newKey) {
		t.Errorf("regenerate: %q %s", flashOf(r), newKey)
	}
	if status, _ := authorize(t, s, "service_id", legacyService, "user_key", "legacy-user-key"); status != 403 {
		t.Errorf("the old user key authorizes: %d", status)
	}
	r = submit(c, page(legacy.ID)+"/keys/"+newKey+"/edit", page(legacy.ID)+"/keys/"+newKey, url.Values{"_method": {"put"},
		"cinstance[user_key]": {"my-own-user-key"}})
	if flashOf(r) != "notice: User key has been updated" || authorizedPlan(t, s, "service_id", legacyService, "user_key", "my-own-user-key") != "Starter" {
		t.Errorf("custom user key: %q", flashOf(r))
	}

	r = submit(c, page(echo.ID), page(echo.ID)+"/keys", nil)
	keys := app(t, s, "Echo App").Keys
	if flashOf(r) != "notice: A new key has been added" || len(keys) != 2 || len(keys[1].Value) != 32 {
		t.Errorf("random key: %q %+v", flashOf(r), keys)
	}
	r = submit(c, page(echo.ID)+"/keys/new", page(echo.ID)+"/keys", url.Values{"key": {"my-custom-key"}})
	if flashOf(r) != "notice: A new key has been added" ||
		authorizedPlan(t, s, "service_id", echoService, "app_id", "echo-app-id", "app_key", "my-custom-key", "referrer", "www.example.com") != "Basic" {
		t.Errorf("custom key: %q", flashOf(r))
	}
	r = submit(c, page(echo.ID), page(echo.ID)+"/keys/echo-app-key", url.Values{"_method": {"delete"}})
	if flashOf(r) != "notice: The key has been removed" || app(t, s, "Echo App").HasKey("echo-app-key") {
		t.Errorf("delete key: %q", flashOf(r))
	}
	if status, _ := authorize(t, s, "service_id", echoService, "app_id", "echo-app-id", "app_key", "echo-app-key", "referrer", "www.example.com"); status != 409 {
		t.Errorf("the removed key authorizes: %d", status)
	}
	// Six keys is one too many.
	for _, k := range []string{"key-number-3", "key-number-4", "key-number-5"} {
		submit(c, page(echo.ID)+"/keys/new", page(echo.ID)+"/keys", url.Values{"key": {k}})
	}
	if r := c.Get(page(echo.ID)); !strings.Contains(r.Text(), "Keys limit reached.") {
		t.Errorf("five keys: %s", r.Text())
	}

	secret := oauth.Keys[0].Value
	r = submit(c, page(oauth.ID), page(oauth.ID)+"/keys/"+secret+"/regenerate", url.Values{"_method": {"put"}})
	got := app(t, s, "OAuth App").Keys
	if r.URL.Path != page(oauth.ID) || len(got) != 1 || got[0].Value == secret || !strings.Contains(r.Body, got[0].Value) {
		t.Errorf("regenerate the secret: %s %+v", r.URL.Path, got)
	}
}

// Messages: to every account, read, replied to, trashed and restored.
func TestMessageWorkflows(t *testing.T) {
	s, c := adminIn(t, "")
	r := submit(c, "/p/admin/messages/outbox/new", "/p/admin/messages/outbox", url.Values{"message[subject]": {"Maintenance"},
		"message[body]": {"Tonight."}})
	if flashOf(r) != "notice: Message was sent" || r.URL.Path != "/p/admin/messages" {
		t.Errorf("to all: %q %s", flashOf(r), r.URL.Path)
	}
	if got := subjects(emails(t, s, "")); len(got) != 2 || got[0] != "[msg] Maintenance" {
		t.Errorf("emails %v (the suspended account gets none)", got)
	}
	if r := c.Get("/p/admin/messages/outbox"); !strings.Contains(r.Text(), "Maintenance Multiple Recipients") {
		t.Errorf("sent: %s", r.Text())
	}

	d := porta.New(s.Store, rand.Reader)
	prov := s.Store.Catalog().Providers[0]
	dev := named(t, s, "Developer Co")
	if _, err := d.SendMessage(t.Context(), porta.ByDeveloper(prov, dev.Users[0]), dev.ID, porta.MessageInput{Subject: "Question",
		Body: "How do I\nget keys?"}); err != nil {
		t.Fatal(err)
	}
	inbox := c.Get("/p/admin/messages")
	if !strings.Contains(inbox.Body, `class="unread"`) || !strings.Contains(inbox.Text(), "Question Developer Co") {
		t.Errorf("inbox: %s", inbox.Text())
	}
	if r := c.Get("/p/admin/dashboard"); !strings.Contains(r.Body, `<span class="badge" title="unread">1</span>`) {
		t.Error("no unread count in the masthead")
	}
	msgs, _ := d.Inbox(t.Context(), porta.ByAdmin(prov), false)
	msg := fmt.Sprintf("/p/admin/messages/inbox/%d", msgs[0].RecipientID)
	r = c.Get(msg)
	if !strings.Contains(r.Body, `value="Re: Question"`) || !strings.Contains(r.Body, "&gt; How do I\n&gt; get keys?</textarea>") {
		t.Errorf("reply form: %s", r.Body)
	}
	if r := c.Get("/p/admin/messages"); strings.Contains(r.Body, `class="unread"`) {
		t.Error("the opened message is still unread")
	}
	r = c.Post(msg+"/reply", url.Values{"message[subject]": {"Re: Question"}, "message[body]": {"From the dashboard."}})
	if flashOf(r) != "notice: Reply was sent" {
		t.Errorf("reply: %q", flashOf(r))
	}
	if got := subjects(emails(t, s, "john@developer.example.com")); got[len(got)-1] != "[msg] Re: Question" {
		t.Errorf("john's emails %v", got)
	}

	// Trash: the received message and a sent one, restored.
	if r := submit(c, "/p/admin/messages", msg, url.Values{"_method": {"delete"}}); flashOf(r) != "notice: Message was deleted" {
		t.Errorf("delete: %q", flashOf(r))
	}
	sent, _ := d.SentMessages(t.Context(), porta.ByAdmin(prov), false)
	if r := submit(c, "/p/admin/messages/outbox", fmt.Sprintf("/p/admin/messages/outbox/%d", sent[0].ID), url.Values{"_method": {"delete"}}); flashOf(r) != "notice: Message was deleted" {
		t.Errorf("delete sent: %q", flashOf(r))
	}
	r = c.Get("/p/admin/messages/trash")
	if !strings.Contains(r.Text(), "Question Developer Co Acme Inc") || !strings.Contains(r.Text(), "Re: Question Acme Inc Developer Co") {
		t.Errorf("trash: %s", r.Text())
	}
	trash, _ := d.Trash(t.Context(), porta.ByAdmin(prov))
	for _, m := range trash {
		if r := submit(c, "/p/admin/messages/trash", fmt.Sprintf("/p/admin/messages/trash/%d", m.ID), url.Values{"_method": {"delete"}}); flashOf(r) != "notice: Message was restored" {
			t.Errorf("restore: %q", flashOf(r))
		}
	}
	if r := c.Get("/p/admin/messages/trash"); !strings.Contains(r.Text(), "The trash is empty") {
		t.Errorf("trash after restoring: %s", r.Text())
	}
}

// The webhooks page's Ping, with nowhere to ping, and as JSON.
func TestWebhookPing(t *testing.T) {
	s, c := adminIn(t, "")
	if r := c.Get("/p/admin/webhooks"); r.URL.Path != "/p/admin/webhooks/edit" || flashOf(r) != "error: Nowhere to ping" {
		t.Errorf("no URL: %s %q", r.URL.Path, flashOf(r))
	}
	hooks := s.Receiver(t)
	submit(c, "/p/admin/webhooks/edit", "/p/admin/webhooks", url.Values{"_method": {"put"}, "web_hook[url]": {hooks.URL}})
	r := c.Get("/p/admin/webhooks.json")
	if r.Body != `{"message":"`+hooks.URL+` responded with 200","type":"success"}` {
		t.Errorf("json ping: %s", r.Body)
	}
	if r := c.Get("/p/admin/webhooks/new"); r.URL.Path != "/p/admin/webhooks/edit" {
		t.Errorf("new: %s", r.URL.Path)
	}
}

// A product's usage rules and an application plan's approval, as the
// domain and the next application see them.
func TestUsageRulesAndPlans(t *testing.T) {
	s, c := adminIn(t, guideWorld)
	page := "/apiconfig/services/" + echoService + "/usage_rules"
	r := submit(c, page, "/apiconfig/services/"+echoService, url.Values{"_method": {"put"},
		"service[buyer_plan_change_permission]": {"direct"}, "service[buyers_manage_apps]": {"0"},
		"service[buyers_manage_keys]": {"0"}, "service[custom_keys_enabled]": {"0"}, "service[buyer_can_select_plan]": {"1"}})
	svc := s.Store.Catalog().Service(echoService)
	if flashOf(r) != "notice: Product information updated" || svc.BuyerPlanChangePermission != "direct" || svc.BuyersManageApps ||
		svc.BuyersManageKeys || svc.CustomKeysEnabled || !svc.BuyerCanSelectPlan {
		t.Errorf("usage rules: %q %+v", flashOf(r), svc.ServiceRecord)
	}
	if r := c.Get(page); !strings.Contains(r.Body, `value="direct" checked`) {
		t.Error("the form does not show the permission chosen")
	}
	// Custom keys off: no custom key form.
	if r := c.Get(fmt.Sprintf("/p/admin/applications/%d/keys/new", app(t, s, "Echo App").ID)); r.Status != 404 {
		t.Errorf("custom key form with custom keys off: %d", r.Status)
	}

	pro := planNamed(t, s, "Pro")
	r = submit(c, fmt.Sprintf("/apiconfig/application_plans/%d/edit", pro.ID), fmt.Sprintf("/apiconfig/application_plans/%d", pro.ID),
		url.Values{"_method": {"put"}, "application_plan[approval_required]": {"1"}, "application_plan[name]": {"Pro"}})
	if r.URL.Path != "/apiconfig/services/"+echoService+"/application_plans" || !planNamed(t, s, "Pro").ApprovalRequired {
		t.Errorf("plan: %s", r.URL.Path)
	}
	if !strings.Contains(r.Text(), "Pro 0 published required") {
		t.Errorf("plans: %s", r.Text())
	}
	dev := named(t, s, "Developer Co")
	r = submit(c, fmt.Sprintf("/buyers/accounts/%d/applications/new", dev.ID), fmt.Sprintf("/buyers/accounts/%d/applications", dev.ID),
		url.Values{"cinstance[plan_id]": {fmt.Sprint(pro.ID)}, "cinstance[name]": {"Needs Approval"}})
	if a := app(t, s, "Needs Approval"); a.State != "pending" || !strings.Contains(r.Text(), "Accept") {
		t.Errorf("an application on a plan that requires approval: %s", a.State)
	}
}

// A subscription's plan changed from its edit form, and approved.
func TestSubscriptionWorkflows(t *testing.T) {
	s, c := adminIn(t, guideWorld)
	queue := named(t, s, "Queue Co")
	premium := addServicePlan(t, s, echoService, "Premium", true, queue.ID)
	sub := named(t, s, "Queue Co").Contract(echoService)
	list := fmt.Sprintf("/buyers/accounts/%d/service_contracts", queue.ID)
	r := submit(c, list, fmt.Sprintf("%s/%d/approve", list, sub.ID), nil)
	if flashOf(r) != "notice: Service contract was approved" || r.URL.Path != list {
		t.Errorf("approve: %q %s", flashOf(r), r.URL.Path)
	}
	edit := fmt.Sprintf("%s/%d/edit", list, sub.ID) // a page with a form's token
	if r := submit(c, edit, fmt.Sprintf("%s/%d/approve", list, sub.ID), nil); flashOf(r) != "error: Cannot approve service contract" {
		t.Errorf("approve again: %q", flashOf(r))
	}
	def := s.Store.Catalog().Service(echoService).DefaultServicePlan()
	r = submit(c, fmt.Sprintf("%s/%d/edit", list, sub.ID), fmt.Sprintf("%s/%d", list, sub.ID), url.Values{"_method": {"put"},
		"service_contract[plan_id]": {fmt.Sprint(def.ID)}})
	if flashOf(r) != "notice: Plan of the contract was changed" || named(t, s, "Queue Co").Contract(echoService).PlanID != def.ID {
		t.Errorf("change plan: %q", flashOf(r))
	}
	legacyPlan := s.Store.Catalog().Service(legacyService).ServicePlans[0]
	if r := submit(c, edit, fmt.Sprintf("%s/%d", list, sub.ID), url.Values{"_method": {"put"},
		"service_contract[plan_id]": {fmt.Sprint(legacyPlan.ID)}}); r.Status != 404 {
		t.Errorf("another service's plan: %d", r.Status)
	}
	if named(t, s, "Queue Co").Contract(echoService).PlanID == premium.ID {
		t.Error("the plan did not change")
	}
	r = submit(c, "/buyers/service_contracts/bulk/change_state/new?selected[]="+fmt.Sprint(sub.ID), "/buyers/service_contracts/bulk/change_state",
		url.Values{"selected[]": {fmt.Sprint(sub.ID)}, "change_states[action]": {"suspend"}})
	if flashOf(r) != "notice: The subscription's state was changed successfully" || named(t, s, "Queue Co").Contract(echoService).State != "suspended" {
		t.Errorf("bulk suspend: %q", flashOf(r))
	}
}
