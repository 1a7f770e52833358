package portal

import (
	"cmp"
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Applications: porta's admin/api applications and buyers_applications
// controllers, Cinstance's validations, and the contract states pending,
// live and suspended. Every change is what authorize sees next.

// applicationFilter is porta's Cinstance search scopes, ANDed.
func applicationFilter(c *Call) func(*store.Application) bool {
	var tests []func(*store.Application) bool
	if v := c.get("service_id"); v != "" {
		tests = append(tests, func(a *store.Application) bool { return a.ServiceID == v })
	}
	if v := c.get("plan_id"); v != "" {
		n := rubyToI(v)
		tests = append(tests, func(a *store.Application) bool { return a.PlanID == n })
	}
	switch c.get("plan_type") {
	case "free":
		tests = append(tests, func(a *store.Application) bool { return freePlan(a.Plan) })
	case "paid":
		tests = append(tests, func(a *store.Application) bool { return !freePlan(a.Plan) })
	}
	if v := c.get("state"); v != "" {
		tests = append(tests, func(a *store.Application) bool { return a.State == v })
	}
	for _, bound := range []struct {
		name  string
		after bool
	}{{"active_since", true}, {"inactive_since", false}} {
		v := c.get(bound.name)
		if v == "" {
			continue
		}
		t, parsed := parseTime(v)
		tests = append(tests, func(a *store.Application) bool {
			at := a.FirstDailyTrafficAt()
			if !parsed || at == nil {
				return false
			}
			if bound.after {
				return !at.Before(t)
			}
			return !at.After(t)
		})
	}
	if v := c.get("account"); v != "" {
		n := rubyToI(v)
		tests = append(tests, func(a *store.Application) bool { return a.AccountID == n })
	}
	if v := c.get("name"); v != "" {
		v = strings.ToLower(v)
		tests = append(tests, func(a *store.Application) bool { return strings.Contains(strings.ToLower(a.Name), v) })
	}
	if v := c.get("user_key"); v != "" {
		tests = append(tests, func(a *store.Application) bool { return a.UserKey == v })
	}
	return func(a *store.Application) bool {
		for _, t := range tests {
			if !t(a) {
				return false
			}
		}
		return true
	}
}

func freePlan(p *store.Plan) bool { return zeroMoney(p.CostPerMonth) && zeroMoney(p.SetupFee) }

func zeroMoney(s string) bool {
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && f == 0
}

// providerApps lists a provider's applications in id order.
func providerApps(prov *store.Provider) []*store.Application {
	var out []*store.Application
	for _, acc := range prov.Accounts {
		out = append(out, acc.Applications...)
	}
	slices.SortFunc(out, func(a, b *store.Application) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// ListApplications is GET /admin/api/applications.xml, paginated.
func (p *Portal) ListApplications(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a actor, cat *store.Catalog) *Reply {
		keep := applicationFilter(c)
		var apps []*store.Application
		for _, app := range providerApps(provider(cat, a)) {
			if keep(app) {
				apps = append(apps, app)
			}
		}
		pg := pagingOf(c)
		lo, hi := pg.window(len(apps))
		d := builderxml.New().Open("applications", pg.attrs(len(apps))...)
		for _, app := range apps[lo:hi] {
			applicationXML(d, app, false)
		}
		return ok(d.Close("applications"))
	})
}

// FindApplication is GET /admin/api/applications/find.xml: by user_key
// (user_key services only), else app_id (the others), else application_id
// or id (porta's id); service_id narrows the search.
func (p *Portal) FindApplication(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a actor, cat *store.Catalog) *Reply {
		service, narrowed := c.str("service_id")
		var match func(*store.Application) bool
		if v, given := c.str("user_key"); given {
			match = func(app *store.Application) bool { return app.Service.BackendVersion == "1" && app.UserKey == v }
		} else if v, given := c.str("app_id"); given {
			match = func(app *store.Application) bool { return app.Service.BackendVersion != "1" && app.AppID == v }
		} else {
			v := c.get("application_id")
			if v == "" {
				v = c.get("id")
			}
			n := rubyToI(v)
			match = func(app *store.Application) bool { return app.ID == n }
		}
		for _, app := range providerApps(provider(cat, a)) {
			if (!narrowed || app.ServiceID == service) && match(app) {
				return ok(doc(func(d *builderxml.Doc) { applicationXML(d, app, false) }))
			}
		}
		return notFound(c)
	})
}

