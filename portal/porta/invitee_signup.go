package porta

import (
	"context"
	"errors"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Accepting an invitation: porta's InviteeSignupsController. The invitee
// opens the link of the invitation's email (/signup/TOKEN) and signs up
// as a member of the inviting account.

// The refusals of an invitation's link, with porta's texts.
var (
	ErrInvitationNotFound = errors.New("Invitation token did not exist.")
	ErrInvitationAccepted = errors.New("Invitation token has already been accepted.")
)

// PendingInvitation finds the invitation of a signup link that may still
// be accepted: ErrInvitationNotFound, or ErrInvitationAccepted.
func PendingInvitation(cat *store.Catalog, token string) (*store.Invitation, error) {
	inv := cat.InvitationByToken(token)
	switch {
	case inv == nil || token == "":
		return nil, ErrInvitationNotFound
	case inv.AcceptedAt != nil:
		return nil, ErrInvitationAccepted
	}
	return inv, nil
}

// AcceptInvitation signs the invitee up: a member of the inviting
// account, active at once (no activation email), with the username,
// email (the invited one unless changed) and password given; the
// invitation is accepted. The webhook user created fires, always, as
// porta fires it. It returns the new user.
func (d *Domain) AcceptInvitation(ctx context.Context, token string, in UserInput) (*store.User, error) {
	return change(ctx, d, Actor{Kind: Developer}, func(t *tx) (*store.User, error) {
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		inv, err := PendingInvitation(cat, token)
		if err != nil {
			return nil, err
		}
		acc := cat.Account(inv.AccountID)
		prov := cat.Provider(acc.ProviderID)
		t.actor = ByDeveloper(prov, nil)
		if in.Email == nil {
			email := inv.Email
			in.Email = &email
		}
		rec := store.UserRecord{AccountID: acc.ID, Role: RoleMember, State: "pending", SignupType: store.SignupInvitation}
		if err := selfServiceUser(in, prov, &rec); err != nil {
			return nil, err
		}
		if err := t.SaveUser(&rec); err != nil {
			return nil, err
		}
		irec := inv.InvitationRecord
		now := t.Now
		irec.AcceptedAt = &now
		if err := t.SaveInvitation(&irec); err != nil {
			return nil, err
		}
		if cat, err = t.Catalog(); err != nil {
			return nil, err
		}
		t.muted = true // porta activates the invitee with no one signed in
		if _, err := t.makeActive(cat.User(rec.ID)); err != nil {
			return nil, err
		}
		t.muted = false
		return t.userChanged(rec.ID, "created")
	})
}
