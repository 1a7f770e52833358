package api

import (
	"cmp"
	"context"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
	"github.com/threescale-sandbox/threescale-sandbox/period"
	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/xmlrep"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Services, application plans, metrics, methods and limits: what porta
// syncs to the backend, so every change here is what authorize checks next.

// service finds a service of the caller's provider by a route id.
func service(cat *store.Catalog, a porta.Actor, c *Call, name string) (*store.Service, error) {
	s := cat.Service(c.Path[name])
	if s == nil || s.ProviderID != a.Provider.ID {
		return nil, errNotFound
	}
	return s, nil
}

// ListServices is GET /admin/api/services.xml, paginated.
func (p *API) ListServices(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		svcs := provider(cat, a).Services
		return ok(page(c, "services", svcs, xmlrep.Service))
	})
}

// ShowService is GET /admin/api/services/{id}.xml.
func (p *API) ShowService(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		s, err := service(cat, a, c, "id")
		if err != nil {
			return notFound(c)
		}
		return ok(doc(func(d *builderxml.Doc) { xmlrep.Service(d, s) }))
	})
}

var emailFormat = regexp.MustCompile(`(?i)^['\w.%+\-]+@(?:[A-Z0-9\-]+\.)+[A-Za-z]{2,63}$`)

// UpdateService is PUT /admin/api/services/{id}.xml (service[...] or
// flat). The system_name is fixed at creation; a new backend_version
// changes how authorize identifies applications at once.
func (p *API) UpdateService(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
		s, err := service(cat, a, c, "id")
		if err != nil {
			return nil, err
		}
		rec := s.ServiceRecord
		get := func(name string) (string, bool) { return c.Params.Wrapped("service", name) }
		for _, f := range []struct {
			name string
			to   *string
		}{{"name", &rec.Name}, {"description", &rec.Description}, {"support_email", &rec.SupportEmail},
			{"buyer_plan_change_permission", &rec.BuyerPlanChangePermission}} {
			if v, given := get(f.name); given {
				*f.to = strings.TrimSpace(v)
			}
		}
		for _, f := range []struct {
			name string
			to   *bool
		}{{"intentions_required", &rec.IntentionsRequired}, {"buyers_manage_apps", &rec.BuyersManageApps},
			{"referrer_filters_required", &rec.ReferrerFiltersRequired}, {"buyer_can_select_plan", &rec.BuyerCanSelectPlan},
			{"buyers_manage_keys", &rec.BuyersManageKeys}, {"buyer_key_regenerate_enabled", &rec.BuyerKeyRegenerateEnabled},
			{"mandatory_app_key", &rec.MandatoryAppKey}, {"custom_keys_enabled", &rec.CustomKeysEnabled}} {
			if v, given := get(f.name); given {
				*f.to = params.Cast(v)
			}
		}
		var errs problems
		if v, given := get("backend_version"); given {
			switch v {
			case "1", "2", "oauth":
				rec.BackendVersion = v
			default:
				errs.add("backend_version", "is not included in the list", "Backend version is not included in the list")
			}
		}
		if v, given := get("deployment_option"); given && v != "hosted" {
			errs.add("deployment_option", "is not included in the list", "Deployment option is not included in the list")
		}
		if rec.Name == "" {
			errs.add("name", "can't be blank", "Name can't be blank")
		}
		if rec.SupportEmail != "" && !emailFormat.MatchString(rec.SupportEmail) {
			errs.add("support_email", "should look like an email address", "Support email should look like an email address")
		}
		if err := errs.err(); err != nil {
			return nil, err
		}
		if err := t.SaveService(&rec); err != nil {
			return nil, err
		}
		if cat, err = t.Catalog(); err != nil {
			return nil, err
		}
		return doc(func(d *builderxml.Doc) { xmlrep.Service(d, cat.Service(rec.ID)) }), nil
	})
}

