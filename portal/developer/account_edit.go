package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// accountForm is the account's edit form.
type accountForm struct {
	Tabs    settingsTabs
	Account *store.Account
	Fields  []formField
	Values  map[string]string
}

// newAccountForm is the form for the signed-in developer's account.
func newAccountForm(p *web.Page) accountForm {
	acc := account(p)
	return accountForm{Tabs: tabs(p), Account: acc, Fields: definedFields("account", p.Provider().AccountFields),
		Values: fieldValues(acc.Fields, acc.ExtraFields)}
}

// accountEdit is GET /admin/account/edit: the organization's name and
// fields; porta's "Action disabled" (403) for whoever may not edit it.
func (pg *pages) accountEdit(p *web.Page) error {
	if !porta.ManagesAccount(p.Provider(), me(p)) {
		return actionDisabled(p)
	}
	return p.Render("account_edit", newAccountForm(p))
}
