package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// dashboardView is the credentials panel and the latest messages.
type dashboardView struct {
	// Application is the account's first application with its service and
	// plan; nil for none.
	Application *store.LinkedApplication
	Messages    []store.Received
}

// dashboard is GET /admin: the credentials of the account's first
// application, by the service's authentication mode, and the five latest
// messages received (portal-spec.md §6.3).
func (pg *pages) dashboard(p *web.Page) error {
	a := p.Actor()
	var v dashboardView
	if apps := porta.Applications(p.Catalog(), a, porta.ApplicationFilter{}); len(apps) > 0 {
		linked := p.Catalog().LinkApplication(apps[0])
		v.Application = &linked
	}
	msgs, err := p.Domain().Inbox(p.Context(), a, false)
	if err != nil {
		return err
	}
	v.Messages = msgs[:min(len(msgs), 5)]
	return p.Render("dashboard", v)
}