// plan finds an application plan of a service by the route ids.
func appPlan(cat *store.Catalog, a porta.Actor, c *Call) (*store.Service, *store.Plan, error) {
	s, err := service(cat, a, c, "service_id")
	if err != nil {
		return nil, nil, err
	}
	n, _ := c.pathID("id")
	pl := cat.Plan(n)
	if pl == nil || pl.Type != store.ApplicationPlan || pl.ServiceID != s.ID {
		return nil, nil, errNotFound
	}
	return s, pl, nil
}

// ListServicePlans is GET /admin/api/services/{service_id}/application_plans.xml,
// customized plans included.
func (p *API) ListServicePlans(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		s, err := service(cat, a, c, "service_id")
		if err != nil {
			return notFound(c)
		}
		d := builderxml.New().Open("plans")
		for _, pl := range s.Plans {
			xmlrep.Plan(d, pl)
		}
		return ok(d.Close("plans"))
	})
}

// ListAllPlans is GET /admin/api/application_plans.xml: every application
// plan of the provider, in id order.
func (p *API) ListAllPlans(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		var plans []*store.Plan
		for _, s := range provider(cat, a).Services {
			plans = append(plans, s.Plans...)
		}
		slices.SortFunc(plans, func(a, b *store.Plan) int { return cmp.Compare(a.ID, b.ID) })
		d := builderxml.New().Open("plans")
		for _, pl := range plans {
			xmlrep.Plan(d, pl)
		}
		return ok(d.Close("plans"))
	})
}

// ShowPlan is GET /admin/api/services/{service_id}/application_plans/{id}.xml.
func (p *API) ShowPlan(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		_, pl, err := appPlan(cat, a, c)
		if err != nil {
			return notFound(c)
		}
		return ok(doc(func(d *builderxml.Doc) { xmlrep.Plan(d, pl) }))
	})
}

var systemNameRE = regexp.MustCompile(`^\w[\w\-/]+$`)

// parameterize is Rails' name.parameterize.underscore, which makes porta's
// system names: lower case, runs of other characters as one "_".
func parameterize(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(r)
			continue
		}
		sep = true
	}
	return b.String()
}

// money reads a decimal as porta's BigDecimal columns keep it and prints it
// as BigDecimal#to_s does: 0.0, 25.0, 10.5.
func money(s string) (string, bool) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok {
		return "", false
	}
	if r.Sign() < 0 {
		return "-", true
	}
	out := r.FloatString(2)
	out = strings.TrimRight(out, "0")
	if strings.HasSuffix(out, ".") {
		out += "0"
	}
	return out, true
}

