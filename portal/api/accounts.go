package api

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/xmlrep"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The developer accounts of a provider: porta's admin/api/accounts
// controller and Account's states (created, pending, approved, rejected,
// suspended).

// ListAccounts is GET /admin/api/accounts.xml: state filter, paginated.
func (p *API) ListAccounts(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		var accs []*store.Account
		state, filtered := c.Params.String("state")
		for _, acc := range provider(cat, a).Accounts {
			if !filtered || state == "" || acc.State == state {
				accs = append(accs, acc)
			}
		}
		return ok(page(c, "accounts", accs, xmlrep.Account))
	})
}

// FindAccount is GET /admin/api/accounts/find.xml: by username, else
// user_id, else email, among the provider's developer users.
func (p *API) FindAccount(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		match := func(u *store.User) bool { return false }
		if _, given := c.Params.String("username"); given {
			name := strings.TrimSpace(c.Params.Get("username"))
			match = func(u *store.User) bool { return u.Username == name }
		} else if v := c.Params.Get("user_id"); v != "" {
			n := params.ToI(v)
			match = func(u *store.User) bool { return u.ID == n }
		} else if v := strings.TrimSpace(c.Params.Get("email")); v != "" {
			match = func(u *store.User) bool { return strings.EqualFold(u.Email, v) }
		}
		for _, acc := range provider(cat, a).Accounts {
			for _, u := range acc.Users {
				if match(u) {
					return ok(doc(func(d *builderxml.Doc) { xmlrep.Account(d, acc) }))
				}
			}
		}
		return notFound(c)
	})
}

// ShowAccount is GET /admin/api/accounts/{id}.xml.
func (p *API) ShowAccount(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		acc, err := buyer(cat, a, c, "id")
		if err != nil {
			return notFound(c)
		}
		return ok(doc(func(d *builderxml.Doc) { xmlrep.Account(d, acc) }))
	})
}

// accountWritten re-reads an account after a change, queues its event and
// returns its document.
func (p *API) accountWritten(t *store.Tx, a porta.Actor, accountID int64, action string) (*builderxml.Doc, error) {
	cat, err := t.Catalog()
	if err != nil {
		return nil, err
	}
	acc := cat.Account(accountID)
	write := func(d *builderxml.Doc) { xmlrep.Account(d, acc) }
	if err := p.emit(t, a, "account", action, fragment(write)); err != nil {
		return nil, err
	}
	return doc(write), nil
}

// UpdateAccount is PUT /admin/api/accounts/{id}.xml: the defined fields
// (org_name, or its alias name), extra fields, annotations and the billing
// switches. Other parameters are ignored, as porta's strong parameters do.
func (p *API) UpdateAccount(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
		acc, err := buyer(cat, a, c, "id")
		if err != nil {
			return nil, err
		}
		rec := acc.AccountRecord
		if err := accountParams(c, acc.Provider, &rec); err != nil {
			return nil, err
		}
		for _, sw := range []struct {
			name string
			to   *bool
		}{{"monthly_billing_enabled", &rec.MonthlyBillingEnabled}, {"monthly_charging_enabled", &rec.MonthlyChargingEnabled}} {
			if v, given := c.Params.String(sw.name); given {
				if b, ok := params.Bool(v); ok {
					*sw.to = b
				}
			}
		}
		if err := t.SaveAccount(&rec); err != nil {
			return nil, err
		}
		return p.accountWritten(t, a, rec.ID, "updated")
	})
}

// accountParams applies an account's writable parameters and validates.
func accountParams(c *Call, prov *store.Provider, rec *store.AccountRecord) error {
	if v, given := c.Params.String("org_name"); given {
		rec.OrgName = strings.TrimSpace(v)
	} else if v, given := c.Params.String("name"); given {
		rec.OrgName = strings.TrimSpace(v)
	}
	rec.Fields, rec.ExtraFields = fieldValues(c, prov.AccountFields, store.OptionalAccountFields, rec.Fields,
		rec.ExtraFields)
	var errs problems
	if ann, ok := c.Params.Hash("annotations"); ok {
		for _, name := range ann.Keys() {
			if name != "managed_by" {
				errs.add("annotations", "is invalid", "Annotations name is not included in the list")
				continue
			}
			value := ann.Get(name)
			rec.Annotations = withoutField(rec.Annotations, name)
			if strings.TrimSpace(value) != "" {
				rec.Annotations = rec.Annotations.With(name, value)
			}
		}
	}
	if rec.OrgName == "" {
		errs.add("org_name", "can't be blank", "Organization/Group Name can't be blank")
	}
	return errs.err()
}

