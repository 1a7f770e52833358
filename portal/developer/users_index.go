package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// usersView is the account's users.
type usersView struct {
	Tabs  settingsTabs
	Users []userRow
	Me    *store.User
}

type userRow struct {
	*store.User
	Can porta.UserCan
}

// usersIndex is GET /admin/account/users: porta's table of the account's
// users (Name, Username, Email, Role), for its admins only (403).
func (pg *pages) usersIndex(p *web.Page) error {
	prov, self := p.Provider(), me(p)
	if !porta.ManagesAccount(prov, self) {
		return porta.ErrForbidden
	}
	v := usersView{Tabs: tabs(p), Me: self}
	for _, u := range account(p).Users {
		v.Users = append(v.Users, userRow{u, porta.DeveloperUserCan(prov, self, u)})
	}
	return p.Render("users", v)
}
