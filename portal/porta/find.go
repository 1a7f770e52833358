package porta

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Finding objects by id, within what the actor sees: the operations find
// what they change this way in their transaction's catalog, and the faces
// find what they show in the committed one.

// Provider is the actor's provider as cat holds it.
func Provider(cat *store.Catalog, a Actor) *store.Provider {
	for _, p := range cat.Providers {
		if p.ID == a.Provider.ID {
			return p
		}
	}
	return a.Provider
}

// Account finds a developer account.
func Account(cat *store.Catalog, a Actor, id int64) (*store.Account, error) {
	acc := cat.Account(id)
	if !a.sees(acc) {
		return nil, fmt.Errorf("account %d: %w", id, ErrNotFound)
	}
	return acc, nil
}

// AppRef names an application.
type AppRef struct {
	ID int64
	// Account, when set, is the account the application must belong to
	// (the API's paths name both).
	Account *int64
}

// Application finds an application.
func Application(cat *store.Catalog, a Actor, ref AppRef) (*store.Application, error) {
	app := cat.Application(ref.ID)
	if app == nil {
		return nil, fmt.Errorf("application %d: %w", ref.ID, ErrNotFound)
	}
	if err := inAccount(cat, a, app.AccountID, ref.Account); err != nil {
		return nil, fmt.Errorf("application %d: %w", ref.ID, err)
	}
	return app, nil
}

// inAccount checks the account of an object found by id: the actor sees
// it, and it is the account named, when one is.
func inAccount(cat *store.Catalog, a Actor, acc int64, named *int64) error {
	if named != nil && acc != *named {
		return fmt.Errorf("not of account %d: %w", *named, ErrNotFound)
	}
	_, err := Account(cat, a, acc)
	return err
}

// UserRef names a user of a developer account.
type UserRef struct {
	ID int64
	// Account, when set, is the account the user must belong to.
	Account *int64
}

// User finds a user of a developer account.
func User(cat *store.Catalog, a Actor, ref UserRef) (*store.User, error) {
	u := cat.User(ref.ID)
	if u == nil {
		return nil, fmt.Errorf("user %d: %w", ref.ID, ErrNotFound)
	}
	if err := inAccount(cat, a, u.AccountID, ref.Account); err != nil {
		return nil, fmt.Errorf("user %d: %w", ref.ID, err)
	}
	return u, nil
}

// Service finds a service of the actor's provider.
func Service(cat *store.Catalog, a Actor, id string) (*store.Service, error) {
	s := cat.Service(id)
	if s == nil || s.ProviderID != a.Provider.ID {
		return nil, fmt.Errorf("service %q: %w", id, ErrNotFound)
	}
	return s, nil
}

// PlanRef names an application plan.
type PlanRef struct {
	ID int64
	// Service, when set, is the service the plan must belong to.
	Service *string
}

// Plan finds an application plan of the actor's provider.
func Plan(cat *store.Catalog, a Actor, ref PlanRef) (*store.Plan, error) {
	if ref.Service != nil {
		if _, err := Service(cat, a, *ref.Service); err != nil {
			return nil, err
		}
	}
	pl := cat.Plan(ref.ID)
	if pl == nil || pl.Type != store.ApplicationPlan || pl.ProviderID != a.Provider.ID ||
		(ref.Service != nil && pl.ServiceID != *ref.Service) {
		return nil, fmt.Errorf("application plan %d: %w", ref.ID, ErrNotFound)
	}
	return pl, nil
}

// accountPlan finds an account plan of the actor's provider.
func accountPlan(cat *store.Catalog, a Actor, id int64) (*store.Plan, error) {
	pl := cat.Plan(id)
	if pl == nil || pl.Type != store.AccountPlan || pl.ProviderID != a.Provider.ID {
		return nil, fmt.Errorf("account plan %d: %w", id, ErrNotFound)
	}
	return pl, nil
}

// ApplicationPlans are every application plan of the actor's provider,
// customized ones included, in id order.
func ApplicationPlans(cat *store.Catalog, a Actor) []*store.Plan {
	var plans []*store.Plan
	for _, s := range Provider(cat, a).Services {
		plans = append(plans, s.Plans...)
	}
	slices.SortFunc(plans, func(a, b *store.Plan) int { return cmp.Compare(a.ID, b.ID) })
	return plans
}

// MetricRef names a metric, or a method, of a service.
type MetricRef struct {
	Service string
	ID      int64
	// Parent, when set, is the metric whose method this is.
	Parent *int64
}

// Metric finds a metric or method of a service of the actor's provider.
func Metric(cat *store.Catalog, a Actor, ref MetricRef) (*store.Metric, error) {
	s, err := Service(cat, a, ref.Service)
	if err != nil {
		return nil, err
	}
	owner := func(m *store.Metric) bool { return m.ServiceID == s.ID }
	if ref.Parent != nil {
		parent, err := Metric(cat, a, MetricRef{Service: ref.Service, ID: *ref.Parent})
		if err != nil {
			return nil, err
		}
		owner = func(m *store.Metric) bool { return m.ParentID == parent.ID }
	}
	m := cat.Metric(ref.ID)
	if m == nil || !owner(m) {
		return nil, fmt.Errorf("metric %d: %w", ref.ID, ErrNotFound)
	}
	return m, nil
}

// PlanLimits are the limits of an application plan, in id order.
func PlanLimits(pl *store.Plan) []store.Limit {
	ls := slices.Clone(pl.Limits)
	sortLimits(ls)
	return ls
}

func sortLimits(ls []store.Limit) {
	slices.SortFunc(ls, func(a, b store.Limit) int { return cmp.Compare(a.ID, b.ID) })
}

// MetricLimits are the limits on a metric of an application plan's
// service, of every plan of that service: porta scopes the per-metric
// limit endpoints by the metric alone.
func MetricLimits(cat *store.Catalog, a Actor, planID, metricID int64) (*store.Plan, *store.Metric, []store.Limit, error) {
	pl, err := Plan(cat, a, PlanRef{ID: planID})
	if err != nil {
		return nil, nil, nil, err
	}
	m := cat.Metric(metricID)
	if m == nil || m.ServiceID != pl.ServiceID {
		return nil, nil, nil, fmt.Errorf("metric %d: %w", metricID, ErrNotFound)
	}
	var out []store.Limit
	for _, other := range m.Service.Plans {
		for _, l := range other.Limits {
			if l.Metric.ID == m.ID {
				out = append(out, l)
			}
		}
	}
	sortLimits(out)
	return pl, m, out, nil
}

// LimitRef names a usage limit by the plan and metric it is found under.
type LimitRef struct{ Plan, Metric, ID int64 }

// Limit finds a usage limit among its metric's.
func Limit(cat *store.Catalog, a Actor, ref LimitRef) (store.Limit, error) {
	_, _, ls, err := MetricLimits(cat, a, ref.Plan, ref.Metric)
	if err != nil {
		return store.Limit{}, err
	}
	for _, l := range ls {
		if l.ID == ref.ID {
			return l, nil
		}
	}
	return store.Limit{}, fmt.Errorf("limit %d: %w", ref.ID, ErrNotFound)
}
