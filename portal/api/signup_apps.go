package api

// Transitional: the signup's application creation, until the signup moves
// to the domain.

import (
	"cmp"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/xmlrep"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

var (
	userKeyRE = regexp.MustCompile(`^(([\w\-.]+)|([A-Za-z0-9+]{4})*([A-Za-z0-9+]{4}|[A-Za-z0-9+]{3}=|[A-Za-z0-9+]{2}==))$`)
	printable = regexp.MustCompile(`^[\x21-\x7E]+$`)
)

// appParams applies an application's writable parameters and validates
// them as Cinstance does. On create, the application_id may be given.
func appParams(c *Call, prov *store.Provider, rec *store.ApplicationRecord, create bool) (userKeyChanged bool, err error) {
	for _, f := range []struct {
		name string
		to   *string
	}{{"name", &rec.Name}, {"description", &rec.Description}, {"redirect_url", &rec.RedirectURL}} {
		if v, given := c.Params.String(f.name); given {
			*f.to = strings.TrimSpace(v)
		}
	}
	_, rec.ExtraFields = fieldValues(c, prov.ApplicationFields, nil, nil, rec.ExtraFields)
	v, keyGiven := c.Params.String("user_key")
	if keyGiven && v != rec.UserKey {
		rec.UserKey, userKeyChanged = v, true
	}
	if v, given := c.Params.String("application_id"); given && create {
		rec.AppID = v
	}
	for _, f := range []struct {
		name string
		to   **time.Time
	}{{"first_traffic_at", &rec.FirstTrafficAt}, {"first_daily_traffic_at", &rec.FirstDailyTrafficAt}} {
		if v, given := c.Params.String(f.name); given {
			*f.to = nil
			if t, ok := params.Time(v); ok {
				*f.to = &t
			}
		}
	}
	var errs problems
	// Applications of fixtures on app_id services may have no user_key;
	// porta gives every application one, and checks it when it is set.
	checkKey := rec.UserKey != "" || keyGiven
	switch n := len(rec.UserKey); {
	case checkKey && !userKeyRE.MatchString(rec.UserKey):
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
	if rec.AppID != "" && !printable.MatchString(rec.AppID) {
		errs.add("application_id", "is invalid", "Application is invalid")
	}
	if len([]rune(rec.Name)) > 255 {
		errs.add("name", "is too long (maximum is 255 characters)", "Name is too long (maximum is 255 characters)")
	}
	// Unique among every application of the provider, whatever the service.
	for _, app := range providerApps(prov) {
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

// keyProblems validates a new application key.
func keyProblems(app *store.Application, value string, pending []string) error {
	var errs problems
	if !printable.MatchString(value) {
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
		limit = keysLimit(app.Service)
	}
	if len(existing) >= limit {
		errs.add("base", "Limit reached", "Limit reached")
	}
	return errs.err()
}

// createApplication creates an application of acc on plan from the call's
// parameters (defaults fills in what the call does not give), subscribing
// the account to the service first if needed. It queues the created and
// key_created events and returns the new id.
func (p *API) createApplication(t *store.Tx, a porta.Actor, c *Call, acc *store.Account, plan *store.Plan, defaults *store.ApplicationRecord) (int64, error) {
	svc := plan.Service
	if acc.Contract(svc.ID) == nil {
		sp := svc.DefaultServicePlan()
		if sp == nil && len(svc.ServicePlans) > 0 {
			sp = svc.ServicePlans[0]
		}
		if sp == nil {
			return 0, &replyErr{reply: errorReply(c, 422, "You cannot subscribe to that service.")}
		}
		state := "live"
		if sp.ApprovalRequired {
			state = "pending"
		}
		if err := t.SaveContract(&store.ServiceContractRecord{AccountID: acc.ID, ServiceID: svc.ID, PlanID: sp.ID,
			State: state}); err != nil {
			return 0, err
		}
	}
	rec := store.ApplicationRecord{AccountID: acc.ID, ServiceID: svc.ID, PlanID: plan.ID, State: "live"}
	if defaults != nil {
		rec.Name, rec.Description = defaults.Name, defaults.Description
	}
	if plan.ApprovalRequired {
		rec.State = "pending"
	}
	var err error
	if rec.UserKey, err = p.hex(16); err != nil {
		return 0, err
	}
	if rec.ProviderVerificationKey, err = p.hex(16); err != nil {
		return 0, err
	}
	if rec.AppID, err = p.hex(4); err != nil {
		return 0, err
	}
	if _, err := appParams(c, acc.Provider, &rec, true); err != nil {
		return 0, err
	}
	keys := c.Params.Strings("application_key")
	if len(keys) == 0 && (svc.BackendVersion == "oauth" || (svc.BackendVersion == "2" && svc.MandatoryAppKey)) {
		k, err := p.hex(16)
		if err != nil {
			return 0, err
		}
		keys = []string{k}
	}
	for i, k := range keys {
		if keyProblems(nil, k, keys[:i]) != nil || i >= keysLimit(svc) {
			return 0, fail("application_keys", "is invalid", "Application keys is invalid")
		}
	}
	if err := t.SaveApplication(&rec); err != nil {
		return 0, err
	}
	for _, k := range keys {
		if err := t.AddKey(rec.ID, k); err != nil {
			return 0, err
		}
	}
	cat, err := t.Catalog()
	if err != nil {
		return 0, err
	}
	app := cat.Application(rec.ID)
	write := fragment(func(d *builderxml.Doc) { xmlrep.Application(d, app) })
	if err := p.emit(t, a, "application", "created", write); err != nil {
		return 0, err
	}
	for range keys {
		if err := p.emit(t, a, "application", "key_created", write); err != nil {
			return 0, err
		}
	}
	return rec.ID, nil
}

// providerApps lists a provider's applications in id order.
func providerApps(prov *store.Provider) []*store.Application {
	var out []*store.Application
	for _, acc := range prov.Accounts {
		out = append(out, acc.Applications...)
	}
	slices.SortFunc(out, func(a, b *store.Application) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
