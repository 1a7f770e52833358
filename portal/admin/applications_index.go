package admin

import (
	"cmp"
	"fmt"
	"strconv"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// applicationsView is porta's application listing: the provider's
// (/p/admin/applications) or an account's (its Applications tab), with
// the filters of porta's toolbar and the bulk operations.
type applicationsView struct {
	// Account is the account whose applications these are; nil for all.
	Account *store.Account
	Apps    []store.LinkedApplication
	Pager   pager
	// The filters as given.
	Name, AccountQuery       string
	States, Services, Plans  []option
	ShowService, ShowPlan    bool
	NoneAtAll                bool
	SortName, SortState      string
	SortAccount, SortCreated string
	SortTraffic              string
}

// applicationStates are porta's Cinstance.allowed_states, sorted.
var applicationStates = []string{"live", "pending", "suspended"}

// applicationsIndex is GET /p/admin/applications: search[name] (a part
// of the name, or user_key: KEY), search[state], search[account_query]
// (the account search), search[service_id], search[plan_id],
// search[plan_type], sorted and paged.
func (pg *pages) applicationsIndex(p *web.Page) error {
	return pg.applications(p, nil)
}

// accountApplications is GET /buyers/accounts/{id}/applications:
// "Applications for ORG".
func (pg *pages) accountApplications(p *web.Page) error {
	acc, err := account(p)
	if err != nil {
		return err
	}
	return pg.applications(p, acc)
}

func (pg *pages) applications(p *web.Page, acc *store.Account) error {
	cat, a := p.Catalog(), p.Actor()
	f := porta.ApplicationFilter{NameQuery: p.Form.Get("search[name]"), State: p.Form.Get("search[state]"),
		ServiceID: p.Form.Get("search[service_id]"), PlanType: p.Form.Get("search[plan_type]")}
	if acc != nil {
		f.AccountID = &acc.ID
	} else {
		f.AccountQuery = p.Form.Get("search[account_query]")
	}
	var planID int64
	if n, ok := p.Form.Int64("search[plan_id]"); ok {
		planID, f.PlanID = n, &n
	}
	all := porta.Applications(cat, a, porta.ApplicationFilter{AccountID: f.AccountID})
	apps := porta.Applications(cat, a, f)
	sortBy(p, apps, "cinstances.created_at", map[string]func(a, b *store.Application) int{
		"cinstances.name":  func(a, b *store.Application) int { return byText(a.Name, b.Name) },
		"cinstances.state": func(a, b *store.Application) int { return cmp.Compare(a.State, b.State) },
		"accounts.org_name": func(a, b *store.Application) int {
			return byText(cat.Account(a.AccountID).OrgName, cat.Account(b.AccountID).OrgName)
		},
		"cinstances.created_at": func(a, b *store.Application) int { return a.CreatedAt.Compare(b.CreatedAt) },
		"cinstances.first_daily_traffic_at": func(a, b *store.Application) int {
			return cmp.Compare(unixOf(a.FirstDailyTrafficAt()), unixOf(b.FirstDailyTrafficAt()))
		},
	})
	page, pgr := paginate(p, apps)
	shown := make([]store.LinkedApplication, len(page))
	for i, app := range page {
		shown[i] = cat.LinkApplication(app)
	}
	prov := porta.Provider(cat, a)
	services := []option{{Value: "", Label: "All", Selected: f.ServiceID == ""}}
	for _, s := range prov.Services {
		services = append(services, option{Value: s.ID, Label: s.Name, Selected: s.ID == f.ServiceID})
	}
	plans := []option{{Value: "", Label: "All", Selected: planID == 0}}
	var stock []*store.Plan
	for _, pl := range porta.ApplicationPlans(cat, a) {
		if !pl.Custom() {
			stock = append(stock, pl)
			label := pl.Name
			if len(prov.Services) > 1 {
				label = pl.Service.Name + ": " + pl.Name
			}
			plans = append(plans, option{Value: strconv.FormatInt(pl.ID, 10), Label: label, Selected: pl.ID == planID})
		}
	}
	view := "applications"
	if acc != nil {
		view = "account_applications"
	}
	return p.Render(view, applicationsView{
		Account: acc, Apps: shown, Pager: pgr, Name: f.NameQuery, AccountQuery: f.AccountQuery,
		States: stateOptions(applicationStates, f.State), Services: services, Plans: plans,
		ShowService: len(prov.Services) > 1, ShowPlan: len(stock) > 1, NoneAtAll: len(all) == 0,
		SortName: sortLink(p, "cinstances.name"), SortState: sortLink(p, "cinstances.state"),
		SortAccount: sortLink(p, "accounts.org_name"), SortCreated: sortLink(p, "cinstances.created_at"),
		SortTraffic: sortLink(p, "cinstances.first_daily_traffic_at"),
	})
}

// unixOf is a time that may be none as a number: none first.
func unixOf(t *time.Time) int64 {
	if t == nil {
		return 0
	}
	return t.Unix()
}

// appPath is an application's page.
func appPath(id int64) string { return fmt.Sprintf("/p/admin/applications/%d", id) }
