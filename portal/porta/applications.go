package porta

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/keyformat"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Applications: Cinstance's validations, its contract states (pending,
// live, suspended), plan changes and customized plans, its keys and
// referrer filters. Every change is what authorize sees next.

// ApplicationInput is what a person or client gives of an application;
// nil is not given.
type ApplicationInput struct {
	Name, Description, RedirectURL *string
	UserKey                        *string
	// Fields are values of the application fields the provider defines, by
	// name; others are ignored, as porta's strong parameters drop them.
	Fields map[string]string
	// The first (daily) traffic, which porta learns from the backend.
	FirstTrafficAt, FirstDailyTrafficAt *Instant
}

// NewApplication is what creates an application: its input, and what only
// a new application takes.
type NewApplication struct {
	ApplicationInput
	// ApplicationID is the app_id to create it with (random when nil).
	ApplicationID *string
	// Keys are its application keys; with none, a service that needs one
	// gets a random key.
	Keys []string
}

// applyApplication applies an application's input and validates it as
// Cinstance does; appID is given only on create. The first-traffic times
// go to tr (store.Tx.SetTraffic stores them). human is a person editing it
// in a portal (porta's validate_human_edition!), who must give it a name.
func applyApplication(in ApplicationInput, appID *string, prov *store.Provider, rec *store.ApplicationRecord, tr *store.Traffic, human bool) (userKeyChanged bool, err error) {
	setTrimmed(&rec.Name, in.Name)
	setTrimmed(&rec.Description, in.Description)
	setTrimmed(&rec.RedirectURL, in.RedirectURL)
	_, rec.ExtraFields = applyFields(in.Fields, prov.ApplicationFields, nil, nil, rec.ExtraFields)
	if in.UserKey != nil && *in.UserKey != rec.UserKey {
		rec.UserKey, userKeyChanged = *in.UserKey, true
	}
	if appID != nil {
		rec.AppID = *appID
	}
	for _, f := range []struct {
		v  *Instant
		to **time.Time
	}{{in.FirstTrafficAt, &tr.First}, {in.FirstDailyTrafficAt, &tr.FirstDaily}} {
		if f.v != nil {
			*f.to = nil
			if f.v.Valid {
				t := f.v.Time
				*f.to = &t
			}
		}
	}
	var errs problems
	if human && rec.Name == "" {
		errs.add("name", "can't be blank", "Name can't be blank")
	}
	// Applications of fixtures on app_id services may have no user_key;
	// porta gives every application one, and checks it when it is set.
	checkKey := rec.UserKey != "" || in.UserKey != nil
	switch n := len(rec.UserKey); {
	case checkKey && !keyformat.UserKey(rec.UserKey):
		errs.add("user_key", "is invalid", "User key is invalid")
	case n > 256:
		errs.add("user_key", "is too long (maximum is 256 characters)", "User key is too long (maximum is 256 characters)")
	}
	switch n := len(rec.AppID); {
	case n < 4:
		errs.add("application_id", "is too short (minimum is 4 characters)", "Application is too short (minimum is 4 characters)")
	case n > 255:
		errs.add("application_id", "is too long (maximum is 255 characters)", "Application is too long (maximum is 255 characters)")
	}
	if rec.AppID != "" && !keyformat.Key(rec.AppID) {
		errs.add("application_id", "is invalid", "Application is invalid")
	}
	if len([]rune(rec.Name)) > 255 {
		errs.add("name", "is too long (maximum is 255 characters)", "Name is too long (maximum is 255 characters)")
	}
	// Unique among every application of the provider, whatever the service.
	for _, app := range applicationsOf(prov.Accounts) {
		if app.ID == rec.ID {
			continue
		}
		if checkKey && app.UserKey == rec.UserKey {
			errs.add("user_key", "has already been taken", "User key has already been taken")
		}
		if app.AppID == rec.AppID {
			errs.add("application_id", "has already been taken", "Application has already been taken")
		}
	}
	return userKeyChanged, errs.err()
}

