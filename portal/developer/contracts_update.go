package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// contractsUpdate is PUT /admin/contracts/{id}?plan_id=X, the plan
// widget's button: the plan changes, or the provider is asked, as the
// service permits; back to the application with porta's text. An
// application whose plan may not change is 403, a plan not offered 404.
func (pg *pages) contractsUpdate(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	planID, ok := p.Form.Int64("plan_id")
	if !ok {
		return porta.ErrNotFound
	}
	pc, err := p.Domain().DeveloperChangePlan(p.Context(), p.Actor(), appRef(app.ID), planID)
	if err != nil {
		return err
	}
	return p.Redirect(appPath(app.ID), web.Notice(pc.Message))
}
