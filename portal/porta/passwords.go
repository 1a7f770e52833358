package porta

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The developer portal's lost password: porta's PasswordsController and
// Authentication::ByPassword. A developer asks for a reset link by email;
// the link, valid 24 hours on the sandbox's clock, leads to a form that
// sets a new password.

// PasswordResetTTL is how long a lost-password link is valid.
const PasswordResetTTL = 24 * time.Hour

// ErrResetTokenInvalid is porta's refusal of a lost-password link that is
// unknown, used or expired.
var ErrResetTokenInvalid = errors.New("The password reset token is invalid.")

// RequestPasswordReset emails a lost-password link to the developer users
// with this email (any case), of any provider, as porta's
// generate_lost_password_token! does: a new token (64 hex characters)
// replaces the user's last one. Whether any user has the email is not
// told: the answer is the same.
func (d *Domain) RequestPasswordReset(ctx context.Context, email string) error {
	email = strings.TrimSpace(email)
	if email == "" {
		return nil
	}
	_, err := change(ctx, d, Actor{Kind: Developer}, func(t *tx) (struct{}, error) {
		cat, err := t.Catalog()
		if err != nil {
			return struct{}{}, err
		}
		for _, prov := range cat.Providers {
			for _, acc := range prov.Accounts {
				for _, u := range acc.Users {
					if !strings.EqualFold(u.Email, email) {
						continue
					}
					t.actor = ByDeveloper(prov, nil)
					if err := t.lostPassword(prov, u); err != nil {
						return struct{}{}, err
					}
				}
			}
		}
		return struct{}{}, nil
	})
	return err
}

// lostPassword gives a user a new reset token and emails its link.
func (t *tx) lostPassword(prov *store.Provider, u *store.User) error {
	token, err := t.d.hex(32)
	if err != nil {
		return err
	}
	if err := t.DeleteUserTokens(u.ID, store.TokenPasswordReset); err != nil {
		return err
	}
	expires := t.Now.Add(PasswordResetTTL)
	if err := t.AddUserToken(&store.UserToken{Token: token, UserID: u.ID, Kind: store.TokenPasswordReset,
		ExpiresAt: &expires}); err != nil {
		return err
	}
	return t.queue(lostPasswordMail(t.d.links, prov, u, token))
}

// resetUser finds the user of a valid reset token.
func (t *tx) resetUser(token string) (*store.User, error) {
	tok, err := t.UserToken(store.TokenPasswordReset, token)
	if err != nil {
		return nil, err
	}
	if tok == nil {
		return nil, ErrResetTokenInvalid
	}
	cat, err := t.Catalog()
	if err != nil {
		return nil, err
	}
	u := cat.User(tok.UserID)
	if u == nil {
		return nil, ErrResetTokenInvalid
	}
	return u, nil
}

// PasswordResetUser is the user whose lost-password link this is:
// ErrResetTokenInvalid when the token is unknown, used or expired.
func (d *Domain) PasswordResetUser(ctx context.Context, token string) (*store.User, error) {
	return change(ctx, d, Actor{Kind: Developer}, func(t *tx) (*store.User, error) { return t.resetUser(token) })
}

// ResetPassword sets the password of the user whose lost-password link
// this is, and spends the link. The password is required and checked as
// any (with its confirmation); ErrResetTokenInvalid when the link is no
// longer valid. No webhook fires: no one is signed in.
func (d *Domain) ResetPassword(ctx context.Context, token string, in UserInput) (*store.User, error) {
	return change(ctx, d, Actor{Kind: Developer}, func(t *tx) (*store.User, error) {
		u, err := t.resetUser(token)
		if err != nil {
			return nil, err
		}
		prov, err := t.userProvider(u)
		if err != nil {
			return nil, err
		}
		rec := u.UserRecord
		pw := UserInput{Password: in.Password, PasswordConfirmation: in.PasswordConfirmation}
		if err := withProblems(applyUser(pw, prov, &rec, false), passwordProblems(pw, true)); err != nil {
			return nil, err
		}
		if err := t.SaveUser(&rec); err != nil {
			return nil, err
		}
		if err := t.DeleteUserTokens(u.ID, store.TokenPasswordReset); err != nil {
			return nil, err
		}
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		return cat.User(u.ID), nil
	})
}