// planParams applies an application plan's parameters (application_plan[...]
// or flat) and validates them as Plan does.
func (p *API) planParams(c *Call, s *store.Service, rec *store.PlanRecord, create bool) error {
	get := func(name string) (string, bool) { return c.Params.Wrapped("application_plan", name) }
	var errs problems
	if v, given := get("name"); given {
		rec.Name = strings.TrimSpace(v)
	}
	if v, given := get("description"); given {
		rec.Description = v
	}
	if v, given := get("approval_required"); given {
		rec.ApprovalRequired = params.Cast(v)
	}
	if create {
		if v, given := get("system_name"); given {
			rec.SystemName = strings.TrimSpace(v)
		}
		if rec.SystemName == "" {
			rec.SystemName = parameterize(rec.Name)
		}
		if rec.SystemName == "" {
			suffix, err := p.hex(6)
			if err != nil {
				return err
			}
			rec.SystemName = "application_plan_" + suffix
		}
	}
	for _, f := range []struct {
		name, human string
		to          *string
	}{{"setup_fee", "Setup fee", &rec.SetupFee}, {"cost_per_month", "Cost per month", &rec.CostPerMonth}} {
		v, given := get(f.name)
		if !given {
			continue
		}
		m, ok := money(v)
		switch {
		case !ok:
			errs.add(f.name, "is not a number", f.human+" is not a number")
		case m == "-":
			errs.add(f.name, "must be greater than or equal to 0.0", f.human+" must be greater than or equal to 0.0")
		default:
			*f.to = m
		}
	}
	if v, given := get("trial_period_days"); given {
		if strings.TrimSpace(v) == "" {
			rec.TrialPeriodDays = nil
		} else if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err != nil {
			errs.add("trial_period_days", "is not a number", "Trial period days is not a number")
		} else if n < 0 {
			errs.add("trial_period_days", "must be greater than or equal to 0", "Trial period days must be greater than or equal to 0")
		} else {
			rec.TrialPeriodDays = &n
		}
	}
	if v, given := get("state_event"); given {
		switch {
		case v == "publish" && rec.State != "published":
			rec.State = "published"
		case v == "hide" && rec.State != "hidden":
			rec.State = "hidden"
		case v == "publish" || v == "hide":
			errs.add("state_event", "cannot transition when "+rec.State, "State event cannot transition when "+rec.State)
		default:
			errs.add("state_event", "is invalid", "State event is invalid")
		}
	}
	if rec.Name == "" {
		errs.add("name", "can't be blank", "Name can't be blank")
	}
	if len([]rune(rec.Name)) > 255 {
		errs.add("name", "is too long (maximum is 255 characters)", "Name is too long (maximum is 255 characters)")
	}
	if create {
		if !systemNameRE.MatchString(rec.SystemName) {
			errs.add("system_name", "is invalid", "System name is invalid")
		}
		for _, other := range s.Plans {
			if other.SystemName == rec.SystemName {
				errs.add("system_name", "has already been taken", "System name has already been taken")
			}
		}
	}
	return errs.err()
}

// planWritable reports whether the call holds any plan parameter; porta
// requires the application_plan parameter.
func planWritable(c *Call) bool {
	for _, n := range []string{"name", "state_event", "description", "approval_required", "trial_period_days",
		"cost_per_month", "setup_fee", "system_name"} {
		if _, given := c.Params.Wrapped("application_plan", n); given {
			return true
		}
	}
	return false
}

// missingParameter is Rails' ParameterMissing answer: plain text, 400.
func missingParameter(name string) error {
	return &replyErr{reply: &Reply{Status: 400, ContentType: contentText,
		Body: []byte("Required parameter missing: " + name)}}
}

// CreatePlan is POST /admin/api/services/{service_id}/application_plans.xml:
// a new plan is hidden (state_event=publish publishes it).
func (p *API) CreatePlan(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 201, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
		s, err := service(cat, a, c, "service_id")
		if err != nil {
			return nil, err
		}
		if !planWritable(c) {
			return nil, missingParameter("application_plan")
		}
		rec := store.PlanRecord{ProviderID: s.ProviderID, ServiceID: s.ID, Type: store.ApplicationPlan, State: "hidden",
			SetupFee: "0.0", CostPerMonth: "0.0"}
		if err := p.planParams(c, s, &rec, true); err != nil {
			return nil, err
		}
		if err := t.SavePlan(&rec); err != nil {
			return nil, err
		}
		return doc(func(d *builderxml.Doc) { xmlrep.Plan(d, mustPlan(t, rec.ID)) }), nil
	})
}

// UpdatePlan is PUT …/application_plans/{id}.xml; a renamed plan is what
// the status documents of its applications name next.
func (p *API) UpdatePlan(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
		s, pl, err := appPlan(cat, a, c)
		if err != nil {
			return nil, err
		}
		if !planWritable(c) {
			return nil, missingParameter("application_plan")
		}
		rec := pl.PlanRecord
		if err := p.planParams(c, s, &rec, false); err != nil {
			return nil, err
		}
		if err := t.SavePlan(&rec); err != nil {
			return nil, err
		}
		return doc(func(d *builderxml.Doc) { xmlrep.Plan(d, mustPlan(t, rec.ID)) }), nil
	})
}

