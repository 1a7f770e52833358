package developer

import (
	"errors"
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// sessionCreate is POST /session: sign a developer in and send them
// where they were going (or to the homepage, as porta does). A wrong
// username or password and an account not active yet each get porta's
// text, on the login page again.
func (pg *pages) sessionCreate(p *web.Page) error {
	signed, err := p.Domain().SignInDeveloper(p.Context(), porta.Credentials{
		Username: p.Form.Get("username"), Password: p.Form.Get("password")})
	if errors.Is(err, porta.ErrBadCredentials) || errors.Is(err, porta.ErrInactive) {
		p.Flash(web.Error(err.Error()))
		return p.RenderStatus(http.StatusOK, "login", loginView{Provider: provider(p)})
	}
	if err != nil {
		return err
	}
	p.SignIn(signed)
	return p.Redirect(p.ReturnTo("/"), web.Notice("Signed in successfully"))
}