// keysLimit is how many keys an application may have: one client secret
// on OAuth services.
func keysLimit(s *store.Service) int {
	if s.BackendVersion == "oauth" {
		return 1
	}
	return 5
}

// keyProblems validates a new application key (of app, on svc, when app
// is not nil).
func keyProblems(app *store.Application, svc *store.Service, value string, pending []string) error {
	var errs problems
	if !keyformat.Key(value) {
		errs.add("value", "is invalid", "Value is invalid")
	}
	switch n := len(value); {
	case n < 5:
		errs.add("value", "is too short (minimum is 5 characters)", "Value is too short (minimum is 5 characters)")
	case n > 255:
		errs.add("value", "is too long (maximum is 255 characters)", "Value is too long (maximum is 255 characters)")
	}
	existing := pending
	if app != nil {
		for _, k := range app.Keys {
			existing = append(existing, k.Value)
		}
	}
	for _, k := range existing {
		if strings.EqualFold(k, value) {
			errs.add("value", "has already been taken", "Value has already been taken")
			break
		}
	}
	limit := 5
	if app != nil {
		limit = keysLimit(svc)
	}
	if len(existing) >= limit {
		errs.add("base", "Limit reached", "Limit reached")
	}
	return errs.err()
}

// CreateApplication creates an application of an account on planID, any
// application plan of the provider. The account is subscribed to the
// plan's service if it was not; the application is live, or pending on a
// plan that requires approval.
func (d *Domain) CreateApplication(ctx context.Context, a Actor, accountID, planID int64, in NewApplication) (*store.Application, error) {
	return on(ctx, d, a, Account, accountID, func(t *tx, acc *store.Account) (*store.Application, error) {
		plan, err := found(t, Plan, PlanRef{ID: planID})
		if err != nil {
			return nil, err
		}
		if plan, in, err = t.developerApplication(acc, plan.Service, plan, in); err != nil {
			return nil, err
		}
		return t.createApplication(acc, plan, in)
	})
}

// createApplication creates an application of acc on plan, subscribing
// the account to the service first if needed, and queues the created and
// key_created events.
func (t *tx) createApplication(acc *store.Account, plan *store.Plan, in NewApplication) (*store.Application, error) {
	svc := plan.Service
	if acc.Contract(svc.ID) == nil {
		sp := svc.DefaultServicePlan()
		if sp == nil && len(svc.ServicePlans) > 0 {
			sp = svc.ServicePlans[0]
		}
		if sp == nil {
			return nil, ErrCannotSubscribe
		}
		state := "live"
		if sp.ApprovalRequired {
			state = "pending"
		}
		if err := t.SaveContract(&store.ServiceContractRecord{AccountID: acc.ID, ServiceID: svc.ID, PlanID: sp.ID,
			State: state}); err != nil {
			return nil, err
		}
	}
	rec := store.ApplicationRecord{AccountID: acc.ID, ServiceID: svc.ID, PlanID: plan.ID, State: "live"}
	if plan.ApprovalRequired {
		rec.State = "pending"
	}
	var err error
	if rec.UserKey, err = t.d.hex(16); err != nil {
		return nil, err
	}
	if rec.ProviderVerificationKey, err = t.d.hex(16); err != nil {
		return nil, err
	}
	if rec.AppID, err = t.d.hex(4); err != nil {
		return nil, err
	}
	var traffic store.Traffic
	if _, err := applyApplication(in.ApplicationInput, in.ApplicationID, plan.Service.Provider, &rec, &traffic, !t.actor.viaAPI()); err != nil {
		return nil, err
	}
	keys := in.Keys
	if len(keys) == 0 && (svc.BackendVersion == "oauth" || (svc.BackendVersion == "2" && svc.MandatoryAppKey)) {
		k, err := t.d.hex(16)
		if err != nil {
			return nil, err
		}
		keys = []string{k}
	}
	for i, k := range keys {
		if keyProblems(nil, nil, k, keys[:i]) != nil || i >= keysLimit(svc) {
			return nil, fail("application_keys", "is invalid", "Application keys is invalid")
		}
	}
	if err := t.SaveApplication(&rec); err != nil {
		return nil, err
	}
	if traffic != (store.Traffic{}) {
		if err := t.SetTraffic(rec.ID, traffic); err != nil {
			return nil, err
		}
	}
	for _, k := range keys {
		if err := t.AddKey(rec.ID, k); err != nil {
			return nil, err
		}
	}
	app, err := t.application(rec.ID)
	if err != nil {
		return nil, err
	}
	if err := emit(t, "created", app); err != nil {
		return nil, err
	}
	for range keys {
		if err := emit(t, "key_created", app); err != nil {
			return nil, err
		}
	}
	if err := t.keyMessages(app, len(keys), keyCreatedMessage); err != nil {
		return nil, err
	}
	linked, err := t.linkApp(app)
	if err != nil {
		return nil, err
	}
	return app, t.queue(providerAppCreatedMail(t.d.links, linked))
}

