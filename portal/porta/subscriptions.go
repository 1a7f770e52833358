package porta

import (
	"context"
	"fmt"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Service subscriptions (service contracts): a developer account's
// subscription to a service on one of its service plans, pending until
// accepted on a plan that requires approval. porta's admin/api
// service_subscriptions controller and ServiceSubscriptionService.

// SubscriptionRef names a service subscription of an account.
type SubscriptionRef struct{ Account, ID int64 }

// Subscriptions are an account's subscriptions, in id order.
func Subscriptions(cat *store.Catalog, a Actor, accountID int64) ([]*store.ServiceContract, error) {
	acc, err := Account(cat, a, accountID)
	if err != nil {
		return nil, err
	}
	return acc.Contracts, nil
}

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

// Subscribe subscribes an account to the service of planID, one of the
// provider's service plans: live, or pending on a plan that requires
// approval. An account subscribes to a service once.
func (d *Domain) Subscribe(ctx context.Context, a Actor, accountID, planID int64) (*store.ServiceContract, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Account, accountID, func(t *tx, acc *store.Account) (*store.ServiceContract, error) {
		pl, err := found(t, ServicePlan, ServicePlanRef{ID: planID})
		if err != nil {
			return nil, err
		}
		if acc.Contract(pl.ServiceID) != nil {
			return nil, fail("base", "already subscribed to this service", "already subscribed to this service")
		}
		rec := store.ServiceContractRecord{AccountID: acc.ID, ServiceID: pl.ServiceID, PlanID: pl.ID, State: "live"}
		if pl.ApprovalRequired {
			rec.State = "pending"
		}
		if err := t.SaveContract(&rec); err != nil {
			return nil, err
		}
		return t.subscription(acc.ID, rec.ID)
	})
}

// subscription re-reads a subscription the transaction wrote.
func (t *tx) subscription(accountID, id int64) (*store.ServiceContract, error) {
	cat, err := t.Catalog()
	if err != nil {
		return nil, err
	}
	return Subscription(cat, t.actor, SubscriptionRef{Account: accountID, ID: id})
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
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Subscription, ref, func(t *tx, c *store.ServiceContract) (*store.ServiceContract, error) {
		if c.State != "pending" {
			return nil, cannotTransition("accept")
		}
		rec := c.ServiceContractRecord
		rec.State = "live"
		if err := t.SaveContract(&rec); err != nil {
			return nil, err
		}
		return t.subscription(c.AccountID, c.ID)
	})
}

// Unsubscribe deletes a subscription and the account's applications on
// its service (each application_deleted), which must all be suspended
// first. It returns the subscription as it was.
func (d *Domain) Unsubscribe(ctx context.Context, a Actor, ref SubscriptionRef) (*store.ServiceContract, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Subscription, ref, func(t *tx, c *store.ServiceContract) (*store.ServiceContract, error) {
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		acc := cat.Account(c.AccountID)
		if acc == nil {
			return nil, ErrNotFound
		}
		var apps []*store.Application
		active := 0
		for _, app := range acc.Applications {
			if app.ServiceID == c.ServiceID {
				apps = append(apps, app)
				if app.State != "suspended" {
					active++
				}
			}
		}
		switch {
		case active == 1:
			const msg = "There is 1 unsuspended application subscribed to the service"
			return nil, fail("base", msg, msg)
		case active > 1:
			msg := fmt.Sprintf("There are %d unsuspended applications subscribed to the service", active)
			return nil, fail("base", msg, msg)
		}
		for _, app := range apps {
			if err := t.DeleteApplication(app.ID); err != nil {
				return nil, err
			}
			if pl := cat.Plan(app.PlanID); pl != nil && pl.Custom() {
				if err := t.DeletePlan(app.PlanID); err != nil {
					return nil, err
				}
			}
			if err := emit(t, "deleted", app); err != nil {
				return nil, err
			}
		}
		return c, t.DeleteContract(c.AccountID, c.ID)
	})
}
