package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// home is GET /: porta's CMS homepage, here a welcome with the way in.
func (pg *pages) home(p *web.Page) error {
	return p.Render("home", homeView{Provider: provider(p)})
}

type homeView struct{ Provider *store.Provider }
