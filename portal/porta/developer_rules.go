package porta

import (
	"fmt"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// What a developer may do to their account's applications: porta's
// buyer abilities (config/abilities/buyer_any.rb) over the service's
// switches. buyers_manage_apps lets developers create, edit and delete
// applications; buyers_manage_keys (with it) lets them add and delete
// application keys; buyer_key_regenerate_enabled (with it) lets them
// regenerate the user key; buyer_can_select_plan lets them choose the
// plan of a new application. The operations refuse the rest with
// ErrForbidden, and the developer portal shows only what they allow
// (Can). The provider is bound by none of these.

// Can is what a developer may do to an application, for the pages to
// show only the buttons that work.
type Can struct {
	// Update and Delete the application.
	Update, Delete bool
	// ManageKeys: see, add and delete application keys; AddKey and
	// DeleteKey say whether one more may be added, or one deleted.
	ManageKeys, AddKey, DeleteKey bool
	// RegenerateUserKey: a new random user key; RegenerateKey: a new
	// random application key (the OAuth client secret's Regenerate).
	RegenerateUserKey, RegenerateKey bool
	// ChangePlan: the plan widget, with a button (CanChangePlan).
	ChangePlan bool
}

// DeveloperCan is what a developer of its account may do to app.
func DeveloperCan(app store.LinkedApplication) Can {
	s := app.Service
	keys := s.BuyersManageApps && s.BuyersManageKeys
	return Can{
		Update:            s.BuyersManageApps,
		Delete:            s.BuyersManageApps,
		ManageKeys:        keys,
		AddKey:            keys && len(app.Keys) < keysLimit(s),
		DeleteKey:         keys && canDeleteKey(app),
		RegenerateUserKey: s.BuyersManageApps && s.BuyerKeyRegenerateEnabled,
		RegenerateKey:     keys && s.BuyerKeyRegenerateEnabled,
		ChangePlan:        CanChangePlan(app),
	}
}

// canDeleteKey is porta's can_delete_key?: a service that requires an
// application key keeps the last one.
func canDeleteKey(app store.LinkedApplication) bool {
	return !app.Service.MandatoryAppKey || len(app.Keys) > 1
}

// KeysLimit is how many application keys an application may have: porta's
// keys_limit (5; one client secret on OAuth services).
func KeysLimit(s *store.Service) int { return keysLimit(s) }

// developerMay refuses a developer of its account what the service's
// switches do not allow to app (what picks the ability of Can); other
// actors pass without looking.
func (t *tx) developerMay(a Actor, app *store.Application, what func(Can) bool) error {
	if a.Kind != Developer {
		return nil
	}
	l, err := t.linkApp(app)
	if err != nil {
		return err
	}
	return a.developerMay(what(DeveloperCan(l)))
}

// developerMay refuses a developer what the service's switches do not
// allow (allowed false); other actors pass.
func (a Actor) developerMay(allowed bool) error {
	if a.Kind == Developer && !allowed {
		return ErrForbidden
	}
	return nil
}

// CanCreateApplication is porta's can?(:create_application, service) for
// a developer account: the service lets developers manage applications
// and has an application plan to give (a default or a published one),
// and the account is subscribed to it (live). The developer portal has
// no subscription pages: an account not yet subscribed to a service with
// a service plan may create an application there, and is subscribed on
// the way, as the API's application create does.
func CanCreateApplication(acc *store.Account, s *store.Service) bool {
	if !s.BuyersManageApps || firstPlan(s) == nil {
		return false
	}
	if c := acc.Contract(s.ID); c != nil {
		return c.State == "live"
	}
	return len(s.ServicePlans) > 0
}

// ApplicationServices are the services a developer may create an
// application on, in the provider's order.
func ApplicationServices(cat *store.Catalog, a Actor) []*store.Service {
	if a.User == nil {
		return nil
	}
	acc := cat.Account(a.User.AccountID)
	if acc == nil {
		return nil
	}
	var out []*store.Service
	for _, s := range Provider(cat, a).Services {
		if CanCreateApplication(acc, s) {
			out = append(out, s)
		}
	}
	return out
}

// firstPlan is the plan a new application gets when its developer does
// not choose: the default plan, else the first published one.
func firstPlan(s *store.Service) *store.Plan {
	if pl := s.DefaultPlan(); pl != nil {
		return pl
	}
	if plans := PublishedPlans(s); len(plans) > 0 {
		return plans[0]
	}
	return nil
}

// PublishedPlans are a service's published application plans that are
// not customized copies, in its order: those a developer may see and
// choose.
func PublishedPlans(s *store.Service) []*store.Plan {
	var out []*store.Plan
	for _, pl := range s.Plans {
		if pl.State == "published" && !pl.Custom() {
			out = append(out, pl)
		}
	}
	return out
}

// NewApplicationPlans are the plans a developer may choose for a new
// application on s: the published ones (and the default) when the service
// lets them choose (buyer_can_select_plan), else only the plan it gets.
func NewApplicationPlans(s *store.Service) []*store.Plan {
	first := firstPlan(s)
	if !s.BuyerCanSelectPlan {
		if first == nil {
			return nil
		}
		return []*store.Plan{first}
	}
	plans := PublishedPlans(s)
	if first != nil && !containsPlan(plans, first) {
		plans = append([]*store.Plan{first}, plans...)
	}
	return plans
}

func containsPlan(plans []*store.Plan, p *store.Plan) bool {
	for _, pl := range plans {
		if pl.ID == p.ID {
			return true
		}
	}
	return false
}

// developerPlan is the plan of a developer's new application on s: the
// one chosen (nil: none) when the service lets them choose, else the one
// it gives, as porta's new_application does. A chosen plan they may not
// choose is ErrNotFound; a service they may not create applications on
// is ErrForbidden.
func developerPlan(acc *store.Account, s *store.Service, chosen *store.Plan) (*store.Plan, error) {
	if !CanCreateApplication(acc, s) {
		return nil, ErrForbidden
	}
	if chosen == nil || !s.BuyerCanSelectPlan {
		return firstPlan(s), nil
	}
	if !containsPlan(NewApplicationPlans(s), chosen) {
		return nil, fmt.Errorf("application plan %d: %w", chosen.ID, ErrNotFound)
	}
	return chosen, nil
}

// developerInput keeps of an application's input what a developer may
// change: porta's permitted parameters, the fields and the redirect URL.
func (a Actor) developerInput(in ApplicationInput) ApplicationInput {
	if a.Kind == Developer {
		in.UserKey, in.FirstTrafficAt, in.FirstDailyTrafficAt = nil, nil, nil
	}
	return in
}