// keyMessages tells the developer of n keys created or deleted, as
// ApplicationKey's callbacks do outside the API (which silences them).
func (t *tx) keyMessages(a *store.Application, n int, msg func(store.LinkedApplication) systemMessage) error {
	if t.actor.viaAPI() || n == 0 {
		return nil
	}
	app, err := t.linkApp(a)
	if err != nil {
		return err
	}
	for range n {
		if err := t.tell(app.Account, msg(app)); err != nil {
			return err
		}
	}
	return nil
}

// application re-reads an application the transaction wrote.
func (t *tx) application(id int64) (*store.Application, error) {
	cat, err := t.Catalog()
	if err != nil {
		return nil, err
	}
	return cat.Application(id), nil
}

// applicationChanged re-reads an application after a change and queues
// its events in order.
func (t *tx) applicationChanged(id int64, actions ...string) (*store.Application, error) {
	app, err := t.application(id)
	if err != nil {
		return nil, err
	}
	for _, action := range actions {
		if err := emit(t, action, app); err != nil {
			return nil, err
		}
	}
	return app, nil
}

// UpdateApplication changes an application's name, description, fields,
// redirect_url and user_key; its app_id and plan do not change this way.
func (d *Domain) UpdateApplication(ctx context.Context, a Actor, ref AppRef, in ApplicationInput) (*store.Application, error) {
	return on(ctx, d, a, Application, ref, func(t *tx, app *store.Application) (*store.Application, error) {
		if err := t.developerMay(a, app, func(c Can) bool { return c.Update }); err != nil {
			return nil, err
		}
		in := a.developerInput(in)
		rec := app.ApplicationRecord
		before := app.Traffic()
		traffic := before
		prov, err := t.provider()
		if err != nil {
			return nil, err
		}
		keyChanged, err := applyApplication(in, nil, prov, &rec, &traffic, !t.actor.viaAPI())
		if err != nil {
			return nil, err
		}
		if err := t.SaveApplication(&rec); err != nil {
			return nil, err
		}
		if traffic != before {
			if err := t.SetTraffic(rec.ID, traffic); err != nil {
				return nil, err
			}
		}
		if keyChanged {
			return t.applicationChanged(rec.ID, "updated", "key_updated")
		}
		return t.applicationChanged(rec.ID, "updated")
	})
}

// ChangeUserKey gives an application a new random user_key, as porta's
// "Regenerate" button does: user_key_updated and key_updated.
func (d *Domain) ChangeUserKey(ctx context.Context, a Actor, ref AppRef) (*store.Application, error) {
	return on(ctx, d, a, Application, ref, func(t *tx, app *store.Application) (*store.Application, error) {
		if err := t.developerMay(a, app, func(c Can) bool { return c.RegenerateUserKey }); err != nil {
			return nil, err
		}
		rec := app.ApplicationRecord
		var err error
		if rec.UserKey, err = t.d.hex(16); err != nil {
			return nil, err
		}
		if err := t.SaveApplication(&rec); err != nil {
			return nil, err
		}
		return t.applicationChanged(rec.ID, "user_key_updated", "key_updated")
	})
}

