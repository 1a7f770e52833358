package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// editAppForm is the edit form of app, when the service lets developers
// edit applications (403 otherwise).
func editAppForm(p *web.Page, app store.LinkedApplication) (appForm, error) {
	if !porta.DeveloperCan(app).Update {
		return appForm{}, porta.ErrForbidden
	}
	return appForm{Application: app.Application, Service: app.Service, Plan: app.Plan,
		Fields: definedFields("application", p.Provider().ApplicationFields), Values: fieldValues(app.ExtraFields)}, nil
}

// applicationsEdit is GET /admin/applications/{id}/edit: the name,
// description and fields, and the way to delete the application.
func (pg *pages) applicationsEdit(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	v, err := editAppForm(p, app)
	if err != nil {
		return err
	}
	return p.Render("application_edit", v)
}
