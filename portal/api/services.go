package api

import (
	"context"

	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/xmlrep"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Services, application plans, metrics, methods and limits: porta's
// admin/api services, application_plans, metrics, metric_methods and
// application_plan_metric_limits controllers.

// ListServices is GET /admin/api/services.xml, paginated.
func (p *API) ListServices(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		return ok(page(c, "services", cat, porta.Provider(cat, a).Services, xmlrep.Service))
	})
}

// ShowService is GET /admin/api/services/{id}.xml.
func (p *API) ShowService(ctx context.Context, c *Call) *Reply {
	return show(p, c, porta.Service, c.Path["id"], xmlrep.Service)
}

// wrappedInput reads a parameter given wrapped (wrapper[name]) or flat.
func wrappedInput(c *Call, wrapper, name string) *string {
	if v, given := c.Params.Wrapped(wrapper, name); given {
		return &v
	}
	return nil
}

// wrappedBool reads a boolean column's parameter, wrapped or flat, cast as
// ActiveRecord casts it.
func wrappedBool(c *Call, wrapper, name string) *bool {
	if v := wrappedInput(c, wrapper, name); v != nil {
		b := params.Cast(*v)
		return &b
	}
	return nil
}

// UpdateService is PUT /admin/api/services/{id}.xml (service[...] or
// flat).
func (p *API) UpdateService(ctx context.Context, c *Call) *Reply {
	get := func(name string) *string { return wrappedInput(c, "service", name) }
	flag := func(name string) *bool { return wrappedBool(c, "service", name) }
	in := porta.ServiceInput{Name: get("name"), Description: get("description"), SupportEmail: get("support_email"),
		BuyerPlanChangePermission: get("buyer_plan_change_permission"), BackendVersion: get("backend_version"),
		DeploymentOption: get("deployment_option"), IntentionsRequired: flag("intentions_required"),
		BuyersManageApps: flag("buyers_manage_apps"), ReferrerFiltersRequired: flag("referrer_filters_required"),
		BuyerCanSelectPlan: flag("buyer_can_select_plan"), BuyersManageKeys: flag("buyers_manage_keys"),
		BuyerKeyRegenerateEnabled: flag("buyer_key_regenerate_enabled"), MandatoryAppKey: flag("mandatory_app_key"),
		CustomKeysEnabled: flag("custom_keys_enabled")}
	return runWith(ctx, p, c, 200, p.domain.UpdateService, c.Path["id"], in, xmlrep.Service)
}

// planRef names the application plan of the route, within its service.
func planRef(c *Call) porta.PlanRef {
	s := c.Path["service_id"]
	return porta.PlanRef{ID: c.id("id"), Service: &s}
}

// ListServicePlans is GET /admin/api/services/{service_id}/application_plans.xml,
// customized plans included.
func (p *API) ListServicePlans(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		s, err := porta.Service(cat, a, c.Path["service_id"])
		if err != nil {
			return p.replyError(c, err)
		}
		return ok(list("plans", cat, s.Plans, xmlrep.Plan))
	})
}

// ListAllPlans is GET /admin/api/application_plans.xml: every application
// plan of the provider, in id order.
func (p *API) ListAllPlans(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		return ok(list("plans", cat, porta.ApplicationPlans(cat, a), xmlrep.Plan))
	})
}

// ShowPlan is GET /admin/api/services/{service_id}/application_plans/{id}.xml.
func (p *API) ShowPlan(ctx context.Context, c *Call) *Reply {
	return show(p, c, porta.Plan, planRef(c), xmlrep.Plan)
}

// planInput reads an application plan's parameters (application_plan[...]
// or flat); given is false when there is none, which porta refuses as a
// missing application_plan.
func planInput(c *Call) (in porta.PlanInput, given bool) {
	get := func(name string) *string {
		v := wrappedInput(c, "application_plan", name)
		given = given || v != nil
		return v
	}
	in = porta.PlanInput{Name: get("name"), StateEvent: get("state_event"), Description: get("description"),
		ApprovalRequired: wrappedBool(c, "application_plan", "approval_required"),
		TrialPeriodDays:  get("trial_period_days"), CostPerMonth: get("cost_per_month"), SetupFee: get("setup_fee"),
		SystemName: get("system_name")}
	return in, given || in.ApprovalRequired != nil
}