// ListAccountApplications is GET /admin/api/accounts/{account_id}/
// applications.xml, filtered by state.
func (p *Portal) ListAccountApplications(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a actor, cat *store.Catalog) *Reply {
		acc, err := buyer(cat, a, c, "account_id")
		if err != nil {
			return notFound(c)
		}
		state := c.get("state")
		d := builderxml.New().Open("applications")
		for _, app := range acc.Applications {
			if state == "" || app.State == state {
				applicationXML(d, app, false)
			}
		}
		return ok(d.Close("applications"))
	})
}

// FindAccountApplication is GET /admin/api/accounts/{account_id}/
// applications/find.xml: by user_key on user_key services or app_id on
// the others.
func (p *Portal) FindAccountApplication(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a actor, cat *store.Catalog) *Reply {
		acc, err := buyer(cat, a, c, "account_id")
		if err != nil {
			return notFound(c)
		}
		userKey, byKey := c.str("user_key")
		appID, byID := c.str("app_id")
		for _, app := range acc.Applications {
			if (byKey && app.Service.BackendVersion == "1" && app.UserKey == userKey) ||
				(byID && app.Service.BackendVersion != "1" && app.AppID == appID) {
				return ok(doc(func(d *builderxml.Doc) { applicationXML(d, app, false) }))
			}
		}
		return notFound(c)
	})
}

// accountApp finds an application of a developer account by the route's
// account_id and the named id.
func accountApp(cat *store.Catalog, a actor, c *Call, name string) (*store.Application, error) {
	acc, err := buyer(cat, a, c, "account_id")
	if err != nil {
		return nil, err
	}
	n, _ := c.pathID(name)
	app := cat.Application(n)
	if app == nil || app.AccountID != acc.ID {
		return nil, errNotFound
	}
	return app, nil
}

// ShowApplication is GET /admin/api/accounts/{account_id}/applications/{id}.xml.
func (p *Portal) ShowApplication(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a actor, cat *store.Catalog) *Reply {
		app, err := accountApp(cat, a, c, "id")
		if err != nil {
			return notFound(c)
		}
		return ok(doc(func(d *builderxml.Doc) { applicationXML(d, app, false) }))
	})
}

// appWritten re-reads an application after a change, queues its events in
// order and returns its document.
func (p *Portal) appWritten(t *store.Tx, a actor, appID int64, actions ...string) (*builderxml.Doc, error) {
	cat, err := t.Catalog()
	if err != nil {
		return nil, err
	}
	app := cat.Application(appID)
	write := func(d *builderxml.Doc) { applicationXML(d, app, false) }
	for _, action := range actions {
		if err := p.emit(t, a, "application", action, fragment(write)); err != nil {
			return nil, err
		}
	}
	return doc(write), nil
}

var (
	userKeyRE = regexp.MustCompile(`^(([\w\-.]+)|([A-Za-z0-9+]{4})*([A-Za-z0-9+]{4}|[A-Za-z0-9+]{3}=|[A-Za-z0-9+]{2}==))$`)
	printable = regexp.MustCompile(`^[\x21-\x7E]+$`)
)

