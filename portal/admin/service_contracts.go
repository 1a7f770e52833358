package admin

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Service subscriptions (Audience › Accounts › Subscriptions): porta's
// Buyers::ServiceContractsController and its bulk operations (guide, 2.3
// and 3.2).

const subscriptionsList = "/buyers/service_contracts"

// subscriptionsView is the list of every subscription, or an account's.
type subscriptionsView struct {
	Account                 *store.Account
	Contracts               []store.LinkedServiceContract
	Pager                   pager
	AccountQuery            string
	States, Services, Plans []option
	ShowService             bool
	SortAccount, SortState  string
	SortCreated             string
}

// subscriptionsIndex is GET /buyers/service_contracts: search[state],
// search[service_id], search[plan_id], search[account_query].
func (pg *pages) subscriptionsIndex(p *web.Page) error { return pg.subscriptions(p, nil) }

// accountSubscriptions is GET /buyers/accounts/{id}/service_contracts:
// "Service subscriptions of ORG".
func (pg *pages) accountSubscriptions(p *web.Page) error {
	acc, err := account(p)
	if err != nil {
		return err
	}
	return pg.subscriptions(p, acc)
}

func (pg *pages) subscriptions(p *web.Page, acc *store.Account) error {
	cat, a := p.Catalog(), p.Actor()
	f := porta.SubscriptionFilter{State: p.Form.Get("search[state]"), ServiceID: p.Form.Get("search[service_id]")}
	if acc != nil {
		f.AccountID = &acc.ID
	} else {
		f.AccountQuery = p.Form.Get("search[account_query]")
	}
	var planID int64
	if n, ok := p.Form.Int64("search[plan_id]"); ok {
		planID, f.PlanID = n, &n
	}
	contracts := porta.AllSubscriptions(cat, a, f)
	sortBy(p, contracts, "cinstances.created_at", map[string]func(a, b *store.ServiceContract) int{
		"accounts.org_name": func(a, b *store.ServiceContract) int {
			return byText(cat.Account(a.AccountID).OrgName, cat.Account(b.AccountID).OrgName)
		},
		"cinstances.state":      func(a, b *store.ServiceContract) int { return cmp.Compare(a.State, b.State) },
		"cinstances.created_at": func(a, b *store.ServiceContract) int { return a.CreatedAt.Compare(b.CreatedAt) },
	})
	page, pgr := paginate(p, contracts)
	shown := make([]store.LinkedServiceContract, len(page))
	for i, c := range page {
		shown[i] = cat.LinkContract(c)
	}
	prov := porta.Provider(cat, a)
	services := []option{{Value: "", Label: "All", Selected: f.ServiceID == ""}}
	plans := []option{{Value: "", Label: "All", Selected: planID == 0}}
	for _, s := range prov.Services {
		services = append(services, option{Value: s.ID, Label: s.Name, Selected: s.ID == f.ServiceID})
		for _, pl := range s.ServicePlans {
			plans = append(plans, option{Value: strconv.FormatInt(pl.ID, 10), Label: s.Name + ": " + pl.Name,
				Selected: pl.ID == planID})
		}
	}
	return p.Render("service_contracts", subscriptionsView{Account: acc, Contracts: shown, Pager: pgr,
		AccountQuery: f.AccountQuery, States: stateOptions(applicationStates, f.State), Services: services,
		Plans: plans, ShowService: len(prov.Services) > 1, SortAccount: sortLink(p, "accounts.org_name"),
		SortState: sortLink(p, "cinstances.state"), SortCreated: sortLink(p, "cinstances.created_at")})
}

// subscription finds the subscription of the path's account and id.
func subscription(p *web.Page) (*store.ServiceContract, error) {
	accID, err := p.ID("account_id")
	if err != nil {
		return nil, err
	}
	id, err := p.ID("id")
	if err != nil {
		return nil, err
	}
	return porta.Subscription(p.Catalog(), p.Actor(), porta.SubscriptionRef{Account: accID, ID: id})
}

func accountSubscriptionsPath(accountID int64) string {
	return fmt.Sprintf("/buyers/accounts/%d/service_contracts", accountID)
}

// subscriptionApprove is POST
// /buyers/accounts/{account_id}/service_contracts/{id}/approve.
func (pg *pages) subscriptionApprove(p *web.Page) error {
	c, err := subscription(p)
	if err != nil {
		return err
	}
	back := referer(p, accountSubscriptionsPath(c.AccountID))
	_, err = p.Domain().ApproveSubscription(p.Context(), p.Actor(), porta.SubscriptionRef{Account: c.AccountID, ID: c.ID})
	if _, refused := porta.Refusal(err); refused {
		return p.Redirect(back, web.Error("Cannot approve service contract"))
	}
	if err != nil {
		return err
	}
	return p.Redirect(back, web.Notice("Service contract was approved"))
}

// subscriptionEditView is the change-plan form of a subscription.
type subscriptionEditView struct {
	store.LinkedServiceContract
	Plans []option
}

