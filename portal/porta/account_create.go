package porta

import (
	"context"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Accounts the provider makes and the states only the provider moves
// them to.

// NewAccount is a developer account the provider creates in the admin
// portal, with its admin user; the password may be left out (the user is
// then invited to set one, or signs in once an admin sets it).
type NewAccount struct {
	Account AccountInput
	User    UserInput
}

// CreateAccount creates a developer account as the admin portal's "Create"
// does (porta's Signup::DeveloperAccountManager and
// Buyers::AccountsController#create): on the default plans, with an
// application "ORG's App" on each service with a default application
// plan; then the account is approved and its admin user active, created
// by the provider, so that no email goes to the developer. Events: the
// account, the user and the applications created, then the account and
// the user updated.
func (d *Domain) CreateAccount(ctx context.Context, a Actor, in NewAccount) (*store.Account, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return change(ctx, d, a, func(t *tx) (*store.Account, error) {
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		prov := Provider(cat, a)
		plans, err := planSignup(cat, prov, SignupInput{})
		if err != nil {
			return nil, err
		}
		acc := store.AccountRecord{ProviderID: prov.ID, PlanID: plans.account.ID, State: "created",
			MonthlyBillingEnabled: true, MonthlyChargingEnabled: true}
		user := store.UserRecord{Role: RoleAdmin, State: "pending", SignupType: store.SignupByProvider}
		if err := signupProblems(applyAccount(in.Account, prov, &acc), applyUser(in.User, prov, &user, true)); err != nil {
			return nil, err
		}
		name, desc := acc.OrgName+"'s App", "Default application created on signup."
		created, err := t.signup(&acc, &user, plans, ApplicationInput{Name: &name, Description: &desc})
		if err != nil {
			return nil, err
		}
		arec := created.AccountRecord
		arec.State = "approved"
		if err := t.SaveAccount(&arec); err != nil {
			return nil, err
		}
		if _, err := t.accountChanged(arec.ID, "updated"); err != nil {
			return nil, err
		}
		urec := user
		urec.State = "active"
		if err := t.SaveUser(&urec); err != nil {
			return nil, err
		}
		if _, err := t.userChanged(urec.ID, "updated"); err != nil {
			return nil, err
		}
		cat, err = t.Catalog()
		if err != nil {
			return nil, err
		}
		return cat.Account(arec.ID), nil
	})
}

// SuspendAccount suspends a developer account, from any state: its users
// may no longer sign in. Its applications keep their state (porta
// suspends a provider's contract, not a developer's applications).
func (d *Domain) SuspendAccount(ctx context.Context, a Actor, id int64) (*store.Account, error) {
	return d.transitionAccount(ctx, a, id, "suspend")
}

// ResumeAccount makes a suspended account approved again.
func (d *Domain) ResumeAccount(ctx context.Context, a Actor, id int64) (*store.Account, error) {
	return d.transitionAccount(ctx, a, id, "resume")
}
