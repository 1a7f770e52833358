// Package xmlrep writes porta's objects as porta's to_xml methods write
// them: accounts, users, applications, keys, referrer filters, plans,
// services, metrics, limits and messages, and the webhook event that
// carries one of them. Element names and order come from porta's
// cinstance.rb, plan.rb, service.rb, metric.rb, usage_limit.rb,
// application_key.rb, account.rb, user.rb and web_hook/event.rb.
//
// It is a leaf over store's types: the Account Management API face
// (portal/api) answers with these documents, and the account-management
// domain (portal/porta) queues them as webhook payloads. It imports no
// other package of portal and knows no HTTP.
package xmlrep

import (
	"strconv"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Time is Ruby's Time#xmlschema in UTC.
func Time(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// rubyTime is Ruby's Time#to_s in UTC, which keys and referrer filters use.
func rubyTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }

func id(n int64) string { return strconv.FormatInt(n, 10) }

func boolText(b bool) string { return strconv.FormatBool(b) }

// timestamps writes id, created_at and updated_at.
func timestamps(d *builderxml.Doc, n int64, created, updated time.Time) {
	d.Text("id", id(n)).Text("created_at", Time(created)).Text("updated_at", Time(updated))
}

// fieldsXML writes the builtin fields that have a value, in order.
func fieldsXML(d *builderxml.Doc, fs store.Fields, names []string) {
	for _, n := range names {
		if v, ok := fs.Get(n); ok && v != "" {
			d.Text(n, v)
		}
	}
}

// extraFieldsXML writes <extra_fields>: every extra field with a value.
func extraFieldsXML(d *builderxml.Doc, fs store.Fields) {
	d.Open("extra_fields")
	for _, f := range fs {
		if f.Value != "" {
			d.Text(f.Name, f.Value)
		}
	}
	d.Close("extra_fields")
}

// annotationsXML writes <annotations>, one element per annotation.
func annotationsXML(d *builderxml.Doc, fs store.Fields) {
	d.Open("annotations")
	for _, f := range fs {
		d.Text(f.Name, f.Value)
	}
	d.Close("annotations")
}

// Plan writes a plan of any type. Application plans say whether they
// are custom and default; the others only carry default="true" when they
// are the default.
func Plan(d *builderxml.Doc, _ *store.Catalog, p *store.Plan) {
	switch {
	case p.Type == store.ApplicationPlan:
		d.Open("plan", "custom", boolText(p.Custom()), "default", boolText(p.Default))
	case p.Default:
		d.Open("plan", "default", "true")
	default:
		d.Open("plan")
	}
	d.Text("id", id(p.ID)).Text("name", p.Name).Text("type", p.Type).Text("state", p.State).
		Text("approval_required", boolText(p.ApprovalRequired)).Text("setup_fee", p.SetupFee).
		Text("cost_per_month", p.CostPerMonth)
	if p.TrialPeriodDays == nil {
		d.Nil("trial_period_days")
	} else {
		d.Text("trial_period_days", id(*p.TrialPeriodDays))
	}
	d.Text("cancellation_period", id(p.CancellationPeriod))
	if p.Service != nil {
		d.Text("service_id", p.Service.ID)
	}
	d.Close("plan")
}

// Metric writes a metric, or a method (a metric with a parent).
func Metric(d *builderxml.Doc, _ *store.Catalog, m *store.Metric) {
	root := "metric"
	if m.Parent != nil {
		root = "method"
	}
	d.Open(root).Text("id", id(m.ID)).Text("name", m.Name).Text("system_name", m.Name).
		Text("friendly_name", m.FriendlyName).Text("service_id", m.Service.ID).Opt("description", m.Description)
	if m.Parent != nil {
		d.Text("metric_id", id(m.Parent.ID))
	} else {
		d.Text("unit", m.Unit)
	}
	d.Close(root)
}

func Limit(d *builderxml.Doc, _ *store.Catalog, l store.Limit) {
	d.Open("limit").Text("id", id(l.ID)).Text("metric_id", id(l.Metric.ID)).Text("plan_id", id(l.Plan.ID)).
		Text("period", l.Period.String()).Text("value", strconv.FormatInt(l.Value, 10)).Close("limit")
}

func Service(d *builderxml.Doc, _ *store.Catalog, s *store.Service) {
	d.Open("service").Text("id", s.ID).Text("account_id", id(s.Provider.ID)).Text("name", s.Name).
		Text("state", s.PortaState()).Text("system_name", s.SystemName).Text("backend_version", s.BackendVersion).
		Opt("description", s.Description).
		Text("intentions_required", boolText(s.IntentionsRequired)).
		Text("buyers_manage_apps", boolText(s.BuyersManageApps)).
		Text("buyers_manage_keys", boolText(s.BuyersManageKeys)).
		Text("referrer_filters_required", boolText(s.ReferrerFiltersRequired)).
		Text("custom_keys_enabled", boolText(s.CustomKeysEnabled)).
		Text("buyer_key_regenerate_enabled", boolText(s.BuyerKeyRegenerateEnabled)).
		Text("mandatory_app_key", boolText(s.MandatoryAppKey)).
		Text("buyer_can_select_plan", boolText(s.BuyerCanSelectPlan)).
		Text("buyer_plan_change_permission", s.BuyerPlanChangePermission)
	annotationsXML(d, nil)
	d.Text("deployment_option", s.DeploymentOption).Text("support_email", s.ContactEmail())
	d.Open("metrics")
	for _, m := range s.Metrics {
		Metric(d, nil, m)
	}
	d.Close("metrics").Close("service")
}

// applicationXML writes an application; destroyed leaves out what porta
// cannot write after the row is gone (keys, fields, referrer filters).
func applicationXML(d *builderxml.Doc, cat *store.Catalog, a *store.Application, destroyed bool) {
	svc := cat.Service(a.ServiceID)
	d.Open("application")
	timestamps(d, a.ID, a.CreatedAt, a.UpdatedAt)
	d.Text("state", a.State).Text("user_account_id", id(a.AccountID))
	optTime(d, "first_traffic_at", a.FirstTrafficAt())
	optTime(d, "first_daily_traffic_at", a.FirstDailyTrafficAt())
	d.Text("service_id", a.ServiceID)
	if svc.BackendVersion == "1" {
		d.Text("user_key", a.UserKey).Text("provider_verification_key", a.ProviderVerificationKey)
	} else {
		d.Text("application_id", a.AppID)
		if svc.BackendVersion == "oauth" {
			d.Opt("redirect_url", a.RedirectURL)
		}
		if !destroyed {
			d.Open("keys")
			for _, k := range a.Keys {
				d.Text("key", k.Value)
			}
			d.Close("keys")
		}
	}
	Plan(d, cat, cat.Plan(a.PlanID))
	if !destroyed {
		if a.Name != "" {
			d.Text("name", a.Name)
		}
		if a.Description != "" {
			d.Text("description", a.Description)
		}
		extraFieldsXML(d, a.ExtraFields)
		if svc.ReferrerFiltersRequired {
			d.Open("referrer_filters")
			for _, f := range a.ReferrerFilters {
				d.Text("referrer_filter", f.Value)
			}
			d.Close("referrer_filters")
		}
	}
	d.Close("application")
}

func optTime(d *builderxml.Doc, name string, t *time.Time) {
	if t == nil {
		d.Nil(name)
		return
	}
	d.Text(name, Time(*t))
}

// Keys writes the key list, whose times are Ruby's Time#to_s. Lists, like
// porta's Api::Collection, are <keys></keys> when empty.
func Keys(d *builderxml.Doc, _ *store.Catalog, a *store.Application) {
	d.Open("keys")
	for _, k := range a.Keys {
		t := rubyTime(k.CreatedAt)
		d.Open("key").Text("value", k.Value).Text("updated_at", t).Text("created_at", t).Close("key")
	}
	d.Close("keys")
}

func ReferrerFilters(d *builderxml.Doc, _ *store.Catalog, a *store.Application) {
	d.Open("referrer_filters")
	for _, f := range a.ReferrerFilters {
		t := rubyTime(f.CreatedAt)
		d.Open("referrer_filter").Text("value", f.Value).Text("id", id(f.ID)).Text("updated_at", t).
			Text("created_at", t).Close("referrer_filter")
	}
	d.Close("referrer_filters")
}

// definedBuiltins returns the optional builtin fields a provider defined,
// in its order.
func definedBuiltins(defined, optional []string) []string {
	var out []string
	for _, n := range defined {
		for _, o := range optional {
			if n == o {
				out = append(out, n)
			}
		}
	}
	return out
}

// accountOptions say which parts of an account document to write.
type accountOptions struct {
	destroyed bool // the deleted event's short form
	withApps  bool // the signup response lists the applications
}

func accountXML(d *builderxml.Doc, cat *store.Catalog, a *store.Account, o accountOptions) {
	d.Open("account")
	timestamps(d, a.ID, a.CreatedAt, a.UpdatedAt)
	d.Text("state", a.State)
	if o.destroyed {
		annotationsXML(d, nil)
		d.Close("account")
		return
	}
	annotationsXML(d, a.Annotations)
	if a.OrgName != "" {
		d.Text("org_name", a.OrgName)
	}
	fieldsXML(d, a.Fields, definedBuiltins(cat.Provider(a.ProviderID).AccountFields, store.OptionalAccountFields))
	extraFieldsXML(d, a.ExtraFields)
	if a.State != "suspended" {
		d.Text("monthly_billing_enabled", boolText(a.MonthlyBillingEnabled)).
			Text("monthly_charging_enabled", boolText(a.MonthlyChargingEnabled))
	}
	d.Text("credit_card_stored", "false")
	d.Open("plans")
	for _, p := range boughtPlans(cat, a) {
		Plan(d, cat, p)
	}
	d.Close("plans")
	if len(a.Users) == 0 {
		d.Nil("users")
	} else {
		d.Open("users")
		for _, u := range a.Users {
			userXML(d, cat, u, false)
		}
		d.Close("users")
	}
	if o.withApps {
		if len(a.Applications) == 0 {
			d.Nil("applications")
		} else {
			d.Open("applications")
			for _, app := range a.Applications {
				applicationXML(d, cat, app, false)
			}
			d.Close("applications")
		}
	}
	d.Close("account")
}

// boughtPlans are the plans of an account's contracts, each once: its
// account plan, its service plans, its applications' plans.
func boughtPlans(cat *store.Catalog, a *store.Account) []*store.Plan {
	var out []*store.Plan
	seen := map[int64]bool{}
	add := func(p *store.Plan) {
		if p != nil && !seen[p.ID] {
			seen[p.ID] = true
			out = append(out, p)
		}
	}
	add(cat.Plan(a.PlanID))
	for _, c := range a.Contracts {
		add(cat.Plan(c.PlanID))
	}
	for _, app := range a.Applications {
		add(cat.Plan(app.PlanID))
	}
	return out
}

func userXML(d *builderxml.Doc, cat *store.Catalog, u *store.User, destroyed bool) {
	d.Open("user")
	timestamps(d, u.ID, u.CreatedAt, u.UpdatedAt)
	d.Text("account_id", id(u.AccountID)).Text("state", u.State).Text("role", u.Role)
	if !destroyed {
		if u.Username != "" {
			d.Text("username", u.Username)
		}
		if u.Email != "" {
			d.Text("email", u.Email)
		}
		fieldsXML(d, u.Fields, definedBuiltins(cat.Provider(cat.Account(u.AccountID).ProviderID).UserFields, store.OptionalUserFields))
		extraFieldsXML(d, u.ExtraFields)
	}
	d.Close("user")
}

// Message writes a message. A message that was never stored (a refused
// delivery) has a nil id, and its subject may be empty.
func Message(d *builderxml.Doc, _ *store.Catalog, m *store.Message) {
	d.Open("message")
	if m.ID == 0 {
		d.Nil("id").Opt("body", m.Body).Opt("subject", m.Subject)
	} else {
		d.Text("id", id(m.ID)).Opt("body", m.Body).Text("subject", m.Subject)
	}
	d.Text("state", m.State).Close("message")
}

// Application writes an application as GET …/applications/{id}.xml does.
func Application(d *builderxml.Doc, cat *store.Catalog, a *store.Application) {
	applicationXML(d, cat, a, false)
}

// Account writes a developer account with its plans and users.
func Account(d *builderxml.Doc, cat *store.Catalog, a *store.Account) {
	accountXML(d, cat, a, accountOptions{})
}

// SignupAccount is the account as the signup answers it: with its
// applications.
func SignupAccount(d *builderxml.Doc, cat *store.Catalog, a *store.Account) {
	accountXML(d, cat, a, accountOptions{withApps: true})
}

// User writes a user of a developer account.
func User(d *builderxml.Doc, cat *store.Catalog, u *store.User) { userXML(d, cat, u, false) }

// Writer writes one object. The developer side's objects name their
// provider, service and plans by id: the writer finds them in cat, the
// catalog the object was read from (or a later one).
type Writer[T any] func(d *builderxml.Doc, cat *store.Catalog, v T)

// Doc writes one object as a whole document.
func Doc[T any](write Writer[T], cat *store.Catalog, v T) *builderxml.Doc {
	d := builderxml.New()
	write(d, cat, v)
	return d
}

// Fragment writes one object without a declaration, to embed it.
func Fragment[T any](write Writer[T], cat *store.Catalog, v T) []byte {
	d := builderxml.Fragment()
	write(d, cat, v)
	return d.Bytes()
}

// EventObject is what a webhook event carries.
type EventObject interface {
	*store.Account | *store.User | *store.Application
}

// Event is porta's WebHook::Event#to_xml: the action, the object's type
// and the object, written as its GET writes it, or in the short form of a
// destroyed record when the action is "deleted". It returns the type
// (account, user or application) with the document.
func Event[T EventObject](cat *store.Catalog, action string, obj T) (typ string, body []byte) {
	deleted := action == "deleted"
	object := builderxml.Fragment()
	switch o := any(obj).(type) {
	case *store.Application:
		typ = "application"
		applicationXML(object, cat, o, deleted)
	case *store.Account:
		typ = "account"
		accountXML(object, cat, o, accountOptions{destroyed: deleted})
	case *store.User:
		typ = "user"
		userXML(object, cat, o, deleted)
	}
	return typ, builderxml.New().Open("event").Text("action", action).Text("type", typ).Open("object").
		Raw(object.Bytes()).Close("object").Close("event").Bytes()
}
