package porta

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// A developer's applications under the service's switches, and their plan
// changes under its permission.

const appsWorld = `version: 1
providers:
  - name: Acme
    provider_key: acme-key
    admin: {username: admin, email: admin@acme.test, password: admin}
    webhooks:
      url: "http://127.0.0.1:1/hooks"
      active: true
      events: [application_created, application_updated, application_deleted, application_plan_changed,
        application_key_created, application_key_deleted, application_key_updated, application_user_key_updated]
    services:
      - id: "100"
        name: Echo API
        backend_version: "2"
        application_plans:
          - {name: Basic, system_name: basic, default: true}
          - {name: Pro, system_name: pro}
          - {name: Secret, system_name: secret, state: hidden}
      - id: "200"
        name: Keys API
        backend_version: "1"
        application_plans:
          - {name: Starter, system_name: starter, default: true}
    accounts:
      - org_name: Dev Co
        users: [{username: john, email: john@dev.test, role: admin}]
        applications:
          - {name: Mine, service: "100", plan: basic, app_id: mine-app, app_keys: [mine-key-1]}
          - {name: Legacy, service: "200", plan: starter, app_id: legacy-app, user_key: legacy-key}
      - org_name: Rival
        users: [{username: rita, email: rita@rival.test}]
        applications: [{name: Theirs, service: "100", app_id: theirs-app}]
`

type appsFixture struct {
	d                   *Domain
	st                  *store.Store
	dev, prov           Actor
	mine, legacy, their *store.Application
	seen                int
}

func newAppsFixture(t *testing.T) *appsFixture {
	t.Helper()
	d, st, _ := signupDomain(t, appsWorld)
	f := &appsFixture{d: d, st: st}
	cat := d.Catalog()
	p := cat.Providers[0]
	f.prov = ByProviderKey(p)
	for _, acc := range p.Accounts {
		for _, app := range acc.Applications {
			switch app.Name {
			case "Mine":
				f.mine, f.dev = app, ByDeveloper(p, acc.Users[0])
			case "Legacy":
				f.legacy = app
			case "Theirs":
				f.their = app
			}
		}
	}
	events(t, st, &f.seen)
	outbox(t, st)
	return f
}

func (f *appsFixture) service(t *testing.T, id string, in ServiceInput) {
	t.Helper()
	if _, err := f.d.UpdateService(context.Background(), f.prov, id, in); err != nil {
		t.Fatal(err)
	}
}

// app is the application of id as the domain has it now, with its owners.
func (f *appsFixture) app(id int64) store.LinkedApplication {
	cat := f.d.Catalog()
	return cat.LinkApplication(cat.Application(id))
}

// linked is app with its owners in the domain's catalog.
func (f *appsFixture) linked(app *store.Application) store.LinkedApplication {
	return f.d.Catalog().LinkApplication(app)
}

func (f *appsFixture) plan(name string) *store.Plan {
	for _, s := range f.d.Catalog().Providers[0].Services {
		for _, pl := range s.Plans {
			if pl.Name == name {
				return pl
			}
		}
	}
	return nil
}

