package porta

import (
	"context"
	"slices"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The developer accounts of a provider: Account's validations and states
// (created, pending, approved, rejected), and its account plan.

// AccountInput is what a person or client gives of an account; nil is not
// given.
type AccountInput struct {
	OrgName *string
	// Fields are values of the account fields the provider defines, by name.
	Fields map[string]string
	// Annotations are set in order (a blank value removes one); porta
	// allows only managed_by.
	Annotations []store.Field
}

// AccountUpdate is what changes an account: its input and the billing
// switches.
type AccountUpdate struct {
	AccountInput
	MonthlyBillingEnabled, MonthlyChargingEnabled *bool
}

// applyAccount applies an account's input and validates it as Account
// does.
func applyAccount(in AccountInput, prov *store.Provider, rec *store.AccountRecord) error {
	setTrimmed(&rec.OrgName, in.OrgName)
	rec.Fields, rec.ExtraFields = applyFields(in.Fields, prov.AccountFields, store.OptionalAccountFields, rec.Fields,
		rec.ExtraFields)
	var errs problems
	for _, ann := range in.Annotations {
		if ann.Name != "managed_by" {
			errs.add("annotations", "is invalid", "Annotations name is not included in the list")
			continue
		}
		rec.Annotations = slices.DeleteFunc(slices.Clone(rec.Annotations), func(f store.Field) bool { return f.Name == ann.Name })
		if strings.TrimSpace(ann.Value) != "" {
			rec.Annotations = rec.Annotations.With(ann.Name, ann.Value)
		}
	}
	if rec.OrgName == "" {
		errs.add("org_name", "can't be blank", "Organization/Group Name can't be blank")
	}
	return errs.err()
}

// accountChanged re-reads an account after a change and queues its event.
func (t *tx) accountChanged(id int64, action string) (*store.Account, error) {
	cat, err := t.Catalog()
	if err != nil {
		return nil, err
	}
	acc := cat.Account(id)
	return acc, emit(t, action, acc)
}

// UpdateAccount changes an account's organization name, fields,
// annotations and billing switches.
func (d *Domain) UpdateAccount(ctx context.Context, a Actor, id int64, in AccountUpdate) (*store.Account, error) {
	return on(ctx, d, a, Account, id, func(t *tx, acc *store.Account) (*store.Account, error) {
		in, err := t.developerAccount(in)
		if err != nil {
			return nil, err
		}
		prov, err := t.provider()
		if err != nil {
			return nil, err
		}
		rec := acc.AccountRecord
		if err := applyAccount(in.AccountInput, prov, &rec); err != nil {
			return nil, err
		}
		set(&rec.MonthlyBillingEnabled, in.MonthlyBillingEnabled)
		set(&rec.MonthlyChargingEnabled, in.MonthlyChargingEnabled)
		if err := t.SaveAccount(&rec); err != nil {
			return nil, err
		}
		return t.accountChanged(rec.ID, "updated")
	})
}

// DeleteAccount destroys an account at once, with its users and
// applications, each of which fires its deleted event. It returns the
// account as it was.
func (d *Domain) DeleteAccount(ctx context.Context, a Actor, id int64) (*store.Account, error) {
	return on(ctx, d, a, Account, id, func(t *tx, acc *store.Account) (*store.Account, error) {
		if err := t.DeleteAccount(acc.ID); err != nil {
			return nil, err
		}
		for _, app := range acc.Applications {
			if err := emit(t, "deleted", app); err != nil {
				return nil, err
			}
		}
		for _, u := range acc.Users {
			if err := emit(t, "deleted", u); err != nil {
				return nil, err
			}
		}
		return acc, emit(t, "deleted", acc)
	})
}

// accountTransitions are Account's events: from which states each leads
// to which.
var accountTransitions = map[string]struct {
	from []string
	to   string
}{
	"approve":      {[]string{"created", "pending", "rejected"}, "approved"},
	"reject":       {[]string{"created", "pending", "approved"}, "rejected"},
	"make_pending": {[]string{"created", "approved", "rejected"}, "pending"},
	"suspend":      {[]string{"created", "pending", "approved", "rejected", "suspended", "scheduled_for_deletion"}, "suspended"},
	"resume":       {[]string{"suspended", "scheduled_for_deletion"}, "approved"},
}

// ApproveAccount approves a created, pending or rejected account.
func (d *Domain) ApproveAccount(ctx context.Context, a Actor, id int64) (*store.Account, error) {
	return d.transitionAccount(ctx, a, id, "approve")
}

// RejectAccount rejects a created, pending or approved account.
func (d *Domain) RejectAccount(ctx context.Context, a Actor, id int64) (*store.Account, error) {
	return d.transitionAccount(ctx, a, id, "reject")
}

// MakePendingAccount puts a created, approved or rejected account back to
// pending.
func (d *Domain) MakePendingAccount(ctx context.Context, a Actor, id int64) (*store.Account, error) {
	return d.transitionAccount(ctx, a, id, "make_pending")
}

// transitionAccount runs an account event; one the state does not allow
// is a validation error, and a state change fires updated.
func (d *Domain) transitionAccount(ctx context.Context, a Actor, id int64, event string) (*store.Account, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	tr := accountTransitions[event]
	return on(ctx, d, a, Account, id, func(t *tx, acc *store.Account) (*store.Account, error) {
		if !slices.Contains(tr.from, acc.State) {
			return nil, cannotTransition(event)
		}
		rec := acc.AccountRecord
		rec.State = tr.to
		if err := t.SaveAccount(&rec); err != nil {
			return nil, err
		}
		changed, err := t.accountChanged(rec.ID, "updated")
		if err != nil {
			return nil, err
		}
		return changed, t.accountStateMail(changed)
	})
}

// accountStateMail queues the email of an account's new state, as
// Account's transitions deliver them: the waiting list when it becomes
// pending; the approval when it is approved on a plan that requires
// approval, unless the provider created its admin; the rejection.
func (t *tx) accountStateMail(a *store.Account) error {
	acc, err := t.linkAccount(a)
	if err != nil {
		return err
	}
	switch acc.State {
	case "pending":
		return t.queueIf(waitingListMail(acc))
	case "approved":
		admin := firstAdmin(acc.Account)
		if acc.Plan == nil || !acc.Plan.ApprovalRequired || admin == nil || admin.SignupType == store.SignupByProvider {
			return nil
		}
		return t.queueIf(accountApprovedMail(t.d.links, acc))
	case "rejected":
		return t.queueIf(accountRejectedMail(acc))
	}
	return nil
}

// ChangeAccountPlan moves an account to planID, an account plan of the
// provider: plan_changed only, as porta changes the contract, not the
// account. The account's new plan is the answer's.
func (d *Domain) ChangeAccountPlan(ctx context.Context, a Actor, id, planID int64) (*store.Account, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Account, id, func(t *tx, acc *store.Account) (*store.Account, error) {
		plan, err := found(t, accountPlan, planID)
		if err != nil {
			return nil, err
		}
		if plan.ID == acc.PlanID {
			return acc, nil
		}
		rec := acc.AccountRecord
		rec.PlanID = plan.ID
		if err := t.SaveAccount(&rec); err != nil {
			return nil, err
		}
		return t.accountChanged(rec.ID, "plan_changed")
	})
}