// missingParameter is Rails' ParameterMissing answer: plain text, 400.
func missingParameter(name string) *Reply {
	return &Reply{Status: 400, ContentType: contentText, Body: []byte("Required parameter missing: " + name)}
}

// CreatePlan is POST /admin/api/services/{service_id}/application_plans.xml.
// As in porta, the route's objects are found (404) before the parameter
// is required (400), and so in the other endpoints that require one.
func (p *API) CreatePlan(ctx context.Context, c *Call) *Reply {
	return p.endpoint(c, xmlOnly, func(a porta.Actor, cat *store.Catalog) *Reply {
		serviceID := c.Path["service_id"]
		if _, err := porta.Service(cat, a, serviceID); err != nil {
			return p.replyError(c, err)
		}
		in, given := planInput(c)
		if !given {
			return missingParameter("application_plan")
		}
		pl, err := p.domain.CreatePlan(ctx, a, serviceID, in)
		return answer(p, c, 201, pl, err, xmlrep.Plan)
	})
}

// UpdatePlan is PUT …/application_plans/{id}.xml.
func (p *API) UpdatePlan(ctx context.Context, c *Call) *Reply {
	return p.endpoint(c, xmlOnly, func(a porta.Actor, cat *store.Catalog) *Reply {
		if _, err := porta.Plan(cat, a, planRef(c)); err != nil {
			return p.replyError(c, err)
		}
		in, given := planInput(c)
		if !given {
			return missingParameter("application_plan")
		}
		pl, err := p.domain.UpdatePlan(ctx, a, planRef(c), in)
		return answer(p, c, 200, pl, err, xmlrep.Plan)
	})
}

// DeletePlan is DELETE …/application_plans/{id}.xml.
func (p *API) DeletePlan(ctx context.Context, c *Call) *Reply {
	return runDelete(ctx, p, c, p.domain.DeletePlan, planRef(c))
}

// DefaultPlan is PUT …/application_plans/{id}/default.xml.
func (p *API) DefaultPlan(ctx context.Context, c *Call) *Reply {
	return run(ctx, p, c, 200, p.domain.SetDefaultPlan, planRef(c), xmlrep.Plan)
}

// metricRef names the metric of the route by the named id; method is
// true on the methods' routes, under the route's metric_id.
func metricRef(c *Call, name string, method bool) porta.MetricRef {
	ref := porta.MetricRef{Service: c.Path["service_id"], ID: c.id(name)}
	if method {
		parent := c.id("metric_id")
		ref.Parent = &parent
	}
	return ref
}

// ListMetrics is GET /admin/api/services/{service_id}/metrics.xml: the
// service's metrics and methods, in id order.
func (p *API) ListMetrics(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		s, err := porta.Service(cat, a, c.Path["service_id"])
		if err != nil {
			return p.replyError(c, err)
		}
		return ok(list("metrics", cat, s.Metrics, xmlrep.Metric))
	})
}

// ListMethods is GET …/metrics/{metric_id}/methods.xml.
func (p *API) ListMethods(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		parent, err := porta.Metric(cat, a, metricRef(c, "metric_id", false))
		if err != nil {
			return p.replyError(c, err)
		}
		return ok(list("methods", cat, parent.Children, xmlrep.Metric))
	})
}

// ShowMetric is GET …/metrics/{id}.xml, and with method GET
// …/metrics/{metric_id}/methods/{id}.xml.
func (p *API) ShowMetric(method bool) Handler {
	return func(ctx context.Context, c *Call) *Reply {
		return show(p, c, porta.Metric, metricRef(c, "id", method), xmlrep.Metric)
	}
}

// metricInput reads a metric's or method's parameters (metric[...] or
// flat); given is false when there is none, which porta refuses as a
// missing metric.
func metricInput(c *Call) (in porta.MetricInput, given bool) {
	get := func(name string) *string {
		v := wrappedInput(c, "metric", name)
		given = given || v != nil
		return v
	}
	in = porta.MetricInput{FriendlyName: get("friendly_name"), Unit: get("unit"), Description: get("description"),
		SystemName: get("system_name")}
	_ = get("name") // given, but not written
	return in, given
}

