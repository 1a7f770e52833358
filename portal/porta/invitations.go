package porta

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Invitations to join a developer account: porta's Invitation, which the
// provider sends from the admin portal (an account's Invitations tab) and
// an account's admin from the developer portal. The email carries the
// link the invitee signs up with (/signup/TOKEN). porta sends it from a
// worker that sets sent_at; the sandbox writes it to the outbox in the
// same change, so an invitation is sent when it is made.

// InvitationRef names an invitation of an account.
type InvitationRef struct{ Account, ID int64 }

// Invitation finds an invitation of an account the actor sees.
func Invitation(cat *store.Catalog, a Actor, ref InvitationRef) (*store.Invitation, error) {
	acc, err := Account(cat, a, ref.Account)
	if err != nil {
		return nil, err
	}
	for _, inv := range acc.Invitations {
		if inv.ID == ref.ID {
			return inv, nil
		}
	}
	return nil, fmt.Errorf("invitation %d: %w", ref.ID, ErrNotFound)
}

// Invitations are an account's invitations in porta's order: the latest
// sent first, those not sent last.
func Invitations(acc *store.Account) []*store.Invitation {
	out := slices.Clone(acc.Invitations)
	slices.SortStableFunc(out, func(a, b *store.Invitation) int {
		switch {
		case a.SentAt == nil || b.SentAt == nil:
			return cmp.Compare(boolRank(a.SentAt == nil), boolRank(b.SentAt == nil))
		case !a.SentAt.Equal(*b.SentAt):
			return b.SentAt.Compare(*a.SentAt)
		}
		return cmp.Compare(b.ID, a.ID)
	})
	return out
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// invites refuses the actors who may not manage an account's
// invitations: the provider may, and of a developer account only its
// admins (porta's buyer_admin ability).
func (a Actor) invites() error {
	if a.Kind == Developer && (a.User == nil || a.User.Role != RoleAdmin) {
		return ErrForbidden
	}
	return nil
}

// invitationMaxEmail is Invitation's bound on the email's length.
const invitationMaxEmail = 100

// invitationProblems validates an invitation's email as porta's
// Invitation does, in its order: present, not the email of a user of the
// account, not invited to the account already, 6 to 100 characters, an
// email address.
func invitationProblems(acc *store.Account, email string) error {
	var errs problems
	if email == "" {
		errs.add("email", "can't be blank", "Email can't be blank")
	}
	if email != "" && slices.ContainsFunc(acc.Users, func(u *store.User) bool { return strings.EqualFold(u.Email, email) }) {
		errs.add("email", "has been taken by another user", "Email has been taken by another user")
	}
	if slices.ContainsFunc(acc.Invitations, func(inv *store.Invitation) bool { return inv.Email == email }) {
		errs.add("email", "This invitation has already been sent.", "Email This invitation has already been sent.")
	}
	if n := len([]rune(email)); email != "" && n < 6 {
		errs.add("email", "is too short (minimum is 6 characters)", "Email is too short (minimum is 6 characters)")
	} else if n > invitationMaxEmail {
		errs.add("email", "is too long (maximum is 100 characters)", "Email is too long (maximum is 100 characters)")
	}
	if email != "" && !emailRE.MatchString(email) {
		errs.add("email", "should look like an email address", "Email should look like an email address")
	}
	return errs.err()
}

// CreateInvitation invites email to join an account: the invitation, with
// a random token, and its email to the invitee.
func (d *Domain) CreateInvitation(ctx context.Context, a Actor, accountID int64, email string) (*store.Invitation, error) {
	if err := a.invites(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Account, accountID, func(t *tx, acc *store.Account) (*store.Invitation, error) {
		email := strings.TrimSpace(email)
		if err := invitationProblems(acc, email); err != nil {
			return nil, err
		}
		token, err := t.d.hex(16)
		if err != nil {
			return nil, err
		}
		now := t.Now
		rec := store.InvitationRecord{AccountID: acc.ID, Email: email, Token: token, SentAt: &now}
		if err := t.SaveInvitation(&rec); err != nil {
			return nil, err
		}
		return t.invitationSent(rec.ID)
	})
}

// invitationSent queues an invitation's email and re-reads it.
func (t *tx) invitationSent(id int64) (*store.Invitation, error) {
	cat, err := t.Catalog()
	if err != nil {
		return nil, err
	}
	inv := cat.Invitation(id)
	return inv, t.queue(invitationMail(t.d.links, cat.LinkAccount(cat.Account(inv.AccountID)), inv.Email, inv.Token))
}

// ResendInvitation sends an invitation's email again, as porta's resend
// does until the invitation is accepted; an accepted one is left as it
// is (porta answers both the same).
func (d *Domain) ResendInvitation(ctx context.Context, a Actor, ref InvitationRef) (*store.Invitation, error) {
	if err := a.invites(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Invitation, ref, func(t *tx, inv *store.Invitation) (*store.Invitation, error) {
		if inv.AcceptedAt != nil {
			return inv, nil
		}
		rec := inv.InvitationRecord
		now := t.Now
		rec.SentAt = &now
		if err := t.SaveInvitation(&rec); err != nil {
			return nil, err
		}
		return t.invitationSent(rec.ID)
	})
}

// DeleteInvitation deletes an invitation, accepted or not: its link no
// longer signs anyone up. It returns the invitation as it was.
func (d *Domain) DeleteInvitation(ctx context.Context, a Actor, ref InvitationRef) (*store.Invitation, error) {
	if err := a.invites(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Invitation, ref, func(t *tx, inv *store.Invitation) (*store.Invitation, error) {
		return inv, t.DeleteInvitation(inv.AccountID, inv.ID)
	})
}
