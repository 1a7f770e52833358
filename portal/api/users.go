package api

import (
	"context"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
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
		return list(c, "users", cat, porta.Users(acc, f), userRep)
	})
}

// ShowUser is GET /admin/api/accounts/{account_id}/users/{id}.xml.
func (p *API) ShowUser(ctx context.Context, c *Call) *Reply {
	return show(p, c, porta.User, userRef(c), userRep)
}

// CreateUser is POST /admin/api/accounts/{account_id}/users.xml.
func (p *API) CreateUser(ctx context.Context, c *Call) *Reply {
	return runWith(ctx, p, c, 201, p.domain.CreateUser, *c.accountID(), userInput(c), userRep)
}

// UpdateUser is PUT /admin/api/accounts/{account_id}/users/{id}.xml.
func (p *API) UpdateUser(ctx context.Context, c *Call) *Reply {
	return runWith(ctx, p, c, 200, p.domain.UpdateUser, userRef(c), userInput(c), userRep)
}

// DeleteUser is DELETE /admin/api/accounts/{account_id}/users/{id}.xml.
func (p *API) DeleteUser(ctx context.Context, c *Call) *Reply {
	return runDelete(ctx, p, c, p.domain.DeleteUser, userRef(c))
}

// ActivateUser is PUT …/users/{id}/activate.xml.
func (p *API) ActivateUser(ctx context.Context, c *Call) *Reply {
	return run(ctx, p, c, 200, p.domain.ActivateUser, userRef(c), userRep)
}

// SuspendUser is PUT …/users/{id}/suspend.xml.
func (p *API) SuspendUser(ctx context.Context, c *Call) *Reply {
	return run(ctx, p, c, 200, p.domain.SuspendUser, userRef(c), userRep)
}

// UnsuspendUser is PUT …/users/{id}/unsuspend.xml.
func (p *API) UnsuspendUser(ctx context.Context, c *Call) *Reply {
	return run(ctx, p, c, 200, p.domain.UnsuspendUser, userRef(c), userRep)
}

// SetUserRole is PUT …/users/{id}/admin.xml and …/member.xml.
func (p *API) SetUserRole(role string) Handler {
	return func(ctx context.Context, c *Call) *Reply {
		return runWith(ctx, p, c, 200, p.domain.SetUserRole, userRef(c), role, userRep)
	}
}
