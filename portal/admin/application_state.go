package admin

import (
	"context"
	"fmt"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// appOp is an application's state change.
type appOp = func(context.Context, porta.Actor, porta.AppRef) (*store.Application, error)

// applicationState is PUT /p/admin/applications/{id}/accept, POST
// …/suspend and POST …/resume: the application page with porta's flash,
// or the refusal when its state does not allow the change.
func (pg *pages) applicationState(done string, op func(*porta.Domain) appOp) web.Action {
	return func(p *web.Page) error {
		app, err := application(p)
		if err != nil {
			return err
		}
		_, err = op(p.Domain())(p.Context(), p.Actor(), porta.AppRef{ID: app.ID})
		if msgs, refused := porta.Refusal(err); refused {
			return p.Redirect(appPath(app.ID), web.Error(joinMessages(msgs)))
		}
		if err != nil {
			return err
		}
		return p.Redirect(appPath(app.ID), web.Notice(done))
	}
}

// applicationReject is DELETE /p/admin/applications/{id}/reject: a
// pending application is deleted, the developer told why (reason); the
// account page says so.
func (pg *pages) applicationReject(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	_, err = p.Domain().RejectApplication(p.Context(), p.Actor(), porta.AppRef{ID: app.ID}, p.Form.Get("reason"))
	if msgs, refused := porta.Refusal(err); refused {
		return p.Redirect(appPath(app.ID), web.Error(joinMessages(msgs)))
	}
	if err != nil {
		return err
	}
	return p.Redirect(fmt.Sprintf("/buyers/accounts/%d", app.AccountID), web.Notice("The application has been rejected"))
}

// applicationChangePlan is PUT /p/admin/applications/{id}/change_plan:
// cinstance[plan_id], a stock plan of the application's service.
func (pg *pages) applicationChangePlan(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	planID, _ := p.Form.Int64("cinstance[plan_id]")
	plan, err := porta.Plan(p.Catalog(), p.Actor(), porta.PlanRef{ID: planID, Service: &app.ServiceID})
	if err != nil || plan.Custom() {
		return fmt.Errorf("plan %d of the service: %w", planID, porta.ErrNotFound) // porta's stock.find
	}
	changed, err := p.Domain().ChangeApplicationPlan(p.Context(), p.Actor(), porta.AppRef{ID: app.ID}, plan.ID)
	if err != nil {
		return err
	}
	return p.Redirect(appPath(app.ID), web.Notice(fmt.Sprintf("Plan changed to '%s'", p.Catalog().Plan(changed.PlanID).Name)))
}

// planCustomize is POST /buyers/contracts/{id}/custom_application_plans:
// "Convert to a Custom Plan".
func (pg *pages) planCustomize(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	if _, err := p.Domain().CustomizePlan(p.Context(), p.Actor(), porta.AppRef{ID: app.ID}); err != nil {
		return err
	}
	return p.Redirect(appPath(app.ID), web.Notice("Plan customized"))
}

// planDecustomize is DELETE
// /buyers/contracts/{id}/custom_application_plans/{plan_id}: "Remove
// customization", back to the stock plan.
func (pg *pages) planDecustomize(p *web.Page) error {
	app, err := application(p)
	if err != nil {
		return err
	}
	planID, err := p.ID("plan_id")
	if err != nil {
		return err
	}
	if app.PlanID != planID || !app.Plan.Custom() {
		return fmt.Errorf("custom plan %d of application %d: %w", planID, app.ID, porta.ErrNotFound)
	}
	changed, err := p.Domain().DecustomizePlan(p.Context(), p.Actor(), porta.AppRef{ID: app.ID})
	if err != nil {
		return err
	}
	return p.Redirect(appPath(app.ID), web.Notice("The plan was set back to "+p.Catalog().Plan(changed.PlanID).Name))
}
