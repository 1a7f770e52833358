package porta

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The emails of portal-spec.md §7 that the existing operations cause,
// each queued in the operation's transaction, and the system messages
// that land in the developer's inbox with them.

const mailWorld = `version: 1
providers:
  - name: Acme
    provider_key: acme-key
    admin: {username: admin, email: admin@acme.test, password: admin}
    fields: {user: [first_name]}
    account_plans:
      - {name: Default, system_name: default, default: true, approval_required: true}
    services:
      - id: "100"
        name: Echo API
        application_plans:
          - {name: Basic, system_name: basic, default: true}
          - {name: Pro, system_name: pro}
          - {name: Partner, system_name: partner, approval_required: true}
    accounts:
      - org_name: Dev Co
        users:
          - {username: john, email: john@dev.test, role: admin, fields: {first_name: John}}
          - {username: jane, email: jane@dev.test, role: member}
        applications:
          - {name: Mine, app_id: mine-app, app_keys: [mine-key-1]}
          - {name: Waiting, app_id: wait-app, plan: partner}
      - org_name: Pending Ltd
        state: pending
        users: [{username: pat, email: pat@pending.test}]
      - org_name: Fresh
        state: created
        users: [{username: fred, email: fred@fresh.test, state: pending}]
`

var links = Links{Developer: "http://127.0.0.1:3002", Admin: "http://127.0.0.1:3001"}

func mailDomain(t *testing.T) (*Domain, *store.Store) {
	t.Helper()
	d, st, _ := mailDomainClock(t)
	return d, st
}

// mailDomainClock is mailDomain with the clock it runs on.
func mailDomainClock(t *testing.T) (*Domain, *store.Store, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	rnd := rand.NewChaCha8([32]byte{'m', 'a', 'i', 'l'})
	w, err := fixtures.Parse("world.yaml", []byte(mailWorld), rnd)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenSeeded(context.Background(), "", w, clk, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return New(st, rnd, WithLinks(links)), st, clk
}

func accountNamed(t *testing.T, d *Domain, name string) *store.Account {
	t.Helper()
	for _, acc := range d.Catalog().Providers[0].Accounts {
		if acc.OrgName == name {
			return acc
		}
	}
	t.Fatalf("no account %q", name)
	return nil
}

// outbox returns the emails queued since the last call.
func outbox(t *testing.T, st *store.Store) []store.Email {
	t.Helper()
	ctx := context.Background()
	es, err := st.Emails(ctx, store.EmailFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.ClearEmails(ctx, 0); err != nil {
		t.Fatal(err)
	}
	return es
}

func subjectsTo(es []store.Email) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.To+": "+e.Subject)
	}
	return out
}

func wantMails(t *testing.T, got []store.Email, want ...string) {
	t.Helper()
	if g := strings.Join(subjectsTo(got), "\n"); g != strings.Join(want, "\n") {
		t.Errorf("emails:\n%s\nwant:\n%s", g, strings.Join(want, "\n"))
	}
}