func TestDeveloperApplicationSwitches(t *testing.T) {
	f := newAppsFixture(t)
	ctx := context.Background()
	mine := AppRef{ID: f.mine.ID}
	refused := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, ErrForbidden) {
			t.Errorf("%s: %v, want ErrForbidden", what, err)
		}
	}

	f.service(t, "100", ServiceInput{BuyersManageApps: ptr(false)})
	_, err := f.d.DeveloperCreateApplication(ctx, f.dev, "100", 0, ApplicationInput{Name: ptr("New")})
	refused("create", err)
	_, err = f.d.UpdateApplication(ctx, f.dev, mine, ApplicationInput{Name: ptr("Renamed")})
	refused("update", err)
	_, err = f.d.DeleteApplication(ctx, f.dev, mine)
	refused("delete", err)
	_, err = f.d.CreateKey(ctx, f.dev, mine, nil)
	refused("create key without buyers_manage_apps", err)
	if can := DeveloperCan(f.app(f.mine.ID)); can.Update || can.Delete || can.ManageKeys {
		t.Errorf("can %+v", can)
	}
	// The provider is bound by none of them.
	if _, err := f.d.UpdateApplication(ctx, f.prov, mine, ApplicationInput{Name: ptr("By the provider")}); err != nil {
		t.Errorf("provider update: %v", err)
	}

	f.service(t, "100", ServiceInput{BuyersManageApps: ptr(true), BuyersManageKeys: ptr(false)})
	_, err = f.d.CreateKey(ctx, f.dev, mine, nil)
	refused("create key", err)
	_, err = f.d.RemoveKey(ctx, f.dev, mine, "mine-key-1")
	refused("remove key", err)
	_, err = f.d.RegenerateKey(ctx, f.dev, mine, "mine-key-1")
	refused("regenerate key", err)
	if app := f.app(f.mine.ID); len(app.Keys) != 1 || app.Keys[0].Value != "mine-key-1" {
		t.Errorf("keys %v after refusals", app.Keys)
	}

	f.service(t, "200", ServiceInput{BuyerKeyRegenerateEnabled: ptr(false)})
	_, err = f.d.ChangeUserKey(ctx, f.dev, AppRef{ID: f.legacy.ID})
	refused("regenerate user key", err)
	if got := f.d.Catalog().Application(f.legacy.ID).UserKey; got != "legacy-key" {
		t.Errorf("user key %s after a refusal", got)
	}
	if got := events(t, f.st, &f.seen); len(got) != 0 {
		t.Errorf("events %q after refusals (and the provider key's update, which fires none)", got)
	}
	f.service(t, "200", ServiceInput{BuyerKeyRegenerateEnabled: ptr(true)})
	if app, err := f.d.ChangeUserKey(ctx, f.dev, AppRef{ID: f.legacy.ID}); err != nil || app.UserKey == "legacy-key" {
		t.Errorf("regenerate user key: %v", err)
	}
	if got := events(t, f.st, &f.seen); !slices.Equal(got, []string{"application user_key_updated", "application key_updated"}) {
		t.Errorf("events %q", got)
	}
}

func TestDeveloperKeys(t *testing.T) {
	f := newAppsFixture(t)
	ctx := context.Background()
	mine := AppRef{ID: f.mine.ID}
	if _, err := f.d.RemoveKey(ctx, f.dev, mine, "mine-key-1"); !errors.Is(err, ErrLastKey) {
		t.Errorf("the last key: %v", err)
	}
	if DeveloperCan(f.app(f.mine.ID)).DeleteKey || !DeveloperCan(f.app(f.mine.ID)).AddKey {
		t.Errorf("can %+v", DeveloperCan(f.app(f.mine.ID)))
	}
	for range 4 {
		if _, err := f.d.CreateKey(ctx, f.dev, mine, nil); err != nil {
			t.Fatal(err)
		}
	}
	app := f.app(f.mine.ID)
	if can := DeveloperCan(app); can.AddKey || !can.DeleteKey || len(app.Keys) != KeysLimit(app.Service) {
		t.Errorf("five keys: can %+v", can)
	}
	var v *ValidationError
	if _, err := f.d.CreateKey(ctx, f.dev, mine, nil); !errors.As(err, &v) || v.Error() != "Limit reached" {
		t.Errorf("a sixth key: %v", err)
	}
	// Only an OAuth client secret regenerates.
	if _, err := f.d.RegenerateKey(ctx, f.dev, mine, "mine-key-1"); !errors.Is(err, ErrForbidden) {
		t.Errorf("regenerate an app_id key: %v", err)
	}
	if _, err := f.d.RemoveKey(ctx, f.dev, AppRef{ID: f.their.ID}, "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("another account's application: %v", err)
	}
}

