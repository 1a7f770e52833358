package api

import (
	"context"

	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Applications: porta's admin/api applications and buyers_applications
// controllers.

// appRef names the application of the route: the named id within the
// route's account.
func appRef(c *Call, name string) porta.AppRef {
	return porta.AppRef{ID: c.id(name), Account: c.accountID()}
}

// instant reads a time parameter: nil when absent.
func instant(c *Call, name string) *porta.Instant {
	v, given := c.Params.String(name)
	if !given {
		return nil
	}
	t, ok := params.Time(v)
	return &porta.Instant{Time: t, Valid: ok}
}

// applicationFilter reads porta's Cinstance search parameters; an empty
// one does not filter.
func applicationFilter(c *Call) porta.ApplicationFilter {
	f := porta.ApplicationFilter{ServiceID: c.Params.Get("service_id"), PlanType: c.Params.Get("plan_type"),
		State: c.Params.Get("state"), Name: c.Params.Get("name"), UserKey: c.Params.Get("user_key")}
	f.PlanID, f.AccountID = nonBlankID(c, "plan_id"), nonBlankID(c, "account")
	for _, bound := range []struct {
		name string
		to   **porta.Instant
	}{{"active_since", &f.ActiveSince}, {"inactive_since", &f.InactiveSince}} {
		if c.Params.Get(bound.name) != "" {
			*bound.to = instant(c, bound.name)
		}
	}
	return f
}

// ListApplications is GET /admin/api/applications.xml, paginated.
func (p *API) ListApplications(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		return page(c, "applications", cat, porta.Applications(cat, a, applicationFilter(c)), applicationRep)
	})
}

// FindApplication is GET /admin/api/applications/find.xml: by user_key,
// else app_id, else application_id or id; service_id narrows the search.
func (p *API) FindApplication(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		v := c.Params.Get("application_id")
		if v == "" {
			v = c.Params.Get("id")
		}
		app, err := porta.FindApplication(cat, a, porta.ApplicationQuery{ServiceID: c.Params.Ptr("service_id"),
			UserKey: c.Params.Ptr("user_key"), AppID: c.Params.Ptr("app_id"), ID: params.ToI(v)})
		return answer(p, c, 200, app, err, applicationRep)
	})
}

// ListAccountApplications is GET /admin/api/accounts/{account_id}/
// applications.xml, filtered by state.
func (p *API) ListAccountApplications(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		acc, err := porta.Account(cat, a, *c.accountID())
		if err != nil {
			return p.replyError(c, err)
		}
		apps := porta.Applications(cat, a, porta.ApplicationFilter{AccountID: &acc.ID, State: c.Params.Get("state")})
		return list(c, "applications", cat, apps, applicationRep)
	})
}

// FindAccountApplication is GET /admin/api/accounts/{account_id}/
// applications/find.xml: by user_key on user_key services or app_id on
// the others.
func (p *API) FindAccountApplication(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		acc, err := porta.Account(cat, a, *c.accountID())
		if err != nil {
			return p.replyError(c, err)
		}
		app, err := porta.FindAccountApplication(cat, acc, c.Params.Ptr("user_key"), c.Params.Ptr("app_id"))
		return answer(p, c, 200, app, err, applicationRep)
	})
}

// ShowApplication is GET /admin/api/accounts/{account_id}/applications/{id}.xml.
func (p *API) ShowApplication(ctx context.Context, c *Call) *Reply {
	return show(p, c, porta.Application, appRef(c, "id"), applicationRep)
}

// applicationInput reads an application's writable parameters.
func applicationInput(c *Call) porta.ApplicationInput {
	return porta.ApplicationInput{Name: c.Params.Ptr("name"), Description: c.Params.Ptr("description"),
		RedirectURL: c.Params.Ptr("redirect_url"), UserKey: c.Params.Ptr("user_key"), Fields: c.Params.Fields(),
		FirstTrafficAt: instant(c, "first_traffic_at"), FirstDailyTrafficAt: instant(c, "first_daily_traffic_at")}
}

// CreateApplication is POST /admin/api/accounts/{account_id}/
// applications.xml: plan_id, the application's parameters, application_id
// and application_key (once or as a list).
func (p *API) CreateApplication(ctx context.Context, c *Call) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		app, err := p.domain.CreateApplication(ctx, a, *c.accountID(), params.ToI(c.Params.Get("plan_id")),
			porta.NewApplication{ApplicationInput: applicationInput(c), ApplicationID: c.Params.Ptr("application_id"),
				Keys: c.Params.Strings("application_key")})
		return answer(p, c, 201, app, err, applicationRep)
	})
}

// UpdateApplication is PUT /admin/api/accounts/{account_id}/applications/
// {id}.xml.
func (p *API) UpdateApplication(ctx context.Context, c *Call) *Reply {
	return runWith(ctx, p, c, 200, p.domain.UpdateApplication, appRef(c, "id"), applicationInput(c), applicationRep)
}

