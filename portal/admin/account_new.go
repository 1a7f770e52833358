package admin

import (
	"fmt"
	"maps"
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// accountFormView is the account forms' defined fields.
type accountFormView struct {
	Account               *store.Account // nil on the new form
	UserFields, AccFields []definedField
}

// accountNew is GET /buyers/accounts/new: porta's "Create new Account",
// User Information then Organization Information.
func (pg *pages) accountNew(p *web.Page) error {
	return p.Render("account_new", newAccountForm(p.Provider()))
}

func newAccountForm(prov *store.Provider) accountFormView {
	return accountFormView{
		UserFields: definedFields("account[user]", prov.UserFields, store.OptionalUserFields, nil, nil),
		AccFields:  definedFields("account", prov.AccountFields, store.OptionalAccountFields, nil, nil),
	}
}

// accountCreate is POST /buyers/accounts: the account, approved, with its
// admin user, active; the password may be left out.
func (pg *pages) accountCreate(p *web.Page) error {
	f := p.Form
	in := porta.NewAccount{
		Account: porta.AccountInput{OrgName: f.Ptr("account[org_name]"), Fields: f.Fields("account")},
		User: porta.UserInput{Username: f.Ptr("account[user][username]"), Email: f.Ptr("account[user][email]"),
			Password: f.Ptr("account[user][password]"), Fields: f.Fields("account[user]")},
	}
	acc, err := p.Domain().CreateAccount(p.Context(), p.Actor(), in)
	errs := fieldErrors("account[user]", "username", "email", "password", "password_confirmation")
	maps.Copy(errs, fieldErrors("account", "org_name"))
	errs["users"] = "account[user]" // porta's "Users invalid": the user's own errors say what
	if f.Invalid(err, errs) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "account_new", newAccountForm(p.Provider()))
	}
	if err != nil {
		return err
	}
	return p.Redirect(fmt.Sprintf("/buyers/accounts/%d", acc.ID), web.Notice("Developer account was successfully created"))
}