func TestAccountStateEmails(t *testing.T) {
	d, st := mailDomain(t)
	ctx := context.Background()
	admin := ByAdmin(d.Catalog().Providers[0])
	pending := accountNamed(t, d, "Pending Ltd")
	if _, err := d.ApproveAccount(ctx, admin, pending.ID); err != nil {
		t.Fatal(err)
	}
	es := outbox(t, st)
	wantMails(t, es, "pat@pending.test: Registration now active!")
	if len(es) == 1 {
		e := es[0]
		want := "Dear pat,\n\nAcme has approved your signup for the Acme API.\n\n" +
			"You may now view and manage your app/API key at http://127.0.0.1:3002/admin/\n\n" +
			"If you have problems logging into the account please contact admin@acme.test.\n\n" +
			"Sincerely,\nThe Acme API Team\n"
		if e.Body != want || e.From != "no-reply@acme.test" || e.Kind != MailAccountApproved || e.AccountID != pending.ID ||
			len(e.Links) != 1 || e.Links[0] != "http://127.0.0.1:3002/admin/" {
			t.Errorf("approved email = %+v\nbody %q", e, e.Body)
		}
	}
	if _, err := d.RejectAccount(ctx, admin, pending.ID); err != nil {
		t.Fatal(err)
	}
	wantMails(t, outbox(t, st), "pat@pending.test: Registration Denied")
	if _, err := d.MakePendingAccount(ctx, admin, pending.ID); err != nil {
		t.Fatal(err)
	}
	es = outbox(t, st)
	wantMails(t, es, "pat@pending.test: Waiting list confirmation")
	if len(es) == 1 && !strings.Contains(es[0].Body, "You will receive another email once we have approved your account.") {
		t.Errorf("waiting list body %q", es[0].Body)
	}
	// A refused transition queues nothing.
	if _, err := d.MakePendingAccount(ctx, admin, pending.ID); err == nil {
		t.Error("make_pending of a pending account passed")
	}
	wantMails(t, outbox(t, st))

	// Activating the admin of a created account that needs approval puts
	// it on the waiting list.
	fresh := accountNamed(t, d, "Fresh")
	if _, err := d.ActivateUser(ctx, admin, UserRef{ID: fresh.Users[0].ID}); err != nil {
		t.Fatal(err)
	}
	wantMails(t, outbox(t, st), "fred@fresh.test: Waiting list confirmation")
}