// appParams applies an application's writable parameters and validates
// them as Cinstance does. On create, the application_id may be given.
// The first-traffic times, which the API lets a caller set too, go to tr.
func appParams(c *Call, prov *store.Provider, rec *store.ApplicationRecord, tr *store.Traffic, create bool) (userKeyChanged bool, err error) {
	for _, f := range []struct {
		name string
		to   *string
	}{{"name", &rec.Name}, {"description", &rec.Description}, {"redirect_url", &rec.RedirectURL}} {
		if v, given := c.str(f.name); given {
			*f.to = strings.TrimSpace(v)
		}
	}
	_, rec.ExtraFields = fieldValues(c, prov.ApplicationFields, nil, nil, rec.ExtraFields)
	v, keyGiven := c.str("user_key")
	if keyGiven && v != rec.UserKey {
		rec.UserKey, userKeyChanged = v, true
	}
	if v, given := c.str("application_id"); given && create {
		rec.AppID = v
	}
	for _, f := range []struct {
		name string
		to   **time.Time
	}{{"first_traffic_at", &tr.First}, {"first_daily_traffic_at", &tr.FirstDaily}} {
		if v, given := c.str(f.name); given {
			*f.to = nil
			if t, ok := parseTime(v); ok {
				*f.to = &t
			}
		}
	}
	var errs problems
	// Applications of fixtures on app_id services may have no user_key;
	// porta gives every application one, and checks it when it is set.
	checkKey := rec.UserKey != "" || keyGiven
	switch n := len(rec.UserKey); {
	case checkKey && !userKeyRE.MatchString(rec.UserKey):
		errs.add("user_key", "is invalid", "User key is invalid")
	case n > 256:
		errs.add("user_key", "is too long (maximum is 256 characters)", "User key is too long (maximum is 256 characters)")
	}
	switch n := len(rec.AppID); {
	case n < 4:
		errs.add("application_id", "is too short (minimum is 4 characters)", "Application is too short (minimum is 4 characters)")
	case n > 255:
		errs.add("application_id", "is too long (maximum is 255 characters)", "Application is too long (maximum is 255 characters)")
	}
	if rec.AppID != "" && !printable.MatchString(rec.AppID) {
		errs.add("application_id", "is invalid", "Application is invalid")
	}
	if len([]rune(rec.Name)) > 255 {
		errs.add("name", "is too long (maximum is 255 characters)", "Name is too long (maximum is 255 characters)")
	}
	// Unique among every application of the provider, whatever the service.
	for _, app := range providerApps(prov) {
		if app.ID == rec.ID {
			continue
		}
		if checkKey && app.UserKey == rec.UserKey {
			errs.add("user_key", "has already been taken", "User key has already been taken")
		}
		if app.AppID == rec.AppID {
			errs.add("application_id", "has already been taken", "Application has already been taken")
		}
	}
	return userKeyChanged, errs.err()
}

// keysLimit is how many keys an application may have: one client secret
// on OAuth services.
func keysLimit(s *store.Service) int {
	if s.BackendVersion == "oauth" {
		return 1
	}
	return 5
}

// keyProblems validates a new application key.
func keyProblems(app *store.Application, value string, pending []string) error {
	var errs problems
	if !printable.MatchString(value) {
		errs.add("value", "is invalid", "Value is invalid")
	}
	switch n := len(value); {
	case n < 5:
		errs.add("value", "is too short (minimum is 5 characters)", "Value is too short (minimum is 5 characters)")
	case n > 255:
		errs.add("value", "is too long (maximum is 255 characters)", "Value is too long (maximum is 255 characters)")
	}
	existing := pending
	if app != nil {
		for _, k := range app.Keys {
			existing = append(existing, k.Value)
		}
	}
	for _, k := range existing {
		if strings.EqualFold(k, value) {
			errs.add("value", "has already been taken", "Value has already been taken")
			break
		}
	}
	limit := 5
	if app != nil {
		limit = keysLimit(app.Service)
	}
	if len(existing) >= limit {
		errs.add("base", "Limit reached", "Limit reached")
	}
	return errs.err()
}

