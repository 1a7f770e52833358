package admin

import (
	"net/http"
	"strconv"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// A product's application plans, and a plan's edit form: enough to make
// a plan require approval (guide, 2.4) and to edit a customized plan
// (guide, chapter 5).

// plansView is a product's plans: the stock ones, with how many
// applications are on each.
type plansView struct {
	Service *store.Service
	Plans   []planRow
}

type planRow struct {
	*store.Plan
	Applications int
}

// applicationPlansIndex is GET /apiconfig/services/{id}/application_plans.
func (pg *pages) applicationPlansIndex(p *web.Page) error {
	s, err := service(p)
	if err != nil {
		return err
	}
	// An application on a customized plan counts for its stock plan.
	stock := make(map[int64]int64, len(s.Plans))
	for _, pl := range s.Plans {
		stock[pl.ID] = pl.ID
		if pl.Custom() {
			stock[pl.ID] = pl.OriginalID
		}
	}
	count := make(map[int64]int)
	for _, app := range s.Applications {
		count[stock[app.PlanID]]++
	}
	v := plansView{Service: s}
	for _, pl := range stockPlans(s.Plans) {
		v.Plans = append(v.Plans, planRow{Plan: pl, Applications: count[pl.ID]})
	}
	return p.Render("application_plans", v)
}

// plan finds the application plan of the path's id.
func plan(p *web.Page) (*store.Plan, error) {
	id, err := p.ID("id")
	if err != nil {
		return nil, err
	}
	return porta.Plan(p.Catalog(), p.Actor(), porta.PlanRef{ID: id})
}

// applicationPlanEdit is GET /apiconfig/application_plans/{id}/edit.
func (pg *pages) applicationPlanEdit(p *web.Page) error {
	pl, err := plan(p)
	if err != nil {
		return err
	}
	return p.Render("application_plan_edit", newPlanEdit(pl))
}

// planEditView is a plan's edit form.
type planEditView struct {
	*store.Plan
	TrialDays string
}

func newPlanEdit(pl *store.Plan) planEditView {
	v := planEditView{Plan: pl}
	if pl.TrialPeriodDays != nil {
		v.TrialDays = strconv.FormatInt(*pl.TrialPeriodDays, 10)
	}
	return v
}

// applicationPlanUpdate is PUT /apiconfig/application_plans/{id}:
// application_plan[name], [description], [approval_required],
// [trial_period_days], [setup_fee], [cost_per_month]. porta goes back to
// the plans, with no flash.
func (pg *pages) applicationPlanUpdate(p *web.Page) error {
	pl, err := plan(p)
	if err != nil {
		return err
	}
	f := p.Form
	_, err = p.Domain().UpdatePlan(p.Context(), p.Actor(), porta.PlanRef{ID: pl.ID}, porta.PlanInput{
		Name: f.Ptr("application_plan[name]"), Description: f.Ptr("application_plan[description]"),
		ApprovalRequired: f.Bool("application_plan[approval_required]"),
		TrialPeriodDays:  f.Ptr("application_plan[trial_period_days]"),
		SetupFee:         f.Ptr("application_plan[setup_fee]"), CostPerMonth: f.Ptr("application_plan[cost_per_month]")})
	if f.Invalid(err, fieldErrors("application_plan", "name", "trial_period_days", "setup_fee", "cost_per_month")) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "application_plan_edit", newPlanEdit(pl))
	}
	if err != nil {
		return err
	}
	return p.Redirect("/apiconfig/services/" + pl.ServiceID + "/application_plans")
}
