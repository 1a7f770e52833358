package porta

import (
	"context"
	"fmt"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Activation: the link of the signup confirmation (/activate/CODE) makes
// the user who signed up active, and brings their account in.

// Activate activates the pending user whose activation code this is, as
// porta's ActivationsController does: the user is active, the code spent,
// and their new account approved, or pending (with the "Waiting list
// confirmation" email) when its plan requires approval (ApprovalRequired).
// A visitor opens the link, so no webhook fires. An unknown or spent code
// is ErrNotFound. It returns the user.
func (d *Domain) Activate(ctx context.Context, code string) (*store.User, error) {
	return change(ctx, d, Actor{Kind: Developer}, func(t *tx) (*store.User, error) {
		tok, err := t.UserToken(store.TokenActivation, code)
		if err != nil {
			return nil, err
		}
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		var u *store.User
		if tok != nil {
			u = cat.User(tok.UserID)
		}
		if u == nil || u.State != "pending" {
			return nil, fmt.Errorf("activation code: %w", ErrNotFound)
		}
		t.actor, t.muted = ByDeveloper(cat.Provider(cat.Account(u.AccountID).ProviderID), nil), true
		return t.makeActive(u)
	})
}

// makeActive is porta's User#make_active: the user is active and their
// activation code spent; the first admin activated brings their new
// account in: approved, or pending when its plan wants approval (with the
// email of that state). It queues user updated (and account updated).
func (t *tx) makeActive(u *store.User) (*store.User, error) {
	rec := u.UserRecord
	rec.State = "active"
	if err := t.SaveUser(&rec); err != nil {
		return nil, err
	}
	if err := t.DeleteUserTokens(u.ID, store.TokenActivation); err != nil {
		return nil, err
	}
	cat, err := t.Catalog()
	if err != nil {
		return nil, err
	}
	if acc := cat.Account(u.AccountID); acc.State == "created" && u.Role == RoleAdmin {
		arec := acc.AccountRecord
		arec.State = "approved"
		if ApprovalRequired(cat, acc) {
			arec.State = "pending"
		}
		if err := t.SaveAccount(&arec); err != nil {
			return nil, err
		}
		changed, err := t.accountChanged(arec.ID, "updated")
		if err != nil {
			return nil, err
		}
		if err := t.accountStateMail(changed); err != nil {
			return nil, err
		}
	}
	return t.userChanged(rec.ID, "updated")
}
