package admin

import (
	"cmp"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// accountsView is the account list: porta's columns (Group/Org., Admin,
// Signup Date, Plan when there is more than one account plan, Apps,
// State), its filters and the bulk operations on the rows selected.
type accountsView struct {
	Rows            []accountRow
	Pager           pager
	Query           string
	States, Plans   []option
	ShowPlan        bool
	NoneAtAll       bool // no account yet: porta's empty state
	SortOrg, SortAt string
	SortPlan        string
	SortState       string
}

// accountStates are the states porta's filter offers a provider.
var accountStates = []string{"approved", "created", "pending", "rejected"}

// accountsIndex is GET /buyers/accounts: search[query] (org names,
// usernames, emails, user keys, app ids, app names), search[state],
// search[plan_id], sorted and paged.
func (pg *pages) accountsIndex(p *web.Page) error {
	cat, a := p.Catalog(), p.Actor()
	f := porta.AccountFilter{Query: p.Form.Get("search[query]"), State: p.Form.Get("search[state]")}
	var planID int64
	if id, ok := p.Form.Int64("search[plan_id]"); ok {
		planID, f.PlanID = id, &id
	}
	accounts := porta.Accounts(cat, a, f)
	sortBy(p, accounts, "created_at", map[string]func(a, b *store.Account) int{
		"org_name":   func(a, b *store.Account) int { return byText(a.OrgName, b.OrgName) },
		"created_at": func(a, b *store.Account) int { return a.CreatedAt.Compare(b.CreatedAt) },
		"state":      func(a, b *store.Account) int { return cmp.Compare(a.State, b.State) },
		"plans.name": func(a, b *store.Account) int {
			return byText(planName(cat.Plan(a.PlanID)), planName(cat.Plan(b.PlanID)))
		},
	})
	shown, pgr := paginate(p, accounts)
	rows := make([]accountRow, len(shown))
	for i, acc := range shown {
		rows[i] = newAccountRow(cat, acc)
	}
	plans := porta.Provider(cat, a).AccountPlans
	return p.Render("accounts", accountsView{
		Rows: rows, Pager: pgr, Query: f.Query,
		States:    stateOptions(accountStates, f.State),
		Plans:     append([]option{{Value: "", Label: "All", Selected: planID == 0}}, planOptions(plans, planID)...),
		ShowPlan:  len(plans) > 1,
		NoneAtAll: len(porta.Accounts(cat, a, porta.AccountFilter{})) == 0,
		SortOrg:   sortLink(p, "org_name"), SortAt: sortLink(p, "created_at"), SortPlan: sortLink(p, "plans.name"),
		SortState: sortLink(p, "state"),
	})
}

// accountRow is an account as its row shows it.
type accountRow struct {
	*store.Account
	Plan *store.Plan // nil for none
	// Admin is the first admin user (porta's admin_user); nil for none.
	Admin *store.User
	// PendingAdmin is the admin, when still pending: the row's
	// "Activate".
	PendingAdmin *store.User
}

func newAccountRow(cat *store.Catalog, acc *store.Account) accountRow {
	r := accountRow{Account: acc, Plan: cat.Plan(acc.PlanID)}
	if admins := acc.Admins(); len(admins) > 0 {
		r.Admin = admins[0]
		if r.Admin.State == "pending" {
			r.PendingAdmin = r.Admin
		}
	}
	return r
}

func planName(pl *store.Plan) string {
	if pl == nil {
		return ""
	}
	return pl.Name
}
