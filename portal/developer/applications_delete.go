package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// applicationsDelete is DELETE /admin/applications/{id}: the application
// is gone (its keys with it), back to the list.
func (pg *pages) applicationsDelete(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	if _, err := p.Domain().DeleteApplication(p.Context(), p.Actor(), appRef(app.ID)); err != nil {
		return err
	}
	return p.Redirect("/admin/applications", web.Notice("Application was successfully deleted."))
}