// CreateApplication is POST /admin/api/accounts/{account_id}/
// applications.xml: on plan_id, any application plan of the provider. The
// account is subscribed to the plan's service if it was not; the
// application is live, or pending on a plan that requires approval.
func (p *Portal) CreateApplication(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 201, func(t *store.Tx, a actor, cat *store.Catalog) (*builderxml.Doc, error) {
		acc, err := buyer(cat, a, c, "account_id")
		if err != nil {
			return nil, err
		}
		plan := cat.Plan(rubyToI(c.get("plan_id")))
		if plan == nil || plan.Type != store.ApplicationPlan || plan.ProviderID != acc.ProviderID {
			return nil, errNotFound
		}
		id, err := p.createApplication(t, a, c, acc, plan, nil)
		if err != nil {
			return nil, err
		}
		return p.appWritten(t, a, id)
	})
}

// createApplication creates an application of acc on plan from the call's
// parameters (defaults fills in what the call does not give), subscribing
// the account to the service first if needed. It queues the created and
// key_created events and returns the new id.
func (p *Portal) createApplication(t *store.Tx, a actor, c *Call, acc *store.Account, plan *store.Plan, defaults *store.ApplicationRecord) (int64, error) {
	svc := plan.Service
	if acc.Contract(svc.ID) == nil {
		sp := svc.DefaultServicePlan()
		if sp == nil && len(svc.ServicePlans) > 0 {
			sp = svc.ServicePlans[0]
		}
		if sp == nil {
			return 0, &replyErr{reply: errorReply(c, 422, "You cannot subscribe to that service.")}
		}
		state := "live"
		if sp.ApprovalRequired {
			state = "pending"
		}
		if err := t.SaveContract(&store.ServiceContractRecord{AccountID: acc.ID, ServiceID: svc.ID, PlanID: sp.ID,
			State: state}); err != nil {
			return 0, err
		}
	}
	rec := store.ApplicationRecord{AccountID: acc.ID, ServiceID: svc.ID, PlanID: plan.ID, State: "live"}
	if defaults != nil {
		rec.Name, rec.Description = defaults.Name, defaults.Description
	}
	if plan.ApprovalRequired {
		rec.State = "pending"
	}
	var err error
	if rec.UserKey, err = p.hex(16); err != nil {
		return 0, err
	}
	if rec.ProviderVerificationKey, err = p.hex(16); err != nil {
		return 0, err
	}
	if rec.AppID, err = p.hex(4); err != nil {
		return 0, err
	}
	var traffic store.Traffic
	if _, err := appParams(c, acc.Provider, &rec, &traffic, true); err != nil {
		return 0, err
	}
	keys := c.strings("application_key")
	if len(keys) == 0 && (svc.BackendVersion == "oauth" || (svc.BackendVersion == "2" && svc.MandatoryAppKey)) {
		k, err := p.hex(16)
		if err != nil {
			return 0, err
		}
		keys = []string{k}
	}
	for i, k := range keys {
		if keyProblems(nil, k, keys[:i]) != nil || i >= keysLimit(svc) {
			return 0, fail("application_keys", "is invalid", "Application keys is invalid")
		}
	}
	if err := t.SaveApplication(&rec); err != nil {
		return 0, err
	}
	if traffic != (store.Traffic{}) {
		if err := t.SetTraffic(rec.ID, traffic); err != nil {
			return 0, err
		}
	}
	for _, k := range keys {
		if err := t.AddKey(rec.ID, k); err != nil {
			return 0, err
		}
	}
	cat, err := t.Catalog()
	if err != nil {
		return 0, err
	}
	app := cat.Application(rec.ID)
	write := fragment(func(d *builderxml.Doc) { applicationXML(d, app, false) })
	if err := p.emit(t, a, "application", "created", write); err != nil {
		return 0, err
	}
	for range keys {
		if err := p.emit(t, a, "application", "key_created", write); err != nil {
			return 0, err
		}
	}
	return rec.ID, nil
}

