package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// accountView is the account details page.
type accountView struct {
	Tabs    settingsTabs
	Account *store.Account
	// Fields are the account's fields that have a value, porta's order.
	Fields []fieldValue
	Admin  *store.User
	// CanEdit shows "Edit Account".
	CanEdit      bool
	SupportEmail string
}

// accountShow is GET /admin/account: the account's details ("Account
// Details"), with "Edit Account" for its admins.
func (pg *pages) accountShow(p *web.Page) error {
	acc, prov := account(p), p.Provider()
	v := accountView{Tabs: tabs(p), Account: acc, CanEdit: porta.ManagesAccount(prov, me(p)), SupportEmail: prov.AdminEmail}
	v.Fields = append(v.Fields, fieldValue{Label: fieldLabel("org_name"), Value: acc.OrgName})
	values := fieldValues(acc.Fields, acc.ExtraFields)
	for _, f := range definedFields("account", prov.AccountFields) {
		if val := values[f.Field]; val != "" {
			v.Fields = append(v.Fields, fieldValue{Label: f.Label, Value: val})
		}
	}
	if admins := acc.Admins(); len(admins) > 0 {
		v.Admin = admins[0]
	}
	return p.Render("account", v)
}
