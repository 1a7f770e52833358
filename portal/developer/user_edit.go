package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// userForm is a user's edit form.
type userForm struct {
	Tabs   settingsTabs
	User   *store.User
	Can    porta.UserCan
	Fields []formField
	Values map[string]string
}

// accountUser finds a user of the developer's account, and the form to
// edit them: another account's user is not found (404); one the developer
// may not edit is 403.
func accountUser(p *web.Page) (userForm, error) {
	id, err := p.ID("id")
	if err != nil {
		return userForm{}, err
	}
	u, err := porta.User(p.Catalog(), p.Actor(), porta.UserRef{ID: id})
	if err != nil {
		return userForm{}, err
	}
	can := porta.DeveloperUserCan(p.Provider(), me(p), u)
	if !can.Edit {
		return userForm{}, porta.ErrForbidden
	}
	return userForm{Tabs: tabs(p), User: u, Can: can, Fields: definedFields("user", p.Provider().UserFields),
		Values: fieldValues(u.Fields, u.ExtraFields)}, nil
}

// userEdit is GET /admin/account/users/{id}/edit: the user's details,
// password and role (not one's own), and Delete (not oneself).
func (pg *pages) userEdit(p *web.Page) error {
	v, err := accountUser(p)
	if err != nil {
		return err
	}
	return p.Render("user_edit", v)
}
