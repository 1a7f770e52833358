package porta

import (
	"context"
	"fmt"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// A developer changing their application's plan: porta's
// Logic::PlanChanges, under the service's buyer_plan_change_permission.
// direct changes the plan at once; request changes nothing and tells the
// provider (who changes it from the admin portal); credit_card and
// request_credit_card depend on a credit card, which no sandbox account
// has stored; none offers no change.

// The plan change permissions of a service, porta's
// Logic::PlanChanges::PERMISSIONS.
const (
	PlanChangeDirect            = "direct"
	PlanChangeRequest           = "request"
	PlanChangeCreditCard        = "credit_card"
	PlanChangeRequestCreditCard = "request_credit_card"
	PlanChangeNone              = "none"
)

// PlanChangePermission is how developers may change the plans of a
// service's applications; porta's default is request.
func PlanChangePermission(s *store.Service) string {
	switch p := s.BuyerPlanChangePermission; p {
	case PlanChangeDirect, PlanChangeRequest, PlanChangeCreditCard, PlanChangeRequestCreditCard, PlanChangeNone:
		return p
	}
	return PlanChangeRequest
}

// CanChangePlan is porta's can_change_plan? of an application: the
// service permits some change, it has a published plan, and the
// application is live.
func CanChangePlan(app store.LinkedApplication) bool {
	return PlanChangePermission(app.Service) != PlanChangeNone && len(PublishedPlans(app.Service)) > 0 && app.Live()
}

// OtherPlans are the plans the plan widget offers an application: the
// service's published plans other than the application's own.
func OtherPlans(app store.LinkedApplication) []*store.Plan {
	var out []*store.Plan
	for _, pl := range PublishedPlans(app.Service) {
		if pl.ID != app.PlanID {
			out = append(out, pl)
		}
	}
	return out
}

// PlanChangeLabel is porta's plan_change_permission_name, the widget's
// button: "Change Plan" where the change is made at once, "Request Plan
// Change" where the provider is asked, "" where no change is offered.
func PlanChangeLabel(app store.LinkedApplication) string {
	switch PlanChangePermission(app.Service) {
	case PlanChangeDirect, PlanChangeRequestCreditCard:
		return "Change Plan"
	case PlanChangeRequest, PlanChangeCreditCard: // no credit card is stored
		return "Request Plan Change"
	}
	return ""
}

// PlanChange is what a developer's plan change did.
type PlanChange struct {
	// Application is the application as it is now.
	Application *store.Application
	// Changed reports whether the plan changed (direct); false when the
	// provider was asked, or the change was refused.
	Changed bool
	// Message is porta's text for the developer (its flash).
	Message string
}

// DeveloperChangePlan is a developer's choice of another plan for their
// application (porta's buyer_changes_plan!), one of OtherPlans: with
// direct (or request_credit_card to a free plan) the plan changes, with
// its events and message, "Plan change was successful."; with request
// (or credit_card, no card being stored) nothing changes, the provider's
// admin gets "Action required: USERNAME from ORG requested an app plan
// change" and the developer the message "Plan change request has been
// received": "A request to change your application plan has been sent.".
// An application whose plan may not change (CanChangePlan) is
// ErrForbidden; a plan not offered is ErrNotFound.
func (d *Domain) DeveloperChangePlan(ctx context.Context, a Actor, ref AppRef, planID int64) (PlanChange, error) {
	if a.Kind != Developer || a.User == nil {
		return PlanChange{}, ErrForbidden
	}
	return on(ctx, d, a, Application, ref, func(t *tx, own *store.Application) (PlanChange, error) {
		app, err := t.linkApp(own)
		if err != nil {
			return PlanChange{}, err
		}
		if !CanChangePlan(app) {
			return PlanChange{}, ErrForbidden
		}
		var plan *store.Plan
		for _, pl := range OtherPlans(app) {
			if pl.ID == planID {
				plan = pl
			}
		}
		if plan == nil {
			return PlanChange{}, fmt.Errorf("application plan %d: %w", planID, ErrNotFound)
		}
		direct := false
		switch PlanChangePermission(app.Service) {
		case PlanChangeDirect:
			direct = true
		case PlanChangeRequestCreditCard:
			if !freePlan(plan) {
				return PlanChange{Application: own, Message: "Please enter your credit card before changing the plan."}, nil
			}
			direct = true
		}
		if direct {
			changed, err := t.changePlan(own, plan)
			return PlanChange{Application: changed, Changed: true, Message: "Plan change was successful."}, err
		}
		if err := t.tell(app.Account, planChangeRequestMessage(app, plan)); err != nil {
			return PlanChange{}, err
		}
		if err := t.queue(providerPlanRequestMail(t.d.links, app, a.User, plan)); err != nil {
			return PlanChange{}, err
		}
		return PlanChange{Application: own, Message: "A request to change your application plan has been sent."}, nil
	})
}