// UpdateApplication is PUT /admin/api/accounts/{account_id}/applications/
// {id}.xml: name, description, extra fields, redirect_url and user_key;
// the application_id and the plan do not change this way.
func (p *Portal) UpdateApplication(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a actor, cat *store.Catalog) (*builderxml.Doc, error) {
		app, err := accountApp(cat, a, c, "id")
		if err != nil {
			return nil, err
		}
		rec := app.ApplicationRecord
		before := app.Traffic()
		traffic := before
		keyChanged, err := appParams(c, app.Account.Provider, &rec, &traffic, false)
		if err != nil {
			return nil, err
		}
		if err := t.SaveApplication(&rec); err != nil {
			return nil, err
		}
		if traffic != before {
			if err := t.SetTraffic(rec.ID, traffic); err != nil {
				return nil, err
			}
		}
		if keyChanged {
			return p.appWritten(t, a, rec.ID, "updated", "key_updated")
		}
		return p.appWritten(t, a, rec.ID, "updated")
	})
}

// ChangeUserKey is PUT …/applications/{id}/change_user_key.xml, a sandbox
// addition: porta offers this only as the admin portal's "Regenerate"
// button, which gives the application a new random user_key and fires
// user_key_updated and key_updated.
func (p *Portal) ChangeUserKey(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a actor, cat *store.Catalog) (*builderxml.Doc, error) {
		app, err := accountApp(cat, a, c, "id")
		if err != nil {
			return nil, err
		}
		rec := app.ApplicationRecord
		if rec.UserKey, err = p.hex(16); err != nil {
			return nil, err
		}
		if err := t.SaveApplication(&rec); err != nil {
			return nil, err
		}
		return p.appWritten(t, a, rec.ID, "user_key_updated", "key_updated")
	})
}

// DeleteApplication is DELETE …/applications/{id}.xml; deleting a pending
// application is how porta rejects it. A customized plan goes with it.
func (p *Portal) DeleteApplication(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a actor, cat *store.Catalog) (*builderxml.Doc, error) {
		app, err := accountApp(cat, a, c, "id")
		if err != nil {
			return nil, err
		}
		if err := t.DeleteApplication(app.ID); err != nil {
			return nil, err
		}
		if app.Plan.Custom() {
			if err := t.DeletePlan(app.PlanID); err != nil {
				return nil, err
			}
		}
		return nil, p.emit(t, a, "application", "deleted", fragment(func(d *builderxml.Doc) {
			applicationXML(d, app, true)
		}))
	})
}

// appTransitions are the contract events the API offers.
var appTransitions = map[string]struct{ from, to, action string }{
	"accept":  {"pending", "live", "updated"},
	"suspend": {"live", "suspended", "suspended"},
	"resume":  {"suspended", "live", "updated"},
}

// TransitionApplication is PUT …/applications/{id}/{accept,suspend,
// resume}.xml; suspending fires `suspended` instead of `updated`.
func (p *Portal) TransitionApplication(event string) Handler {
	tr := appTransitions[event]
	return func(ctx context.Context, c *Call) *Reply {
		return p.change(ctx, c, 200, func(t *store.Tx, a actor, cat *store.Catalog) (*builderxml.Doc, error) {
			app, err := accountApp(cat, a, c, "id")
			if err != nil {
				return nil, err
			}
			if app.State != tr.from {
				return nil, cannotTransition(event)
			}
			rec := app.ApplicationRecord
			rec.State = tr.to
			if err := t.SaveApplication(&rec); err != nil {
				return nil, err
			}
			return p.appWritten(t, a, rec.ID, tr.action)
		})
	}
}

// ChangeApplicationPlan is PUT …/applications/{id}/change_plan.xml with
// plan_id: a plan of the application's service; it answers with the plan.
func (p *Portal) ChangeApplicationPlan(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a actor, cat *store.Catalog) (*builderxml.Doc, error) {
		app, err := accountApp(cat, a, c, "id")
		if err != nil {
			return nil, err
		}
		plan := cat.Plan(rubyToI(c.get("plan_id")))
		if plan == nil || plan.Type != store.ApplicationPlan || plan.ProviderID != app.Account.ProviderID {
			return nil, errNotFound
		}
		if plan.ServiceID != app.ServiceID {
			return nil, fail("plan", "not allowed in this context", "Plan not allowed in this context")
		}
		if plan.ID != app.PlanID {
			if err := p.movePlan(t, app, plan.ID); err != nil {
				return nil, err
			}
			if _, err := p.appWritten(t, a, app.ID, "plan_changed", "updated"); err != nil {
				return nil, err
			}
		}
		return doc(func(d *builderxml.Doc) { planXML(d, mustPlan(t, plan.ID)) }), nil
	})
}

