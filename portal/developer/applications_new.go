package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// applicationsNew is GET /admin/applications/new[?service_id=]: porta's
// "New Application" form on the service (the choice of services first,
// when there are several), with the plan select where the service lets
// developers choose (buyer_can_select_plan). A service that lets no
// developer create applications is 403; one with no plan to give 404.
func (pg *pages) applicationsNew(p *web.Page) error {
	s, err := newApplicationService(p)
	if err != nil {
		return err
	}
	if s == nil {
		return p.Redirect("/admin/applications/choose_service")
	}
	v, err := newAppForm(p, s)
	if err != nil {
		return err
	}
	return p.Render("application_new", v)
}
