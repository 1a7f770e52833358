package developer

import (
	"fmt"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// plansWidgetView is porta's plan widget as a page of its own: the
// application's plan ("Your plan") and the other published plans, each
// with its limits and the button of the service's plan change permission.
type plansWidgetView struct {
	Service *store.Service
	// Application is the application whose plan may change; nil for the
	// plans of a new application.
	Application *store.Application
	Current     *store.Plan
	Others      []*store.Plan
	// Label is the button's ("Change Plan", "Request Plan Change"); ""
	// when plan changes are not allowed.
	Label string
	// Selectable: a new application may go on the other plans.
	Selectable bool
}

// plansWidget is GET /admin/services/{service_id}/plans_widget
// [?application_id=]: the application's plan and the plans it may move
// to ("Plan changes are not allowed." under the permission none), or,
// without an application, the plans a new application may go on.
func (pg *pages) plansWidget(p *web.Page) error {
	sid := p.Request().PathValue("service_id")
	s, err := porta.Service(p.Catalog(), p.Actor(), sid)
	if err != nil {
		return err
	}
	v := plansWidgetView{Service: s}
	if id, ok := p.Form.Int64("application_id"); ok || p.Form.Has("application_id") {
		cat := p.Catalog()
		own, err := porta.Application(cat, p.Actor(), porta.AppRef{ID: id})
		if err != nil {
			return err
		}
		app := cat.LinkApplication(own)
		if app.ServiceID != s.ID {
			return fmt.Errorf("application %d is not of service %s: %w", app.ID, s.ID, porta.ErrNotFound)
		}
		v.Application, v.Current, v.Others = app.Application, app.Plan, porta.OtherPlans(app)
		if porta.CanChangePlan(app) {
			v.Label = porta.PlanChangeLabel(app)
		}
	} else {
		v.Others = porta.PublishedPlans(s)
		v.Selectable = s.BuyerCanSelectPlan && porta.CanCreateApplication(account(p), s)
	}
	return p.Render("plans_widget", v)
}
