package developer

import (
	"errors"
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// activate is GET /activate/{code}, the link of the signup confirmation:
// the user is active, and the login page tells what comes next (the
// provider's approval, or the login). Whoever was signed in is signed
// out, as porta does. An unknown or spent code gets porta's "Activation
// error" page.
func (pg *pages) activate(p *web.Page) error {
	u, err := p.Domain().Activate(p.Context(), p.Request().PathValue("code"))
	if errors.Is(err, porta.ErrNotFound) {
		return p.RenderStatus(http.StatusNotFound, "activation_error", nil)
	}
	if err != nil {
		return err
	}
	if err := p.SignOut(); err != nil {
		return err
	}
	if cat := p.Catalog(); porta.ApprovalRequired(cat, cat.Account(u.AccountID)) {
		return p.Redirect("/login", web.Notice("You will receive a message once your account is approved."))
	}
	return p.Redirect("/login", web.Notice("Signup complete. You can now sign in."))
}
