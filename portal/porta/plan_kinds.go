package porta

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Account plans (the provider's, which developer accounts are on) and
// service plans (a service's, which subscriptions are on): porta's
// admin/api account_plans and service_plans controllers. Both take a
// name, approval_required and state_event (and a system_name on create),
// start hidden, and one of each set is the default.

// AccountPlan finds an account plan of the actor's provider.
func AccountPlan(cat *store.Catalog, a Actor, id int64) (*store.Plan, error) {
	return accountPlan(cat, a, id)
}

// AccountPlans are the provider's account plans, in id order.
func AccountPlans(cat *store.Catalog, a Actor) []*store.Plan { return Provider(cat, a).AccountPlans }

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

// ServicePlans are every service plan of the actor's provider, in id
// order.
func ServicePlans(cat *store.Catalog, a Actor) []*store.Plan {
	var out []*store.Plan
	for _, s := range Provider(cat, a).Services {
		out = append(out, s.ServicePlans...)
	}
	sortPlans(out)
	return out
}

// CreateAccountPlan creates an account plan: hidden, unless its input
// publishes it.
func (d *Domain) CreateAccountPlan(ctx context.Context, a Actor, in PlanInput) (*store.Plan, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return change(ctx, d, a, func(t *tx) (*store.Plan, error) {
		prov, err := t.provider()
		if err != nil {
			return nil, err
		}
		rec := store.PlanRecord{ProviderID: prov.ID, Type: store.AccountPlan, State: "hidden"}
		return t.createPlan(in, prov.AccountPlans, &rec)
	})
}

// CreateServicePlan creates a service plan of a service: hidden, unless
// its input publishes it.
func (d *Domain) CreateServicePlan(ctx context.Context, a Actor, serviceID string, in PlanInput) (*store.Plan, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Service, serviceID, func(t *tx, s *store.Service) (*store.Plan, error) {
		rec := store.PlanRecord{ProviderID: s.ProviderID, ServiceID: s.ID, Type: store.ServicePlan, State: "hidden"}
		return t.createPlan(in, s.ServicePlans, &rec)
	})
}

func (t *tx) createPlan(in PlanInput, siblings []*store.Plan, rec *store.PlanRecord) (*store.Plan, error) {
	if err := t.applyPlan(in, siblings, rec, true); err != nil {
		return nil, err
	}
	if err := t.SavePlan(rec); err != nil {
		return nil, err
	}
	return t.plan(rec.ID)
}

func (t *tx) updatePlan(pl *store.Plan, siblings []*store.Plan, in PlanInput) (*store.Plan, error) {
	rec := pl.PlanRecord
	if err := t.applyPlan(in, siblings, &rec, false); err != nil {
		return nil, err
	}
	if err := t.SavePlan(&rec); err != nil {
		return nil, err
	}
	return t.plan(rec.ID)
}

// UpdateAccountPlan changes an account plan.
func (d *Domain) UpdateAccountPlan(ctx context.Context, a Actor, id int64, in PlanInput) (*store.Plan, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, AccountPlan, id, func(t *tx, pl *store.Plan) (*store.Plan, error) {
		return t.updatePlan(pl, pl.Provider.AccountPlans, in)
	})
}

// UpdateServicePlan changes a service plan.
func (d *Domain) UpdateServicePlan(ctx context.Context, a Actor, ref ServicePlanRef, in PlanInput) (*store.Plan, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, ServicePlan, ref, func(t *tx, pl *store.Plan) (*store.Plan, error) {
		return t.updatePlan(pl, pl.Service.ServicePlans, in)
	})
}

// DeleteAccountPlan deletes an account plan no account is on. It returns
// the plan as it was.
func (d *Domain) DeleteAccountPlan(ctx context.Context, a Actor, id int64) (*store.Plan, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, AccountPlan, id, func(t *tx, pl *store.Plan) (*store.Plan, error) {
		for _, acc := range pl.Provider.Accounts {
			if acc.PlanID == pl.ID {
				const msg = "This account plan cannot be deleted! At least one account depends on it."
				return nil, fail("base", msg, msg)
			}
		}
		return pl, t.DeletePlan(pl.ID)
	})
}

// DeleteServicePlan deletes a service plan no subscription is on. It
// returns the plan as it was.
func (d *Domain) DeleteServicePlan(ctx context.Context, a Actor, ref ServicePlanRef) (*store.Plan, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, ServicePlan, ref, func(t *tx, pl *store.Plan) (*store.Plan, error) {
		for _, acc := range pl.Provider.Accounts {
			if c := acc.Contract(pl.ServiceID); c != nil && c.PlanID == pl.ID {
				const msg = "This service plan cannot be deleted! At least one contract depends on it."
				return nil, fail("base", msg, msg)
			}
		}
		return pl, t.DeletePlan(pl.ID)
	})
}

// SetDefaultAccountPlan makes an account plan the provider's default,
// which signups get.
func (d *Domain) SetDefaultAccountPlan(ctx context.Context, a Actor, id int64) (*store.Plan, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, AccountPlan, id, func(t *tx, pl *store.Plan) (*store.Plan, error) {
		return t.makeDefault(pl, pl.Provider.AccountPlans)
	})
}

// SetDefaultServicePlan makes a service plan its service's default, which
// new subscriptions get.
func (d *Domain) SetDefaultServicePlan(ctx context.Context, a Actor, ref ServicePlanRef) (*store.Plan, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, ServicePlan, ref, func(t *tx, pl *store.Plan) (*store.Plan, error) {
		return t.makeDefault(pl, pl.Service.ServicePlans)
	})
}

// makeDefault makes pl the one default of its set.
func (t *tx) makeDefault(pl *store.Plan, set []*store.Plan) (*store.Plan, error) {
	for _, other := range set {
		if other.Default != (other.ID == pl.ID) {
			rec := other.PlanRecord
			rec.Default = other.ID == pl.ID
			if err := t.SavePlan(&rec); err != nil {
				return nil, err
			}
		}
	}
	return t.plan(pl.ID)
}

func sortPlans(ps []*store.Plan) {
	slices.SortFunc(ps, func(a, b *store.Plan) int { return cmp.Compare(a.ID, b.ID) })
}
