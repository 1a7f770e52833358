package porta

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Invitations: porta's validations in porta's order, the email with the
// signup link, resend until accepted, delete, and who may invite.
func TestInvitations(t *testing.T) {
	d, st, clk := mailDomainClock(t)
	ctx := context.Background()
	prov := d.Catalog().Providers[0]
	admin := ByAdmin(prov)
	dev := accountNamed(t, d, "Dev Co")
	outbox(t, st)

	inv, err := d.CreateInvitation(ctx, admin, dev.ID, "  new@dev.test ")
	if err != nil {
		t.Fatal(err)
	}
	if inv.Email != "new@dev.test" || len(inv.Token) != 32 || inv.SentAt == nil || inv.AcceptedAt != nil ||
		inv.AccountID != dev.ID {
		t.Errorf("invitation %+v", inv.InvitationRecord)
	}
	sent := outbox(t, st)
	wantMails(t, sent, "new@dev.test: Invitation to join Dev Co")
	if len(sent) == 1 && (len(sent[0].Links) != 1 || sent[0].Links[0] != links.Developer+"/signup/"+inv.Token ||
		sent[0].Kind != MailInvitation || sent[0].AccountID != dev.ID) {
		t.Errorf("invitation email %+v", sent[0])
	}
	if got := d.Catalog().InvitationByToken(inv.Token); got == nil || got.ID != inv.ID {
		t.Errorf("the token finds %v", got)
	}

	for _, c := range []struct{ email, want string }{
		{"", "Email can't be blank"},
		{"JOHN@dev.test", "Email has been taken by another user"},
		{"new@dev.test", "Email This invitation has already been sent."},
		{"a@b.c", "Email is too short (minimum is 6 characters); Email should look like an email address"},
		{strings.Repeat("x", 95) + "@dev.test", "Email is too long (maximum is 100 characters)"},
		{"not an email", "Email should look like an email address"},
	} {
		_, err := d.CreateInvitation(ctx, admin, dev.ID, c.email)
		var v *ValidationError
		if !errors.As(err, &v) || v.Error() != c.want {
			t.Errorf("invite %q: %v, want %q", c.email, err, c.want)
		}
	}
	if es := outbox(t, st); len(es) != 0 {
		t.Errorf("refused invitations sent %v", subjectsTo(es))
	}

	// Resend: the email again, sent_at now.
	clk.Advance(time.Hour)
	again, err := d.ResendInvitation(ctx, admin, InvitationRef{Account: dev.ID, ID: inv.ID})
	if err != nil || !again.SentAt.After(*inv.SentAt) {
		t.Fatalf("resend: %v %v", err, again)
	}
	wantMails(t, outbox(t, st), "new@dev.test: Invitation to join Dev Co")

	// A developer admin invites to their own account; a member may not;
	// another account's invitation is not found.
	john, jane := dev.Users[0], dev.Users[1]
	byJohn, byJane := ByDeveloper(prov, john), ByDeveloper(prov, jane)
	clk.Advance(time.Minute)
	if _, err := d.CreateInvitation(ctx, byJohn, dev.ID, "friend@dev.test"); err != nil {
		t.Errorf("john invites: %v", err)
	}
	if _, err := d.CreateInvitation(ctx, byJane, dev.ID, "other@dev.test"); !errors.Is(err, ErrForbidden) {
		t.Errorf("jane invites: %v", err)
	}
	pending := accountNamed(t, d, "Pending Ltd")
	if _, err := d.CreateInvitation(ctx, byJohn, pending.ID, "x@pending.test"); !errors.Is(err, ErrNotFound) {
		t.Errorf("john invites to another account: %v", err)
	}
	if _, err := d.ResendInvitation(ctx, admin, InvitationRef{Account: pending.ID, ID: inv.ID}); !errors.Is(err, ErrNotFound) {
		t.Errorf("resend under another account: %v", err)
	}
	outbox(t, st)

	// The latest sent first.
	var order []string
	for _, i := range Invitations(accountNamed(t, d, "Dev Co")) {
		order = append(order, i.Email)
	}
	if strings.Join(order, " ") != "friend@dev.test new@dev.test" {
		t.Errorf("order %v", order)
	}

	// An accepted invitation is not sent again, and may be deleted.
	rec := d.Catalog().Invitation(inv.ID).InvitationRecord
	accepted := clk.Now()
	rec.AcceptedAt = &accepted
	if err := st.Change(ctx, func(tx *store.Tx) error { return tx.SaveInvitation(&rec) }); err != nil {
		t.Fatal(err)
	}
	ref := InvitationRef{Account: dev.ID, ID: inv.ID}
	if got, err := d.ResendInvitation(ctx, admin, ref); err != nil || !got.SentAt.Equal(*again.SentAt) {
		t.Errorf("resend accepted: %v %v", err, got)
	}
	if es := outbox(t, st); len(es) != 0 {
		t.Errorf("an accepted invitation was sent again: %v", subjectsTo(es))
	}
	if _, err := d.DeleteInvitation(ctx, byJane, ref); !errors.Is(err, ErrForbidden) {
		t.Errorf("jane deletes: %v", err)
	}
	if _, err := d.DeleteInvitation(ctx, admin, ref); err != nil {
		t.Fatal(err)
	}
	if d.Catalog().InvitationByToken(inv.Token) != nil || d.Catalog().Invitation(inv.ID) != nil {
		t.Errorf("the deleted invitation is still there")
	}
	if _, err := d.DeleteInvitation(ctx, admin, ref); !errors.Is(err, ErrNotFound) {
		t.Errorf("delete again: %v", err)
	}
}
