package api

import (
	"context"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The developer accounts of a provider: porta's admin/api/accounts and
// signups controllers.

// ListAccounts is GET /admin/api/accounts.xml: state filter, paginated.
func (p *API) ListAccounts(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		return page(c, "accounts", cat, porta.Accounts(cat, a, porta.AccountFilter{State: c.Params.Get("state")}), accountRep)
	})
}

// FindAccount is GET /admin/api/accounts/find.xml: by username, else
// user_id, else email, among the provider's developer users.
func (p *API) FindAccount(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		q := porta.AccountQuery{UserID: nonBlankID(c, "user_id"), Email: strings.TrimSpace(c.Params.Get("email"))}
		if _, given := c.Params.String("username"); given {
			name := strings.TrimSpace(c.Params.Get("username"))
			q.Username = &name
		}
		acc, err := porta.FindAccount(cat, a, q)
		return answer(p, c, 200, acc, err, accountRep)
	})
}

// ShowAccount is GET /admin/api/accounts/{id}.xml.
func (p *API) ShowAccount(ctx context.Context, c *Call) *Reply {
	return show(p, c, porta.Account, c.id("id"), accountRep)
}

// accountInput reads an account's writable parameters: org_name (or its
// alias name), the defined fields (flat or extra_fields[...]) and
// annotations[...]. Other parameters are ignored, as porta's strong
// parameters do.
func accountInput(c *Call) porta.AccountInput {
	in := porta.AccountInput{OrgName: c.Params.Ptr("org_name"), Fields: c.Params.Fields()}
	if in.OrgName == nil {
		in.OrgName = c.Params.Ptr("name")
	}
	if ann, ok := c.Params.Hash("annotations"); ok {
		for _, name := range ann.Keys() {
			in.Annotations = append(in.Annotations, store.Field{Name: name, Value: ann.Get(name)})
		}
	}
	return in
}

// boolInput reads a Rails boolean parameter: nil when absent or no
// boolean.
func boolInput(c *Call, name string) *bool {
	if v, given := c.Params.String(name); given {
		if b, ok := params.Bool(v); ok {
			return &b
		}
	}
	return nil
}

// UpdateAccount is PUT /admin/api/accounts/{id}.xml: the account's
// parameters and the billing switches.
func (p *API) UpdateAccount(ctx context.Context, c *Call) *Reply {
	in := porta.AccountUpdate{AccountInput: accountInput(c),
		MonthlyBillingEnabled:  boolInput(c, "monthly_billing_enabled"),
		MonthlyChargingEnabled: boolInput(c, "monthly_charging_enabled")}
	return runWith(ctx, p, c, 200, p.domain.UpdateAccount, c.id("id"), in, accountRep)
}

// DeleteAccount is DELETE /admin/api/accounts/{id}.xml.
func (p *API) DeleteAccount(ctx context.Context, c *Call) *Reply {
	return runDelete(ctx, p, c, p.domain.DeleteAccount, c.id("id"))
}

// ApproveAccount is PUT /admin/api/accounts/{id}/approve.xml.
func (p *API) ApproveAccount(ctx context.Context, c *Call) *Reply {
	return run(ctx, p, c, 200, p.domain.ApproveAccount, c.id("id"), accountRep)
}

// RejectAccount is PUT /admin/api/accounts/{id}/reject.xml.
func (p *API) RejectAccount(ctx context.Context, c *Call) *Reply {
	return run(ctx, p, c, 200, p.domain.RejectAccount, c.id("id"), accountRep)
}

// MakePendingAccount is PUT /admin/api/accounts/{id}/make_pending.xml.
func (p *API) MakePendingAccount(ctx context.Context, c *Call) *Reply {
	return run(ctx, p, c, 200, p.domain.MakePendingAccount, c.id("id"), accountRep)
}

// ChangeAccountPlan is PUT /admin/api/accounts/{id}/change_plan.xml with
// plan_id, an account plan of the provider; it answers with that plan.
func (p *API) ChangeAccountPlan(ctx context.Context, c *Call) *Reply {
	return runWith(ctx, p, c, 200, p.domain.ChangeAccountPlan, c.id("id"), params.ToI(c.Params.Get("plan_id")),
		accountPlanRep)
}

// Signup is POST /admin/api/signup.xml: the account's parameters, the
// admin user's (username, email, password, the defined user fields) and
// account_plan_id, service_plan_id, application_plan_id.
func (p *API) Signup(ctx context.Context, c *Call) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		acc, err := p.domain.Signup(ctx, a, porta.SignupInput{Account: accountInput(c), User: userInput(c),
			AccountPlanID:     params.ToI(c.Params.Get("account_plan_id")),
			ServicePlanID:     params.ToI(c.Params.Get("service_plan_id")),
			ApplicationPlanID: params.ToI(c.Params.Get("application_plan_id"))})
		return answer(p, c, 201, acc, err, signupRep)
	})
}

// SendMessage is POST /admin/api/accounts/{account_id}/messages.xml with
// subject and body (or message[subject], message[body]): a message from
// the provider to the account.
func (p *API) SendMessage(ctx context.Context, c *Call) *Reply {
	return p.endpoint(c, xmlOrJSON, func(a porta.Actor, cat *store.Catalog) *Reply {
		if _, err := porta.Account(cat, a, *c.accountID()); err != nil {
			return p.replyError(c, err)
		}
		if _, isHash := c.Params.Hash("message"); c.Params.Given("message") && !isHash {
			return &Reply{Status: 422, ContentType: contentType(c), Body: []byte("Wrong type for parameter: message")}
		}
		subject, _ := c.Params.Wrapped("message", "subject")
		body, _ := c.Params.Wrapped("message", "body")
		m, err := p.domain.SendMessage(ctx, a, *c.accountID(), porta.MessageInput{Subject: subject, Body: body})
		return answer(p, c, 201, m, err, messageRep)
	})
}
