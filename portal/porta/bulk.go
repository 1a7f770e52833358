package porta

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The bulk operations of the admin portal's lists (porta's
// Buyers::*::Bulk controllers): the objects selected, each changed by the
// single operation in a change of its own, as porta changes them one by
// one. An object the operation refuses (a state that does not allow the
// transition, a plan of another service) is a failure with the refusal's
// messages; the others are changed. porta skips, without a word, the
// objects whose state does not allow the action; here they are failures,
// so that the page says which were left as they were.

// BulkResult is what a bulk operation did.
type BulkResult struct {
	// Selected counts the objects found of those selected (ids of objects
	// the actor cannot see are dropped, as porta's where(id: …) drops
	// them).
	Selected int
	// Failed are the objects the operation refused, in the order
	// selected.
	Failed []BulkFailure
}

// Succeeded counts the objects changed (or already as asked), porta's
// "Successfully changed the state of N accounts".
func (r BulkResult) Succeeded() int { return r.Selected - len(r.Failed) }

// BulkFailure is an object a bulk operation refused: its name (an
// application's with its account's, as porta's errors page shows them),
// and porta's full messages.
type BulkFailure struct {
	Name, Account string
	Messages      []string
}

// ErrMultipleServices is porta's refusal to change the plan of
// applications (or subscriptions) of different services at once.
var ErrMultipleServices = errors.New("You have selected applications from different services")

// The actions of the bulk state changes, as porta's forms offer them.
var (
	AccountBulkActions     = []string{"approve", "make_pending", "reject"}
	ApplicationBulkActions = []string{"accept", "suspend", "resume"}
)

// Refusal returns the messages of an operation's refusal (a validation or
// transition error, which a face shows), and whether err was one.
func Refusal(err error) ([]string, bool) {
	var v *ValidationError
	var te *TransitionError
	switch {
	case errors.As(err, &v):
		var out []string
		for _, p := range v.Problems {
			out = append(out, p.Full)
		}
		return out, true
	case errors.As(err, &te):
		return []string{te.Message()}, true
	}
	return nil, false
}

// bulk runs op on each id; name names the object of an id for the
// failures. An id op does not find is dropped.
func bulk(ids []int64, name func(int64) (string, string), op func(id int64) error) (BulkResult, error) {
	var r BulkResult
	seen := map[int64]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		err := op(id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		r.Selected++
		if err == nil {
			continue
		}
		msgs, ok := Refusal(err)
		if !ok {
			return r, err
		}
		n, acc := name(id)
		r.Failed = append(r.Failed, BulkFailure{Name: n, Account: acc, Messages: msgs})
	}
	return r, nil
}

// notAnAction is a bulk action outside the form's list.
func notAnAction(action string) error {
	return fail("action", "is not included in the list", fmt.Sprintf("Action %q is not included in the list", action))
}

// accountName names an account for a bulk failure.
func (d *Domain) accountName(a Actor) func(int64) (string, string) {
	return func(id int64) (string, string) {
		if acc, err := Account(d.Catalog(), a, id); err == nil {
			return acc.OrgName, ""
		}
		return fmt.Sprint(id), ""
	}
}

// BulkChangeAccountStates approves, makes pending or rejects the selected
// accounts (AccountBulkActions).
func (d *Domain) BulkChangeAccountStates(ctx context.Context, a Actor, ids []int64, action string) (BulkResult, error) {
	if err := a.forProvider(); err != nil {
		return BulkResult{}, err
	}
	if !slices.Contains(AccountBulkActions, action) {
		return BulkResult{}, notAnAction(action)
	}
	return bulk(ids, d.accountName(a), func(id int64) error {
		_, err := d.transitionAccount(ctx, a, id, action)
		return err
	})
}

// BulkChangeAccountPlans moves the selected accounts to an account plan of
// the provider.
func (d *Domain) BulkChangeAccountPlans(ctx context.Context, a Actor, ids []int64, planID int64) (BulkResult, error) {
	if err := a.forProvider(); err != nil {
		return BulkResult{}, err
	}
	if _, err := accountPlan(d.Catalog(), a, planID); err != nil {
		return BulkResult{}, err
	}
	return bulk(ids, d.accountName(a), func(id int64) error {
		_, err := d.ChangeAccountPlan(ctx, a, id, planID)
		return err
	})
}

// applicationName names an application for a bulk failure.
func (d *Domain) applicationName(a Actor) func(int64) (string, string) {
	return func(id int64) (string, string) {
		cat := d.Catalog()
		if app, err := Application(cat, a, AppRef{ID: id}); err == nil {
			return app.Name, cat.Account(app.AccountID).OrgName
		}
		return fmt.Sprint(id), ""
	}
}

// BulkChangeApplicationStates accepts, suspends or resumes the selected
// applications (ApplicationBulkActions).
func (d *Domain) BulkChangeApplicationStates(ctx context.Context, a Actor, ids []int64, action string) (BulkResult, error) {
	if err := a.forProvider(); err != nil {
		return BulkResult{}, err
	}
	if !slices.Contains(ApplicationBulkActions, action) {
		return BulkResult{}, notAnAction(action)
	}
	return bulk(ids, d.applicationName(a), func(id int64) error {
		_, err := d.transitionApplication(ctx, a, AppRef{ID: id}, action)
		return err
	})
}

// ApplicationsService is the one service of the selected applications,
// which a bulk plan change needs: ErrMultipleServices when they are of
// several, ErrNotFound when none is found.
func ApplicationsService(cat *store.Catalog, a Actor, ids []int64) (*store.Service, error) {
	var svc *store.Service
	for _, id := range ids {
		app, err := Application(cat, a, AppRef{ID: id})
		if err != nil {
			continue
		}
		if svc != nil && app.ServiceID != svc.ID {
			return nil, ErrMultipleServices
		}
		svc = cat.Service(app.ServiceID)
	}
	if svc == nil {
		return nil, fmt.Errorf("selected applications: %w", ErrNotFound)
	}
	return svc, nil
}

// BulkChangeApplicationPlans moves the selected applications, all of one
// service, to one of its application plans.
func (d *Domain) BulkChangeApplicationPlans(ctx context.Context, a Actor, ids []int64, planID int64) (BulkResult, error) {
	if err := a.forProvider(); err != nil {
		return BulkResult{}, err
	}
	cat := d.Catalog()
	svc, err := ApplicationsService(cat, a, ids)
	if err != nil {
		return BulkResult{}, err
	}
	if _, err := Plan(cat, a, PlanRef{ID: planID, Service: &svc.ID}); err != nil {
		return BulkResult{}, err
	}
	return bulk(ids, d.applicationName(a), func(id int64) error {
		_, err := d.ChangeApplicationPlan(ctx, a, AppRef{ID: id}, planID)
		return err
	})
}
