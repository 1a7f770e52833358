package porta

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The users of a developer account: User's validations, states (pending,
// active, suspended) and roles (admin, member).

// UserInput is what a person or client gives of a user; nil is not given.
type UserInput struct {
	Username, Email                *string
	Password, PasswordConfirmation *string
	// Fields are values of the user fields the provider defines, by name.
	Fields map[string]string
}

// The roles of a developer user.
const (
	RoleAdmin  = "admin"
	RoleMember = "member"
)

var (
	usernameRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.\-@+]+$`)
	emailRE    = regexp.MustCompile(`(?i)^['\w.%+\-]+@(?:[A-Z0-9\-]+\.)+[A-Za-z]{2,63}$`)
)

// strongPasswordLength is porta's minimum with strong passwords, which the
// hosted 3scale enforces.
const strongPasswordLength = 15

// applyUser applies a user's input and validates it as porta's User does,
// in its order. checkEmail is false for the minimal users of an API
// signup, whose email is not checked.
func applyUser(in UserInput, prov *store.Provider, rec *store.UserRecord, checkEmail bool) error {
	setTrimmed(&rec.Username, in.Username)
	setTrimmed(&rec.Email, in.Email)
	rec.Fields, rec.ExtraFields = applyFields(in.Fields, prov.UserFields, store.OptionalUserFields, rec.Fields,
		rec.ExtraFields)
	var errs problems
	setPassword := in.Password != nil && *in.Password != ""
	if setPassword {
		password := *in.Password
		if confirm := in.PasswordConfirmation; confirm != nil && *confirm != "" && *confirm != password {
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
	if setPassword {
		hash, err := store.HashPassword(*in.Password)
		if err != nil {
			return err
		}
		rec.PasswordHash = hash
	}
	return nil
}

// userChanged re-reads a user after a change and queues its event.
func (t *tx) userChanged(id int64, action string) (*store.User, error) {
	cat, err := t.Catalog()
	if err != nil {
		return nil, err
	}
	u := cat.User(id)
	return u, emit(t, action, u)
}

// CreateUser adds a user to an account: a new user is a pending member.
func (d *Domain) CreateUser(ctx context.Context, a Actor, accountID int64, in UserInput) (*store.User, error) {
	return on(ctx, d, a, Account, accountID, func(t *tx, acc *store.Account) (*store.User, error) {
		prov, err := t.provider()
		if err != nil {
			return nil, err
		}
		rec := store.UserRecord{AccountID: acc.ID, Role: RoleMember, State: "pending"}
		if err := applyUser(in, prov, &rec, true); err != nil {
			return nil, err
		}
		if err := t.SaveUser(&rec); err != nil {
			return nil, err
		}
		return t.userChanged(rec.ID, "created")
	})
}

// UpdateUser changes a user's names, email, password and fields; its role
// and state do not change this way.
func (d *Domain) UpdateUser(ctx context.Context, a Actor, ref UserRef, in UserInput) (*store.User, error) {
	return on(ctx, d, a, User, ref, func(t *tx, u *store.User) (*store.User, error) {
		if err := t.developerUser(u, func(c UserCan) bool { return c.Edit }); err != nil {
			return nil, err
		}
		prov, err := t.provider()
		if err != nil {
			return nil, err
		}
		rec := u.UserRecord
		if err := applyUser(in, prov, &rec, true); err != nil {
			return nil, err
		}
		if err := t.SaveUser(&rec); err != nil {
			return nil, err
		}
		return t.userChanged(rec.ID, "updated")
	})
}

// DeleteUser deletes a user; the account's only admin stays. It returns
// the user as it was.
func (d *Domain) DeleteUser(ctx context.Context, a Actor, ref UserRef) (*store.User, error) {
	return on(ctx, d, a, User, ref, func(t *tx, u *store.User) (*store.User, error) {
		if err := t.developerUser(u, func(c UserCan) bool { return c.Delete }); err != nil {
			return nil, err
		}
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		if admins := cat.Account(u.AccountID).Admins(); len(admins) == 1 && admins[0].ID == u.ID {
			return nil, fail("base", "Can't delete last admin", "Can't delete last admin")
		}
		if err := t.DeleteUser(u.ID); err != nil {
			return nil, err
		}
		return u, emit(t, "deleted", u)
	})
}

// ActivateUser activates a pending user (an active one is left as it is).
// The first activated admin brings its new account in: approved, or
// pending when its plan wants approval. activate is a bang event: from
// suspended it is a *TransitionError.
func (d *Domain) ActivateUser(ctx context.Context, a Actor, ref UserRef) (*store.User, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, User, ref, func(t *tx, u *store.User) (*store.User, error) {
		switch u.State {
		case "active":
			return u, nil
		case "pending":
		default:
			return nil, &TransitionError{From: u.State, Event: "activate", Object: u}
		}
		return t.makeActive(u)
	})
}

// SuspendUser suspends an active (or suspended) user. suspend is a bang
// event: from pending it is a *TransitionError.
func (d *Domain) SuspendUser(ctx context.Context, a Actor, ref UserRef) (*store.User, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, User, ref, func(t *tx, u *store.User) (*store.User, error) {
		if !slices.Contains([]string{"active", "suspended"}, u.State) {
			return nil, &TransitionError{From: u.State, Event: "suspend", Object: u}
		}
		// porta signs a suspended user out everywhere.
		if err := t.DeleteUserSessions(u.ID); err != nil {
			return nil, err
		}
		return t.saveUserState(u, "suspended")
	})
}

// UnsuspendUser makes a suspended user active again.
func (d *Domain) UnsuspendUser(ctx context.Context, a Actor, ref UserRef) (*store.User, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, User, ref, func(t *tx, u *store.User) (*store.User, error) {
		if u.State != "suspended" {
			return nil, cannotTransition("unsuspend")
		}
		return t.saveUserState(u, "active")
	})
}

func (t *tx) saveUserState(u *store.User, state string) (*store.User, error) {
	rec := u.UserRecord
	rec.State = state
	if err := t.SaveUser(&rec); err != nil {
		return nil, err
	}
	return t.userChanged(rec.ID, "updated")
}

// SetUserRole makes a user an admin or a member of its account: the
// provider, or an account's admin for the others (ManagesAccount).
func (d *Domain) SetUserRole(ctx context.Context, a Actor, ref UserRef, role string) (*store.User, error) {
	if role != RoleAdmin && role != RoleMember {
		return nil, fail("role", "is not included in the list", "Role is not included in the list")
	}
	return on(ctx, d, a, User, ref, func(t *tx, u *store.User) (*store.User, error) {
		// An account's admin may change the others' roles (ManagesAccount).
		if err := t.developerUser(u, func(c UserCan) bool { return c.ChangeRole }); err != nil {
			return nil, err
		}
		rec := u.UserRecord
		rec.Role = role
		if err := t.SaveUser(&rec); err != nil {
			return nil, err
		}
		return t.userChanged(rec.ID, "updated")
	})
}
