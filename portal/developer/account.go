package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// What the account settings pages share: the tabs, and who may see what.

// settingsTabs says which settings tabs the signed-in developer sees:
// Users and Invitations for the account's admins, as porta's
// _users_menu.
type settingsTabs struct {
	Users, Invitations, PersonalDetails bool
}

// tabs are the signed-in developer's settings tabs.
func tabs(p *web.Page) settingsTabs {
	prov, me := p.Provider(), me(p)
	return settingsTabs{Users: porta.ManagesAccount(prov, me), Invitations: me.Role == porta.RoleAdmin,
		PersonalDetails: prov.Settings.UserAccountAreaEnabled}
}

// me is the signed-in developer as the committed model holds them now.
func me(p *web.Page) *store.User { return p.Catalog().User(p.Signed.User.ID) }

// actionDisabled is porta's answer to an account page the developer may
// not use: a plain 403.
func actionDisabled(p *web.Page) error { return p.Plain(403, "Action disabled") }
