package admin

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The bulk operations of the lists, as plain pages where porta opens a
// modal: the list's form GETs …/bulk/OPERATION/new with selected[], that
// page posts the operation, and the list shows porta's flash; objects the
// operation refused are listed on porta's errors page (422).

// selectedIDs reads selected[]; ids that are no ids are dropped.
func selectedIDs(p *web.Page) []int64 {
	var out []int64
	for _, s := range p.Form.Strings("selected[]") {
		if n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// bulkView is a bulk operation's page: what is selected and the choice.
type bulkView struct {
	// Kind is what the list holds: "accounts", "applications",
	// "subscriptions".
	Kind     string
	Action   string // the form's path
	Selected []bulkItem
	Choices  []option
	Back     string
}

type bulkItem struct {
	ID          int64
	Name, Extra string
}

// bulkErrorsView is porta's errors page of a bulk operation.
type bulkErrorsView struct {
	Kind   string
	Failed []porta.BulkFailure
	Back   string
}

// humanized are the bulk actions as porta's selects show them.
func humanized(actions []string) []option {
	out := make([]option, len(actions))
	for i, a := range actions {
		out[i] = option{Value: a, Label: strings.ToUpper(a[:1]) + strings.ReplaceAll(a[1:], "_", " ")}
	}
	return out
}

// bulkDone answers a bulk operation: the errors page when some objects
// were refused, else the list with porta's flash (one, other).
func bulkDone(p *web.Page, kind string, r porta.BulkResult, err error, back, one, other string) error {
	if err != nil {
		return err
	}
	if len(r.Failed) > 0 {
		return p.RenderStatus(http.StatusUnprocessableEntity, "bulk_errors", bulkErrorsView{Kind: kind, Failed: r.Failed, Back: back})
	}
	msg := one
	if r.Succeeded() != 1 {
		msg = fmt.Sprintf(other, r.Succeeded())
	}
	return p.Redirect(back, web.Notice(msg))
}

// noneSelected sends a person who selected nothing back to the list.
func noneSelected(p *web.Page, back, kind string) error {
	return p.Redirect(back, web.Error("No "+kind+" selected."))
}

// selectedAccounts are the selected accounts the provider has.
func selectedAccounts(p *web.Page) []bulkItem {
	var out []bulkItem
	for _, id := range selectedIDs(p) {
		if acc, err := porta.Account(p.Catalog(), p.Actor(), id); err == nil {
			out = append(out, bulkItem{ID: acc.ID, Name: acc.OrgName})
		}
	}
	return out
}

// accountsBulkStateNew is GET /buyers/accounts/bulk/change_state/new.
func (pg *pages) accountsBulkStateNew(p *web.Page) error {
	items := selectedAccounts(p)
	if len(items) == 0 {
		return noneSelected(p, "/buyers/accounts", "accounts")
	}
	return p.Render("bulk_state", bulkView{Kind: "accounts", Action: "/buyers/accounts/bulk/change_state",
		Selected: items, Choices: humanized(porta.AccountBulkActions), Back: "/buyers/accounts"})
}

// accountsBulkState is POST /buyers/accounts/bulk/change_state:
// change_states[action] approve, make_pending or reject.
func (pg *pages) accountsBulkState(p *web.Page) error {
	ids := selectedIDs(p)
	if len(ids) == 0 {
		return noneSelected(p, "/buyers/accounts", "accounts")
	}
	r, err := p.Domain().BulkChangeAccountStates(p.Context(), p.Actor(), ids, p.Form.Get("change_states[action]"))
	if err := badBulkChoice(p, err, "/buyers/accounts"); err != nil {
		return err
	}
	return bulkDone(p, "accounts", r, err, "/buyers/accounts", "The account state was changed successfully",
		"Successfully changed the state of %d accounts")
}

// badBulkChoice answers a choice outside the form's list (an action, a
// plan) with the list and an error, and passes any other error on.
func badBulkChoice(p *web.Page, err error, back string) error {
	var v *porta.ValidationError
	if errors.As(err, &v) || errors.Is(err, porta.ErrNotFound) {
		msg := "The choice is not one of the list."
		if v != nil {
			msg = v.Error()
		}
		return p.Redirect(back, web.Error(msg))
	}
	return nil
}

// accountsBulkPlanNew is GET /buyers/accounts/bulk/change_plan/new.
func (pg *pages) accountsBulkPlanNew(p *web.Page) error {
	items := selectedAccounts(p)
	if len(items) == 0 {
		return noneSelected(p, "/buyers/accounts", "accounts")
	}
	return p.Render("bulk_plan", bulkView{Kind: "accounts", Action: "/buyers/accounts/bulk/change_plan",
		Selected: items, Choices: planOptions(stockPlans(porta.Provider(p.Catalog(), p.Actor()).AccountPlans), 0),
		Back: "/buyers/accounts"})
}

// accountsBulkPlan is POST /buyers/accounts/bulk/change_plan:
// change_plans[plan_id].
func (pg *pages) accountsBulkPlan(p *web.Page) error {
	ids := selectedIDs(p)
	if len(ids) == 0 {
		return noneSelected(p, "/buyers/accounts", "accounts")
	}
	planID, _ := p.Form.Int64("change_plans[plan_id]")
	r, err := p.Domain().BulkChangeAccountPlans(p.Context(), p.Actor(), ids, planID)
	if err := badBulkChoice(p, err, "/buyers/accounts"); err != nil {
		return err
	}
	return bulkDone(p, "accounts", r, err, "/buyers/accounts", "The account plan was changed successfully",
		"Successfully changed the plan of %d accounts")
}

// stockPlans are the plans that are no customized copy, by name, as
// porta's not_custom.alphabetically.
func stockPlans(plans []*store.Plan) []*store.Plan {
	var out []*store.Plan
	for _, pl := range plans {
		if !pl.Custom() {
			out = append(out, pl)
		}
	}
	sortPlansByName(out)
	return out
}
