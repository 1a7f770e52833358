package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// personalDetailsForm is the signed-in developer's own details.
func personalDetailsForm(p *web.Page) userForm {
	u := me(p)
	return userForm{Tabs: tabs(p), User: u, Fields: definedFields("user", p.Provider().UserFields),
		Values: fieldValues(u.Fields, u.ExtraFields)}
}

// personalDetailsShow is GET /admin/account/personal_details: one's own
// username, email, fields and password; porta's "Action disabled" (403)
// with the user account area off.
func (pg *pages) personalDetailsShow(p *web.Page) error {
	if !tabs(p).PersonalDetails {
		return actionDisabled(p)
	}
	return p.Render("personal_details", personalDetailsForm(p))
}
