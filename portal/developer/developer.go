// Package developer is the developer portal face of porta's domain: the
// pages a provider's developers use (porta's developer portal, on the
// provider's public domain), served on their own listener (serve
// --portal-addr). Every route is in routes.go; each page action is a file
// of its own with its view in templates/; what the pages share is
// portal/web's. A page decides no rule: it reads its form into an
// operation's input, runs the operation of portal/porta, and renders the
// result.
//
// porta serves one developer portal per provider, on the provider's
// domain; the sandbox serves one for every provider: a developer of any
// provider signs in here, and a visitor's pages (signup) are the first
// provider's.
package developer

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

// Config is what the developer portal needs.
type Config struct {
	Domain *porta.Domain
	// Secret signs the portal's cookies (32 bytes or more).
	Secret []byte
	// Links are the portals' base URLs.
	Links  porta.Links
	Logger *slog.Logger
}

// pages holds what the page actions need beyond the Page.
type pages struct {
	links porta.Links
}

// New returns the developer portal's handler.
func New(cfg Config) (http.Handler, error) {
	views, err := fs.Sub(templates, "templates")
	if err != nil {
		return nil, err
	}
	pg := &pages{links: cfg.Links}
	p, err := web.New(web.Config{Name: store.PortalDeveloper, Domain: cfg.Domain, Secret: cfg.Secret, Views: views,
		LoginPath: "/login", HomePath: "/admin", Nav: pg.nav, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	routes(p, pg)
	return p.Handler(), nil
}

// provider is the provider whose portal a page shows: the signed-in
// developer's, or for a visitor the first provider; nil when there is
// none.
func provider(p *web.Page) *store.Provider {
	if p.Signed != nil {
		return p.Provider()
	}
	if provs := p.Catalog().Providers; len(provs) > 0 {
		return provs[0]
	}
	return nil
}

// nav is what the layout shows on every page of a signed-in developer.
type nav struct {
	UnreadMessages int
}

func (pg *pages) nav(p *web.Page) (any, error) {
	unread, err := p.Domain().UnreadMessages(p.Context(), p.Actor())
	return nav{UnreadMessages: unread}, err
}
