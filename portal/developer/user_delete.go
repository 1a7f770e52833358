package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// userDelete is DELETE /admin/account/users/{id}: the user is gone (not
// oneself: 403); back to the users.
func (pg *pages) userDelete(p *web.Page) error {
	v, err := accountUser(p)
	if err != nil {
		return err
	}
	if _, err := p.Domain().DeleteUser(p.Context(), p.Actor(), porta.UserRef{ID: v.User.ID}); err != nil {
		return err
	}
	return p.Redirect("/admin/account/users")
}
