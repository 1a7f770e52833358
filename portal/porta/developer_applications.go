package porta

import (
	"context"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// A developer's applications, as the developer portal creates them; the
// service's switches decide (developer_rules.go).

// DeveloperCreateApplication creates an application of the developer's
// account on a service, as porta's POST /admin/applications?service_id=
// does: on the plan chosen (planID; 0 for none) when the service lets
// developers choose, else on the service's default (or first published)
// plan; live, or pending on a plan that requires approval. A service the
// developer may not create applications on is ErrForbidden.
func (d *Domain) DeveloperCreateApplication(ctx context.Context, a Actor, serviceID string, planID int64, in ApplicationInput) (*store.Application, error) {
	if a.Kind != Developer || a.User == nil {
		return nil, ErrForbidden
	}
	return on(ctx, d, a, Account, a.User.AccountID, func(t *tx, acc *store.Account) (*store.Application, error) {
		s, err := found(t, Service, serviceID)
		if err != nil {
			return nil, err
		}
		var chosen *store.Plan
		if planID != 0 {
			if chosen, err = found(t, Plan, PlanRef{ID: planID, Service: &s.ID}); err != nil {
				return nil, err
			}
		}
		plan, app, err := t.developerApplication(acc, s, chosen, NewApplication{ApplicationInput: in})
		if err != nil {
			return nil, err
		}
		return t.createApplication(acc, plan, app)
	})
}

// developerApplication is a developer's new application as the service's
// rules make it: its plan (developerPlan), what a developer may give of it
// (no app_id, keys or user key of their own). Other actors'
// pass as they are.
func (t *tx) developerApplication(acc *store.Account, s *store.Service, chosen *store.Plan, in NewApplication) (*store.Plan, NewApplication, error) {
	a := t.actor
	if a.Kind != Developer {
		return chosen, in, nil
	}
	plan, err := developerPlan(acc, s, chosen)
	if err != nil {
		return nil, in, err
	}
	return plan, NewApplication{ApplicationInput: a.developerInput(in.ApplicationInput)}, nil
}