// DeletePlan is DELETE …/application_plans/{id}.xml; a plan with
// applications, or whose customized copies have some, stays.
func (p *API) DeletePlan(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
		s, pl, err := appPlan(cat, a, c)
		if err != nil {
			return nil, err
		}
		for _, app := range s.Applications {
			if app.PlanID == pl.ID {
				return nil, fail("base", "This application plan cannot be deleted! At least one application depends on it.",
					"This application plan cannot be deleted! At least one application depends on it.")
			}
			if app.Plan.OriginalID == pl.ID {
				return nil, fail("base", "This application plan cannot be deleted!  At least one customized version of this application plan exists.",
					"This application plan cannot be deleted!  At least one customized version of this application plan exists.")
			}
		}
		return nil, t.DeletePlan(pl.ID)
	})
}

// DefaultPlan is PUT …/application_plans/{id}/default.xml: the plan (hidden
// or custom too) becomes the service's default.
func (p *API) DefaultPlan(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
		s, pl, err := appPlan(cat, a, c)
		if err != nil {
			return nil, err
		}
		for _, other := range s.Plans {
			if other.Default != (other.ID == pl.ID) {
				rec := other.PlanRecord
				rec.Default = other.ID == pl.ID
				if err := t.SavePlan(&rec); err != nil {
					return nil, err
				}
			}
		}
		return doc(func(d *builderxml.Doc) { xmlrep.Plan(d, mustPlan(t, pl.ID)) }), nil
	})
}

// metric finds a metric or method of a service by the route ids.
func metric(cat *store.Catalog, a porta.Actor, c *Call, name string) (*store.Service, *store.Metric, error) {
	s, err := service(cat, a, c, "service_id")
	if err != nil {
		return nil, nil, err
	}
	n, _ := c.pathID(name)
	m := cat.Metric(n)
	if m == nil || m.ServiceID != s.ID {
		return nil, nil, errNotFound
	}
	return s, m, nil
}

// ListMetrics is GET /admin/api/services/{service_id}/metrics.xml: the
// service's metrics and methods, in id order.
func (p *API) ListMetrics(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		s, err := service(cat, a, c, "service_id")
		if err != nil {
			return notFound(c)
		}
		d := builderxml.New().Open("metrics")
		for _, m := range s.Metrics {
			xmlrep.Metric(d, m)
		}
		return ok(d.Close("metrics"))
	})
}

// ShowMetric is GET …/metrics/{id}.xml.
func (p *API) ShowMetric(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		_, m, err := metric(cat, a, c, "id")
		if err != nil {
			return notFound(c)
		}
		return ok(doc(func(d *builderxml.Doc) { xmlrep.Metric(d, m) }))
	})
}

// metricParams applies a metric's or method's parameters (metric[...] or
// flat) and validates them as Metric does.
func (p *API) metricParams(c *Call, s *store.Service, rec *store.MetricRecord, create bool) error {
	get := func(name string) (string, bool) { return c.Params.Wrapped("metric", name) }
	if v, given := get("friendly_name"); given {
		rec.FriendlyName = strings.TrimSpace(v)
	}
	if v, given := get("description"); given {
		rec.Description = v
	}
	if v, given := get("unit"); given && rec.ParentID == 0 {
		rec.Unit = strings.TrimSpace(v)
	}
	if create {
		if v, given := get("system_name"); given {
			rec.Name = strings.TrimSpace(v)
		}
		if rec.Name == "" {
			rec.Name = parameterize(rec.FriendlyName)
		}
		if rec.Name == "" {
			suffix, err := p.hex(6)
			if err != nil {
				return err
			}
			rec.Name = "metric_" + suffix
		}
	}
	var errs problems
	if rec.ParentID == 0 && rec.Unit == "" {
		errs.add("unit", "can't be blank", "Unit can't be blank")
	}
	if rec.FriendlyName == "" {
		errs.add("friendly_name", "can't be blank", "Friendly name can't be blank")
	}
	for _, other := range s.Metrics {
		if other.ID == rec.ID {
			continue
		}
		if rec.FriendlyName != "" && other.FriendlyName == rec.FriendlyName {
			errs.add("friendly_name", "has already been taken", "Friendly name has already been taken")
		}
		if create && other.Name == rec.Name {
			errs.add("system_name", "has already been taken", "System name has already been taken")
		}
	}
	if create && rec.Name != "" && !systemNameRE.MatchString(rec.Name) {
		errs.add("system_name", "is invalid", "System name is invalid")
	}
	if rec.ParentID != 0 {
		if parent := s.Metric(parentName(s, rec.ParentID)); parent == nil || !hitsName.MatchString(parent.Name) {
			errs.add("parent_id", "You can only create methods under 'hits'", "Parent You can only create methods under 'hits'")
		}
	}
	return errs.err()
}

