package porta

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Signing in to the portals, as porta's Authentication::Strategy::Internal
// and user_sessions do: a username or email and a password, porta's texts
// when they do not match (the same whether the user exists or not), and
// porta's can_login? rule for who may come in.

// SessionTTL is how long an unused session stays valid (porta's
// USER_SESSION_TTL): every page it opens starts it again.
const SessionTTL = 14 * 24 * time.Hour

// The refusals of a sign-in, with porta's texts.
var (
	ErrBadCredentials = errors.New("Incorrect email or password. Please try again.")
	ErrInactive       = errors.New("Your account isn't active or hasn't been approved yet.")
)

// Credentials are what a login form sends.
type Credentials struct {
	// Username is the username or the email.
	Username, Password string
}

// Signed is a signed-in session and who it is.
type Signed struct {
	Session  store.Session
	Provider *store.Provider
	// User is the developer; nil for the provider's admin.
	User  *store.User
	Actor Actor
}

// CanLogin is porta's User#can_login?: an active user of an approved
// developer account.
func CanLogin(cat *store.Catalog, u *store.User) bool {
	acc := cat.Account(u.AccountID)
	return u.State == "active" && acc != nil && acc.State == "approved"
}

// decoy is a bcrypt hash compared when no user matches, so that an
// unknown username takes as long to refuse as a wrong password.
var decoy, _ = store.HashPassword("no user has this password")

// SignInAdmin signs a provider's admin in to the admin portal: the
// username or email of a provider's admin, in provider order.
func (d *Domain) SignInAdmin(ctx context.Context, c Credentials) (*Signed, error) {
	var found *store.Provider
	matched := false
	for _, p := range d.Catalog().Providers {
		if p.AdminUsername != c.Username && !strings.EqualFold(p.AdminEmail, c.Username) {
			continue
		}
		matched = true
		if store.PasswordMatches(p.AdminPasswordHash, c.Password) {
			found = p
			break
		}
	}
	if !matched {
		store.PasswordMatches(decoy, c.Password)
	}
	if found == nil {
		return nil, ErrBadCredentials
	}
	return d.signIn(ctx, store.Session{ProviderID: found.ID, Portal: store.PortalAdmin})
}

// SignInDeveloper signs a developer in to the developer portal: the
// username or email of a developer user of any provider, in id order.
// The right password of a user who may not log in yet (pending, or of an
// account not approved) is ErrInactive.
func (d *Domain) SignInDeveloper(ctx context.Context, c Credentials) (*Signed, error) {
	var found *store.User
	matched := false
	cat := d.Catalog()
	for _, p := range cat.Providers {
		for _, acc := range p.Accounts {
			for _, u := range acc.Users {
				if u.Username != c.Username && !strings.EqualFold(u.Email, c.Username) {
					continue
				}
				matched = true
				if found == nil && store.PasswordMatches(u.PasswordHash, c.Password) {
					found = u
				}
			}
		}
	}
	if !matched {
		store.PasswordMatches(decoy, c.Password)
	}
	switch {
	case found == nil:
		return nil, ErrBadCredentials
	case !CanLogin(cat, found):
		return nil, ErrInactive
	}
	return d.signIn(ctx, store.Session{ProviderID: cat.Account(found.AccountID).ProviderID, UserID: found.ID,
		Portal: store.PortalDeveloper})
}

// signIn stores a new session with a random key (porta's
// urlsafe_base64(32)): from crypto/rand, whatever the domain's source of
// generated values, since the key is the browser's whole credential.
func (d *Domain) signIn(ctx context.Context, s store.Session) (*Signed, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	s.Key = base64.RawURLEncoding.EncodeToString(b[:])
	if err := d.store.Change(ctx, func(t *store.Tx) error { return t.CreateSession(&s) }); err != nil {
		return nil, err
	}
	signed := d.signed(d.Catalog(), s)
	if signed == nil {
		return nil, ErrBadCredentials // deleted in between
	}
	return signed, nil
}

// SignedIn finds the valid session of portal by its key and marks it
// used: nil when there is none (unknown, revoked, expired), or when its
// user may no longer log in.
func (d *Domain) SignedIn(ctx context.Context, portal, key string) (*Signed, error) {
	if key == "" {
		return nil, nil
	}
	var s *store.Session
	err := d.store.Change(ctx, func(t *store.Tx) error {
		var err error
		s, err = t.TouchSession(key, portal, SessionTTL)
		return err
	})
	if err != nil || s == nil {
		return nil, err
	}
	return d.signed(d.Catalog(), *s), nil
}

// signed resolves a session to who it is, in cat; nil when they are gone
// or may not log in.
func (d *Domain) signed(cat *store.Catalog, s store.Session) *Signed {
	var prov *store.Provider
	for _, p := range cat.Providers {
		if p.ID == s.ProviderID {
			prov = p
		}
	}
	if prov == nil {
		return nil
	}
	if s.Portal == store.PortalAdmin {
		return &Signed{Session: s, Provider: prov, Actor: ByAdmin(prov)}
	}
	u := cat.User(s.UserID)
	if u == nil || !CanLogin(cat, u) || cat.Account(u.AccountID).ProviderID != prov.ID {
		return nil
	}
	return &Signed{Session: s, Provider: prov, User: u, Actor: ByDeveloper(prov, u)}
}

// SignOut revokes a session, as a logout does.
func (d *Domain) SignOut(ctx context.Context, key string) error {
	if key == "" {
		return nil
	}
	return d.store.Change(ctx, func(t *store.Tx) error { return t.RevokeSession(key) })
}
