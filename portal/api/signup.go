package api

import (
	"context"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/xmlrep"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Signup is POST /admin/api/signup.xml: a developer account, its admin
// user and, on every service the account gets subscribed to, an
// application named "API signup". Plans are the ones given
// (account_plan_id, service_plan_id, application_plan_id) and the defaults
// for the rest. With a password, and an account plan that does not require
// approval, the user is active and the account approved; otherwise they
// wait as pending and created.
func (p *API) Signup(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 201, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
		prov := provider(cat, a)
		given := func(name, typ string) *store.Plan {
			pl := cat.Plan(params.ToI(c.Params.Get(name)))
			if pl == nil || pl.Type != typ || pl.ProviderID != prov.ID {
				return nil
			}
			return pl
		}
		accountPlan := given("account_plan_id", store.AccountPlan)
		if accountPlan == nil {
			accountPlan = prov.DefaultAccountPlan()
		}
		if accountPlan == nil {
			return nil, errNotFound
		}
		servicePlan, appPlan := given("service_plan_id", store.ServicePlan), given("application_plan_id", store.ApplicationPlan)
		type subscription struct{ service, app *store.Plan }
		var subs []subscription
		for _, s := range prov.Services {
			sub := subscription{service: s.DefaultServicePlan()}
			if servicePlan != nil && servicePlan.ServiceID == s.ID {
				sub.service = servicePlan
			}
			if sub.service == nil {
				if appPlan != nil && appPlan.ServiceID == s.ID {
					return nil, errNotFound // an application plan needs a service plan
				}
				continue
			}
			sub.app = s.DefaultPlan()
			if appPlan != nil && appPlan.ServiceID == s.ID {
				sub.app = appPlan
			}
			subs = append(subs, sub)
		}

		acc := store.AccountRecord{ProviderID: prov.ID, PlanID: accountPlan.ID, State: "created",
			MonthlyBillingEnabled: true, MonthlyChargingEnabled: true}
		accErr := accountParams(c, prov, &acc)
		user := store.UserRecord{Role: "admin", State: "pending"}
		userErr := userParams(c, cat, prov, &user, false)
		if accErr != nil || userErr != nil {
			var all problems
			for _, e := range []error{accErr, userErr} {
				if inv, isInv := e.(*invalid); isInv {
					if e == userErr {
						all.add("users", "invalid", "Users invalid")
					}
					for i, m := range inv.messages {
						field, short, _ := strings.Cut(inv.fields[i], "\x00")
						all.add(field, short, m)
					}
				} else if e != nil {
					return nil, e
				}
			}
			return nil, all.err()
		}
		if pw, _ := c.Params.String("password"); pw != "" && !accountPlan.ApprovalRequired {
			user.State, acc.State = "active", "approved"
		}
		if err := t.SaveAccount(&acc); err != nil {
			return nil, err
		}
		user.AccountID = acc.ID
		if err := t.SaveUser(&user); err != nil {
			return nil, err
		}
		noParams := &Call{Method: c.Method, Format: c.Format, Params: params.Of(nil)}
		for _, sub := range subs {
			state := "live"
			if sub.service.ApprovalRequired {
				state = "pending"
			}
			if err := t.SaveContract(&store.ServiceContractRecord{AccountID: acc.ID, ServiceID: sub.service.ServiceID,
				PlanID: sub.service.ID, State: state}); err != nil {
				return nil, err
			}
		}
		// Events in porta's order of commit: the account, its user, then
		// each application (with its keys).
		var err error
		if cat, err = t.Catalog(); err != nil {
			return nil, err
		}
		if err := p.emit(t, a, "account", "created", fragment(func(d *builderxml.Doc) {
			xmlrep.Account(d, cat.Account(acc.ID))
		})); err != nil {
			return nil, err
		}
		if err := p.emit(t, a, "user", "created", fragment(func(d *builderxml.Doc) {
			xmlrep.User(d, cat.User(user.ID))
		})); err != nil {
			return nil, err
		}
		for _, sub := range subs {
			if sub.app == nil {
				continue
			}
			if cat, err = t.Catalog(); err != nil {
				return nil, err
			}
			defaults := &store.ApplicationRecord{Name: "API signup", Description: "API signup"}
			if _, err := p.createApplication(t, a, noParams, cat.Account(acc.ID), cat.Plan(sub.app.ID), defaults); err != nil {
				return nil, err
			}
		}
		if cat, err = t.Catalog(); err != nil {
			return nil, err
		}
		return doc(func(d *builderxml.Doc) {
			xmlrep.SignupAccount(d, cat.Account(acc.ID))
		}), nil
	})
}
