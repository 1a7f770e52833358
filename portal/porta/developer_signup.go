package porta

import (
	"context"
	"errors"
	"fmt"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The developer portal's signup, porta's SignupService: a visitor signs
// up an account and its admin user, who activates the account from the
// link the signup confirmation carries (activation.go).

// ErrSignupDisabled is porta's refusal of the signup form when the
// provider has turned signups off or has no account plan to sign up
// with.
var ErrSignupDisabled = errors.New("Signup disabled")

// SignupEnabled is porta's signup_enabled?: signups are on, and there is
// an account plan to sign up with (published, or the default one).
func SignupEnabled(p *store.Provider) bool {
	if !p.Settings.SignupsEnabled {
		return false
	}
	for _, pl := range p.AccountPlans {
		if pl.Default || pl.State == "published" {
			return true
		}
	}
	return false
}

// ApprovalRequired is porta's Account#approval_required?: the account's
// plan wants the provider to approve it before its users may log in.
func ApprovalRequired(cat *store.Catalog, acc *store.Account) bool {
	pl := cat.Plan(acc.PlanID)
	return pl != nil && pl.ApprovalRequired
}

// PortalSignupInput is the developer portal's signup form.
type PortalSignupInput struct {
	Account AccountInput
	User    UserInput
	// PlanIDs are the plans the visitor came to sign up with
	// (/signup?plan_ids[]=…): published plans of the provider, at most one
	// of each type; the defaults stand for the rest.
	PlanIDs []int64
}

// ChosenPlans finds the plans a visitor came to sign up with, as porta's
// provided_plans.published.find: every id must name a published plan of
// the provider (ErrNotFound otherwise).
func ChosenPlans(cat *store.Catalog, a Actor, ids []int64) ([]*store.Plan, error) {
	var out []*store.Plan
	for _, id := range ids {
		pl := cat.Plan(id)
		if pl == nil || pl.ProviderID != a.Provider.ID || pl.State != "published" {
			return nil, fmt.Errorf("plan %d: %w", id, ErrNotFound)
		}
		out = append(out, pl)
	}
	return out, nil
}

// DeveloperSignup signs a visitor up (a, the visitor: ByDeveloper with no
// user): an account, created, and its admin user, pending until they open
// the activation link emailed to them; the account is subscribed to every
// service with a service plan and gets, on each one's default (or chosen)
// application plan, an application "ORG's App". Webhooks account, user
// and application created fire, always, as porta's SignupService fires
// them; the provider is told "NAME from ORG signed up". It returns the new
// user.
func (d *Domain) DeveloperSignup(ctx context.Context, a Actor, in PortalSignupInput) (*store.User, error) {
	if a.Kind != Developer || a.User != nil {
		return nil, ErrForbidden
	}
	return change(ctx, d, a, func(t *tx) (*store.User, error) {
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		prov := Provider(cat, a)
		if !SignupEnabled(prov) {
			return nil, ErrSignupDisabled
		}
		chosen, err := ChosenPlans(cat, a, in.PlanIDs)
		if err != nil {
			return nil, err
		}
		var ids SignupInput
		for _, pl := range chosen {
			switch pl.Type {
			case store.AccountPlan:
				ids.AccountPlanID = pl.ID
			case store.ServicePlan:
				ids.ServicePlanID = pl.ID
			case store.ApplicationPlan:
				ids.ApplicationPlanID = pl.ID
			}
		}
		plans, err := planSignup(cat, prov, ids)
		if err != nil {
			return nil, err
		}

		acc := store.AccountRecord{ProviderID: prov.ID, PlanID: plans.account.ID, State: "created",
			MonthlyBillingEnabled: true, MonthlyChargingEnabled: true}
		user := store.UserRecord{Role: RoleAdmin, State: "pending", SignupType: store.SignupNew}
		if err := signupProblems(applyAccount(in.Account, prov, &acc), selfServiceUser(in.User, prov, &user)); err != nil {
			return nil, err
		}
		// porta's SignupService fires the created events of the account,
		// its user and each application, and no other (not key_created):
		// its model callbacks fire nothing for a visitor.
		t.muted = true
		newAcc, err := t.signup(&acc, &user, plans, ApplicationInput{Name: ptrTo(acc.OrgName + "'s App"),
			Description: ptrTo("Default application created on signup.")})
		t.muted = false
		if err != nil {
			return nil, err
		}
		// porta's activation code: 40 hex characters.
		code, err := t.d.hex(20)
		if err != nil {
			return nil, err
		}
		if err := t.AddUserToken(&store.UserToken{Token: code, UserID: user.ID, Kind: store.TokenActivation}); err != nil {
			return nil, err
		}

		if cat, err = t.Catalog(); err != nil {
			return nil, err
		}
		newAcc, newUser := cat.Account(newAcc.ID), cat.User(user.ID)
		if err := emit(t, "created", newAcc); err != nil {
			return nil, err
		}
		if err := emit(t, "created", newUser); err != nil {
			return nil, err
		}
		for _, app := range newAcc.Applications {
			if err := emit(t, "created", app); err != nil {
				return nil, err
			}
		}
		if err := t.queue(signupConfirmationMail(t.d.links, prov, newUser, code)); err != nil {
			return nil, err
		}
		if err := t.queue(providerSignupMail(cat, t.d.links, newAcc, newUser)); err != nil {
			return nil, err
		}
		return newUser, nil
	})
}

// ptrTo is a pointer to a value, for an operation's input.
func ptrTo[T any](v T) *T { return &v }

// selfServiceUser applies and validates a user who signs up themselves
// (the signup form, an invitation), as porta's User does when
// signup.by_user?: an email address, and a password, which its
// confirmation must match.
func selfServiceUser(in UserInput, prov *store.Provider, rec *store.UserRecord) error {
	err := applyUser(in, prov, rec, true)
	return withProblems(err, passwordProblems(in, true))
}

// passwordProblems are the password's problems applyUser leaves to the
// forms that ask for one: missing (when required), and a confirmation
// left blank beside a password, which Rails' confirmation does not
// match.
func passwordProblems(in UserInput, required bool) problems {
	var errs problems
	password := in.Password != nil && *in.Password != ""
	switch {
	case !password && required:
		errs.add("password", "can't be blank", "Password can't be blank")
	case password && in.PasswordConfirmation != nil && *in.PasswordConfirmation == "":
		errs.add("password_confirmation", "doesn't match Password", "Password confirmation doesn't match Password")
	}
	return errs
}

// withProblems adds more problems to a validation's error.
func withProblems(err error, more problems) error {
	if len(more) == 0 {
		return err
	}
	var v *ValidationError
	switch {
	case errors.As(err, &v):
		return &ValidationError{Problems: append(append([]Problem(nil), v.Problems...), more...)}
	case err != nil:
		return err
	}
	return more.err()
}