// CreateMetric is POST …/metrics.xml, and with method POST
// …/metrics/{metric_id}/methods.xml.
func (p *API) CreateMetric(method bool) Handler {
	return func(ctx context.Context, c *Call) *Reply {
		return p.endpoint(c, xmlOnly, func(a porta.Actor, cat *store.Catalog) *Reply {
			serviceID := c.Path["service_id"]
			if _, err := porta.Service(cat, a, serviceID); err != nil {
				return p.replyError(c, err)
			}
			parent := metricRef(c, "metric_id", false)
			if method {
				if _, err := porta.Metric(cat, a, parent); err != nil {
					return p.replyError(c, err)
				}
			}
			in, given := metricInput(c)
			if !given {
				return missingParameter("metric")
			}
			var m *store.Metric
			var err error
			if method {
				m, err = p.domain.CreateMethod(ctx, a, parent, in)
			} else {
				m, err = p.domain.CreateMetric(ctx, a, serviceID, in)
			}
			return answer(p, c, 201, m, err, xmlrep.Metric)
		})
	}
}

// UpdateMetric is PUT …/metrics/{id}.xml or …/methods/{id}.xml.
func (p *API) UpdateMetric(method bool) Handler {
	return func(ctx context.Context, c *Call) *Reply {
		in, _ := metricInput(c)
		return runWith(ctx, p, c, 200, p.domain.UpdateMetric, metricRef(c, "id", method), in, xmlrep.Metric)
	}
}

// DeleteMetric is DELETE …/metrics/{id}.xml or …/methods/{id}.xml.
func (p *API) DeleteMetric(method bool) Handler {
	return func(ctx context.Context, c *Call) *Reply {
		return runDelete(ctx, p, c, p.domain.DeleteMetric, metricRef(c, "id", method))
	}
}

// limitRef names the limit of the route.
func limitRef(c *Call) porta.LimitRef {
	return porta.LimitRef{Plan: c.id("plan_id"), Metric: c.id("metric_id"), ID: c.id("id")}
}

// ListPlanLimits is GET /admin/api/application_plans/{plan_id}/limits.xml,
// paginated.
func (p *API) ListPlanLimits(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		pl, err := porta.Plan(cat, a, porta.PlanRef{ID: c.id("plan_id")})
		if err != nil {
			return p.replyError(c, err)
		}
		return ok(page(c, "limits", cat, porta.PlanLimits(pl), xmlrep.Limit))
	})
}

// ListMetricLimits is GET …/application_plans/{plan_id}/metrics/{metric_id}/limits.xml.
func (p *API) ListMetricLimits(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		_, _, ls, err := porta.MetricLimits(cat, a, c.id("plan_id"), c.id("metric_id"))
		if err != nil {
			return p.replyError(c, err)
		}
		return ok(list("limits", cat, ls, xmlrep.Limit))
	})
}

// ShowLimit is GET …/metrics/{metric_id}/limits/{id}.xml.
func (p *API) ShowLimit(ctx context.Context, c *Call) *Reply {
	return show(p, c, porta.Limit, limitRef(c), xmlrep.Limit)
}

// limitInput reads a limit's period and value (usage_limit[...] or flat).
func limitInput(c *Call) porta.LimitInput {
	in := porta.LimitInput{Period: wrappedInput(c, "usage_limit", "period")}
	if v := wrappedInput(c, "usage_limit", "value"); v != nil {
		n := params.ToI(*v)
		in.Value = &n
	}
	return in
}

// CreateLimit is POST …/application_plans/{plan_id}/metrics/{metric_id}/limits.xml.
func (p *API) CreateLimit(ctx context.Context, c *Call) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		l, err := p.domain.CreateLimit(ctx, a, c.id("plan_id"), c.id("metric_id"), limitInput(c))
		return answer(p, c, 201, l, err, xmlrep.Limit)
	})
}

// UpdateLimit is PUT …/metrics/{metric_id}/limits/{id}.xml.
func (p *API) UpdateLimit(ctx context.Context, c *Call) *Reply {
	return runWith(ctx, p, c, 200, p.domain.UpdateLimit, limitRef(c), limitInput(c), xmlrep.Limit)
}

// DeleteLimit is DELETE …/metrics/{metric_id}/limits/{id}.xml.
func (p *API) DeleteLimit(ctx context.Context, c *Call) *Reply {
	return runDelete(ctx, p, c, p.domain.DeleteLimit, limitRef(c))
}
