package developer

import (
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// userInput reads a user form: user[username], user[email], the fields
// the provider defines, user[password] and its confirmation.
func userInput(p *web.Page) porta.UserInput {
	f := p.Form
	return porta.UserInput{Username: f.Ptr("user[username]"), Email: f.Ptr("user[email]"), Fields: f.Fields("user"),
		Password: f.Ptr("user[password]"), PasswordConfirmation: f.Ptr("user[password_confirmation]")}
}

// userErrors maps a user's validation errors to its form.
func userErrors(fields []formField) map[string]string {
	return errorFields(fields, map[string]string{"username": "user[username]", "email": "user[email]",
		"password": "user[password]", "password_confirmation": "user[password_confirmation]",
		"current_password": "user[current_password]", "role": "user[role]"})
}

// userUpdate is PUT /admin/account/users/{id}: the user's details, and
// their role where the admin may change it; back to the users with "User
// was successfully updated.".
func (pg *pages) userUpdate(p *web.Page) error {
	v, err := accountUser(p)
	if err != nil {
		return err
	}
	ref := porta.UserRef{ID: v.User.ID}
	in := userInput(p)
	if in.Password != nil && *in.Password == "" {
		in.Password, in.PasswordConfirmation = nil, nil // left blank: unchanged
	}
	_, err = p.Domain().UpdateUser(p.Context(), p.Actor(), ref, in)
	if err == nil {
		if role := p.Form.Get("user[role]"); role != "" && role != v.User.Role && v.Can.ChangeRole {
			_, err = p.Domain().SetUserRole(p.Context(), p.Actor(), ref, role)
		}
	}
	if p.Form.Invalid(err, userErrors(v.Fields)) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "user_edit", v)
	}
	if err != nil {
		return err
	}
	return p.Redirect("/admin/account/users", web.Notice("User was successfully updated."))
}