// withoutField returns fs without name.
func withoutField(fs store.Fields, name string) store.Fields {
	var out store.Fields
	for _, f := range fs {
		if f.Name != name {
			out = append(out, f)
		}
	}
	return out
}

// DeleteAccount is DELETE /admin/api/accounts/{id}.xml: porta destroys the
// account at once, with its users and applications, each of which fires
// its deleted event.
func (p *API) DeleteAccount(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
		acc, err := buyer(cat, a, c, "id")
		if err != nil {
			return nil, err
		}
		if err := t.DeleteAccount(acc.ID); err != nil {
			return nil, err
		}
		// The payloads are written as porta writes destroyed records.
		for _, app := range acc.Applications {
			if err := p.emit(t, a, "application", "deleted", fragment(func(d *builderxml.Doc) {
				xmlrep.DestroyedApplication(d, app)
			})); err != nil {
				return nil, err
			}
		}
		for _, u := range acc.Users {
			if err := p.emit(t, a, "user", "deleted", fragment(func(d *builderxml.Doc) { xmlrep.DestroyedUser(d, u) })); err != nil {
				return nil, err
			}
		}
		return nil, p.emit(t, a, "account", "deleted", fragment(func(d *builderxml.Doc) {
			xmlrep.DestroyedAccount(d, acc)
		}))
	})
}

// accountTransitions are Account's events: from which states each leads
// to which.
var accountTransitions = map[string]struct {
	from []string
	to   string
}{
	"approve":      {[]string{"created", "pending", "rejected"}, "approved"},
	"reject":       {[]string{"created", "pending", "approved"}, "rejected"},
	"make_pending": {[]string{"created", "approved", "rejected"}, "pending"},
}

// TransitionAccount is PUT /admin/api/accounts/{id}/{approve,reject,
// make_pending}.xml; an event not allowed from the current state is 422.
func (p *API) TransitionAccount(event string) Handler {
	tr := accountTransitions[event]
	return func(ctx context.Context, c *Call) *Reply {
		return p.change(ctx, c, 200, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
			acc, err := buyer(cat, a, c, "id")
			if err != nil {
				return nil, err
			}
			if !slices.Contains(tr.from, acc.State) {
				return nil, cannotTransition(event)
			}
			rec := acc.AccountRecord
			rec.State = tr.to
			if err := t.SaveAccount(&rec); err != nil {
				return nil, err
			}
			return p.accountWritten(t, a, rec.ID, "updated")
		})
	}
}

// cannotTransition is state_machines' error for an event that does not
// apply, as the non-bang events report it.
func cannotTransition(event string) error {
	return fail("state", fmt.Sprintf("cannot transition via %q", event),
		fmt.Sprintf("State cannot transition via %q", event))
}

// ChangeAccountPlan is PUT /admin/api/accounts/{id}/change_plan.xml with
// plan_id, an account plan of the provider; it answers with that plan.
func (p *API) ChangeAccountPlan(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
		acc, err := buyer(cat, a, c, "id")
		if err != nil {
			return nil, err
		}
		plan := cat.Plan(params.ToI(c.Params.Get("plan_id")))
		if plan == nil || plan.Type != store.AccountPlan || plan.ProviderID != acc.ProviderID {
			return nil, errNotFound
		}
		if plan.ID != acc.PlanID {
			rec := acc.AccountRecord
			rec.PlanID = plan.ID
			if err := t.SaveAccount(&rec); err != nil {
				return nil, err
			}
			if cat, err = t.Catalog(); err != nil {
				return nil, err
			}
			// Only plan_changed: porta changes the contract, not the account.
			acc = cat.Account(rec.ID)
			if err := p.emit(t, a, "account", "plan_changed", fragment(func(d *builderxml.Doc) {
				xmlrep.Account(d, acc)
			})); err != nil {
				return nil, err
			}
		}
		return doc(func(d *builderxml.Doc) { xmlrep.Plan(d, cat.Plan(plan.ID)) }), nil
	})
}
