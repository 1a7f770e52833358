package admin

import (
	"errors"
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// The application list's bulk operations.

const applicationsList = "/p/admin/applications"

// selectedApplications are the selected applications the provider has.
func selectedApplications(p *web.Page) []bulkItem {
	var out []bulkItem
	cat := p.Catalog()
	for _, id := range selectedIDs(p) {
		if app, err := porta.Application(cat, p.Actor(), porta.AppRef{ID: id}); err == nil {
			out = append(out, bulkItem{ID: app.ID, Name: app.Name, Extra: cat.Account(app.AccountID).OrgName})
		}
	}
	return out
}

// applicationsBulkStateNew is GET
// /buyers/applications/bulk/change_state/new.
func (pg *pages) applicationsBulkStateNew(p *web.Page) error {
	items := selectedApplications(p)
	if len(items) == 0 {
		return noneSelected(p, applicationsList, "applications")
	}
	return p.Render("bulk_state", bulkView{Kind: "applications", Action: "/buyers/applications/bulk/change_state",
		Selected: items, Choices: humanized(porta.ApplicationBulkActions), Back: applicationsList})
}

// applicationsBulkState is POST /buyers/applications/bulk/change_state:
// change_states[action] accept, suspend or resume.
func (pg *pages) applicationsBulkState(p *web.Page) error {
	ids := selectedIDs(p)
	if len(ids) == 0 {
		return noneSelected(p, applicationsList, "applications")
	}
	r, err := p.Domain().BulkChangeApplicationStates(p.Context(), p.Actor(), ids, p.Form.Get("change_states[action]"))
	if err := badBulkChoice(p, err, applicationsList); err != nil {
		return err
	}
	return bulkDone(p, "applications", r, err, applicationsList, "The application's state was changed successfully",
		"Successfully changed the state of %d applications")
}

// applicationsBulkPlanNew is GET /buyers/applications/bulk/change_plan/new:
// the plans of the applications' one service, or porta's page for
// applications of several.
func (pg *pages) applicationsBulkPlanNew(p *web.Page) error {
	items := selectedApplications(p)
	if len(items) == 0 {
		return noneSelected(p, applicationsList, "applications")
	}
	svc, err := porta.ApplicationsService(p.Catalog(), p.Actor(), selectedIDs(p))
	if errors.Is(err, porta.ErrMultipleServices) {
		return p.RenderStatus(http.StatusOK, "bulk_multiple_services", applicationsList)
	}
	if err != nil {
		return err
	}
	return p.Render("bulk_plan", bulkView{Kind: "applications", Action: "/buyers/applications/bulk/change_plan",
		Selected: items, Choices: planOptions(stockPlans(svc.Plans), 0), Back: applicationsList})
}

// applicationsBulkPlan is POST /buyers/applications/bulk/change_plan:
// change_plans[plan_id].
func (pg *pages) applicationsBulkPlan(p *web.Page) error {
	ids := selectedIDs(p)
	if len(ids) == 0 {
		return noneSelected(p, applicationsList, "applications")
	}
	planID, _ := p.Form.Int64("change_plans[plan_id]")
	r, err := p.Domain().BulkChangeApplicationPlans(p.Context(), p.Actor(), ids, planID)
	if errors.Is(err, porta.ErrMultipleServices) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "bulk_multiple_services", applicationsList)
	}
	if err := badBulkChoice(p, err, applicationsList); err != nil {
		return err
	}
	return bulkDone(p, "applications", r, err, applicationsList, "The application's plan was changed successfully",
		"Successfully changed the plan of %d applications")
}
