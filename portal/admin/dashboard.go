package admin

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// dashboardView is the dashboard's numbers and the provider's products.
type dashboardView struct {
	Provider                          *store.Provider
	Accounts, PendingAccounts         int
	Applications, PendingApplications int
	Emails                            int
}

// dashboard is GET /p/admin/dashboard: the provider's audience and
// applications at a glance, with the way to every workflow of the
// business guide.
func (pg *pages) dashboard(p *web.Page) error {
	cat, a := p.Catalog(), p.Actor()
	emails, err := p.Domain().Emails(p.Context(), a, store.EmailFilter{})
	if err != nil {
		return err
	}
	return p.Render("dashboard", dashboardView{
		Provider:            porta.Provider(cat, a),
		Accounts:            len(porta.Accounts(cat, a, porta.AccountFilter{})),
		PendingAccounts:     len(porta.Accounts(cat, a, porta.AccountFilter{State: "pending"})),
		Applications:        len(porta.Applications(cat, a, porta.ApplicationFilter{})),
		PendingApplications: len(porta.Applications(cat, a, porta.ApplicationFilter{State: "pending"})),
		Emails:              len(emails),
	})
}

// toDashboard is where /, /admin and /p/admin lead, as porta's routes
// redirect them.
func (pg *pages) toDashboard(p *web.Page) error { return p.Redirect("/p/admin/dashboard") }
