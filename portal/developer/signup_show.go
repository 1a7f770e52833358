package developer

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// signupView is the signup form: the fields the provider defines, and
// the plans the visitor came to sign up with.
type signupView struct {
	Provider                  *store.Provider
	Plans                     []*store.Plan
	AccountFields, UserFields []formField
}

// signupDisabled is porta's answer to the signup when the provider has
// turned signups off: a plain 403.
func signupDisabled(p *web.Page) error {
	return p.Plain(http.StatusForbidden, porta.ErrSignupDisabled.Error())
}

// planIDs reads plan_ids[] (/signup?plan_ids[]=…), porta's way to sign up
// to given plans; a value that is no id is a plan not found.
func planIDs(p *web.Page) ([]int64, error) {
	var ids []int64
	for _, s := range p.Form.Strings("plan_ids[]") {
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("plan %q: %w", s, porta.ErrNotFound)
		}
		ids = append(ids, n)
	}
	return ids, nil
}

// newSignupView is the form for the provider, with the plans of the
// request.
func newSignupView(p *web.Page, prov *store.Provider) (signupView, error) {
	ids, err := planIDs(p)
	if err != nil {
		return signupView{}, err
	}
	plans, err := porta.ChosenPlans(p.Catalog(), porta.ByDeveloper(prov, nil), ids)
	if err != nil {
		return signupView{}, err
	}
	return signupView{Provider: prov, Plans: plans, AccountFields: definedFields("account", prov.AccountFields),
		UserFields: definedFields("account[user]", prov.UserFields)}, nil
}

// signupShow is GET /signup: porta's signup form (portal-spec.md §6.2),
// the account's fields and its admin user's; "Signup disabled" (403)
// when the provider has turned signups off.
func (pg *pages) signupShow(p *web.Page) error {
	prov := provider(p)
	if prov == nil || !porta.SignupEnabled(prov) {
		return signupDisabled(p)
	}
	v, err := newSignupView(p, prov)
	if err != nil {
		return err
	}
	return p.Render("signup", v)
}

// signupSuccess is GET /signup/success: the thanks, until the user opens
// the link of the email.
func (pg *pages) signupSuccess(p *web.Page) error {
	if prov := provider(p); prov == nil || !porta.SignupEnabled(prov) {
		return signupDisabled(p)
	}
	return p.Render("signup_success", nil)
}
