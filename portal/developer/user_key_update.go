package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// userKeyUpdate is PUT /admin/applications/{id}/user_key: a new random
// user key ("Regenerate"), where the service lets developers regenerate
// it (403 otherwise).
func (pg *pages) userKeyUpdate(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	if _, err := p.Domain().ChangeUserKey(p.Context(), p.Actor(), appRef(app.ID)); err != nil {
		return err
	}
	return p.Redirect(appPath(app.ID), web.Notice("The user key was regenerated."))
}
