package api

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/xmlrep"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The users of a developer account: porta's admin/api/buyers_users
// controller and User's states (pending, active, suspended) and roles.

// ListUsers is GET /admin/api/accounts/{account_id}/users.xml, filtered by
// state and role.
func (p *API) ListUsers(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		acc, err := buyer(cat, a, c, "account_id")
		if err != nil {
			return notFound(c)
		}
		state, byState := c.Params.String("state")
		role, byRole := c.Params.String("role")
		d := builderxml.New().Open("users")
		for _, u := range acc.Users {
			if (byState && u.State != state) || (byRole && u.Role != role) {
				continue
			}
			xmlrep.User(d, u)
		}
		return ok(d.Close("users"))
	})
}

// accountUser finds a user of a developer account by the route's ids.
func accountUser(cat *store.Catalog, a porta.Actor, c *Call) (*store.User, error) {
	acc, err := buyer(cat, a, c, "account_id")
	if err != nil {
		return nil, err
	}
	n, _ := c.pathID("id")
	u := cat.User(n)
	if u == nil || u.AccountID != acc.ID {
		return nil, errNotFound
	}
	return u, nil
}

// ShowUser is GET /admin/api/accounts/{account_id}/users/{id}.xml.
func (p *API) ShowUser(ctx context.Context, c *Call) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		u, err := accountUser(cat, a, c)
		if err != nil {
			return notFound(c)
		}
		return ok(doc(func(d *builderxml.Doc) { xmlrep.User(d, u) }))
	})
}

// userWritten re-reads a user after a change, queues its event and returns
// its document.
func (p *API) userWritten(t *store.Tx, a porta.Actor, userID int64, action string) (*builderxml.Doc, error) {
	cat, err := t.Catalog()
	if err != nil {
		return nil, err
	}
	u := cat.User(userID)
	write := func(d *builderxml.Doc) { xmlrep.User(d, u) }
	if err := p.emit(t, a, "user", action, fragment(write)); err != nil {
		return nil, err
	}
	return doc(write), nil
}

// CreateUser is POST /admin/api/accounts/{account_id}/users.xml: a new user
// is always a pending member.
func (p *API) CreateUser(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 201, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
		acc, err := buyer(cat, a, c, "account_id")
		if err != nil {
			return nil, err
		}
		rec := store.UserRecord{AccountID: acc.ID, Role: "member", State: "pending"}
		if err := userParams(c, cat, acc.Provider, &rec, true); err != nil {
			return nil, err
		}
		if err := t.SaveUser(&rec); err != nil {
			return nil, err
		}
		return p.userWritten(t, a, rec.ID, "created")
	})
}

// UpdateUser is PUT /admin/api/accounts/{account_id}/users/{id}.xml; role
// and state are not changed this way.
func (p *API) UpdateUser(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
		u, err := accountUser(cat, a, c)
		if err != nil {
			return nil, err
		}
		rec := u.UserRecord
		if err := userParams(c, cat, u.Account.Provider, &rec, true); err != nil {
			return nil, err
		}
		if err := t.SaveUser(&rec); err != nil {
			return nil, err
		}
		return p.userWritten(t, a, rec.ID, "updated")
	})
}

var (
	usernameRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.\-@+]+$`)
	emailRE    = regexp.MustCompile(`(?i)^['\w.%+\-]+@(?:[A-Z0-9\-]+\.)+[A-Za-z]{2,63}$`)
)

// strongPasswordLength is porta's minimum with strong passwords, which the
// hosted 3scale enforces.
const strongPasswordLength = 15

// userParams applies a user's writable parameters and validates them as
// porta's User does, in its order. checkEmail is false for the minimal
// users of an API signup, whose email is not checked.
func userParams(c *Call, cat *store.Catalog, prov *store.Provider, rec *store.UserRecord, checkEmail bool) error {
	if v, given := c.Params.String("username"); given {
		rec.Username = strings.TrimSpace(v)
	}
	if v, given := c.Params.String("email"); given {
		rec.Email = strings.TrimSpace(v)
	}
	rec.Fields, rec.ExtraFields = fieldValues(c, prov.UserFields, store.OptionalUserFields, rec.Fields,
		rec.ExtraFields)
	var errs problems
	password, setPassword := c.Params.String("password")
	if setPassword && password != "" {
		if confirm, given := c.Params.String("password_confirmation"); given && confirm != "" && confirm != password {
			errs.add("password_confirmation", "doesn't match Password", "Password confirmation doesn't match Password")
		}
		if len([]rune(password)) < strongPasswordLength {
			errs.add("password", fmt.Sprintf("is too short (minimum is %d characters)", strongPasswordLength),
				fmt.Sprintf("Password is too short (minimum is %d characters)", strongPasswordLength))
		}
	}
	switch n := len([]rune(rec.Username)); {
	case n < 3:
		errs.add("username", "is too short (minimum is 3 characters)", "Username is too short (minimum is 3 characters)")
	case n > 40:
		errs.add("username", "is too long (maximum is 40 characters)", "Username is too long (maximum is 40 characters)")
	}
	if rec.Username != "" && !usernameRE.MatchString(rec.Username) {
		errs.add("username", "use only letters, numbers, and .-_@+ please.",
			"Username use only letters, numbers, and .-_@+ please.")
	}
	if n := len([]rune(rec.Email)); rec.Email != "" && (n < 6 || n > 255) {
		if n < 6 {
			errs.add("email", "is too short (minimum is 6 characters)", "Email is too short (minimum is 6 characters)")
		} else {
			errs.add("email", "is too long (maximum is 255 characters)", "Email is too long (maximum is 255 characters)")
		}
	}
	if checkEmail && !emailRE.MatchString(rec.Email) {
		errs.add("email", "should look like an email address", "Email should look like an email address")
	}
	// Unique among every developer user of the provider, email first.
	taken := func(same func(u *store.User) bool) bool {
		for _, acc := range prov.Accounts {
			for _, u := range acc.Users {
				if u.ID != rec.ID && same(u) {
					return true
				}
			}
		}
		return false
	}
	if rec.Email != "" && taken(func(u *store.User) bool { return strings.EqualFold(u.Email, rec.Email) }) {
		errs.add("email", "has already been taken", "Email has already been taken")
	}
	if rec.Username != "" && taken(func(u *store.User) bool { return strings.EqualFold(u.Username, rec.Username) }) {
		errs.add("username", "has already been taken", "Username has already been taken")
	}
	if err := errs.err(); err != nil {
		return err
	}
	if setPassword && password != "" {
		hash, err := store.HashPassword(password)
		if err != nil {
			return err
		}
		rec.PasswordHash = hash
	}
	return nil
}

