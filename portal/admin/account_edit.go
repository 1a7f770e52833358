package admin

import (
	"fmt"
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// editAccountForm is the edit form of acc.
func editAccountForm(prov *store.Provider, acc *store.Account) accountFormView {
	return accountFormView{Account: acc,
		AccFields: definedFields("account", prov.AccountFields, store.OptionalAccountFields, acc.Fields, acc.ExtraFields)}
}

// accountEdit is GET /buyers/accounts/{id}/edit: "Edit account ORG
// details", and the account's deletion.
func (pg *pages) accountEdit(p *web.Page) error {
	acc, err := account(p)
	if err != nil {
		return err
	}
	return p.Render("account_edit", editAccountForm(p.Provider(), acc))
}

// accountUpdate is PUT /buyers/accounts/{id}.
func (pg *pages) accountUpdate(p *web.Page) error {
	acc, err := account(p)
	if err != nil {
		return err
	}
	_, err = p.Domain().UpdateAccount(p.Context(), p.Actor(), acc.ID, porta.AccountUpdate{
		AccountInput: porta.AccountInput{OrgName: p.Form.Ptr("account[org_name]"), Fields: p.Form.Fields("account")}})
	if p.Form.Invalid(err, fieldErrors("account", "org_name")) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "account_edit", editAccountForm(p.Provider(), acc))
	}
	if err != nil {
		return err
	}
	return p.Redirect(fmt.Sprintf("/buyers/accounts/%d", acc.ID), web.Notice("Account successfully updated"))
}

// accountDestroy is DELETE /buyers/accounts/{id}: the account goes, with
// its users and applications.
func (pg *pages) accountDestroy(p *web.Page) error {
	acc, err := account(p)
	if err != nil {
		return err
	}
	if _, err := p.Domain().DeleteAccount(p.Context(), p.Actor(), acc.ID); err != nil {
		return err
	}
	// porta's text, sic.
	return p.Redirect("/buyers/accounts", web.Notice("The account was successfully deleted scheduled for deletion"))
}

// accountPlanChange is PUT /buyers/account_contracts/{id}: the account's
// Change Plan card, account_contract[plan_id].
func (pg *pages) accountPlanChange(p *web.Page) error {
	acc, err := account(p)
	if err != nil {
		return err
	}
	planID, _ := p.Form.Int64("account_contract[plan_id]")
	changed, err := p.Domain().ChangeAccountPlan(p.Context(), p.Actor(), acc.ID, planID)
	if err != nil {
		return err // an unknown plan: 404
	}
	return p.Redirect(fmt.Sprintf("/buyers/accounts/%d", acc.ID), web.Notice(fmt.Sprintf("Plan changed to '%s'", p.Catalog().Plan(changed.PlanID).Name)))
}
