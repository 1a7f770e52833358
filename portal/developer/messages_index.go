package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// messagesIndex is GET /admin/messages: the inbox.
func (pg *pages) messagesIndex(p *web.Page) error { return p.Redirect("/admin/messages/received") }
