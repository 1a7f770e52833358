package admin

import (
	"net/http"
	"strconv"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// applicationFormView is the new application form of an account: the
// plans to choose from, by service, and the defined fields.
type applicationFormView struct {
	Account *store.Account
	Groups  []planGroup
	Fields  []definedField
}

// planGroup is a service's plans, an optgroup of the plan select.
type planGroup struct {
	Service string
	Plans   []option
}

func newApplicationForm(p *web.Page, acc *store.Account) applicationFormView {
	chosen, _ := p.Form.Int64("cinstance[plan_id]")
	prov := p.Provider()
	v := applicationFormView{Account: acc,
		Fields: definedFields("cinstance", prov.ApplicationFields, nil, nil, nil)}
	for _, s := range prov.Services {
		g := planGroup{Service: s.Name}
		for _, pl := range stockPlans(s.Plans) {
			sel := pl.ID == chosen || (chosen == 0 && pl.Default && len(v.Groups) == 0)
			g.Plans = append(g.Plans, option{Value: strconv.FormatInt(pl.ID, 10), Label: pl.Name, Selected: sel})
		}
		if len(g.Plans) > 0 {
			v.Groups = append(v.Groups, g)
		}
	}
	return v
}

// applicationNew is GET /buyers/accounts/{id}/applications/new: "Create
// application" on behalf of the developer.
func (pg *pages) applicationNew(p *web.Page) error {
	acc, err := account(p)
	if err != nil {
		return err
	}
	return p.Render("application_new", newApplicationForm(p, acc))
}

// applicationCreate is POST /buyers/accounts/{id}/applications:
// cinstance[plan_id] (an application plan of any service), cinstance[name],
// cinstance[description], extra fields.
func (pg *pages) applicationCreate(p *web.Page) error {
	acc, err := account(p)
	if err != nil {
		return err
	}
	planID, _ := p.Form.Int64("cinstance[plan_id]")
	app, err := p.Domain().CreateApplication(p.Context(), p.Actor(), acc.ID, planID, porta.NewApplication{
		ApplicationInput: porta.ApplicationInput{Name: p.Form.Ptr("cinstance[name]"),
			Description: p.Form.Ptr("cinstance[description]"), Fields: p.Form.Fields("cinstance")}})
	if err == porta.ErrCannotSubscribe {
		p.Form.Fail("", err.Error())
		return p.RenderStatus(http.StatusUnprocessableEntity, "application_new", newApplicationForm(p, acc))
	}
	if p.Form.Invalid(err, fieldErrors("cinstance", "name", "description")) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "application_new", newApplicationForm(p, acc))
	}
	if err != nil {
		return err // an unknown plan: 404, as porta's find
	}
	return p.Redirect(appPath(app.ID), web.Notice("Application was successfully created"))
}
