package admin

import (
	"context"
	"fmt"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// An account's users: porta's Buyers::UsersController.

// usersView is the Users tab.
type usersView struct {
	Account *store.Account
	Users   []*store.User
	Pager   pager
}

// usersIndex is GET /buyers/accounts/{id}/users: "Users of ORG".
func (pg *pages) usersIndex(p *web.Page) error {
	acc, err := account(p)
	if err != nil {
		return err
	}
	users, pgr := paginate(p, porta.Users(acc, porta.UserFilter{}))
	return p.Render("users", usersView{Account: acc, Users: users, Pager: pgr})
}

// userView is a user's page.
type userView struct {
	store.LinkedUser
	Fields []definedField
}

// user finds the user of the path's account and user ids.
func user(p *web.Page) (*store.User, error) {
	accID, err := p.ID("id")
	if err != nil {
		return nil, err
	}
	uid, err := p.ID("uid")
	if err != nil {
		return nil, err
	}
	return porta.User(p.Catalog(), p.Actor(), porta.UserRef{ID: uid, Account: &accID})
}

// userShow is GET /buyers/accounts/{id}/users/{uid}: what the user gave,
// for contacting them by other means (guide, 4.3).
func (pg *pages) userShow(p *web.Page) error {
	u, err := user(p)
	if err != nil {
		return err
	}
	return p.Render("user", userView{LinkedUser: p.Catalog().LinkUser(u),
		Fields: definedFields("user", p.Provider().UserFields, store.OptionalUserFields, u.Fields, u.ExtraFields)})
}

// userAction is POST /buyers/accounts/{id}/users/{uid}/activate
// (suspend, unsuspend) and DELETE /buyers/accounts/{id}/users/{uid}:
// porta's flash, back to where the button was (porta's
// redirect_back_or_to: the users list, or the account list's
// "Activate").
func (pg *pages) userAction(done string, op func(d *porta.Domain, ctx context.Context, a porta.Actor, ref porta.UserRef) error) web.Action {
	return func(p *web.Page) error {
		u, err := user(p)
		if err != nil {
			return err
		}
		back := referer(p, fmt.Sprintf("/buyers/accounts/%d/users", u.AccountID))
		err = op(p.Domain(), p.Context(), p.Actor(), porta.UserRef{ID: u.ID, Account: &u.AccountID})
		if msgs, refused := porta.Refusal(err); refused {
			return p.Redirect(back, web.Error(refusedUser(done, msgs)))
		}
		if err != nil {
			return err
		}
		return p.Redirect(back, web.Notice(done))
	}
}

// refusedUser is porta's text of a user action refused.
func refusedUser(done string, msgs []string) string {
	switch done {
	case "User was activated":
		return "Failed to activate user: " + joinMessages(msgs)
	case "User was successfully deleted":
		return "User could not be deleted"
	}
	return joinMessages(msgs)
}

// joinMessages joins a refusal's messages as porta's flash does.
func joinMessages(msgs []string) string { return strings.Join(msgs, ",") }

// The user operations as userAction takes them.
var (
	activateUser = func(d *porta.Domain, ctx context.Context, a porta.Actor, ref porta.UserRef) error {
		_, err := d.ActivateUser(ctx, a, ref)
		return err
	}
	suspendUser = func(d *porta.Domain, ctx context.Context, a porta.Actor, ref porta.UserRef) error {
		_, err := d.SuspendUser(ctx, a, ref)
		return err
	}
	unsuspendUser = func(d *porta.Domain, ctx context.Context, a porta.Actor, ref porta.UserRef) error {
		_, err := d.UnsuspendUser(ctx, a, ref)
		return err
	}
	deleteUser = func(d *porta.Domain, ctx context.Context, a porta.Actor, ref porta.UserRef) error {
		_, err := d.DeleteUser(ctx, a, ref)
		return err
	}
)
