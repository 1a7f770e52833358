package developer

import (
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// messagesCreate is POST /admin/messages/sent: the message goes to the
// provider (and its admin gets "New message from ORG"); back to the inbox
// with "Message was sent.". Without a subject the form comes back with
// porta's "Subject can't be blank".
func (pg *pages) messagesCreate(p *web.Page) error {
	_, err := p.Domain().SendMessage(p.Context(), p.Actor(), p.Signed.User.AccountID, porta.MessageInput{
		Subject: p.Form.Get("message[subject]"), Body: p.Form.Get("message[body]")})
	if p.Form.Invalid(err, nil) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "message_new", p.Provider().Name)
	}
	if err != nil {
		return err
	}
	return p.Redirect("/admin/messages/received", web.Notice("Message was sent."))
}
