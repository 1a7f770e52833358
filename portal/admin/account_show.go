package admin

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// accountView is the account page: its details, state buttons, plan and
// applications.
type accountView struct {
	*store.Account
	// Plan is its account plan (nil for none), Applications its
	// applications with their services.
	Plan         *store.Plan
	Applications []store.LinkedApplication
	Admin        *store.User
	Fields       []definedField
	// Plans are the account plans it may move to (porta's Change Plan
	// card, shown with more than one published account plan).
	Plans []option
}

// account finds the account of the path's id.
func account(p *web.Page) (*store.Account, error) {
	id, err := p.ID("id")
	if err != nil {
		return nil, err
	}
	return porta.Account(p.Catalog(), p.Actor(), id)
}

// accountShow is GET /buyers/accounts/{id}.
func (pg *pages) accountShow(p *web.Page) error {
	acc, err := account(p)
	if err != nil {
		return err
	}
	cat, prov := p.Catalog(), p.Provider()
	v := accountView{Account: acc, Plan: cat.Plan(acc.PlanID),
		Fields: definedFields("account", prov.AccountFields, store.OptionalAccountFields, acc.Fields, acc.ExtraFields)}
	if admins := acc.Admins(); len(admins) > 0 {
		v.Admin = admins[0]
	}
	for _, app := range acc.Applications {
		v.Applications = append(v.Applications, cat.LinkApplication(app))
	}
	var published []*store.Plan
	for _, pl := range stockPlans(prov.AccountPlans) {
		if pl.State == "published" {
			published = append(published, pl)
		}
	}
	if len(published) > 1 {
		v.Plans = planOptions(published, acc.PlanID)
	}
	return p.Render("account", v)
}