var hitsName = regexp.MustCompile(`^hits(\.\d+)?$`)

func parentName(s *store.Service, id int64) string {
	for _, m := range s.Metrics {
		if m.ID == id {
			return m.Name
		}
	}
	return ""
}

// metricWritable reports whether the call holds any metric parameter.
func metricWritable(c *Call) bool {
	for _, n := range []string{"friendly_name", "unit", "description", "system_name", "name"} {
		if _, given := c.Params.Wrapped("metric", n); given {
			return true
		}
	}
	return false
}

// CreateMetric is POST …/metrics.xml, and with a parent (a method) POST
// …/metrics/{metric_id}/methods.xml.
func (p *API) CreateMetric(method bool) Handler {
	return func(ctx context.Context, c *Call) *Reply {
		return p.change(ctx, c, 201, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
			s, err := service(cat, a, c, "service_id")
			if err != nil {
				return nil, err
			}
			rec := store.MetricRecord{ServiceID: s.ID}
			if method {
				_, parent, err := metric(cat, a, c, "metric_id")
				if err != nil {
					return nil, err
				}
				rec.ParentID = parent.ID
			}
			if !metricWritable(c) {
				return nil, missingParameter("metric")
			}
			if err := p.metricParams(c, s, &rec, true); err != nil {
				return nil, err
			}
			if err := t.SaveMetric(&rec); err != nil {
				return nil, err
			}
			cat, err = t.Catalog()
			if err != nil {
				return nil, err
			}
			return doc(func(d *builderxml.Doc) { xmlrep.Metric(d, cat.Metric(rec.ID)) }), nil
		})
	}
}

// method finds a method of a metric by the route ids.
func method(cat *store.Catalog, a porta.Actor, c *Call) (*store.Service, *store.Metric, error) {
	s, parent, err := metric(cat, a, c, "metric_id")
	if err != nil {
		return nil, nil, err
	}
	n, _ := c.pathID("id")
	m := cat.Metric(n)
	if m == nil || m.ParentID != parent.ID {
		return nil, nil, errNotFound
	}
	return s, m, nil
}

// ListMethods is GET …/metrics/{metric_id}/methods.xml.
func (p *API) ListMethods(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		_, parent, err := metric(cat, a, c, "metric_id")
		if err != nil {
			return notFound(c)
		}
		d := builderxml.New().Open("methods")
		for _, m := range parent.Children {
			xmlrep.Metric(d, m)
		}
		return ok(d.Close("methods"))
	})
}

// ShowMethod is GET …/metrics/{metric_id}/methods/{id}.xml.
func (p *API) ShowMethod(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		_, m, err := method(cat, a, c)
		if err != nil {
			return notFound(c)
		}
		return ok(doc(func(d *builderxml.Doc) { xmlrep.Metric(d, m) }))
	})
}

