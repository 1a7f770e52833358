// Package admin is the admin portal face of porta's domain: the
// provider's pages (porta's provider admin domain), served on their own
// listener (serve --admin-addr). Every route is in routes.go; each page
// action is a file of its own (login_show.go, session_create.go…) with
// its view in templates/; what the pages share (sessions, CSRF, forms,
// flash messages, the layout's machinery) is portal/web's. A page decides
// no rule: it reads its form into an operation's input, runs the
// operation of portal/porta, and renders the result.
package admin

import (
	"embed"
	"io/fs"
	"log/slog"
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

//go:embed templates/*.html
var templates embed.FS

// Config is what the admin portal needs.
type Config struct {
	Domain *porta.Domain
	// Secret signs the portal's cookies (32 bytes or more).
	Secret []byte
	// Links are the portals' base URLs: the developer portal is linked
	// from the admin portal's pages.
	Links  porta.Links
	Logger *slog.Logger
}

// pages holds what the page actions need beyond the Page.
type pages struct {
	links porta.Links
}

// New returns the admin portal's handler.
func New(cfg Config) (http.Handler, error) {
	views, err := fs.Sub(templates, "templates")
	if err != nil {
		return nil, err
	}
	pg := &pages{links: cfg.Links}
	p, err := web.New(web.Config{Name: store.PortalAdmin, Domain: cfg.Domain, Secret: cfg.Secret, Views: views,
		LoginPath: "/p/login", HomePath: "/p/admin/dashboard", Nav: pg.nav, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	routes(p, pg)
	return p.Handler(), nil
}

// nav is what the layout shows on every page of a signed-in admin.
type nav struct {
	DeveloperPortal string
	UnreadMessages  int
}

func (pg *pages) nav(p *web.Page) (any, error) {
	n := nav{DeveloperPortal: pg.links.Developer + "/"}
	unread, err := p.Domain().UnreadMessages(p.Context(), p.Actor())
	n.UnreadMessages = unread
	return n, err
}