// DeleteApplication deletes an application (deleting a pending one is how
// porta rejects it), and its customized plan with it. It returns the
// application as it was.
func (d *Domain) DeleteApplication(ctx context.Context, a Actor, ref AppRef) (*store.Application, error) {
	return on(ctx, d, a, Application, ref, func(t *tx, app *store.Application) (*store.Application, error) {
		if err := t.developerMay(a, app, func(c Can) bool { return c.Delete }); err != nil {
			return nil, err
		}
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		plan := cat.Plan(app.PlanID)
		if err := t.DeleteApplication(app.ID); err != nil {
			return nil, err
		}
		// The event shows the plan the application was on: written before
		// a customized one goes with it.
		if err := emit(t, "deleted", app); err != nil {
			return nil, err
		}
		if plan.Custom() {
			if err := t.DeletePlan(app.PlanID); err != nil {
				return nil, err
			}
		}
		return app, nil
	})
}

// applicationTransitions are the contract events: from which state each
// leads to which, and the webhook event it fires (suspending fires
// suspended, the others updated).
var applicationTransitions = map[string]struct{ from, to, action string }{
	"accept":  {"pending", "live", "updated"},
	"suspend": {"live", "suspended", "suspended"},
	"resume":  {"suspended", "live", "updated"},
}

// AcceptApplication makes a pending application live.
func (d *Domain) AcceptApplication(ctx context.Context, a Actor, ref AppRef) (*store.Application, error) {
	return d.transitionApplication(ctx, a, ref, "accept")
}

// SuspendApplication suspends a live application: authorize refuses it.
func (d *Domain) SuspendApplication(ctx context.Context, a Actor, ref AppRef) (*store.Application, error) {
	return d.transitionApplication(ctx, a, ref, "suspend")
}

// ResumeApplication makes a suspended application live again.
func (d *Domain) ResumeApplication(ctx context.Context, a Actor, ref AppRef) (*store.Application, error) {
	return d.transitionApplication(ctx, a, ref, "resume")
}

func (d *Domain) transitionApplication(ctx context.Context, a Actor, ref AppRef, event string) (*store.Application, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	tr := applicationTransitions[event]
	return on(ctx, d, a, Application, ref, func(t *tx, app *store.Application) (*store.Application, error) {
		if app.State != tr.from {
			return nil, cannotTransition(event)
		}
		rec := app.ApplicationRecord
		rec.State = tr.to
		if err := t.SaveApplication(&rec); err != nil {
			return nil, err
		}
		changed, err := t.applicationChanged(rec.ID, tr.action)
		if err != nil {
			return nil, err
		}
		return changed, t.stateMessage(event, changed)
	})
}

// stateMessage tells the developer of an application's new state, as
// porta's messengers do: accepted (on a plan that requires approval, to
// an account with admins) and suspended.
func (t *tx) stateMessage(event string, a *store.Application) error {
	app, err := t.linkApp(a)
	if err != nil {
		return err
	}
	switch event {
	case "accept":
		if app.Plan.ApprovalRequired && len(app.Account.Admins()) > 0 {
			return t.tell(app.Account, applicationAcceptedMessage(app))
		}
	case "suspend":
		return t.tell(app.Account, applicationSuspendedMessage(app))
	}
	return nil
}

// ChangeApplicationPlan moves an application to planID, a plan of its
// service: plan_changed, then updated. The application's new plan is the
// answer's.
func (d *Domain) ChangeApplicationPlan(ctx context.Context, a Actor, ref AppRef, planID int64) (*store.Application, error) {
	if err := a.forProvider(); err != nil {
		return nil, err // a developer changes plans as the service permits (DeveloperChangePlan)
	}
	return on(ctx, d, a, Application, ref, func(t *tx, app *store.Application) (*store.Application, error) {
		plan, err := found(t, Plan, PlanRef{ID: planID})
		if err != nil {
			return nil, err
		}
		return t.changePlan(app, plan)
	})
}

