package porta

import (
	"context"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// A developer's own account and its users, as porta's abilities let a
// developer change them (config/abilities/admin.rb, buyer_any.rb): with
// the provider's user account area on (useraccountarea_enabled), the
// account's admins edit the account and manage its users (neither
// deleting themselves nor changing their own role), and every user edits
// their own details. The provider is bound by none of these.

// ManagesAccount reports whether a developer user may edit their account
// and manage its users.
func ManagesAccount(prov *store.Provider, u *store.User) bool {
	return u != nil && u.Role == RoleAdmin && prov.Settings.UserAccountAreaEnabled
}

// UserCan is what a developer may do to a user of their account.
type UserCan struct {
	Edit, Delete, ChangeRole bool
}

// DeveloperUserCan is what developer me may do to user u.
func DeveloperUserCan(prov *store.Provider, me, u *store.User) UserCan {
	if me == nil || u.AccountID != me.AccountID {
		return UserCan{}
	}
	self := u.ID == me.ID
	manages := ManagesAccount(prov, me)
	return UserCan{Edit: manages || (self && prov.Settings.UserAccountAreaEnabled), Delete: manages && !self,
		ChangeRole: manages && !self}
}

// developerUser refuses a developer what DeveloperUserCan does not allow
// them (what picks the permission); other actors pass.
func (t *tx) developerUser(u *store.User, what func(UserCan) bool) error {
	if t.actor.Kind != Developer {
		return nil
	}
	cat, err := t.Catalog()
	if err != nil {
		return err
	}
	var me *store.User
	if t.actor.User != nil {
		me = cat.User(t.actor.User.ID)
	}
	if !what(DeveloperUserCan(Provider(cat, t.actor), me, u)) {
		return ErrForbidden
	}
	return nil
}

// developerAccount refuses a developer who may not edit the account, and
// keeps of the change what a developer may give (the organization's name
// and fields).
func (t *tx) developerAccount(in AccountUpdate) (AccountUpdate, error) {
	if t.actor.Kind != Developer {
		return in, nil
	}
	cat, err := t.Catalog()
	if err != nil {
		return in, err
	}
	var me *store.User
	if t.actor.User != nil {
		me = cat.User(t.actor.User.ID)
	}
	if !ManagesAccount(Provider(cat, t.actor), me) {
		return in, ErrForbidden
	}
	return AccountUpdate{AccountInput: AccountInput{OrgName: in.OrgName, Fields: in.Fields}}, nil
}

// UpdatePersonalDetails changes the signed-in developer's own username,
// email, fields and password, as porta's personal details form does: the
// current password is asked first ("Current password is incorrect"), and
// a new password signs the user out of their other sessions (all but
// keep, the session's key).
func (d *Domain) UpdatePersonalDetails(ctx context.Context, a Actor, keep, currentPassword string, in UserInput) (*store.User, error) {
	if a.Kind != Developer || a.User == nil {
		return nil, ErrForbidden
	}
	return on(ctx, d, a, User, UserRef{ID: a.User.ID}, func(t *tx, u *store.User) (*store.User, error) {
		if err := t.developerUser(u, func(c UserCan) bool { return c.Edit }); err != nil {
			return nil, err
		}
		if u.PasswordHash != "" && !store.PasswordMatches(u.PasswordHash, currentPassword) {
			return nil, fail("current_password", "is incorrect", "Current password is incorrect")
		}
		prov, err := t.userProvider(u)
		if err != nil {
			return nil, err
		}
		rec := u.UserRecord
		if err := withProblems(applyUser(in, prov, &rec, true), passwordProblems(in, false)); err != nil {
			return nil, err
		}
		if err := t.SaveUser(&rec); err != nil {
			return nil, err
		}
		if rec.PasswordHash != u.PasswordHash {
			if err := t.DeleteOtherUserSessions(u.ID, keep); err != nil {
				return nil, err
			}
		}
		return t.userChanged(rec.ID, "updated")
	})
}
