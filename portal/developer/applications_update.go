package developer

import (
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// applicationsUpdate is PUT /admin/applications/{id}: the edit form (or
// the OAuth redirect URL of the application page), then the application's
// page.
func (pg *pages) applicationsUpdate(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	v, err := editAppForm(p, app)
	if err != nil {
		return err
	}
	_, err = p.Domain().UpdateApplication(p.Context(), p.Actor(), appRef(app.ID), applicationInput(p))
	if p.Form.Invalid(err, applicationErrors(p.Provider())) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "application_edit", v)
	}
	if err != nil {
		return err
	}
	return p.Redirect(appPath(app.ID), web.Notice("Application was successfully updated."))
}
