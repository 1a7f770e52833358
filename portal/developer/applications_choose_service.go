package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// applicationsChooseService is GET /admin/applications/choose_service:
// the services the developer may create an application on, when there
// are several.
func (pg *pages) applicationsChooseService(p *web.Page) error {
	return p.Render("choose_service", porta.ApplicationServices(p.Catalog(), p.Actor()))
}