func TestDeveloperCreateApplication(t *testing.T) {
	f := newAppsFixture(t)
	ctx := context.Background()
	pro, secret := f.plan("Pro"), f.plan("Secret")
	// The plan is the service's unless it lets developers choose.
	app, err := f.d.DeveloperCreateApplication(ctx, f.dev, "100", pro.ID, ApplicationInput{Name: ptr("Chosen"),
		Description: ptr("mine"), UserKey: ptr("my-own-key")})
	if err != nil {
		t.Fatal(err)
	}
	if f.linked(app).Plan.Name != "Basic" || app.State != "live" || app.UserKey == "my-own-key" || app.AccountID != f.mine.AccountID {
		t.Errorf("new application on %s, %s, key %s", f.linked(app).Plan.Name, app.State, app.UserKey)
	}
	if got := events(t, f.st, &f.seen); !slices.Equal(got, []string{"application created", "application key_created"}) {
		t.Errorf("events %q", got)
	}
	f.service(t, "100", ServiceInput{BuyerCanSelectPlan: ptr(true)})
	if app, err = f.d.DeveloperCreateApplication(ctx, f.dev, "100", pro.ID, ApplicationInput{Name: ptr("Pro one")}); err != nil || f.linked(app).Plan.Name != "Pro" {
		t.Errorf("chosen plan: %v %v", app, err)
	}
	if got := NewApplicationPlans(f.d.Catalog().Service(app.ServiceID)); len(got) != 2 {
		t.Errorf("plans to choose %d, want Basic and Pro", len(got))
	}
	if _, err := f.d.DeveloperCreateApplication(ctx, f.dev, "100", secret.ID, ApplicationInput{Name: ptr("Hidden")}); !errors.Is(err, ErrNotFound) {
		t.Errorf("a hidden plan: %v", err)
	}
	if _, err := f.d.DeveloperCreateApplication(ctx, f.dev, "200", pro.ID, ApplicationInput{Name: ptr("Wrong service")}); !errors.Is(err, ErrNotFound) {
		t.Errorf("another service's plan: %v", err)
	}
	var v *ValidationError
	if _, err := f.d.DeveloperCreateApplication(ctx, f.dev, "100", 0, ApplicationInput{Name: ptr("  ")}); !errors.As(err, &v) ||
		v.Error() != "Name can't be blank" {
		t.Errorf("no name: %v", err)
	}
	if _, err := f.d.UpdateApplication(ctx, f.dev, AppRef{ID: f.mine.ID}, ApplicationInput{Name: ptr("")}); !errors.As(err, &v) ||
		v.Error() != "Name can't be blank" {
		t.Errorf("update without a name: %v", err)
	}
	if _, err := f.d.DeveloperCreateApplication(ctx, f.dev, "999", 0, ApplicationInput{Name: ptr("x")}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown service: %v", err)
	}
	if _, err := f.d.CreateApplication(ctx, f.dev, f.mine.AccountID, secret.ID, NewApplication{ApplicationInput: ApplicationInput{
		Name: ptr("Through the API's operation")}}); !errors.Is(err, ErrNotFound) {
		t.Errorf("CreateApplication takes the developer's rules too: %v", err)
	}
	if got := ApplicationServices(f.d.Catalog(), f.dev); len(got) != 2 {
		t.Errorf("services %d", len(got))
	}
	f.service(t, "200", ServiceInput{BuyersManageApps: ptr(false)})
	if got := ApplicationServices(f.d.Catalog(), f.dev); len(got) != 1 || got[0].ID != "100" {
		t.Errorf("services %v", got)
	}
	// The developer keeps their own application's user key.
	if app, err := f.d.UpdateApplication(ctx, f.dev, AppRef{ID: f.mine.ID}, ApplicationInput{Name: ptr("Renamed"),
		UserKey: ptr("forged-key")}); err != nil || app.UserKey == "forged-key" || app.Name != "Renamed" {
		t.Errorf("update: %v %v", app, err)
	}
}