// DeleteUser is DELETE /admin/api/accounts/{account_id}/users/{id}.xml;
// the account's only admin cannot be deleted.
func (p *API) DeleteUser(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 200, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
		u, err := accountUser(cat, a, c)
		if err != nil {
			return nil, err
		}
		if admins := u.Account.Admins(); len(admins) == 1 && admins[0].ID == u.ID {
			return nil, fail("base", "Can't delete last admin", "Can't delete last admin")
		}
		if err := t.DeleteUser(u.ID); err != nil {
			return nil, err
		}
		return nil, p.emit(t, a, "user", "deleted", fragment(func(d *builderxml.Doc) { xmlrep.DestroyedUser(d, u) }))
	})
}

// TransitionUser is PUT …/users/{id}/{activate,suspend,unsuspend}.xml.
// porta activates only a user that is not active yet (an active one is
// left as it is), suspends an active or suspended one, and unsuspends a
// suspended one; activate and suspend are bang events, whose refusal is an
// invalid-transition document.
func (p *API) TransitionUser(event string) Handler {
	return func(ctx context.Context, c *Call) *Reply {
		return p.change(ctx, c, 200, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
			u, err := accountUser(cat, a, c)
			if err != nil {
				return nil, err
			}
			rec := u.UserRecord
			switch event {
			case "activate":
				if u.State == "active" {
					return doc(func(d *builderxml.Doc) { xmlrep.User(d, u) }), nil
				}
				if u.State != "pending" {
					return nil, invalidTransition(u.State, event, fragment(func(d *builderxml.Doc) { xmlrep.User(d, u) }))
				}
				rec.State = "active"
			case "suspend":
				if !slices.Contains([]string{"active", "suspended"}, u.State) {
					return nil, invalidTransition(u.State, event, fragment(func(d *builderxml.Doc) { xmlrep.User(d, u) }))
				}
				rec.State = "suspended"
			case "unsuspend":
				if u.State != "suspended" {
					return nil, cannotTransition(event)
				}
				rec.State = "active"
			}
			if err := t.SaveUser(&rec); err != nil {
				return nil, err
			}
			if event == "activate" {
				// The first activated admin brings its new account in:
				// approved, or pending when its plan wants approval.
				if acc := u.Account; acc.State == "created" && u.Role == "admin" {
					arec := acc.AccountRecord
					arec.State = "approved"
					if acc.Plan != nil && acc.Plan.ApprovalRequired {
						arec.State = "pending"
					}
					if err := t.SaveAccount(&arec); err != nil {
						return nil, err
					}
					if _, err := p.accountWritten(t, a, arec.ID, "updated"); err != nil {
						return nil, err
					}
				}
			}
			return p.userWritten(t, a, rec.ID, "updated")
		})
	}
}

// SetUserRole is PUT …/users/{id}/{admin,member}.xml.
func (p *API) SetUserRole(role string) Handler {
	return func(ctx context.Context, c *Call) *Reply {
		return p.change(ctx, c, 200, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
			u, err := accountUser(cat, a, c)
			if err != nil {
				return nil, err
			}
			rec := u.UserRecord
			rec.Role = role
			if err := t.SaveUser(&rec); err != nil {
				return nil, err
			}
			return p.userWritten(t, a, rec.ID, "updated")
		})
	}
}

// invalidTransition is the document porta answers when a bang event does
// not apply: from, event, error and the object, as Nokogiri prints it.
// why, when given, is the validation message that stopped the event.
func invalidTransition(from, event string, object []byte, why ...string) error {
	msg := fmt.Sprintf("State cannot transition via %q", event)
	if len(why) > 0 {
		msg = why[0]
	}
	d := builderxml.Fragment().Open("error").Text("from", from).Text("event", event).
		Text("error", msg).Raw(object).Close("error")
	body, err := xmlrep.Nokogiri(d.Bytes())
	if err != nil {
		return err
	}
	return &replyErr{reply: xmlReply(422, body)}
}
