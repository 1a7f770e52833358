package developer

import (
	"errors"
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// signupCreate is POST /signup: the account and its admin user, who gets
// the email with the activation link; the thanks page next. A form the
// domain refuses comes back with porta's messages beside its fields.
func (pg *pages) signupCreate(p *web.Page) error {
	prov := provider(p)
	if prov == nil {
		return signupDisabled(p)
	}
	v, err := newSignupView(p, prov)
	if err != nil {
		return err
	}
	f := p.Form
	in := porta.PortalSignupInput{
		Account: porta.AccountInput{OrgName: f.Ptr("account[org_name]"), Fields: f.Fields("account")},
		User: porta.UserInput{Username: f.Ptr("account[user][username]"), Email: f.Ptr("account[user][email]"),
			Password: f.Ptr("account[user][password]"), PasswordConfirmation: f.Ptr("account[user][password_confirmation]"),
			Fields: f.Fields("account[user]")},
	}
	for _, pl := range v.Plans {
		in.PlanIDs = append(in.PlanIDs, pl.ID)
	}
	_, err = p.Domain().DeveloperSignup(p.Context(), porta.ByDeveloper(prov, nil), in)
	if errors.Is(err, porta.ErrSignupDisabled) {
		return signupDisabled(p)
	}
	fields := errorFields(v.UserFields, errorFields(v.AccountFields, map[string]string{
		"org_name":              "account[org_name]",
		"username":              "account[user][username]",
		"email":                 "account[user][email]",
		"password":              "account[user][password]",
		"password_confirmation": "account[user][password_confirmation]",
		// porta's "Users invalid" stands for the user's own messages,
		// which are shown beside the user's fields.
		"users": "account[users]",
	}))
	if p.Form.Invalid(err, fields) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "signup", v)
	}
	if err != nil {
		return err
	}
	return p.Redirect("/signup/success")
}