func TestDeveloperChangePlan(t *testing.T) {
	f := newAppsFixture(t)
	ctx := context.Background()
	mine := AppRef{ID: f.mine.ID}
	pro, secret := f.plan("Pro"), f.plan("Secret")

	// request, porta's default: nothing changes, the provider is asked.
	if !CanChangePlan(f.app(f.mine.ID)) || PlanChangeLabel(f.app(f.mine.ID)) != "Request Plan Change" || len(OtherPlans(f.app(f.mine.ID))) != 1 {
		t.Errorf("request: can %v, %q, %d other plans", CanChangePlan(f.app(f.mine.ID)), PlanChangeLabel(f.app(f.mine.ID)), len(OtherPlans(f.app(f.mine.ID))))
	}
	pc, err := f.d.DeveloperChangePlan(ctx, f.dev, mine, pro.ID)
	if err != nil {
		t.Fatal(err)
	}
	if pc.Changed || pc.Message != "A request to change your application plan has been sent." || f.linked(pc.Application).Plan.Name != "Basic" {
		t.Errorf("request: %+v", pc)
	}
	if got := subjectsTo(outbox(t, f.st)); !slices.Equal(got, []string{"john@dev.test: Plan change request has been received",
		"admin@acme.test: Action required: john from Dev Co requested an app plan change"}) {
		t.Errorf("request emails %q", got)
	}
	if got := events(t, f.st, &f.seen); len(got) != 0 {
		t.Errorf("request events %q", got)
	}
	inbox, err := f.d.Inbox(ctx, f.dev, false)
	if err != nil || len(inbox) != 1 || inbox[0].Subject != "Plan change request has been received" {
		t.Errorf("inbox %v %v", inbox, err)
	}

	// Plans not offered.
	for _, id := range []int64{secret.ID, f.mine.PlanID, f.plan("Starter").ID, 99999} {
		if _, err := f.d.DeveloperChangePlan(ctx, f.dev, mine, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("plan %d: %v", id, err)
		}
	}
	if _, err := f.d.DeveloperChangePlan(ctx, f.dev, AppRef{ID: f.their.ID}, pro.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("another account's application: %v", err)
	}
	if _, err := f.d.ChangeApplicationPlan(ctx, f.dev, mine, pro.ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("the provider's plan change by a developer: %v", err)
	}

	// request_credit_card: a paid plan needs a card.
	if _, err := f.d.UpdatePlan(ctx, f.prov, PlanRef{ID: pro.ID}, PlanInput{CostPerMonth: ptr("10.0")}); err != nil {
		t.Fatal(err)
	}
	f.service(t, "100", ServiceInput{BuyerPlanChangePermission: ptr(PlanChangeRequestCreditCard)})
	if pc, err := f.d.DeveloperChangePlan(ctx, f.dev, mine, pro.ID); err != nil || pc.Changed ||
		pc.Message != "Please enter your credit card before changing the plan." {
		t.Errorf("request_credit_card: %+v %v", pc, err)
	}

	// direct: changed now.
	f.service(t, "100", ServiceInput{BuyerPlanChangePermission: ptr(PlanChangeDirect)})
	pc, err = f.d.DeveloperChangePlan(ctx, f.dev, mine, pro.ID)
	if err != nil || !pc.Changed || pc.Message != "Plan change was successful." || f.linked(pc.Application).Plan.Name != "Pro" {
		t.Errorf("direct: %+v %v", pc, err)
	}
	if got := events(t, f.st, &f.seen); !slices.Equal(got, []string{"application plan_changed", "application updated"}) {
		t.Errorf("direct events %q", got)
	}
	if got := subjectsTo(outbox(t, f.st)); !slices.Equal(got, []string{"john@dev.test: Application plan changed to 'Pro'"}) {
		t.Errorf("direct emails %q", got)
	}

	// none: no change offered.
	f.service(t, "100", ServiceInput{BuyerPlanChangePermission: ptr(PlanChangeNone)})
	app := f.app(f.mine.ID)
	if CanChangePlan(app) || PlanChangeLabel(app) != "" {
		t.Errorf("none: can %v %q", CanChangePlan(app), PlanChangeLabel(app))
	}
	if _, err := f.d.DeveloperChangePlan(ctx, f.dev, mine, f.plan("Basic").ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("none: %v", err)
	}

	// Only a live application changes plan.
	f.service(t, "100", ServiceInput{BuyerPlanChangePermission: ptr(PlanChangeDirect)})
	if _, err := f.d.SuspendApplication(ctx, f.prov, mine); err != nil {
		t.Fatal(err)
	}
	if _, err := f.d.DeveloperChangePlan(ctx, f.dev, mine, f.plan("Basic").ID); !errors.Is(err, ErrForbidden) {
		t.Errorf("suspended: %v", err)
	}
	if got := f.app(f.mine.ID).Plan.Name; got != "Pro" {
		t.Errorf("plan %s after refusals", got)
	}
}
