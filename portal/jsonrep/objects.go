package jsonrep

import (
	"slices"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Account is AccountRepresenter of a developer account.
func Account(l Links, cat *store.Catalog, a *store.Account) Object {
	o := Object{{"id", a.ID}, {"created_at", Time(a.CreatedAt)}, {"updated_at", Time(a.UpdatedAt)},
		{"credit_card_stored", false}, {"monthly_billing_enabled", a.MonthlyBillingEnabled},
		{"monthly_charging_enabled", a.MonthlyChargingEnabled}, {"state", a.State},
		{"annotations", annotations(a.Annotations)},
		{"links", l.links(link{"self", "/accounts/" + id(a.ID)}, link{"users", "/accounts/" + id(a.ID) + "/users"})}}
	o.add("org_name", a.OrgName)
	fields(&o, a.Fields, providerOf(cat, a.ProviderID).AccountFields, store.OptionalAccountFields, a.ExtraFields)
	return wrap("account", o)
}

// User is UserRepresenter of a developer account's user.
func User(l Links, cat *store.Catalog, u *store.User) Object {
	acc := "/accounts/" + id(u.AccountID)
	o := Object{{"id", u.ID}, {"state", u.State}, {"role", u.Role}, {"created_at", Time(u.CreatedAt)},
		{"updated_at", Time(u.UpdatedAt)},
		{"links", l.links(link{"account", acc}, link{"self", acc + "/users/" + id(u.ID)})}}
	o.add("username", u.Username)
	o.add("email", u.Email)
	var defined []string
	if acc := cat.Account(u.AccountID); acc != nil {
		defined = providerOf(cat, acc.ProviderID).UserFields
	}
	fields(&o, u.Fields, defined, store.OptionalUserFields, u.ExtraFields)
	return wrap("user", o)
}

// Application is CinstanceRepresenter.
func Application(l Links, cat *store.Catalog, a *store.Application) Object {
	la := cat.LinkApplication(a)
	acc := "/accounts/" + id(a.AccountID)
	self := acc + "/applications/" + id(a.ID)
	svc := "/services/" + a.ServiceID
	o := Object{{"id", a.ID}, {"state", a.State}, {"enabled", a.Live()}, {"created_at", Time(a.CreatedAt)},
		{"updated_at", Time(a.UpdatedAt)}, {"service_id", serviceID(a.ServiceID)}, {"service_name", la.Service.Name},
		{"plan_id", a.PlanID}, {"plan_name", la.Plan.Name}, {"account_id", a.AccountID}, {"org_name", la.Account.OrgName},
		{"first_traffic_at", timeOrNil(a.FirstTrafficAt())}, {"first_daily_traffic_at", timeOrNil(a.FirstDailyTrafficAt())}}
	switch la.Service.BackendVersion {
	case "1":
		o.add("user_key", a.UserKey)
		o.add("provider_verification_key", a.ProviderVerificationKey)
	case "oauth":
		o.add("application_id", a.AppID)
		o.add("redirect_url", nilIfEmpty(a.RedirectURL))
		o.add("client_id", a.AppID)
		var secret any
		if len(a.Keys) > 0 {
			secret = a.Keys[0].Value
		}
		o.add("client_secret", secret)
	default:
		o.add("application_id", a.AppID)
	}
	o.add("links", l.links(link{"self", self}, link{"service", svc}, link{"account", acc},
		link{"plan", svc + "/application_plans/" + id(a.PlanID)}, link{"keys", self + "/keys"},
		link{"referrer_filters", self + "/referrer_filters"}))
	if a.Name != "" {
		o.add("name", a.Name)
	}
	if a.Description != "" {
		o.add("description", a.Description)
	}
	fields(&o, nil, providerOf(cat, la.Account.ProviderID).ApplicationFields, nil, a.ExtraFields)
	return wrap("application", o)
}

// providerOf is the provider of an id, or an empty one (a provider
// defines its fields; an object of none has none).
func providerOf(cat *store.Catalog, id int64) *store.Provider {
	if p := cat.Provider(id); p != nil {
		return p
	}
	return &store.Provider{}
}

// serviceID writes a service id as porta's integer ids are written: a
// number, unless the fixture gave one that is not.
func serviceID(s string) any {
	n := int64(0)
	for _, r := range s {
		if r < '0' || r > '9' || n > (1<<62)/10 {
			return s
		}
		n = n*10 + int64(r-'0')
	}
	if s == "" || (len(s) > 1 && s[0] == '0') {
		return s
	}
	return n
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Keys is ApplicationKeysRepresenter of an application's keys.
func Keys(l Links, cat *store.Catalog, a *store.Application) Object {
	app := "/accounts/" + id(a.AccountID) + "/applications/" + id(a.ID)
	var items []Object
	for _, k := range a.Keys {
		items = append(items, wrap("key", Object{{"value", k.Value}, {"created_at", Time(k.CreatedAt)},
			{"updated_at", Time(k.CreatedAt)}, {"links", l.links(link{"application", app})}}))
	}
	return List("keys", items, nil)
}

// ReferrerFilters is ReferrerFiltersRepresenter of an application's
// filters.
func ReferrerFilters(l Links, cat *store.Catalog, a *store.Application) Object {
	app := "/accounts/" + id(a.AccountID) + "/applications/" + id(a.ID)
	var items []Object
	for _, f := range a.ReferrerFilters {
		items = append(items, wrap("referrer_filter", Object{{"id", f.ID}, {"value", f.Value},
			{"created_at", Time(f.CreatedAt)}, {"updated_at", Time(f.CreatedAt)},
			{"links", l.links(link{"application", app})}}))
	}
	return List("referrer_filters", items, nil)
}

// plan is PlanRepresenter's properties.
func plan(p *store.Plan) Object {
	var trial int64
	if p.TrialPeriodDays != nil {
		trial = *p.TrialPeriodDays
	}
	return Object{{"id", p.ID}, {"name", p.Name}, {"state", p.State}, {"setup_fee", money(p.SetupFee)},
		{"cost_per_month", money(p.CostPerMonth)}, {"trial_period_days", trial},
		{"cancellation_period", p.CancellationPeriod}, {"approval_required", p.ApprovalRequired},
		{"default", p.Default}, {"created_at", Time(p.CreatedAt)}, {"updated_at", Time(p.UpdatedAt)}}
}

// Plan writes a plan of any type with its type's representer.
func Plan(l Links, cat *store.Catalog, p *store.Plan) Object {
	switch p.Type {
	case store.AccountPlan:
		return AccountPlan(l, cat, p)
	case store.ServicePlan:
		return ServicePlan(l, cat, p)
	}
	return ApplicationPlan(l, cat, p)
}

// ApplicationPlan is ApplicationPlanRepresenter.
func ApplicationPlan(l Links, cat *store.Catalog, p *store.Plan) Object {
	o := plan(p)
	svc := "/services/" + p.ServiceID
	o.add("custom", p.Custom())
	o.add("system_name", p.SystemName)
	o.add("links", l.links(link{"service", svc}, link{"self", svc + "/application_plans/" + id(p.ID)}))
	return wrap("application_plan", o)
}

// AccountPlan is AccountPlanRepresenter.
func AccountPlan(l Links, cat *store.Catalog, p *store.Plan) Object {
	return wrap("account_plan", plan(p))
}

// ServicePlan is ServicePlanRepresenter.
func ServicePlan(l Links, cat *store.Catalog, p *store.Plan) Object {
	o := plan(p)
	svc := "/services/" + p.ServiceID
	o.add("links", l.links(link{"service", svc}, link{"self", svc + "/service_plans/" + id(p.ID)}))
	return wrap("service_plan", o)
}

// Service is ServiceRepresenter.
func Service(l Links, cat *store.Catalog, s *store.Service) Object {
	svc := "/services/" + s.ID
	o := Object{{"id", serviceID(s.ID)}, {"name", s.Name}, {"state", s.PortaState()}, {"system_name", s.SystemName},
		{"backend_version", s.BackendVersion}, {"deployment_option", s.DeploymentOption},
		{"support_email", s.ContactEmail()}}
	if s.Description != "" {
		o.add("description", s.Description)
	}
	o = append(o, Object{{"intentions_required", s.IntentionsRequired}, {"buyers_manage_apps", s.BuyersManageApps},
		{"buyers_manage_keys", s.BuyersManageKeys}, {"referrer_filters_required", s.ReferrerFiltersRequired},
		{"custom_keys_enabled", s.CustomKeysEnabled}, {"buyer_key_regenerate_enabled", s.BuyerKeyRegenerateEnabled},
		{"mandatory_app_key", s.MandatoryAppKey}, {"buyer_can_select_plan", s.BuyerCanSelectPlan},
		{"buyer_plan_change_permission", s.BuyerPlanChangePermission}, {"annotations", Object{}},
		{"created_at", Time(s.CreatedAt)}, {"updated_at", Time(s.UpdatedAt)},
		{"links", l.links(link{"metrics", svc + "/metrics"}, link{"self", svc}, link{"service_plans", svc + "/service_plans"},
			link{"application_plans", svc + "/application_plans"}, link{"features", svc + "/features"})}}...)
	return wrap("service", o)
}

func optText(o *Object, key, v string) {
	if v != "" {
		o.add(key, v)
	}
}

func metricTimes(o *Object, m *store.Metric) {
	o.add("created_at", Time(m.CreatedAt))
	o.add("updated_at", Time(m.UpdatedAt))
}

// Metric is MetricRepresenter: a metric, or a method listed among the
// service's metrics (with its parent_id).
func Metric(l Links, cat *store.Catalog, m *store.Metric) Object {
	svc := "/services/" + m.ServiceID
	o := Object{{"id", m.ID}, {"name", m.Name}, {"system_name", m.Name}, {"friendly_name", m.FriendlyName}}
	optText(&o, "description", m.Description)
	optText(&o, "unit", m.Unit)
	if m.ParentID != 0 {
		o.add("parent_id", m.ParentID)
	}
	metricTimes(&o, m)
	o.add("links", l.links(link{"service", svc}, link{"self", svc + "/metrics/" + id(m.ID)}))
	return wrap("metric", o)
}

// Method is MethodRepresenter.
func Method(l Links, cat *store.Catalog, m *store.Metric) Object {
	parent := "/services/" + m.ServiceID + "/metrics/" + id(m.ParentID)
	o := Object{{"id", m.ID}, {"name", m.Name}, {"system_name", m.Name}, {"friendly_name", m.FriendlyName}}
	optText(&o, "description", m.Description)
	o.add("parent_id", m.ParentID)
	metricTimes(&o, m)
	o.add("links", l.links(link{"parent", parent}, link{"self", parent + "/methods/" + id(m.ID)}))
	return wrap("method", o)
}

// metricPath is MetricLinksRepresenter's link to a limit's metric.
func metricPath(m *store.Metric) string {
	if m.ParentID != 0 {
		return "/services/" + m.ServiceID + "/metrics/" + id(m.ParentID) + "/methods/" + id(m.ID)
	}
	return "/services/" + m.ServiceID + "/metrics/" + id(m.ID)
}

// Limit is UsageLimitRepresenter.
func Limit(l Links, cat *store.Catalog, u store.Limit) Object {
	planPath := "/services/" + u.Plan.ServiceID + "/application_plans/" + id(u.Plan.ID)
	if u.Plan.Type == store.AccountPlan {
		planPath = "/account_plans/" + id(u.Plan.ID)
	}
	o := Object{{"id", u.ID}, {"period", u.Period.String()}, {"value", u.Value}, {"metric_id", u.Metric.ID},
		{"plan_id", u.Plan.ID}, {"created_at", Time(u.CreatedAt)}, {"updated_at", Time(u.UpdatedAt)},
		{"links", l.links(link{"metric", metricPath(u.Metric)},
			link{"self", "/application_plans/" + id(u.Plan.ID) + "/metrics/" + id(u.Metric.ID) + "/limits/" + id(u.ID)},
			link{"plan", planPath})}}
	return wrap("limit", o)
}

// Message is MessageRepresenter. A message that was never stored has a
// nil id, left out.
func Message(l Links, cat *store.Catalog, m *store.Message) Object {
	var o Object
	if m.ID != 0 {
		o.add("id", m.ID)
	}
	optText(&o, "body", m.Body)
	optText(&o, "subject", m.Subject)
	o.add("state", m.State)
	if !m.CreatedAt.IsZero() {
		o.add("created_at", Time(m.CreatedAt))
		o.add("updated_at", Time(m.CreatedAt))
	}
	return wrap("message", o)
}

// ServiceSubscription is ServiceSubscriptionRepresenter of a service
// contract. paid_until is Contract#paid_until (the trial's end, else the
// creation) and the trial ends trial_period_days after the creation, as
// porta sets them when nothing was billed; accepted_at, set when a
// pending subscription is accepted, is not kept by the sandbox.
func ServiceSubscription(l Links, cat *store.Catalog, c *store.ServiceContract) Object {
	trialEnd := c.CreatedAt
	plan := cat.Plan(c.PlanID)
	if plan != nil && plan.TrialPeriodDays != nil {
		trialEnd = trialEnd.Add(time.Duration(*plan.TrialPeriodDays) * 24 * time.Hour)
	}
	var provider int64
	if plan != nil {
		provider = plan.ProviderID
	}
	return wrap("service_subscription", Object{{"id", c.ID}, {"plan_id", c.PlanID}, {"user_account_id", c.AccountID},
		{"created_at", Time(c.CreatedAt)}, {"updated_at", Time(c.UpdatedAt)}, {"state", c.State},
		{"paid_until", Time(trialEnd)}, {"trial_period_expires_at", Time(trialEnd)}, {"setup_fee", "0.0"},
		{"type", "ServiceContract"}, {"variable_cost_paid_until", Time(trialEnd)}, {"tenant_id", provider},
		{"service_id", serviceID(c.ServiceID)}})
}

// Settings is SettingsRepresenter: hide_service is null, and so left out,
// until it is set.
func Settings(l Links, cat *store.Catalog, prov *store.Provider) Object {
	st := prov.Settings
	o := Object{{"useraccountarea_enabled", st.UserAccountAreaEnabled}}
	if st.HideService {
		o.add("hide_service", true)
	}
	o = append(o, Object{
		{"signups_enabled", st.SignupsEnabled},
		{"account_approval_required", prov.AccountApprovalRequired()},
		{"public_search", st.PublicSearch},
		{"account_plans_ui_visible", st.AccountPlansUIVisible},
		{"change_account_plan_permission", st.ChangeAccountPlanPermission},
		{"service_plans_ui_visible", st.ServicePlansUIVisible},
		{"change_service_plan_permission", st.ChangeServicePlanPermission},
		{"enforce_sso", st.EnforceSSO},
	}...)
	return wrap("settings", o)
}

// Webhook is WebHookRepresenter: its switches in the order of the
// web_hooks table's columns (events, porta's switchable attributes).
func Webhook(l Links, cat *store.Catalog, prov *store.Provider, events []string) Object {
	w := prov.Webhooks
	var o Object
	if w.URL != "" {
		o.add("url", w.URL)
	}
	o = append(o, Field{"active", w.Active}, Field{"provider_actions", w.ProviderActions})
	for _, e := range events {
		o.add(e+"_on", slices.Contains(w.Events, e))
	}
	return wrap("webhook", o)
}

// Failure is one of WebHookFailuresRepresenter's items; event is the
// event's XML document.
type Failure struct {
	ID    string
	Time  time.Time
	Error string
	URL   string
	Event string
}

// Failures is WebHookFailuresRepresenter.
func Failures(l Links, cat *store.Catalog, fs []Failure) Object {
	var items []Object
	for _, f := range fs {
		items = append(items, wrap("webhooks-failure", Object{{"id", f.ID}, {"time", Time(f.Time)}, {"error", f.Error},
			{"url", f.URL}, {"event", f.Event}}))
	}
	return List("webhooks-failures", items, nil)
}
