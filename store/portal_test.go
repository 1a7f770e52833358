package store

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
)

// The rows beside the catalog that the portals keep: sessions on the
// sandbox clock, user tokens with their expiry, messages by mailbox, the
// email outbox, invitations in the catalog and the cookie secret, which
// survives a restart on the same file.

func change(t *testing.T, st *Store, fn func(tx *Tx) error) {
	t.Helper()
	if err := st.Change(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func TestSessions(t *testing.T) {
	clk := clock.NewFake(now)
	st, err := Open(context.Background(), "", clk, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seed(t, st)
	prov := st.Catalog().Providers[0]
	john := prov.Accounts[0].Users[0]
	before := st.Catalog()
	change(t, st, func(tx *Tx) error {
		return tx.CreateSession(&Session{Key: "k1", ProviderID: prov.ID, UserID: john.ID, Portal: PortalDeveloper})
	})
	if st.Catalog() != before {
		t.Error("creating a session rebuilt the catalog")
	}
	touch := func(key, portal string) *Session {
		var s *Session
		change(t, st, func(tx *Tx) error {
			var err error
			s, err = tx.TouchSession(key, portal, 14*24*time.Hour)
			return err
		})
		return s
	}
	if s := touch("k1", PortalDeveloper); s == nil || s.UserID != john.ID || !s.CreatedAt.Equal(now) {
		t.Fatalf("touch = %+v", s)
	}
	if s := touch("k1", PortalAdmin); s != nil {
		t.Error("a developer session opened the admin portal")
	}
	if s := touch("nope", PortalDeveloper); s != nil {
		t.Error("an unknown key is a session")
	}
	// Used 13 days later, it lives two weeks from then.
	clk.Advance(13 * 24 * time.Hour)
	if s := touch("k1", PortalDeveloper); s == nil || !s.AccessedAt.Equal(clk.Now()) {
		t.Fatalf("after 13 days: %+v", s)
	}
	clk.Advance(14*24*time.Hour - time.Second)
	if touch("k1", PortalDeveloper) == nil {
		t.Error("expired a second early")
	}
	clk.Advance(14 * 24 * time.Hour)
	if touch("k1", PortalDeveloper) != nil {
		t.Error("alive after two weeks unused")
	}
	change(t, st, func(tx *Tx) error {
		if err := tx.CreateSession(&Session{Key: "k2", ProviderID: prov.ID, UserID: john.ID, Portal: PortalDeveloper}); err != nil {
			return err
		}
		return tx.CreateSession(&Session{Key: "admin", ProviderID: prov.ID, Portal: PortalAdmin})
	})
	change(t, st, func(tx *Tx) error { return tx.RevokeSession("admin") })
	if touch("admin", PortalAdmin) != nil {
		t.Error("a revoked session is valid")
	}
	change(t, st, func(tx *Tx) error { return tx.DeleteUserSessions(john.ID) })
	if touch("k2", PortalDeveloper) != nil {
		t.Error("the user's sessions outlived DeleteUserSessions")
	}
}

func TestUserTokens(t *testing.T) {
	clk := clock.NewFake(now)
	st, err := Open(context.Background(), "", clk, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seed(t, st)
	john := st.Catalog().Providers[0].Accounts[0].Users[0]
	exp := now.Add(24 * time.Hour)
	change(t, st, func(tx *Tx) error {
		if err := tx.AddUserToken(&UserToken{Token: "reset", UserID: john.ID, Kind: TokenPasswordReset, ExpiresAt: &exp}); err != nil {
			return err
		}
		return tx.AddUserToken(&UserToken{Token: "code", UserID: john.ID, Kind: TokenActivation})
	})
	find := func(kind, token string) (tok *UserToken) {
		change(t, st, func(tx *Tx) error {
			var err error
			tok, err = tx.UserToken(kind, token)
			return err
		})
		return tok
	}
	if tok := find(TokenPasswordReset, "reset"); tok == nil || tok.UserID != john.ID {
		t.Errorf("reset token = %+v", tok)
	}
	if find(TokenActivation, "reset") != nil {
		t.Error("a reset token activates")
	}
	clk.Advance(24 * time.Hour)
	if find(TokenPasswordReset, "reset") != nil {
		t.Error("a reset token is valid after 24 hours")
	}
	if find(TokenActivation, "code") == nil {
		t.Error("the activation code expired")
	}
	change(t, st, func(tx *Tx) error { return tx.DeleteUserTokens(john.ID, TokenActivation) })
	if find(TokenActivation, "code") != nil {
		t.Error("a deleted code activates")
	}
}

func TestMailboxes(t *testing.T) {
	ctx := context.Background()
	st := open(t, "")
	defer st.Close()
	seed(t, st)
	prov := st.Catalog().Providers[0]
	dev, other := prov.Accounts[0], prov.Accounts[1]
	var toDev, toAll, fromDev []Recipient
	change(t, st, func(tx *Tx) error {
		var err error
		if toDev, err = tx.AddMessage(&Message{ProviderID: prov.ID, AccountID: dev.ID, FromProvider: true, Subject: "hi", State: "sent"}); err != nil {
			return err
		}
		if toAll, err = tx.AddMessage(&Message{ProviderID: prov.ID, FromProvider: true, Subject: "all", State: "sent"}); err != nil {
			return err
		}
		fromDev, err = tx.AddMessage(&Message{ProviderID: prov.ID, AccountID: dev.ID, Subject: "question", State: "sent"})
		return err
	})
	if len(toDev) != 1 || toDev[0].AccountID != dev.ID || len(toAll) != len(prov.Accounts) || len(fromDev) != 1 || fromDev[0].AccountID != 0 {
		t.Fatalf("recipients: %v %v %v", toDev, toAll, fromDev)
	}
	devBox, otherBox, provBox := Mailbox{prov.ID, dev.ID}, Mailbox{prov.ID, other.ID}, Mailbox{prov.ID, 0}
	subjects := func(rs []Received) (out []string) {
		for _, r := range rs {
			out = append(out, r.Subject)
		}
		return out
	}
	inbox, err := st.ReceivedMessages(ctx, devBox, false)
	if err != nil || len(inbox) != 2 || inbox[0].Subject != "all" || inbox[1].Subject != "hi" || inbox[0].Read {
		t.Fatalf("developer inbox = %v, %v", subjects(inbox), err)
	}
	if n, _ := st.UnreadMessages(ctx, devBox); n != 2 {
		t.Errorf("unread = %d", n)
	}
	if got, _ := st.ReceivedMessages(ctx, otherBox, false); len(got) != 1 || got[0].Subject != "all" {
		t.Errorf("other inbox = %v", subjects(got))
	}
	if got, _ := st.ReceivedMessages(ctx, provBox, false); len(got) != 1 || got[0].Subject != "question" || got[0].AccountID != dev.ID {
		t.Errorf("provider inbox = %v", subjects(got))
	}
	// Another account cannot read, hide or mark the developer's message.
	change(t, st, func(tx *Tx) error {
		if ok, err := tx.SetMessageRead(otherBox, toDev[0].ID, true); ok || err != nil {
			t.Errorf("another mailbox marked it: %v %v", ok, err)
		}
		if ok, err := tx.SetMessageRead(devBox, toDev[0].ID, true); !ok || err != nil {
			t.Errorf("mark read: %v %v", ok, err)
		}
		_, err := tx.HideReceivedMessage(devBox, toDev[0].ID, true)
		return err
	})
	if got, _ := st.ReceivedMessage(ctx, otherBox, toDev[0].ID); got != nil {
		t.Error("another mailbox reads the message")
	}
	if got, _ := st.ReceivedMessage(ctx, devBox, toDev[0].ID); got == nil || !got.Read || got.HiddenAt == nil {
		t.Errorf("message = %+v", got)
	}
	if trash, _ := st.ReceivedMessages(ctx, devBox, true); len(trash) != 1 || trash[0].Subject != "hi" {
		t.Errorf("trash = %v", subjects(trash))
	}
	if n, _ := st.UnreadMessages(ctx, devBox); n != 1 {
		t.Errorf("unread after reading and hiding one = %d", n)
	}
	if sent, _ := st.SentMessages(ctx, devBox, false); len(sent) != 1 || sent[0].Subject != "question" {
		t.Errorf("developer sent = %v", sent)
	}
	if sent, _ := st.SentMessages(ctx, provBox, false); len(sent) != 2 {
		t.Errorf("provider sent = %v", sent)
	}
	change(t, st, func(tx *Tx) error {
		if ok, err := tx.HideSentMessage(otherBox, fromDev[0].ID, true); ok || err != nil {
			t.Errorf("another mailbox hid a sent message: %v %v", ok, err)
		}
		return nil
	})
}

func TestEmailOutbox(t *testing.T) {
	ctx := context.Background()
	st := open(t, "")
	defer st.Close()
	seed(t, st)
	before := st.Catalog()
	change(t, st, func(tx *Tx) error {
		for _, e := range []*Email{
			{ProviderID: 1, To: "john@developer.example.com", From: "no-reply@x", Subject: "Registration now active!", Kind: "account_approved"},
			{ProviderID: 1, To: "pat@pending.example.com", From: "no-reply@x", Subject: "Invitation to join X", Body: "b",
				Links: []string{"http://127.0.0.1:3002/signup/abc"}, Kind: "invitation"},
		} {
			if err := tx.QueueEmail(e); err != nil {
				return err
			}
		}
		return nil
	})
	if st.Catalog() != before {
		t.Error("an email rebuilt the catalog")
	}
	all, err := st.Emails(ctx, EmailFilter{})
	if err != nil || len(all) != 2 || all[0].Subject != "Registration now active!" || len(all[0].Links) != 0 ||
		all[1].Links[0] != "http://127.0.0.1:3002/signup/abc" || !all[1].CreatedAt.Equal(now) {
		t.Fatalf("emails = %+v, %v", all, err)
	}
	if got, _ := st.Emails(ctx, EmailFilter{To: "JOHN@developer.example.com"}); len(got) != 1 {
		t.Errorf("to filter = %d", len(got))
	}
	if got, _ := st.Emails(ctx, EmailFilter{Subject: "invitation"}); len(got) != 1 || got[0].Kind != "invitation" {
		t.Errorf("subject filter = %+v", got)
	}
	if err := st.ClearEmails(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if got, _ := st.Emails(ctx, EmailFilter{}); len(got) != 0 {
		t.Errorf("after clear: %d", len(got))
	}
}

func TestInvitationsAndSecret(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	st := open(t, path)
	seed(t, st)
	acc := st.Catalog().Providers[0].Accounts[0]
	change(t, st, func(tx *Tx) error {
		return tx.SaveInvitation(&InvitationRecord{AccountID: acc.ID, Email: "new@developer.example.com", Token: "0123456789abcdef0123456789abcdef"})
	})
	cat := st.Catalog()
	inv := cat.InvitationByToken("0123456789abcdef0123456789abcdef")
	if inv == nil || inv.AccountID != acc.ID || inv.SentAt != nil || len(cat.Account(acc.ID).Invitations) != 1 {
		t.Fatalf("invitation = %+v", inv)
	}
	secret, err := st.Secret(ctx, "cookies", 32)
	if err != nil || len(secret) != 32 {
		t.Fatalf("secret = %x, %v", secret, err)
	}
	st.Close()
	st = open(t, path)
	defer st.Close()
	again, err := st.Secret(ctx, "cookies", 32)
	if err != nil || string(again) != string(secret) {
		t.Errorf("the secret changed across a restart: %x, %v", again, err)
	}
	if st.Catalog().Invitation(inv.ID) == nil {
		t.Error("the invitation was lost across a restart")
	}
	if err := st.Reset(ctx); err != nil {
		t.Fatal(err)
	}
}
