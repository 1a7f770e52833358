package porta

import (
	"cmp"
	"context"
	"slices"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// A subscription's states beyond approval, the admin portal's list of
// every subscription of the provider, and its bulk operations.

// SubscriptionBulkActions are the actions of the subscriptions' bulk
// state change.
var SubscriptionBulkActions = []string{"accept", "suspend", "resume"}

// SuspendSubscription suspends a live subscription.
func (d *Domain) SuspendSubscription(ctx context.Context, a Actor, ref SubscriptionRef) (*store.ServiceContract, error) {
	return d.transitionSubscription(ctx, a, ref, "suspend")
}

// ResumeSubscription makes a suspended subscription live again.
func (d *Domain) ResumeSubscription(ctx context.Context, a Actor, ref SubscriptionRef) (*store.ServiceContract, error) {
	return d.transitionSubscription(ctx, a, ref, "resume")
}

// transitionSubscription runs a contract event on a subscription (the
// same states as an application's); it fires no webhook, as porta has
// none for subscriptions.
func (d *Domain) transitionSubscription(ctx context.Context, a Actor, ref SubscriptionRef, event string) (*store.ServiceContract, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	tr := applicationTransitions[event]
	return on(ctx, d, a, Subscription, ref, func(t *tx, c *store.ServiceContract) (*store.ServiceContract, error) {
		if c.State != tr.from {
			return nil, cannotTransition(event)
		}
		rec := c.ServiceContractRecord
		rec.State = tr.to
		if err := t.SaveContract(&rec); err != nil {
			return nil, err
		}
		return t.subscription(c.AccountID, c.ID)
	})
}

// SubscriptionFilter selects the provider's subscriptions; its fields are
// ANDed.
type SubscriptionFilter struct {
	State     string // "": any
	ServiceID string // "": any
	PlanID    *int64
	AccountID *int64
	// AccountQuery is the account search (search.go); "": any.
	AccountQuery string
}

// AllSubscriptions are the subscriptions of the accounts the actor sees
// that f keeps, in id order.
func AllSubscriptions(cat *store.Catalog, a Actor, f SubscriptionFilter) []*store.ServiceContract {
	var out []*store.ServiceContract
	for _, acc := range Accounts(cat, a, AccountFilter{}) {
		if (f.AccountID != nil && acc.ID != *f.AccountID) || (f.AccountQuery != "" && !accountQueryMatches(acc, f.AccountQuery)) {
			continue
		}
		for _, c := range acc.Contracts {
			if (f.State == "" || c.State == f.State) && (f.ServiceID == "" || c.ServiceID == f.ServiceID) &&
				(f.PlanID == nil || c.PlanID == *f.PlanID) {
				out = append(out, c)
			}
		}
	}
	slices.SortFunc(out, func(x, y *store.ServiceContract) int { return cmp.Compare(x.ID, y.ID) })
	return out
}

// subscriptionByID finds a subscription of the actor's accounts by its id
// alone, as the bulk operations name them.
func subscriptionByID(cat *store.Catalog, a Actor, id int64) (*store.ServiceContract, error) {
	for _, c := range AllSubscriptions(cat, a, SubscriptionFilter{}) {
		if c.ID == id {
			return c, nil
		}
	}
	return nil, ErrNotFound
}

// subscriptionName names a subscription for a bulk failure: its account
// and service.
func (d *Domain) subscriptionName(a Actor) func(int64) (string, string) {
	return func(id int64) (string, string) {
		cat := d.Catalog()
		if c, err := subscriptionByID(cat, a, id); err == nil {
			return cat.Account(c.AccountID).OrgName, cat.Service(c.ServiceID).Name
		}
		return "", ""
	}
}

// BulkChangeSubscriptionStates accepts, suspends or resumes the selected
// subscriptions (SubscriptionBulkActions).
func (d *Domain) BulkChangeSubscriptionStates(ctx context.Context, a Actor, ids []int64, action string) (BulkResult, error) {
	if err := a.forProvider(); err != nil {
		return BulkResult{}, err
	}
	if !slices.Contains(SubscriptionBulkActions, action) {
		return BulkResult{}, notAnAction(action)
	}
	return bulk(ids, d.subscriptionName(a), func(id int64) error {
		c, err := subscriptionByID(d.Catalog(), a, id)
		if err != nil {
			return err
		}
		_, err = d.transitionSubscription(ctx, a, SubscriptionRef{Account: c.AccountID, ID: c.ID}, action)
		return err
	})
}

// SubscriptionsService is the one service of the selected subscriptions,
// which a bulk plan change needs (ErrMultipleServices, ErrNotFound).
func SubscriptionsService(cat *store.Catalog, a Actor, ids []int64) (*store.Service, error) {
	var svc *store.Service
	for _, id := range ids {
		c, err := subscriptionByID(cat, a, id)
		if err != nil {
			continue
		}
		if svc != nil && c.ServiceID != svc.ID {
			return nil, ErrMultipleServices
		}
		svc = cat.Service(c.ServiceID)
	}
	if svc == nil {
		return nil, ErrNotFound
	}
	return svc, nil
}

// BulkChangeSubscriptionPlans moves the selected subscriptions, all of one
// service, to one of its service plans.
func (d *Domain) BulkChangeSubscriptionPlans(ctx context.Context, a Actor, ids []int64, planID int64) (BulkResult, error) {
	if err := a.forProvider(); err != nil {
		return BulkResult{}, err
	}
	cat := d.Catalog()
	svc, err := SubscriptionsService(cat, a, ids)
	if err != nil {
		return BulkResult{}, err
	}
	if _, err := ServicePlan(cat, a, ServicePlanRef{ID: planID, Service: &svc.ID}); err != nil {
		return BulkResult{}, err
	}
	return bulk(ids, d.subscriptionName(a), func(id int64) error {
		c, err := subscriptionByID(d.Catalog(), a, id)
		if err != nil {
			return err
		}
		_, err = d.ChangeSubscriptionPlan(ctx, a, SubscriptionRef{Account: c.AccountID, ID: c.ID}, planID)
		return err
	})
}
