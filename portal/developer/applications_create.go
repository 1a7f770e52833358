package developer

import (
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// applicationsCreate is POST /admin/applications?service_id=: the new
// application, then its page; the form again with porta's messages when
// refused.
func (pg *pages) applicationsCreate(p *web.Page) error {
	s, err := newApplicationService(p)
	if err != nil {
		return err
	}
	if s == nil {
		return p.Redirect("/admin/applications/choose_service")
	}
	v, err := newAppForm(p, s)
	if err != nil {
		return err
	}
	planID, _ := p.Form.Int64("application[plan_id]")
	app, err := p.Domain().DeveloperCreateApplication(p.Context(), p.Actor(), s.ID, planID, applicationInput(p))
	if p.Form.Invalid(err, applicationErrors(p.Provider())) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "application_new", v)
	}
	if err != nil {
		return err
	}
	return p.Redirect(appPath(app.ID), web.Notice("Application was successfully created."))
}
