package admin

import (
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// applicationEdit is GET /p/admin/applications/{id}/edit: name,
// description and the defined fields; and the application's deletion.
func (pg *pages) applicationEdit(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	return p.Render("application_edit", newApplicationView(app))
}

// applicationUpdate is PUT /p/admin/applications/{id}: cinstance[name],
// cinstance[description], cinstance[extra_fields][…].
func (pg *pages) applicationUpdate(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	_, err = p.Domain().UpdateApplication(p.Context(), p.Actor(), porta.AppRef{ID: app.ID}, porta.ApplicationInput{
		Name: p.Form.Ptr("cinstance[name]"), Description: p.Form.Ptr("cinstance[description]"),
		Fields: p.Form.Fields("cinstance")})
	if p.Form.Invalid(err, fieldErrors("cinstance", "name", "description")) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "application_edit", newApplicationView(app))
	}
	if err != nil {
		return err
	}
	return p.Redirect(appPath(app.ID), web.Notice("Application was successfully updated"))
}

// applicationDestroy is DELETE /p/admin/applications/{id}.
func (pg *pages) applicationDestroy(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	if _, err := p.Domain().DeleteApplication(p.Context(), p.Actor(), porta.AppRef{ID: app.ID}); err != nil {
		return err
	}
	return p.Redirect("/p/admin/applications", web.Notice("The application was successfully deleted"))
}