// movePlan puts an application on another plan; a customized plan it
// leaves is deleted, as porta does.
func (p *Portal) movePlan(t *store.Tx, app *store.Application, planID int64) error {
	rec := app.ApplicationRecord
	rec.PlanID = planID
	if err := t.SaveApplication(&rec); err != nil {
		return err
	}
	if app.Plan.Custom() {
		return t.DeletePlan(app.PlanID)
	}
	return nil
}

// mustPlan reads a plan the transaction just wrote or checked.
func mustPlan(t *store.Tx, id int64) *store.Plan {
	cat, err := t.Catalog()
	if err != nil {
		return nil
	}
	return cat.Plan(id)
}

// CustomizePlan is PUT …/applications/{id}/customize_plan.xml: the
// application moves to a hidden copy of its plan, "NAME (custom)", with
// the same limits. An application already on a custom plan keeps it.
func (p *Portal) CustomizePlan(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a actor, cat *store.Catalog) (*builderxml.Doc, error) {
		app, err := accountApp(cat, a, c, "id")
		if err != nil {
			return nil, err
		}
		if app.Plan.Custom() {
			return doc(func(d *builderxml.Doc) { planXML(d, app.Plan) }), nil
		}
		stock := app.Plan
		copyRec := stock.PlanRecord
		copyRec.ID, copyRec.CreatedAt = 0, t.Now
		copyRec.Name = stock.Name + " (custom)"
		copyRec.SystemName = stock.SystemName + "_custom_" + floatDigits(t.Now.UnixMicro())
		copyRec.State, copyRec.Default, copyRec.OriginalID = "hidden", false, stock.ID
		if err := t.SavePlan(&copyRec); err != nil {
			return nil, err
		}
		for _, l := range stock.Limits {
			if err := t.SaveLimit(&store.LimitRecord{PlanID: copyRec.ID, MetricID: l.Metric.ID, Period: l.Period,
				Value: l.Value}); err != nil {
				return nil, err
			}
		}
		rec := app.ApplicationRecord
		rec.PlanID = copyRec.ID
		if err := t.SaveApplication(&rec); err != nil {
			return nil, err
		}
		if _, err := p.appWritten(t, a, app.ID, "updated"); err != nil {
			return nil, err
		}
		return doc(func(d *builderxml.Doc) { planXML(d, mustPlan(t, copyRec.ID)) }), nil
	})
}

// floatDigits is Ruby's Time#to_f printed without its point, which porta
// appends to a customized plan's system_name.
func floatDigits(micros int64) string {
	s := strconv.FormatFloat(float64(micros)/1e6, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return strings.Replace(s, ".", "", 1)
}

// DecustomizePlan is PUT …/applications/{id}/decustomize_plan.xml: back to
// the stock plan, and the copy is deleted.
func (p *Portal) DecustomizePlan(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a actor, cat *store.Catalog) (*builderxml.Doc, error) {
		app, err := accountApp(cat, a, c, "id")
		if err != nil {
			return nil, err
		}
		if !app.Plan.Custom() || app.Plan.Original == nil {
			return doc(func(d *builderxml.Doc) { planXML(d, app.Plan) }), nil
		}
		original := app.Plan.OriginalID
		if err := p.movePlan(t, app, original); err != nil {
			return nil, err
		}
		if _, err := p.appWritten(t, a, app.ID, "updated"); err != nil {
			return nil, err
		}
		return doc(func(d *builderxml.Doc) { planXML(d, mustPlan(t, original)) }), nil
	})
}

