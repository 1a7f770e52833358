package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// applicationsView is the account's applications.
type applicationsView struct {
	Applications []applicationRow
	// MultipleServices shows the Service column.
	MultipleServices bool
	// CanCreate shows "Create new application".
	CanCreate bool
}

type applicationRow struct {
	store.LinkedApplication
	Can porta.Can
}

// applicationsIndex is GET /admin/applications: porta's table of the
// account's applications (Name, Service, Credentials, State).
func (pg *pages) applicationsIndex(p *web.Page) error {
	cat, a := p.Catalog(), p.Actor()
	v := applicationsView{MultipleServices: len(p.Provider().Services) > 1,
		CanCreate: len(porta.ApplicationServices(cat, a)) > 0}
	for _, app := range porta.Applications(cat, a, porta.ApplicationFilter{}) {
		l := cat.LinkApplication(app)
		v.Applications = append(v.Applications, applicationRow{l, porta.DeveloperCan(l)})
	}
	return p.Render("applications", v)
}
