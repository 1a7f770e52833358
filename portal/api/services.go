package api

import (
	"context"

	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Services, application plans, metrics, methods and limits: porta's
// admin/api services, application_plans, metrics, metric_methods and
// application_plan_metric_limits controllers.

// ListServices is GET /admin/api/services.xml, paginated.
func (p *API) ListServices(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		return page(c, "services", cat, porta.Provider(cat, a).Services, serviceRep)
	})
}

// ShowService is GET /admin/api/services/{id}.xml.
func (p *API) ShowService(ctx context.Context, c *Call) *Reply {
	return show(p, c, porta.Service, p.serviceID(c, "id"), serviceRep)
}

// serviceInput reads a service's parameters (params.require(:service)).
func serviceInput(ps params.Params) porta.ServiceInput {
	flag := func(name string) *bool { return boolParam(ps, name) }
	return porta.ServiceInput{Name: ps.Ptr("name"), Description: ps.Ptr("description"),
		SupportEmail: ps.Ptr("support_email"), BuyerPlanChangePermission: ps.Ptr("buyer_plan_change_permission"),
		BackendVersion: ps.Ptr("backend_version"), DeploymentOption: ps.Ptr("deployment_option"),
		IntentionsRequired: flag("intentions_required"), BuyersManageApps: flag("buyers_manage_apps"),
		ReferrerFiltersRequired: flag("referrer_filters_required"), BuyerCanSelectPlan: flag("buyer_can_select_plan"),
		BuyersManageKeys: flag("buyers_manage_keys"), BuyerKeyRegenerateEnabled: flag("buyer_key_regenerate_enabled"),
		MandatoryAppKey: flag("mandatory_app_key"), CustomKeysEnabled: flag("custom_keys_enabled")}
}

// CreateService is POST /admin/api/services.xml: the service with its
// hits metric and default service plan.
func (p *API) CreateService(ctx context.Context, c *Call) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		ps, rep := serviceParams.of(c)
		if rep != nil {
			return rep
		}
		in := serviceInput(ps)
		in.SystemName = ps.Ptr("system_name")
		s, err := p.domain.CreateService(ctx, a, in)
		return answer(p, c, 201, s, err, serviceRep)
	})
}

// DeleteService is DELETE /admin/api/services/{id}.xml.
func (p *API) DeleteService(ctx context.Context, c *Call) *Reply {
	return runDelete(ctx, p, c, p.domain.DeleteService, p.serviceID(c, "id"))
}

// UpdateService is PUT /admin/api/services/{id}.xml.
func (p *API) UpdateService(ctx context.Context, c *Call) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		id := p.serviceID(c, "id")
		if _, err := porta.Service(p.domain.Catalog(), a, id); err != nil {
			return p.replyError(c, err)
		}
		ps, rep := serviceParams.of(c)
		if rep != nil {
			return rep
		}
		s, err := p.domain.UpdateService(ctx, a, id, serviceInput(ps))
		return answer(p, c, 200, s, err, serviceRep)
	})
}

// planRef names the application plan of the route, within its service.
func (p *API) planRef(c *Call) porta.PlanRef {
	s := p.serviceID(c, "service_id")
	return porta.PlanRef{ID: c.id("id"), Service: &s}
}

// ListServicePlans is GET /admin/api/services/{service_id}/application_plans.xml,
// customized plans included.
func (p *API) ListServicePlans(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		s, err := porta.Service(cat, a, p.serviceID(c, "service_id"))
		if err != nil {
			return p.replyError(c, err)
		}
		return list(c, "plans", cat, s.Plans, planRep)
	})
}

// ListAllPlans is GET /admin/api/application_plans.xml: every application
// plan of the provider, in id order.
func (p *API) ListAllPlans(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		return list(c, "plans", cat, porta.ApplicationPlans(cat, a), planRep)
	})
}

// ShowPlan is GET /admin/api/services/{service_id}/application_plans/{id}.xml.
func (p *API) ShowPlan(ctx context.Context, c *Call) *Reply {
	return show(p, c, porta.Plan, p.planRef(c), planRep)
}

// planInput reads an application plan's parameters.
func planInput(ps params.Params) porta.PlanInput {
	return porta.PlanInput{Name: ps.Ptr("name"), StateEvent: ps.Ptr("state_event"), Description: ps.Ptr("description"),
		ApprovalRequired: boolParam(ps, "approval_required"), TrialPeriodDays: ps.Ptr("trial_period_days"),
		CostPerMonth: ps.Ptr("cost_per_month"), SetupFee: ps.Ptr("setup_fee"), SystemName: ps.Ptr("system_name")}
}