// subscriptionEdit is GET
// /buyers/accounts/{account_id}/service_contracts/{id}/edit: "Change
// SERVICE subscription".
func (pg *pages) subscriptionEdit(p *web.Page) error {
	c, err := subscription(p)
	if err != nil {
		return err
	}
	linked := p.Catalog().LinkContract(c)
	return p.Render("service_contract_edit", subscriptionEditView{LinkedServiceContract: linked,
		Plans: planOptions(stockPlans(linked.Service.ServicePlans), c.PlanID)})
}

// subscriptionUpdate is PUT
// /buyers/accounts/{account_id}/service_contracts/{id}:
// service_contract[plan_id], a service plan of its service.
func (pg *pages) subscriptionUpdate(p *web.Page) error {
	c, err := subscription(p)
	if err != nil {
		return err
	}
	planID, _ := p.Form.Int64("service_contract[plan_id]")
	if _, err := porta.ServicePlan(p.Catalog(), p.Actor(), porta.ServicePlanRef{ID: planID, Service: &c.ServiceID}); err != nil {
		return err // porta's service_plans.find
	}
	_, err = p.Domain().ChangeSubscriptionPlan(p.Context(), p.Actor(), porta.SubscriptionRef{Account: c.AccountID, ID: c.ID}, planID)
	if _, refused := porta.Refusal(err); refused {
		return p.Redirect(accountSubscriptionsPath(c.AccountID), web.Error("Could not change the plan of the contract"))
	}
	if err != nil {
		return err
	}
	return p.Redirect(accountSubscriptionsPath(c.AccountID), web.Notice("Plan of the contract was changed"))
}

// selectedSubscriptions are the selected subscriptions the provider has.
func selectedSubscriptions(p *web.Page) []bulkItem {
	cat := p.Catalog()
	all := porta.AllSubscriptions(cat, p.Actor(), porta.SubscriptionFilter{})
	var out []bulkItem
	for _, id := range selectedIDs(p) {
		for _, c := range all {
			if c.ID == id {
				l := cat.LinkContract(c)
				out = append(out, bulkItem{ID: c.ID, Name: l.Account.OrgName, Extra: l.Service.Name + ": " + l.Plan.Name})
			}
		}
	}
	return out
}

// subscriptionsBulkStateNew is GET
// /buyers/service_contracts/bulk/change_state/new.
func (pg *pages) subscriptionsBulkStateNew(p *web.Page) error {
	items := selectedSubscriptions(p)
	if len(items) == 0 {
		return noneSelected(p, subscriptionsList, "subscriptions")
	}
	return p.Render("bulk_state", bulkView{Kind: "subscriptions", Action: "/buyers/service_contracts/bulk/change_state",
		Selected: items, Choices: humanized(porta.SubscriptionBulkActions), Back: subscriptionsList})
}

// subscriptionsBulkState is POST
// /buyers/service_contracts/bulk/change_state: accept, suspend, resume.
func (pg *pages) subscriptionsBulkState(p *web.Page) error {
	ids := selectedIDs(p)
	if len(ids) == 0 {
		return noneSelected(p, subscriptionsList, "subscriptions")
	}
	r, err := p.Domain().BulkChangeSubscriptionStates(p.Context(), p.Actor(), ids, p.Form.Get("change_states[action]"))
	if err := badBulkChoice(p, err, subscriptionsList); err != nil {
		return err
	}
	return bulkDone(p, "subscriptions", r, err, subscriptionsList, "The subscription's state was changed successfully",
		"Successfully changed the state of %d subscriptions")
}

// subscriptionsBulkPlanNew is GET
// /buyers/service_contracts/bulk/change_plan/new.
func (pg *pages) subscriptionsBulkPlanNew(p *web.Page) error {
	items := selectedSubscriptions(p)
	if len(items) == 0 {
		return noneSelected(p, subscriptionsList, "subscriptions")
	}
	svc, err := porta.SubscriptionsService(p.Catalog(), p.Actor(), selectedIDs(p))
	if errors.Is(err, porta.ErrMultipleServices) {
		return p.Render("bulk_multiple_plans", subscriptionsList)
	}
	if err != nil {
		return err
	}
	return p.Render("bulk_plan", bulkView{Kind: "subscriptions", Action: "/buyers/service_contracts/bulk/change_plan",
		Selected: items, Choices: planOptions(stockPlans(svc.ServicePlans), 0), Back: subscriptionsList})
}

// subscriptionsBulkPlan is POST /buyers/service_contracts/bulk/change_plan:
// change_plans[plan_id].
func (pg *pages) subscriptionsBulkPlan(p *web.Page) error {
	ids := selectedIDs(p)
	if len(ids) == 0 {
		return noneSelected(p, subscriptionsList, "subscriptions")
	}
	planID, _ := p.Form.Int64("change_plans[plan_id]")
	r, err := p.Domain().BulkChangeSubscriptionPlans(p.Context(), p.Actor(), ids, planID)
	if errors.Is(err, porta.ErrMultipleServices) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "bulk_multiple_plans", subscriptionsList)
	}
	if err := badBulkChoice(p, err, subscriptionsList); err != nil {
		return err
	}
	return bulkDone(p, "subscriptions", r, err, subscriptionsList, "The subscription's plan was changed successfully",
		"Successfully changed the plan of %d subscriptions")
}
