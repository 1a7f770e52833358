package api

import (
	"context"

	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Account plans and service plans: porta's admin/api account_plans and
// service_plans controllers. Their parameters are
// params.require(:account_plan) and params.require(:service_plan): name,
// state_event, approval_required, and system_name on create.

// kindPlanInput reads the parameters porta permits for account and
// service plans.
func kindPlanInput(ps params.Params, create bool) porta.PlanInput {
	in := porta.PlanInput{Name: ps.Ptr("name"), StateEvent: ps.Ptr("state_event"),
		ApprovalRequired: boolParam(ps, "approval_required")}
	if create {
		in.SystemName = ps.Ptr("system_name")
	}
	return in
}

// ListAccountPlans is GET /admin/api/account_plans.xml.
func (p *API) ListAccountPlans(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		return list(c, "plans", cat, porta.AccountPlans(cat, a), planRep)
	})
}

// ShowAccountPlan is GET /admin/api/account_plans/{id}.xml.
func (p *API) ShowAccountPlan(ctx context.Context, c *Call) *Reply {
	return show(p, c, porta.AccountPlan, c.id("id"), planRep)
}

// CreateAccountPlan is POST /admin/api/account_plans.xml.
func (p *API) CreateAccountPlan(ctx context.Context, c *Call) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		ps, rep := accountPlanParams.of(c)
		if rep != nil {
			return rep
		}
		pl, err := p.domain.CreateAccountPlan(ctx, a, kindPlanInput(ps, true))
		return answer(p, c, 201, pl, err, planRep)
	})
}

// UpdateAccountPlan is PUT /admin/api/account_plans/{id}.xml.
func (p *API) UpdateAccountPlan(ctx context.Context, c *Call) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		if _, err := porta.AccountPlan(p.domain.Catalog(), a, c.id("id")); err != nil {
			return p.replyError(c, err)
		}
		ps, rep := accountPlanParams.of(c)
		if rep != nil {
			return rep
		}
		pl, err := p.domain.UpdateAccountPlan(ctx, a, c.id("id"), kindPlanInput(ps, false))
		return answer(p, c, 200, pl, err, planRep)
	})
}

// DeleteAccountPlan is DELETE /admin/api/account_plans/{id}.xml.
func (p *API) DeleteAccountPlan(ctx context.Context, c *Call) *Reply {
	return runDelete(ctx, p, c, p.domain.DeleteAccountPlan, c.id("id"))
}

// DefaultAccountPlan is PUT /admin/api/account_plans/{id}/default.xml.
func (p *API) DefaultAccountPlan(ctx context.Context, c *Call) *Reply {
	return run(ctx, p, c, 200, p.domain.SetDefaultAccountPlan, c.id("id"), planRep)
}

// servicePlanRef names the service plan of the route, within its service.
func (p *API) servicePlanRef(c *Call) porta.ServicePlanRef {
	s := p.serviceID(c, "service_id")
	return porta.ServicePlanRef{ID: c.id("id"), Service: &s}
}

// ListServiceServicePlans is GET /admin/api/services/{service_id}/service_plans.xml.
func (p *API) ListServiceServicePlans(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		s, err := porta.Service(cat, a, p.serviceID(c, "service_id"))
		if err != nil {
			return p.replyError(c, err)
		}
		return list(c, "plans", cat, s.ServicePlans, planRep)
	})
}

// ListAllServicePlans is GET /admin/api/service_plans.xml: every service
// plan of the provider.
func (p *API) ListAllServicePlans(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		return list(c, "plans", cat, porta.ServicePlans(cat, a), planRep)
	})
}

// ShowServicePlan is GET /admin/api/services/{service_id}/service_plans/{id}.xml.
func (p *API) ShowServicePlan(ctx context.Context, c *Call) *Reply {
	return show(p, c, porta.ServicePlan, p.servicePlanRef(c), planRep)
}

// CreateServicePlan is POST /admin/api/services/{service_id}/service_plans.xml.
func (p *API) CreateServicePlan(ctx context.Context, c *Call) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		serviceID := p.serviceID(c, "service_id")
		if _, err := porta.Service(p.domain.Catalog(), a, serviceID); err != nil {
			return p.replyError(c, err)
		}
		ps, rep := servicePlanParams.of(c)
		if rep != nil {
			return rep
		}
		pl, err := p.domain.CreateServicePlan(ctx, a, serviceID, kindPlanInput(ps, true))
		return answer(p, c, 201, pl, err, planRep)
	})
}

// UpdateServicePlan is PUT …/service_plans/{id}.xml.
func (p *API) UpdateServicePlan(ctx context.Context, c *Call) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		if _, err := porta.ServicePlan(p.domain.Catalog(), a, p.servicePlanRef(c)); err != nil {
			return p.replyError(c, err)
		}
		ps, rep := servicePlanParams.of(c)
		if rep != nil {
			return rep
		}
		pl, err := p.domain.UpdateServicePlan(ctx, a, p.servicePlanRef(c), kindPlanInput(ps, false))
		return answer(p, c, 200, pl, err, planRep)
	})
}

// DeleteServicePlan is DELETE …/service_plans/{id}.xml.
func (p *API) DeleteServicePlan(ctx context.Context, c *Call) *Reply {
	return runDelete(ctx, p, c, p.domain.DeleteServicePlan, p.servicePlanRef(c))
}

// DefaultServicePlan is PUT …/service_plans/{id}/default.xml.
func (p *API) DefaultServicePlan(ctx context.Context, c *Call) *Reply {
	return run(ctx, p, c, 200, p.domain.SetDefaultServicePlan, p.servicePlanRef(c), planRep)
}