// missingParameter is Rails' ParameterMissing answer: plain text, 400.
func missingParameter(name string) *Reply {
	return &Reply{Status: 400, ContentType: contentText, Body: []byte("Required parameter missing: " + name)}
}

// CreatePlan is POST /admin/api/services/{service_id}/application_plans.xml.
// As in porta, the route's objects are found (404) before the parameter
// is required (400), and so in the other endpoints that require one.
func (p *API) CreatePlan(ctx context.Context, c *Call) *Reply {
	return p.endpoint(c, xmlOrJSON, func(a porta.Actor, cat *store.Catalog) *Reply {
		serviceID := p.serviceID(c, "service_id")
		if _, err := porta.Service(cat, a, serviceID); err != nil {
			return p.replyError(c, err)
		}
		ps, rep := applicationPlanParams.of(c)
		if rep != nil {
			return rep
		}
		pl, err := p.domain.CreatePlan(ctx, a, serviceID, planInput(ps))
		return answer(p, c, 201, pl, err, planRep)
	})
}

// UpdatePlan is PUT …/application_plans/{id}.xml.
func (p *API) UpdatePlan(ctx context.Context, c *Call) *Reply {
	return p.endpoint(c, xmlOrJSON, func(a porta.Actor, cat *store.Catalog) *Reply {
		if _, err := porta.Plan(cat, a, p.planRef(c)); err != nil {
			return p.replyError(c, err)
		}
		ps, rep := applicationPlanParams.of(c)
		if rep != nil {
			return rep
		}
		pl, err := p.domain.UpdatePlan(ctx, a, p.planRef(c), planInput(ps))
		return answer(p, c, 200, pl, err, planRep)
	})
}

// DeletePlan is DELETE …/application_plans/{id}.xml.
func (p *API) DeletePlan(ctx context.Context, c *Call) *Reply {
	return runDelete(ctx, p, c, p.domain.DeletePlan, p.planRef(c))
}

// DefaultPlan is PUT …/application_plans/{id}/default.xml.
func (p *API) DefaultPlan(ctx context.Context, c *Call) *Reply {
	return run(ctx, p, c, 200, p.domain.SetDefaultPlan, p.planRef(c), planRep)
}

// metricRef names the metric of the route by the named id; method is
// true on the methods' routes, under the route's metric_id.
func (p *API) metricRef(c *Call, name string, method bool) porta.MetricRef {
	ref := porta.MetricRef{Service: p.serviceID(c, "service_id"), ID: c.id(name)}
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
		s, err := porta.Service(cat, a, p.serviceID(c, "service_id"))
		if err != nil {
			return p.replyError(c, err)
		}
		return list(c, "metrics", cat, s.Metrics, metricRep)
	})
}

// ListMethods is GET …/metrics/{metric_id}/methods.xml.
func (p *API) ListMethods(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		parent, err := porta.Metric(cat, a, p.metricRef(c, "metric_id", false))
		if err != nil {
			return p.replyError(c, err)
		}
		return list(c, "methods", cat, parent.Children, methodRep)
	})
}

// metricOrMethod is MetricRepresenter on the metrics' routes and
// MethodRepresenter on the methods'.
func metricOrMethod(method bool) rep[*store.Metric] {
	if method {
		return methodRep
	}
	return metricRep
}

// ShowMetric is GET …/metrics/{id}.xml, and with method GET
// …/metrics/{metric_id}/methods/{id}.xml.
func (p *API) ShowMetric(method bool) Handler {
	return func(ctx context.Context, c *Call) *Reply {
		return show(p, c, porta.Metric, p.metricRef(c, "id", method), metricOrMethod(method))
	}
}

// metricInput reads a metric's or method's parameters (MetricParams:
// params.fetch(:metric)); system_name is taken on create only.
func metricInput(ps params.Params) porta.MetricInput {
	return porta.MetricInput{FriendlyName: ps.Ptr("friendly_name"), Unit: ps.Ptr("unit"),
		Description: ps.Ptr("description"), SystemName: ps.Ptr("system_name")}
}

