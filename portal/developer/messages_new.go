package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// messagesNew is GET /admin/messages/new: porta's compose form, to the
// provider.
func (pg *pages) messagesNew(p *web.Page) error { return p.Render("message_new", p.Provider().Name) }