// UpdateMetric is PUT …/metrics/{id}.xml or …/methods/{id}.xml: the
// friendly name, unit and description; the system name is fixed.
func (p *API) UpdateMetric(method bool) Handler {
	return func(ctx context.Context, c *Call) *Reply {
		return p.change(ctx, c, 200, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
			s, m, err := findMetricOrMethod(cat, a, c, method)
			if err != nil {
				return nil, err
			}
			rec := m.MetricRecord
			if err := p.metricParams(c, s, &rec, false); err != nil {
				return nil, err
			}
			if err := t.SaveMetric(&rec); err != nil {
				return nil, err
			}
			cat, err = t.Catalog()
			if err != nil {
				return nil, err
			}
			return doc(func(d *builderxml.Doc) { xmlrep.Metric(d, cat.Metric(rec.ID)) }), nil
		})
	}
}

func findMetricOrMethod(cat *store.Catalog, a porta.Actor, c *Call, isMethod bool) (*store.Service, *store.Metric, error) {
	if isMethod {
		return method(cat, a, c)
	}
	return metric(cat, a, c, "id")
}

// DeleteMetric is DELETE …/metrics/{id}.xml or …/methods/{id}.xml: with
// its methods and limits; hits stays.
func (p *API) DeleteMetric(method bool) Handler {
	return func(ctx context.Context, c *Call) *Reply {
		return p.change(ctx, c, 200, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
			_, m, err := findMetricOrMethod(cat, a, c, method)
			if err != nil {
				return nil, err
			}
			if m.Name == "hits" && m.ParentID == 0 {
				return nil, fail("base", "The Hits metric cannot be deleted", "The Hits metric cannot be deleted")
			}
			return nil, t.DeleteMetric(m.ID)
		})
	}
}

// limitPlan finds an application plan of the caller by the route id.
func limitPlan(cat *store.Catalog, a porta.Actor, c *Call) (*store.Plan, error) {
	n, _ := c.pathID("plan_id")
	pl := cat.Plan(n)
	if pl == nil || pl.Type != store.ApplicationPlan || pl.ProviderID != a.Provider.ID {
		return nil, errNotFound
	}
	return pl, nil
}

// metricLimits returns a metric's limits of every plan: porta scopes the
// per-metric limit endpoints by the metric alone.
func metricLimits(cat *store.Catalog, a porta.Actor, c *Call) (*store.Plan, *store.Metric, []store.Limit, error) {
	pl, err := limitPlan(cat, a, c)
	if err != nil {
		return nil, nil, nil, err
	}
	n, _ := c.pathID("metric_id")
	m := cat.Metric(n)
	if m == nil || m.ServiceID != pl.ServiceID {
		return nil, nil, nil, errNotFound
	}
	var out []store.Limit
	for _, other := range m.Service.Plans {
		for _, l := range other.Limits {
			if l.Metric.ID == m.ID {
				out = append(out, l)
			}
		}
	}
	sortLimits(out)
	return pl, m, out, nil
}

func sortLimits(ls []store.Limit) {
	slices.SortFunc(ls, func(a, b store.Limit) int { return cmp.Compare(a.ID, b.ID) })
}

// ListPlanLimits is GET /admin/api/application_plans/{plan_id}/limits.xml,
// paginated.
func (p *API) ListPlanLimits(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		pl, err := limitPlan(cat, a, c)
		if err != nil {
			return notFound(c)
		}
		ls := append([]store.Limit(nil), pl.Limits...)
		sortLimits(ls)
		return ok(page(c, "limits", ls, xmlrep.Limit))
	})
}

// ListMetricLimits is GET …/application_plans/{plan_id}/metrics/{metric_id}/limits.xml.
func (p *API) ListMetricLimits(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		_, _, ls, err := metricLimits(cat, a, c)
		if err != nil {
			return notFound(c)
		}
		d := builderxml.New().Open("limits")
		for _, l := range ls {
			xmlrep.Limit(d, l)
		}
		return ok(d.Close("limits"))
	})
}