// An account whose admin the provider created is approved without the
// email.
func TestNoApprovalEmailForProviderCreatedAdmins(t *testing.T) {
	d, st := mailDomain(t)
	ctx := context.Background()
	pending := accountNamed(t, d, "Pending Ltd")
	if err := st.Change(ctx, func(tx *store.Tx) error {
		rec := pending.Users[0].UserRecord
		rec.SignupType = store.SignupByProvider
		return tx.SaveUser(&rec)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.ApproveAccount(ctx, ByProviderKey(d.Catalog().Providers[0]), pending.ID); err != nil {
		t.Fatal(err)
	}
	wantMails(t, outbox(t, st))
}

func TestApplicationMessages(t *testing.T) {
	d, st := mailDomain(t)
	ctx := context.Background()
	prov := d.Catalog().Providers[0]
	admin := ByAdmin(prov)
	dev := accountNamed(t, d, "Dev Co")
	mine, waiting := dev.Applications[0], dev.Applications[1]
	var pro *store.Plan
	for _, p := range d.Catalog().Service(mine.ServiceID).Plans {
		if p.SystemName == "pro" {
			pro = p
		}
	}
	steps := []struct {
		name string
		run  func() error
		want []string
	}{
		{"suspend", func() error { _, err := d.SuspendApplication(ctx, admin, AppRef{ID: mine.ID}); return err },
			[]string{"john@dev.test: API System: Application has been suspended"}},
		{"resume", func() error { _, err := d.ResumeApplication(ctx, admin, AppRef{ID: mine.ID}); return err }, nil},
		{"accept", func() error { _, err := d.AcceptApplication(ctx, admin, AppRef{ID: waiting.ID}); return err },
			[]string{"john@dev.test: API System: Application has been accepted"}},
		{"change plan", func() error {
			_, err := d.ChangeApplicationPlan(ctx, admin, AppRef{ID: mine.ID}, pro.ID)
			return err
		}, []string{"john@dev.test: Application plan changed to 'Pro'"}},
		{"customize", func() error { _, err := d.CustomizePlan(ctx, admin, AppRef{ID: mine.ID}); return err }, nil},
		{"key created", func() error {
			v := "second-key"
			_, err := d.CreateKey(ctx, admin, AppRef{ID: mine.ID}, &v)
			return err
		}, []string{"john@dev.test: Application key has been created"}},
		{"key deleted", func() error { _, err := d.DeleteKey(ctx, admin, AppRef{ID: mine.ID}, "second-key"); return err },
			[]string{"john@dev.test: Application key has been deleted"}},
		// The API silences key notifications.
		{"key by the API", func() error {
			v := "api-key-1"
			_, err := d.CreateKey(ctx, ByProviderUser(prov), AppRef{ID: mine.ID}, &v)
			return err
		}, nil},
		{"create", func() error {
			name := "New"
			_, err := d.CreateApplication(ctx, ByProviderUser(prov), dev.ID, pro.ID, NewApplication{ApplicationInput: ApplicationInput{Name: &name}})
			return err
		}, []string{"admin@acme.test: New created on Echo API"}},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		t.Run(s.name, func(t *testing.T) { wantMails(t, outbox(t, st), s.want...) })
	}
	// The system messages are in the developer's inbox, newest first.
	inbox, err := d.Inbox(ctx, ByDeveloper(prov, dev.Users[0]), false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range inbox {
		got = append(got, m.Subject)
	}
	want := "Application key has been deleted|Application key has been created|Application plan changed to 'Pro'|" +
		"API System: Application has been accepted|API System: Application has been suspended"
	if strings.Join(got, "|") != want {
		t.Errorf("inbox = %q\nwant %q", strings.Join(got, "|"), want)
	}
	if len(inbox) > 0 && (inbox[0].Origin != store.OriginSystem || !strings.Contains(inbox[len(inbox)-1].Body,
		"Acme has suspended your application for the API.")) {
		t.Errorf("system message = %+v", inbox[len(inbox)-1])
	}
}

func TestRejectApplication(t *testing.T) {
	d, st := mailDomain(t)
	ctx := context.Background()
	admin := ByAdmin(d.Catalog().Providers[0])
	dev := accountNamed(t, d, "Dev Co")
	if _, err := d.RejectApplication(ctx, admin, AppRef{ID: dev.Applications[0].ID}, "no"); err == nil {
		t.Error("rejected a live application")
	}
	if _, err := d.RejectApplication(ctx, admin, AppRef{ID: dev.Applications[1].ID}, "Not a partner."); err != nil {
		t.Fatal(err)
	}
	if d.Catalog().Application(dev.Applications[1].ID) != nil {
		t.Error("the rejected application is still there")
	}
	es := outbox(t, st)
	wantMails(t, es, "john@dev.test: API System: Application has been rejected")
	if len(es) == 1 && !strings.Contains(es[0].Body, "** Additional Information from Provider **\nNot a partner.\n") {
		t.Errorf("body %q", es[0].Body)
	}
}

func TestMessageEmails(t *testing.T) {
	d, st := mailDomain(t)
	ctx := context.Background()
	prov := d.Catalog().Providers[0]
	dev := accountNamed(t, d, "Dev Co")
	m, err := d.SendMessage(ctx, ByAdmin(prov), dev.ID, MessageInput{Subject: "Hello", Body: "Welcome aboard."})
	if err != nil {
		t.Fatal(err)
	}
	es := outbox(t, st)
	wantMails(t, es, "john@dev.test: [msg] Hello")
	john := ByDeveloper(prov, dev.Users[0])
	inbox, _ := d.Inbox(ctx, john, false)
	if len(inbox) != 1 || inbox[0].ID != m.ID || len(es) != 1 {
		t.Fatalf("inbox %+v", inbox)
	}
	want := "Acme has sent you a new message:\n\n--------------\n\nWelcome aboard.\n\n--------------\n\n" +
		"You can reply to the message here http://127.0.0.1:3002/admin/messages/received/" + id(inbox[0].RecipientID) +
		"\n\nThe API Team.\n"
	if es[0].Body != want {
		t.Errorf("body %q\nwant %q", es[0].Body, want)
	}
	if n, _ := d.UnreadMessages(ctx, john); n != 1 {
		t.Errorf("unread = %d", n)
	}
	if _, err := d.ReadMessage(ctx, john, inbox[0].RecipientID); err != nil {
		t.Fatal(err)
	}
	if n, _ := d.UnreadMessages(ctx, john); n != 0 {
		t.Errorf("unread after reading = %d", n)
	}
	// A developer writes to the provider: the provider's admin is told.
	if _, err := d.SendMessage(ctx, john, dev.ID, MessageInput{Subject: "Question", Body: "How?"}); err != nil {
		t.Fatal(err)
	}
	es = outbox(t, st)
	wantMails(t, es, "admin@acme.test: New message from Dev Co")
	provInbox, _ := d.Inbox(ctx, ByAdmin(prov), false)
	if len(provInbox) != 1 || len(es) != 1 || es[0].Links[0] != "http://127.0.0.1:3001/p/admin/messages/inbox/"+id(provInbox[0].RecipientID) {
		t.Errorf("provider inbox %+v, email %+v", provInbox, es)
	}
	// Another developer cannot open john's message.
	if _, err := d.ReceivedMessage(ctx, ByDeveloper(prov, accountNamed(t, d, "Pending Ltd").Users[0]), inbox[0].RecipientID); err == nil {
		t.Error("another account read john's message")
	}
}

// The developer portal's emails, composed for the operations still to
// come: porta's texts, links into this sandbox's portals.
func TestDeveloperPortalEmailTexts(t *testing.T) {
	d, _ := mailDomain(t)
	cat := d.Catalog()
	prov := cat.Providers[0]
	dev := accountNamed(t, d, "Dev Co")
	john := dev.Users[0]
	m := signupConfirmationMail(links, prov, john, "abc123")
	want := "Dear John,\n\nThank you for signing up for access to the Acme API, your account has been created.\n\n" +
		"  Your username is: john\n\n  To activate your account, please visit:\n\n  http://127.0.0.1:3002/activate/abc123\n\n" +
		"If you have problems activating your account, please contact support at admin@acme.test.\n\nThe API Teams at Acme"
	if m.subject != "Acme API account confirmation" || strings.Join(m.body, "\n\n") != want ||
		m.links[0] != "http://127.0.0.1:3002/activate/abc123" {
		t.Errorf("signup confirmation %q: %q", m.subject, strings.Join(m.body, "\n\n"))
	}
	inv := invitationMail(links, d.Catalog().LinkAccount(dev), "new@dev.test", "0123456789abcdef0123456789abcdef")
	if inv.subject != "Invitation to join Dev Co" || inv.to[0] != "new@dev.test" ||
		inv.links[0] != "http://127.0.0.1:3002/signup/0123456789abcdef0123456789abcdef" ||
		!strings.Contains(strings.Join(inv.body, "\n"), "You have been invited to join Dev Co.") {
		t.Errorf("invitation %+v", inv)
	}
	lost := lostPasswordMail(links, prov, john, "tok")
	if lost.subject != "Acme Lost password recovery. (Valid for 24 hours)" ||
		lost.links[0] != "http://127.0.0.1:3002/admin/account/password?password_reset_token=tok" {
		t.Errorf("lost password %+v", lost)
	}
	signup := providerSignupMail(d.Catalog(), links, dev, john)
	if signup.subject != "John from Dev Co signed up" || signup.to[0] != "admin@acme.test" ||
		signup.links[0] != "http://127.0.0.1:3001/buyers/accounts/"+id(dev.ID) ||
		!strings.Contains(strings.Join(signup.body, "\n"), "John from Dev Co has signed-up for: Echo API.") ||
		!strings.Contains(strings.Join(signup.body, "\n"), "The user requires your approval before keys can be used.") {
		t.Errorf("provider signup %q %q", signup.subject, strings.Join(signup.body, "\n"))
	}
	app := d.Catalog().LinkApplication(dev.Applications[0])
	req := providerPlanRequestMail(links, app, john, app.Service.Plans[1])
	if req.subject != "Action required: john from Dev Co requested an app plan change" ||
		!strings.Contains(strings.Join(req.body, "\n"), "Application: Mine\nService: Echo API\nCurrent plan: Basic\nRequested plan: Pro") {
		t.Errorf("plan change request %q %q", req.subject, strings.Join(req.body, "\n"))
	}
	if sm := planChangeRequestMessage(app, app.Service.Plans[1]); sm.subject != "Plan change request has been received" ||
		!strings.Contains(sm.body, "Acme has received your request to have your plan changed to Pro for application Mine.") {
		t.Errorf("plan change request message %+v", sm)
	}
	if got := toSentence([]string{"a", "b", "c"}); got != "a, b, and c" {
		t.Errorf("toSentence = %q", got)
	}
}
