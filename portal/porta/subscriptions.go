package porta

import (
	"context"
	"fmt"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Service subscriptions (service contracts): a developer account's
// subscription to a service on one of its service plans, pending until
// accepted on a plan that requires approval.
//
// The lookups and operations here have the names and meaning of the json
// branch's portal/porta/subscriptions.go and plan_kinds.go (which also
// create and delete subscriptions and service plans): when both are
// merged, theirs holds these.

// SubscriptionRef names a service subscription of an account.
type SubscriptionRef struct{ Account, ID int64 }

// Subscription finds a subscription of an account.
func Subscription(cat *store.Catalog, a Actor, ref SubscriptionRef) (*store.ServiceContract, error) {
	acc, err := Account(cat, a, ref.Account)
	if err != nil {
		return nil, err
	}
	for _, c := range acc.Contracts {
		if c.ID == ref.ID {
			return c, nil
		}
	}
	return nil, fmt.Errorf("service subscription %d: %w", ref.ID, ErrNotFound)
}

// subscription re-reads a subscription the transaction wrote.
func (t *tx) subscription(accountID, id int64) (*store.ServiceContract, error) {
	cat, err := t.Catalog()
	if err != nil {
		return nil, err
	}
	return Subscription(cat, t.actor, SubscriptionRef{Account: accountID, ID: id})
}

// ServicePlanRef names a service plan.
type ServicePlanRef struct {
	ID int64
	// Service, when set, is the service the plan must belong to.
	Service *string
}

// ServicePlan finds a service plan of the actor's provider.
func ServicePlan(cat *store.Catalog, a Actor, ref ServicePlanRef) (*store.Plan, error) {
	if ref.Service != nil {
		if _, err := Service(cat, a, *ref.Service); err != nil {
			return nil, err
		}
	}
	pl := cat.Plan(ref.ID)
	if pl == nil || pl.Type != store.ServicePlan || pl.ProviderID != a.Provider.ID ||
		(ref.Service != nil && pl.ServiceID != *ref.Service) {
		return nil, fmt.Errorf("service plan %d: %w", ref.ID, ErrNotFound)
	}
	return pl, nil
}

// ChangeSubscriptionPlan moves a subscription to planID, another service
// plan of its service. It answers with the subscription; the plan is its
// Plan.
func (d *Domain) ChangeSubscriptionPlan(ctx context.Context, a Actor, ref SubscriptionRef, planID int64) (*store.ServiceContract, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Subscription, ref, func(t *tx, c *store.ServiceContract) (*store.ServiceContract, error) {
		pl, err := found(t, ServicePlan, ServicePlanRef{ID: planID})
		if err != nil {
			return nil, err
		}
		if pl.ServiceID != c.ServiceID {
			return nil, fail("plan", "must belong to the same product", "Plan must belong to the same product")
		}
		rec := c.ServiceContractRecord
		rec.PlanID = pl.ID
		if err := t.SaveContract(&rec); err != nil {
			return nil, err
		}
		return t.subscription(c.AccountID, c.ID)
	})
}

// ApproveSubscription accepts a pending subscription.
func (d *Domain) ApproveSubscription(ctx context.Context, a Actor, ref SubscriptionRef) (*store.ServiceContract, error) {
	return d.transitionSubscription(ctx, a, ref, "accept")
}