// ListKeys is GET …/applications/{application_id}/keys.xml.
func (p *Portal) ListKeys(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a actor, cat *store.Catalog) *Reply {
		app, err := accountApp(cat, a, c, "application_id")
		if err != nil {
			return notFound(c)
		}
		return ok(doc(func(d *builderxml.Doc) { keysXML(d, app) }))
	})
}

// CreateKey is POST …/applications/{application_id}/keys.xml with key (a
// random one when absent); it answers with the application.
func (p *Portal) CreateKey(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 201, func(t *store.Tx, a actor, cat *store.Catalog) (*builderxml.Doc, error) {
		app, err := accountApp(cat, a, c, "application_id")
		if err != nil {
			return nil, err
		}
		value, given := c.str("key")
		if !given {
			if value, err = p.hex(16); err != nil {
				return nil, err
			}
		}
		if err := keyProblems(app, value, nil); err != nil {
			return nil, err
		}
		if err := t.AddKey(app.ID, value); err != nil {
			return nil, err
		}
		return p.appWritten(t, a, app.ID, "key_created")
	})
}

// DeleteKey is DELETE …/applications/{application_id}/keys/{key}.xml.
func (p *Portal) DeleteKey(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a actor, cat *store.Catalog) (*builderxml.Doc, error) {
		app, err := accountApp(cat, a, c, "application_id")
		if err != nil {
			return nil, err
		}
		value := c.Path["key"]
		if !app.HasKey(value) {
			return nil, errNotFound
		}
		if err := t.DeleteKey(app.ID, value); err != nil {
			return nil, err
		}
		_, err = p.appWritten(t, a, app.ID, "key_deleted")
		return nil, err
	})
}

// ListReferrerFilters is GET …/applications/{application_id}/referrer_filters.xml.
func (p *Portal) ListReferrerFilters(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a actor, cat *store.Catalog) *Reply {
		app, err := accountApp(cat, a, c, "application_id")
		if err != nil {
			return notFound(c)
		}
		return ok(doc(func(d *builderxml.Doc) { referrerFiltersXML(d, app) }))
	})
}

var referrerRE = regexp.MustCompile(`^[a-zA-Z0-9*.\-]+$`)

// CreateReferrerFilter is POST …/referrer_filters.xml with referrer_filter;
// it answers with the application.
func (p *Portal) CreateReferrerFilter(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 201, func(t *store.Tx, a actor, cat *store.Catalog) (*builderxml.Doc, error) {
		app, err := accountApp(cat, a, c, "application_id")
		if err != nil {
			return nil, err
		}
		value := strings.TrimSpace(c.get("referrer_filter"))
		var errs problems
		switch {
		case value == "":
			errs.add("value", "can't be blank", "referrer filter can't be blank")
		case len(value) > 255:
			errs.add("value", "is too long (maximum is 255 characters)", "referrer filter is too long (maximum is 255 characters)")
		case !referrerRE.MatchString(value):
			errs.add("value", "is invalid", "referrer filter is invalid")
		}
		for _, f := range app.ReferrerFilters {
			if f.Value == value {
				errs.add("value", "has already been taken", "referrer filter has already been taken")
			}
		}
		if len(app.ReferrerFilters) >= 5 {
			errs.add("base", "Limit reached", "Limit reached")
		}
		if err := errs.err(); err != nil {
			return nil, err
		}
		if _, err := t.AddReferrerFilter(app.ID, value); err != nil {
			return nil, err
		}
		return p.appWritten(t, a, app.ID)
	})
}

// DeleteReferrerFilter is DELETE …/referrer_filters/{id}.xml, by the
// filter's id.
func (p *Portal) DeleteReferrerFilter(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a actor, cat *store.Catalog) (*builderxml.Doc, error) {
		app, err := accountApp(cat, a, c, "application_id")
		if err != nil {
			return nil, err
		}
		n, _ := c.pathID("id")
		for _, f := range app.ReferrerFilters {
			if f.ID == n {
				return nil, t.DeleteReferrerFilter(n)
			}
		}
		return nil, fmt.Errorf("referrer filter %d: %w", n, errNotFound)
	})
}
