package api

import (
	"context"
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Service subscriptions: porta's admin/api service_subscriptions
// controller, whose routes serve JSON only (the adapter routes nothing
// else to them). The plan is params.permit(service_subscription:
// [:plan_id]).fetch(:service_subscription)[:plan_id]: wrapped from the
// body, or given wrapped.

func subscriptionRef(c *Call) porta.SubscriptionRef {
	return porta.SubscriptionRef{Account: c.id("account_id"), ID: c.id("id")}
}

// subscriptionPlan reads the plan_id of a subscription's parameters.
func subscriptionPlan(c *Call) (int64, *Reply) {
	ps, rep := subscriptionParams.of(c)
	if rep != nil {
		return 0, rep
	}
	return params.ToI(ps.Get("plan_id")), nil
}

// ListSubscriptions is GET /admin/api/accounts/{account_id}/service_subscriptions.json.
func (p *API) ListSubscriptions(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		cs, err := porta.Subscriptions(cat, a, c.id("account_id"))
		if err != nil {
			return p.replyError(c, err)
		}
		return list(c, "service_subscriptions", cat, cs, subscriptionRep)
	})
}

// ShowSubscription is GET …/service_subscriptions/{id}.json.
func (p *API) ShowSubscription(ctx context.Context, c *Call) *Reply {
	return show(p, c, porta.Subscription, subscriptionRef(c), subscriptionRep)
}

// CreateSubscription is POST …/service_subscriptions.json with plan_id.
func (p *API) CreateSubscription(ctx context.Context, c *Call) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		if _, err := porta.Account(p.domain.Catalog(), a, c.id("account_id")); err != nil {
			return p.replyError(c, err)
		}
		planID, rep := subscriptionPlan(c)
		if rep != nil {
			return rep
		}
		sub, err := p.domain.Subscribe(ctx, a, c.id("account_id"), planID)
		return answer(p, c, http.StatusCreated, sub, err, subscriptionRep)
	})
}

// ChangeSubscriptionPlan is PUT …/service_subscriptions/{id}/change_plan.json
// with plan_id; it answers with the plan.
func (p *API) ChangeSubscriptionPlan(ctx context.Context, c *Call) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		if _, err := porta.Subscription(p.domain.Catalog(), a, subscriptionRef(c)); err != nil {
			return p.replyError(c, err)
		}
		planID, rep := subscriptionPlan(c)
		if rep != nil {
			return rep
		}
		sub, err := p.domain.ChangeSubscriptionPlan(ctx, a, subscriptionRef(c), planID)
		return answer(p, c, 200, sub, err, subscriptionPlanRep)
	})
}

// ApproveSubscription is PUT …/service_subscriptions/{id}/approve.json.
func (p *API) ApproveSubscription(ctx context.Context, c *Call) *Reply {
	return run(ctx, p, c, 200, p.domain.ApproveSubscription, subscriptionRef(c), subscriptionRep)
}

// DeleteSubscription is DELETE …/service_subscriptions/{id}.json: porta's
// unsubscribe.
func (p *API) DeleteSubscription(ctx context.Context, c *Call) *Reply {
	return runDelete(ctx, p, c, p.domain.Unsubscribe, subscriptionRef(c))
}
