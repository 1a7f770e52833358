package porta

import (
	"context"
	"errors"
	"fmt"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// SignupInput is a new developer account with its admin user.
type SignupInput struct {
	Account AccountInput
	User    UserInput
	// The plans to sign up with; 0, or an id that names no plan of that
	// type of the provider, takes the default.
	AccountPlanID, ServicePlanID, ApplicationPlanID int64
}

// Signup creates a developer account, its admin user and, on every
// service the account gets subscribed to, an application named "API
// signup". Plans are the ones given and the defaults for the rest. With a
// password, and an account plan that does not require approval, the user
// is active and the account approved; otherwise they wait as pending and
// created. It returns the account with its applications.
func (d *Domain) Signup(ctx context.Context, a Actor, in SignupInput) (*store.Account, error) {
	return change(ctx, d, a, func(t *tx) (*store.Account, error) {
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		prov := Provider(cat, a)
		plans, err := planSignup(cat, prov, in)
		if err != nil {
			return nil, err
		}
		acc := store.AccountRecord{ProviderID: prov.ID, PlanID: plans.account.ID, State: "created",
			MonthlyBillingEnabled: true, MonthlyChargingEnabled: true}
		user := store.UserRecord{Role: RoleAdmin, State: "pending", SignupType: store.SignupMinimal}
		if err := signupProblems(applyAccount(in.Account, prov, &acc), applyUser(in.User, prov, &user, false)); err != nil {
			return nil, err
		}
		if in.User.Password != nil && *in.User.Password != "" && !plans.account.ApprovalRequired {
			user.State, acc.State = "active", "approved"
		}
		name := "API signup"
		return t.signup(&acc, &user, plans, ApplicationInput{Name: &name, Description: &name})
	})
}

// signupPlans are what a new account gets: its account plan, and a
// subscription (with an application, when its service has an
// application plan to give) on each service it is subscribed to.
type signupPlans struct {
	account *store.Plan
	subs    []subscription
}

type subscription struct{ service, app *store.Plan }

// planSignup picks a signup's plans: the ones given, the defaults for the
// rest.
func planSignup(cat *store.Catalog, prov *store.Provider, in SignupInput) (signupPlans, error) {
	given := func(id int64, typ string) *store.Plan {
		pl := cat.Plan(id)
		if pl == nil || pl.Type != typ || pl.ProviderID != prov.ID {
			return nil
		}
		return pl
	}
	out := signupPlans{account: given(in.AccountPlanID, store.AccountPlan)}
	if out.account == nil {
		out.account = prov.DefaultAccountPlan()
	}
	if out.account == nil {
		return out, fmt.Errorf("default account plan: %w", ErrNotFound)
	}
	servicePlan, appPlan := given(in.ServicePlanID, store.ServicePlan), given(in.ApplicationPlanID, store.ApplicationPlan)
	for _, s := range prov.Services {
		sub := subscription{service: s.DefaultServicePlan()}
		if servicePlan != nil && servicePlan.ServiceID == s.ID {
			sub.service = servicePlan
		}
		if sub.service == nil {
			if appPlan != nil && appPlan.ServiceID == s.ID {
				// An application plan needs a service plan.
				return out, fmt.Errorf("service plan of %q: %w", s.ID, ErrNotFound)
			}
			continue
		}
		sub.app = s.DefaultPlan()
		if appPlan != nil && appPlan.ServiceID == s.ID {
			sub.app = appPlan
		}
		out.subs = append(out.subs, sub)
	}
	return out, nil
}

// signup saves a validated new account and its admin user on plans, with
// their subscriptions and an application (app) on each, and queues the
// events in porta's order of commit: the account, its user, then each
// application (with its keys). It returns the account as saved.
func (t *tx) signup(acc *store.AccountRecord, user *store.UserRecord, plans signupPlans, app ApplicationInput) (*store.Account, error) {
	if err := t.SaveAccount(acc); err != nil {
		return nil, err
	}
	user.AccountID = acc.ID
	if err := t.SaveUser(user); err != nil {
		return nil, err
	}
	for _, sub := range plans.subs {
		state := "live"
		if sub.service.ApprovalRequired {
			state = "pending"
		}
		if err := t.SaveContract(&store.ServiceContractRecord{AccountID: acc.ID, ServiceID: sub.service.ServiceID,
			PlanID: sub.service.ID, State: state}); err != nil {
			return nil, err
		}
	}
	cat, err := t.Catalog()
	if err != nil {
		return nil, err
	}
	if err := emit(t, "created", cat.Account(acc.ID)); err != nil {
		return nil, err
	}
	if err := emit(t, "created", cat.User(user.ID)); err != nil {
		return nil, err
	}
	for _, sub := range plans.subs {
		if sub.app == nil {
			continue
		}
		if cat, err = t.Catalog(); err != nil {
			return nil, err
		}
		if _, err := t.createApplication(cat.Account(acc.ID), cat.Plan(sub.app.ID), NewApplication{ApplicationInput: app}); err != nil {
			return nil, err
		}
	}
	if cat, err = t.Catalog(); err != nil {
		return nil, err
	}
	return cat.Account(acc.ID), nil
}

// signupProblems merges the validations of a signup's account and user as
// porta reports them: the account's, then "Users invalid" and the user's.
func signupProblems(accErr, userErr error) error {
	var all problems
	for _, err := range []error{accErr, userErr} {
		var v *ValidationError
		switch {
		case errors.As(err, &v):
			if err == userErr {
				all.add("users", "invalid", "Users invalid")
			}
			all = append(all, v.Problems...)
		case err != nil:
			return err
		}
	}
	return all.err()
}
