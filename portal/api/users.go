package api

import (
	"context"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/xmlrep"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The users of a developer account: porta's admin/api/buyers_users
// controller.

// userRef names the user of the route, within the route's account.
func userRef(c *Call) porta.UserRef {
	return porta.UserRef{ID: c.id("id"), Account: c.accountID()}
}

// userInput reads a user's writable parameters.
func userInput(c *Call) porta.UserInput {
	return porta.UserInput{Username: c.Params.Ptr("username"), Email: c.Params.Ptr("email"),
		Password: c.Params.Ptr("password"), PasswordConfirmation: c.Params.Ptr("password_confirmation"),
		Fields: c.Params.Fields()}
}

// ListUsers is GET /admin/api/accounts/{account_id}/users.xml, filtered by
// state and role.
func (p *API) ListUsers(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		acc, err := porta.Account(cat, a, *c.accountID())
		if err != nil {
			return p.replyError(c, err)
		}
		f := porta.UserFilter{State: c.Params.Ptr("state"), Role: c.Params.Ptr("role")}
		return ok(list("users", porta.Users(acc, f), xmlrep.User))
	})
}

// ShowUser is GET /admin/api/accounts/{account_id}/users/{id}.xml.
func (p *API) ShowUser(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		u, err := porta.User(cat, a, userRef(c))
		return answer(p, c, 200, u, err, xmlrep.User)
	})
}

// CreateUser is POST /admin/api/accounts/{account_id}/users.xml.
func (p *API) CreateUser(ctx context.Context, c *Call) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		u, err := p.domain.CreateUser(ctx, a, *c.accountID(), userInput(c))
		return answer(p, c, 201, u, err, xmlrep.User)
	})
}

// UpdateUser is PUT /admin/api/accounts/{account_id}/users/{id}.xml.
func (p *API) UpdateUser(ctx context.Context, c *Call) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		u, err := p.domain.UpdateUser(ctx, a, userRef(c), userInput(c))
		return answer(p, c, 200, u, err, xmlrep.User)
	})
}

// DeleteUser is DELETE /admin/api/accounts/{account_id}/users/{id}.xml.
func (p *API) DeleteUser(ctx context.Context, c *Call) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		_, err := p.domain.DeleteUser(ctx, a, userRef(c))
		return p.answerDeleted(c, err)
	})
}

// onUser answers an operation on the route's user with the user.
func (p *API) onUser(ctx context.Context, c *Call, op func(context.Context, porta.Actor, porta.UserRef) (*store.User, error)) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		u, err := op(ctx, a, userRef(c))
		return answer(p, c, 200, u, err, xmlrep.User)
	})
}

// ActivateUser is PUT …/users/{id}/activate.xml.
func (p *API) ActivateUser(ctx context.Context, c *Call) *Reply {
	return p.onUser(ctx, c, p.domain.ActivateUser)
}

// SuspendUser is PUT …/users/{id}/suspend.xml.
func (p *API) SuspendUser(ctx context.Context, c *Call) *Reply {
	return p.onUser(ctx, c, p.domain.SuspendUser)
}

// UnsuspendUser is PUT …/users/{id}/unsuspend.xml.
func (p *API) UnsuspendUser(ctx context.Context, c *Call) *Reply {
	return p.onUser(ctx, c, p.domain.UnsuspendUser)
}

// SetUserRole is PUT …/users/{id}/admin.xml and …/member.xml.
func (p *API) SetUserRole(role string) Handler {
	return func(ctx context.Context, c *Call) *Reply {
		return p.onUser(ctx, c, func(ctx context.Context, a porta.Actor, ref porta.UserRef) (*store.User, error) {
			return p.domain.SetUserRole(ctx, a, ref, role)
		})
	}
}
