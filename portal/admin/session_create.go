package admin

import (
	"errors"
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// sessionCreate is POST /p/sessions: sign the provider's admin in, and
// send them where they were going (or to the dashboard). A refusal shows
// the form again with porta's text, the same whether the user exists or
// not.
func (pg *pages) sessionCreate(p *web.Page) error {
	signed, err := p.Domain().SignInAdmin(p.Context(), porta.Credentials{
		Username: p.Form.Get("username"), Password: p.Form.Get("password")})
	if errors.Is(err, porta.ErrBadCredentials) || errors.Is(err, porta.ErrInactive) {
		p.Flash(web.Error(err.Error()))
		return p.RenderStatus(http.StatusOK, "login", nil)
	}
	if err != nil {
		return err
	}
	p.SignIn(signed)
	return p.Redirect(p.ReturnTo("/p/admin/dashboard"), web.Notice("Signed in successfully"))
}