// DeleteApplication is DELETE …/applications/{id}.xml.
func (p *API) DeleteApplication(ctx context.Context, c *Call) *Reply {
	return runDelete(ctx, p, c, p.domain.DeleteApplication, appRef(c, "id"))
}

// AcceptApplication is PUT …/applications/{id}/accept.xml.
func (p *API) AcceptApplication(ctx context.Context, c *Call) *Reply {
	return run(ctx, p, c, 200, p.domain.AcceptApplication, appRef(c, "id"), applicationRep)
}

// SuspendApplication is PUT …/applications/{id}/suspend.xml.
func (p *API) SuspendApplication(ctx context.Context, c *Call) *Reply {
	return run(ctx, p, c, 200, p.domain.SuspendApplication, appRef(c, "id"), applicationRep)
}

// ResumeApplication is PUT …/applications/{id}/resume.xml.
func (p *API) ResumeApplication(ctx context.Context, c *Call) *Reply {
	return run(ctx, p, c, 200, p.domain.ResumeApplication, appRef(c, "id"), applicationRep)
}

// ChangeUserKey is PUT …/applications/{id}/change_user_key.xml, a sandbox
// addition: porta offers this only as the admin portal's "Regenerate"
// button.
func (p *API) ChangeUserKey(ctx context.Context, c *Call) *Reply {
	return run(ctx, p, c, 200, p.domain.ChangeUserKey, appRef(c, "id"), applicationRep)
}

// CustomizePlan is PUT …/applications/{id}/customize_plan.xml; it answers
// with the application's plan.
func (p *API) CustomizePlan(ctx context.Context, c *Call) *Reply {
	return run(ctx, p, c, 200, p.domain.CustomizePlan, appRef(c, "id"), applicationPlanRep)
}

// DecustomizePlan is PUT …/applications/{id}/decustomize_plan.xml; it
// answers with the application's plan.
func (p *API) DecustomizePlan(ctx context.Context, c *Call) *Reply {
	return run(ctx, p, c, 200, p.domain.DecustomizePlan, appRef(c, "id"), applicationPlanRep)
}

// ChangeApplicationPlan is PUT …/applications/{id}/change_plan.xml with
// plan_id; it answers with the plan.
func (p *API) ChangeApplicationPlan(ctx context.Context, c *Call) *Reply {
	return runWith(ctx, p, c, 200, p.domain.ChangeApplicationPlan, appRef(c, "id"), params.ToI(c.Params.Get("plan_id")),
		applicationPlanRep)
}

// ListKeys is GET …/applications/{application_id}/keys.xml.
func (p *API) ListKeys(ctx context.Context, c *Call) *Reply {
	return show(p, c, porta.Application, appRef(c, "application_id"), keysRep)
}

// CreateKey is POST …/applications/{application_id}/keys.xml with key (a
// random one when absent); it answers with the application.
func (p *API) CreateKey(ctx context.Context, c *Call) *Reply {
	return runWith(ctx, p, c, 201, p.domain.CreateKey, appRef(c, "application_id"), c.Params.Ptr("key"), applicationRep)
}

// DeleteKey is DELETE …/applications/{application_id}/keys/{key}.xml.
func (p *API) DeleteKey(ctx context.Context, c *Call) *Reply {
	return runDelete(ctx, p, c, func(ctx context.Context, a porta.Actor, ref porta.AppRef) (*store.Application, error) {
		return p.domain.DeleteKey(ctx, a, ref, c.Path["key"])
	}, appRef(c, "application_id"))
}

// ListReferrerFilters is GET …/applications/{application_id}/referrer_filters.xml.
func (p *API) ListReferrerFilters(ctx context.Context, c *Call) *Reply {
	return show(p, c, porta.Application, appRef(c, "application_id"), filtersRep)
}

// CreateReferrerFilter is POST …/referrer_filters.xml with referrer_filter;
// it answers with the application.
func (p *API) CreateReferrerFilter(ctx context.Context, c *Call) *Reply {
	return runWith(ctx, p, c, 201, p.domain.CreateReferrerFilter, appRef(c, "application_id"),
		c.Params.Get("referrer_filter"), applicationRep)
}

// DeleteReferrerFilter is DELETE …/referrer_filters/{id}.xml, by the
// filter's id.
func (p *API) DeleteReferrerFilter(ctx context.Context, c *Call) *Reply {
	return runDelete(ctx, p, c, func(ctx context.Context, a porta.Actor, ref porta.AppRef) (*store.Application, error) {
		return p.domain.DeleteReferrerFilter(ctx, a, ref, c.id("id"))
	}, appRef(c, "application_id"))
}
