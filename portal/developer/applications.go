package developer

import (
	"fmt"
	"net/url"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// What the application pages share: finding the developer's application
// and the service a new one goes on, and reading the application form.

// application finds the developer's application of the path's id: one of
// another account is not found, as an unknown one (404, no hint).
func application(p *web.Page) (store.LinkedApplication, error) {
	id, err := p.ID("id")
	if err != nil {
		return store.LinkedApplication{}, err
	}
	cat := p.Catalog()
	app, err := porta.Application(cat, p.Actor(), porta.AppRef{ID: id})
	if err != nil {
		return store.LinkedApplication{}, err
	}
	return cat.LinkApplication(app), nil
}

// account is the signed-in developer's account.
func account(p *web.Page) *store.Account { return p.Catalog().Account(p.Signed.User.AccountID) }

// appPath is the path of an application's page.
func appPath(id int64) string { return fmt.Sprintf("/admin/applications/%d", id) }

// newApplicationService is the service a new application goes on, as
// porta's new and create find it: service_id (an id or a system_name),
// else the provider's only service, else the only one the developer may
// create applications on; nil when the developer must choose
// (choose_service).
func newApplicationService(p *web.Page) (*store.Service, error) {
	prov := p.Provider()
	if id := p.Form.Get("service_id"); id != "" {
		for _, s := range prov.Services {
			if s.ID == id || s.SystemName == id {
				return s, nil
			}
		}
		return nil, fmt.Errorf("service %q: %w", id, porta.ErrNotFound)
	}
	if len(prov.Services) == 1 {
		return prov.Services[0], nil
	}
	if ss := porta.ApplicationServices(p.Catalog(), p.Actor()); len(ss) == 1 {
		return ss[0], nil
	}
	return nil, nil
}

// applicationInput reads the application form: application[name],
// application[description], the fields the provider defines and, for
// OAuth, application[redirect_url].
func applicationInput(p *web.Page) porta.ApplicationInput {
	f := p.Form
	return porta.ApplicationInput{Name: f.Ptr("application[name]"), Description: f.Ptr("application[description]"),
		RedirectURL: f.Ptr("application[redirect_url]"), Fields: f.Fields("application")}
}

// applicationErrors maps an application's validation errors to the form.
func applicationErrors(prov *store.Provider) map[string]string {
	return errorFields(definedFields("application", prov.ApplicationFields), map[string]string{
		"name": "application[name]", "description": "application[description]",
		"redirect_url": "application[redirect_url]", "plan": "application[plan_id]"})
}

// appForm is the application form's view: new or edit.
type appForm struct {
	// Application is the one edited; nil for a new one.
	Application *store.Application
	Service     *store.Service
	// Plans are those a new application may go on (one: no choice).
	Plans  []*store.Plan
	Plan   *store.Plan // the plan shown chosen
	Fields []formField
	// Values are the application's current field values.
	Values map[string]string
}

// newAppForm is the new application form on s.
func newAppForm(p *web.Page, s *store.Service) (appForm, error) {
	plans := porta.NewApplicationPlans(s)
	if len(plans) == 0 {
		return appForm{}, fmt.Errorf("no published plan on %s: %w", s.ID, porta.ErrNotFound)
	}
	if !porta.CanCreateApplication(account(p), s) {
		return appForm{}, porta.ErrForbidden
	}
	v := appForm{Service: s, Plans: plans, Plan: plans[0],
		Fields: definedFields("application", p.Provider().ApplicationFields)}
	if id, ok := p.Form.Int64("application[plan_id]"); ok {
		for _, pl := range plans {
			if pl.ID == id {
				v.Plan = pl
			}
		}
	}
	return v, nil
}

// keyPath is the path of one of an application's keys.
func keyPath(id int64, key string) string {
	return appPath(id) + "/keys/" + url.PathEscape(key)
}

// appRef names an application for the operations.
func appRef(id int64) porta.AppRef { return porta.AppRef{ID: id} }
