package developer

import (
	"errors"
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// accountUpdate is PUT /admin/account: "The account information was
// updated.", or the form again with porta's messages.
func (pg *pages) accountUpdate(p *web.Page) error {
	f := p.Form
	_, err := p.Domain().UpdateAccount(p.Context(), p.Actor(), p.Signed.User.AccountID, porta.AccountUpdate{
		AccountInput: porta.AccountInput{OrgName: f.Ptr("account[org_name]"), Fields: f.Fields("account")}})
	if errors.Is(err, porta.ErrForbidden) {
		return actionDisabled(p)
	}
	v := newAccountForm(p)
	if p.Form.Invalid(err, errorFields(v.Fields, map[string]string{"org_name": "account[org_name]"})) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "account_edit", v)
	}
	if err != nil {
		return err
	}
	return p.Redirect("/admin/account", web.Notice("The account information was updated."))
}