// CreateMetric is POST …/metrics.xml, and with method POST
// …/metrics/{metric_id}/methods.xml.
func (p *API) CreateMetric(method bool) Handler {
	return func(ctx context.Context, c *Call) *Reply {
		return p.endpoint(c, xmlOrJSON, func(a porta.Actor, cat *store.Catalog) *Reply {
			serviceID := p.serviceID(c, "service_id")
			if _, err := porta.Service(cat, a, serviceID); err != nil {
				return p.replyError(c, err)
			}
			parent := p.metricRef(c, "metric_id", false)
			if method {
				if _, err := porta.Metric(cat, a, parent); err != nil {
					return p.replyError(c, err)
				}
			}
			ps, rep := metricParams.of(c)
			if rep != nil {
				return rep
			}
			in := metricInput(ps)
			var m *store.Metric
			var err error
			if method {
				m, err = p.domain.CreateMethod(ctx, a, parent, in)
			} else {
				m, err = p.domain.CreateMetric(ctx, a, serviceID, in)
			}
			return answer(p, c, 201, m, err, metricOrMethod(method))
		})
	}
}

// UpdateMetric is PUT …/metrics/{id}.xml or …/methods/{id}.xml.
func (p *API) UpdateMetric(method bool) Handler {
	return func(ctx context.Context, c *Call) *Reply {
		return p.write(c, func(a porta.Actor) *Reply {
			ref := p.metricRef(c, "id", method)
			if _, err := porta.Metric(p.domain.Catalog(), a, ref); err != nil {
				return p.replyError(c, err)
			}
			ps, rep := metricParams.of(c)
			if rep != nil {
				return rep
			}
			in := metricInput(ps)
			in.SystemName = nil
			m, err := p.domain.UpdateMetric(ctx, a, ref, in)
			return answer(p, c, 200, m, err, metricOrMethod(method))
		})
	}
}

// DeleteMetric is DELETE …/metrics/{id}.xml or …/methods/{id}.xml.
func (p *API) DeleteMetric(method bool) Handler {
	return func(ctx context.Context, c *Call) *Reply {
		return runDelete(ctx, p, c, p.domain.DeleteMetric, p.metricRef(c, "id", method))
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
		return page(c, "limits", cat, porta.PlanLimits(pl), limitRep)
	})
}

// ListMetricLimits is GET …/application_plans/{plan_id}/metrics/{metric_id}/limits.xml.
func (p *API) ListMetricLimits(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		_, _, ls, err := porta.MetricLimits(cat, a, c.id("plan_id"), c.id("metric_id"))
		if err != nil {
			return p.replyError(c, err)
		}
		return list(c, "limits", cat, ls, limitRep)
	})
}

// ShowLimit is GET …/metrics/{metric_id}/limits/{id}.xml.
func (p *API) ShowLimit(ctx context.Context, c *Call) *Reply {
	return show(p, c, porta.Limit, limitRef(c), limitRep)
}

// limitInput reads a limit's period and value
// (params.fetch(:usage_limit)).
func limitInput(ps params.Params) porta.LimitInput {
	in := porta.LimitInput{Period: ps.Ptr("period")}
	if v := ps.Ptr("value"); v != nil {
		n := params.ToI(*v)
		in.Value = &n
	}
	return in
}

// CreateLimit is POST …/application_plans/{plan_id}/metrics/{metric_id}/limits.xml.
func (p *API) CreateLimit(ctx context.Context, c *Call) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		if _, _, _, err := porta.MetricLimits(p.domain.Catalog(), a, c.id("plan_id"), c.id("metric_id")); err != nil {
			return p.replyError(c, err)
		}
		ps, rep := usageLimitParams.of(c)
		if rep != nil {
			return rep
		}
		l, err := p.domain.CreateLimit(ctx, a, c.id("plan_id"), c.id("metric_id"), limitInput(ps))
		return answer(p, c, 201, l, err, limitRep)
	})
}

// UpdateLimit is PUT …/metrics/{metric_id}/limits/{id}.xml.
func (p *API) UpdateLimit(ctx context.Context, c *Call) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		if _, err := porta.Limit(p.domain.Catalog(), a, limitRef(c)); err != nil {
			return p.replyError(c, err)
		}
		ps, rep := usageLimitParams.of(c)
		if rep != nil {
			return rep
		}
		l, err := p.domain.UpdateLimit(ctx, a, limitRef(c), limitInput(ps))
		return answer(p, c, 200, l, err, limitRep)
	})
}

// DeleteLimit is DELETE …/metrics/{metric_id}/limits/{id}.xml.
func (p *API) DeleteLimit(ctx context.Context, c *Call) *Reply {
	return runDelete(ctx, p, c, p.domain.DeleteLimit, limitRef(c))
}