// changePlan moves an application to a plan of its service, fires
// plan_changed and updated, and tells the developer.
func (t *tx) changePlan(app *store.Application, plan *store.Plan) (*store.Application, error) {
	if plan.ServiceID != app.ServiceID {
		return nil, fail("plan", "not allowed in this context", "Plan not allowed in this context")
	}
	if plan.ID == app.PlanID {
		return app, nil
	}
	if err := t.movePlan(app, plan.ID); err != nil {
		return nil, err
	}
	changed, err := t.applicationChanged(app.ID, "plan_changed", "updated")
	if err != nil {
		return nil, err
	}
	linked, err := t.linkApp(changed)
	if err != nil {
		return nil, err
	}
	return changed, t.tell(linked.Account, planChangedMessage(linked))
}

// movePlan puts an application on another plan; a customized plan it
// leaves is deleted, as porta does.
func (t *tx) movePlan(app *store.Application, planID int64) error {
	cat, err := t.Catalog()
	if err != nil {
		return err
	}
	old := cat.Plan(app.PlanID)
	rec := app.ApplicationRecord
	rec.PlanID = planID
	if err := t.SaveApplication(&rec); err != nil {
		return err
	}
	if old.Custom() {
		return t.DeletePlan(old.ID)
	}
	return nil
}

// CustomizePlan moves an application to a hidden copy of its plan, "NAME
// (custom)", with the same limits: updated, not plan_changed. An
// application already on a custom plan keeps it.
func (d *Domain) CustomizePlan(ctx context.Context, a Actor, ref AppRef) (*store.Application, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Application, ref, func(t *tx, app *store.Application) (*store.Application, error) {
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		stock := cat.Plan(app.PlanID)
		if stock.Custom() {
			return app, nil
		}
		copyRec := stock.PlanRecord
		copyRec.ID, copyRec.CreatedAt = 0, t.Now
		copyRec.Name = stock.Name + " (custom)"
		copyRec.SystemName = stock.SystemName + "_custom_" + floatDigits(t.Now.UnixMicro())
		copyRec.State, copyRec.Default, copyRec.OriginalID = "hidden", false, stock.ID
		if err := t.SavePlan(&copyRec); err != nil {
			return nil, err
		}
		for _, l := range stock.Limits {
			if err := t.SaveLimit(&store.LimitRecord{PlanID: copyRec.ID, MetricID: l.Metric.ID, Period: l.Period,
				Value: l.Value}); err != nil {
				return nil, err
			}
		}
		rec := app.ApplicationRecord
		rec.PlanID = copyRec.ID
		if err := t.SaveApplication(&rec); err != nil {
			return nil, err
		}
		return t.applicationChanged(app.ID, "updated")
	})
}

// floatDigits is Ruby's Time#to_f printed without its point, which porta
// appends to a customized plan's system_name.
func floatDigits(micros int64) string {
	s := strconv.FormatFloat(float64(micros)/1e6, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return strings.Replace(s, ".", "", 1)
}

// DecustomizePlan moves an application on a customized plan back to the
// stock plan, and deletes the copy.
func (d *Domain) DecustomizePlan(ctx context.Context, a Actor, ref AppRef) (*store.Application, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Application, ref, func(t *tx, app *store.Application) (*store.Application, error) {
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		plan := cat.Plan(app.PlanID)
		if !plan.Custom() || plan.Original == nil {
			return app, nil
		}
		if err := t.movePlan(app, plan.OriginalID); err != nil {
			return nil, err
		}
		return t.applicationChanged(app.ID, "updated")
	})
}

