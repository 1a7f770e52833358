package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// keysRegenerate is PUT /admin/applications/{id}/keys/{key}/regenerate: a
// new random key in place of this one (the client secret's
// "Regenerate").
func (pg *pages) keysRegenerate(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	if _, err := p.Domain().RegenerateKey(p.Context(), p.Actor(), appRef(app.ID), p.Request().PathValue("key")); err != nil {
		return err
	}
	return p.Redirect(appPath(app.ID), web.Notice("Application key was regenerated."))
}