// limit finds a limit by the route ids (among the metric's limits).
func limit(cat *store.Catalog, a porta.Actor, c *Call) (*store.Plan, store.Limit, error) {
	pl, _, ls, err := metricLimits(cat, a, c)
	if err != nil {
		return nil, store.Limit{}, err
	}
	n, _ := c.pathID("id")
	for _, l := range ls {
		if l.ID == n {
			return pl, l, nil
		}
	}
	return nil, store.Limit{}, errNotFound
}

// ShowLimit is GET …/metrics/{metric_id}/limits/{id}.xml.
func (p *API) ShowLimit(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		_, l, err := limit(cat, a, c)
		if err != nil {
			return notFound(c)
		}
		return ok(doc(func(d *builderxml.Doc) { xmlrep.Limit(d, l) }))
	})
}

// limitParams applies a limit's period and value (usage_limit[...] or
// flat): a period of apisonator's, one limit per plan, metric and period;
// a missing or negative value is 0.
func limitParams(c *Call, cat *store.Catalog, rec *store.LimitRecord) error {
	get := func(name string) (string, bool) { return c.Params.Wrapped("usage_limit", name) }
	var errs problems
	if v, given := get("period"); given || rec.ID == 0 {
		per, ok := period.Parse(v)
		if !ok {
			errs.add("period", "is invalid", "Period is invalid")
		} else {
			rec.Period = per
		}
	}
	if v, given := get("value"); given {
		rec.Value = params.ToI(v)
	}
	if rec.Value < 0 {
		rec.Value = 0
	}
	if pl := cat.Plan(rec.PlanID); pl != nil && errs.err() == nil {
		for _, l := range pl.Limits {
			if l.ID != rec.ID && l.Metric.ID == rec.MetricID && l.Period == rec.Period {
				errs.add("period", "has already been taken", "Period has already been taken")
			}
		}
	}
	return errs.err()
}

// CreateLimit is POST …/application_plans/{plan_id}/metrics/{metric_id}/limits.xml.
func (p *API) CreateLimit(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 201, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
		pl, m, _, err := metricLimits(cat, a, c)
		if err != nil {
			return nil, err
		}
		rec := store.LimitRecord{PlanID: pl.ID, MetricID: m.ID}
		if err := limitParams(c, cat, &rec); err != nil {
			return nil, err
		}
		if err := t.SaveLimit(&rec); err != nil {
			return nil, err
		}
		return limitDoc(t, rec.ID)
	})
}

// limitDoc writes a limit the transaction just saved.
func limitDoc(t *store.Tx, id int64) (*builderxml.Doc, error) {
	cat, err := t.Catalog()
	if err != nil {
		return nil, err
	}
	l, found := cat.Limit(id)
	if !found {
		return nil, errNotFound
	}
	return doc(func(d *builderxml.Doc) { xmlrep.Limit(d, l) }), nil
}

// UpdateLimit is PUT …/metrics/{metric_id}/limits/{id}.xml.
func (p *API) UpdateLimit(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
		_, l, err := limit(cat, a, c)
		if err != nil {
			return nil, err
		}
		rec := store.LimitRecord{ID: l.ID, PlanID: l.Plan.ID, MetricID: l.Metric.ID, Period: l.Period, Value: l.Value}
		if err := limitParams(c, cat, &rec); err != nil {
			return nil, err
		}
		if err := t.SaveLimit(&rec); err != nil {
			return nil, err
		}
		return limitDoc(t, rec.ID)
	})
}

// DeleteLimit is DELETE …/metrics/{metric_id}/limits/{id}.xml.
func (p *API) DeleteLimit(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
		_, l, err := limit(cat, a, c)
		if err != nil {
			return nil, err
		}
		return nil, t.DeleteLimit(l.ID)
	})
}

// mustPlan reads a plan the transaction just wrote or checked
// (transitional).
func mustPlan(t *store.Tx, id int64) *store.Plan {
	cat, err := t.Catalog()
	if err != nil {
		return nil
	}
	return cat.Plan(id)
}
