package admin

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// emailsIndex is GET /p/admin/emails (a sandbox page): the emails the
// sandbox wrote to its outbox instead of sending them, newest first,
// filtered by to and subject as GET /_sandbox/emails is.
func (pg *pages) emailsIndex(p *web.Page) error {
	emails, err := p.Domain().Emails(p.Context(), p.Actor(), store.EmailFilter{
		To: p.Form.Get("to"), Subject: p.Form.Get("subject")})
	if err != nil {
		return err
	}
	newest := make([]store.Email, 0, len(emails))
	for i := len(emails) - 1; i >= 0; i-- {
		newest = append(newest, emails[i])
	}
	return p.Render("emails", newest)
}
