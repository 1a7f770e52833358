package porta

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// A message to every account, a reply each way, the sent messages and
// the trash, restored from either side.
func TestConversations(t *testing.T) {
	d, st := mailDomain(t)
	ctx := context.Background()
	prov := d.Catalog().Providers[0]
	admin := ByAdmin(prov)
	dev := accountNamed(t, d, "Dev Co")
	john := ByDeveloper(prov, dev.Users[0])
	outbox(t, st)

	if _, err := d.SendMassMessage(ctx, admin, MessageInput{Body: "no subject"}); err == nil {
		t.Error("a mass message without a subject was sent")
	}
	mass, err := d.SendMassMessage(ctx, admin, MessageInput{Subject: "Maintenance", Body: "Tonight."})
	if err != nil {
		t.Fatal(err)
	}
	wantMails(t, outbox(t, st), "john@dev.test: [msg] Maintenance", "pat@pending.test: [msg] Maintenance",
		"fred@fresh.test: [msg] Maintenance")
	if _, err := d.SendMassMessage(ctx, john, MessageInput{Subject: "x"}); !errors.Is(err, ErrForbidden) {
		t.Errorf("a developer's mass message: %v", err)
	}

	// John replies; the provider replies to the reply.
	inbox, err := d.Inbox(ctx, john, false)
	if err != nil || len(inbox) != 1 {
		t.Fatalf("john's inbox: %v %v", err, inbox)
	}
	draft := ReplyDraft(inbox[0].Message)
	if draft.Subject != "Re: Maintenance" || draft.Body != "> Tonight." {
		t.Errorf("draft %+v", draft)
	}
	if got := ReplyDraft(store.Message{Body: "a\nb"}).Body; got != "> a\n> b" {
		t.Errorf("quoting lines: %q", got)
	}
	if _, err := d.ReplyMessage(ctx, john, inbox[0].RecipientID, MessageInput{Subject: draft.Subject, Body: "ok"}); err != nil {
		t.Fatal(err)
	}
	wantMails(t, outbox(t, st), "admin@acme.test: New message from Dev Co")
	received, err := d.Inbox(ctx, admin, false)
	if err != nil || len(received) != 1 || received[0].Subject != "Re: Maintenance" {
		t.Fatalf("the provider's inbox: %v %v", err, received)
	}
	if _, err := d.ReplyMessage(ctx, admin, received[0].RecipientID, MessageInput{Subject: "Re: Re: Maintenance", Body: "thanks"}); err != nil {
		t.Fatal(err)
	}
	wantMails(t, outbox(t, st), "john@dev.test: [msg] Re: Re: Maintenance")
	if _, err := d.ReplyMessage(ctx, admin, 999, MessageInput{Subject: "x"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("reply to an unknown message: %v", err)
	}

	// The provider trashes what it sent and what it received; both come
	// back.
	sent, err := d.SentMessages(ctx, admin, false)
	if err != nil || len(sent) != 2 {
		t.Fatalf("sent: %v %v", err, sent)
	}
	if m, err := d.SentMessage(ctx, admin, mass.ID); err != nil || m.Subject != "Maintenance" {
		t.Errorf("sent message: %v %v", err, m)
	}
	if _, err := d.SentMessage(ctx, john, mass.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("john reads the provider's sent message: %v", err)
	}
	if err := d.HideSentMessage(ctx, admin, mass.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := d.HideMessage(ctx, admin, received[0].RecipientID, true); err != nil {
		t.Fatal(err)
	}
	trash, err := d.Trash(ctx, admin)
	if err != nil || len(trash) != 2 || trash[0].Received == nil || trash[1].Received != nil ||
		trash[1].ID != mass.ID {
		t.Fatalf("trash: %v %+v", err, trash)
	}
	for _, m := range trash {
		if err := d.RestoreMessage(ctx, admin, m.ID); err != nil {
			t.Fatal(err)
		}
	}
	if trash, _ := d.Trash(ctx, admin); len(trash) != 0 {
		t.Errorf("restored, the trash holds %+v", trash)
	}
	if err := d.RestoreMessage(ctx, admin, mass.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("restore what is not in the trash: %v", err)
	}
	if sent, _ := d.SentMessages(ctx, admin, false); len(sent) != 2 || !strings.HasPrefix(sent[1].Subject, "Maint") {
		t.Errorf("sent after restoring: %+v", sent)
	}
}