// CreateKey adds an application key (random when value is nil):
// key_created.
func (d *Domain) CreateKey(ctx context.Context, a Actor, ref AppRef, value *string) (*store.Application, error) {
	return on(ctx, d, a, Application, ref, func(t *tx, app *store.Application) (*store.Application, error) {
		if err := t.developerMay(a, app, func(c Can) bool { return c.ManageKeys }); err != nil {
			return nil, err
		}
		var key string
		if value != nil {
			key = *value
		} else {
			var err error
			if key, err = t.d.hex(16); err != nil {
				return nil, err
			}
		}
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		if err := keyProblems(app, cat.Service(app.ServiceID), key, nil); err != nil {
			return nil, err
		}
		if err := t.AddKey(app.ID, key); err != nil {
			return nil, err
		}
		changed, err := t.applicationChanged(app.ID, "key_created")
		if err != nil {
			return nil, err
		}
		return changed, t.keyMessages(changed, 1, keyCreatedMessage)
	})
}

// DeleteKey deletes an application key: key_deleted.
func (d *Domain) DeleteKey(ctx context.Context, a Actor, ref AppRef, value string) (*store.Application, error) {
	return on(ctx, d, a, Application, ref, func(t *tx, app *store.Application) (*store.Application, error) {
		return t.deleteKey(app, value)
	})
}

// deleteKey deletes a key of app, fires key_deleted and tells the
// developer.
func (t *tx) deleteKey(app *store.Application, value string) (*store.Application, error) {
	if err := t.developerMay(t.actor, app, func(c Can) bool { return c.ManageKeys }); err != nil {
		return nil, err
	}
	if !app.HasKey(value) {
		return nil, fmt.Errorf("key %q: %w", value, ErrNotFound)
	}
	if err := t.DeleteKey(app.ID, value); err != nil {
		return nil, err
	}
	changed, err := t.applicationChanged(app.ID, "key_deleted")
	if err != nil {
		return nil, err
	}
	return changed, t.keyMessages(changed, 1, keyDeletedMessage)
}

var referrerRE = regexp.MustCompile(`^[a-zA-Z0-9*.\-]+$`)

// CreateReferrerFilter adds a referrer filter to an application (at most
// five); it fires no webhook.
func (d *Domain) CreateReferrerFilter(ctx context.Context, a Actor, ref AppRef, value string) (*store.Application, error) {
	return on(ctx, d, a, Application, ref, func(t *tx, app *store.Application) (*store.Application, error) {
		value := strings.TrimSpace(value)
		var errs problems
		switch {
		case value == "":
			errs.add("value", "can't be blank", "referrer filter can't be blank")
		case len(value) > 255:
			errs.add("value", "is too long (maximum is 255 characters)", "referrer filter is too long (maximum is 255 characters)")
		case !referrerRE.MatchString(value):
			errs.add("value", "is invalid", "referrer filter is invalid")
		}
		for _, f := range app.ReferrerFilters {
			if f.Value == value {
				errs.add("value", "has already been taken", "referrer filter has already been taken")
			}
		}
		if len(app.ReferrerFilters) >= 5 {
			errs.add("base", "Limit reached", "Limit reached")
		}
		if err := errs.err(); err != nil {
			return nil, err
		}
		if _, err := t.AddReferrerFilter(app.ID, value); err != nil {
			return nil, err
		}
		return t.application(app.ID)
	})
}

// DeleteReferrerFilter deletes a referrer filter of an application by the
// filter's id.
func (d *Domain) DeleteReferrerFilter(ctx context.Context, a Actor, ref AppRef, filterID int64) (*store.Application, error) {
	return on(ctx, d, a, Application, ref, func(t *tx, app *store.Application) (*store.Application, error) {
		for _, f := range app.ReferrerFilters {
			if f.ID == filterID {
				if err := t.DeleteReferrerFilter(filterID); err != nil {
					return nil, err
				}
				return t.application(app.ID)
			}
		}
		return nil, fmt.Errorf("referrer filter %d: %w", filterID, ErrNotFound)
	})
}
