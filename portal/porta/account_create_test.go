package porta

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// An account the provider creates: approved, its admin active and
// created by the provider, "ORG's App" on the default plan, no email to
// the developer (but for the generated key's message), porta's events
// in order; its validations as a signup's.
func TestCreateAccount(t *testing.T) {
	d, st := mailDomain(t)
	ctx := context.Background()
	prov := d.Catalog().Providers[0]
	on := true
	if _, err := d.UpdateWebhooks(ctx, ByAdmin(prov), WebhooksInput{URL: refTo("http://127.0.0.1:1/h"), Active: &on,
		ProviderActions: &on, Events: map[string]bool{"account_created": true, "account_updated": true,
			"user_created": true, "user_updated": true, "application_created": true}}); err != nil {
		t.Fatal(err)
	}
	outbox(t, st)
	admin := ByAdmin(d.Catalog().Providers[0])

	_, err := d.CreateAccount(ctx, admin, NewAccount{Account: AccountInput{OrgName: refTo(" ")},
		User: UserInput{Username: refTo("x"), Email: refTo("john@dev.test")}})
	var v *ValidationError
	if !errors.As(err, &v) || v.Error() != "Organization/Group Name can't be blank; Users invalid; "+
		"Username is too short (minimum is 3 characters); Username use only letters, numbers, and .-_@+ please.; "+
		"Email has already been taken" {
		t.Fatalf("invalid account: %v", err)
	}

	acc, err := d.CreateAccount(ctx, admin, NewAccount{Account: AccountInput{OrgName: refTo("New Org")},
		User: UserInput{Username: refTo("newbie"), Email: refTo("newbie@new.test")}})
	if err != nil {
		t.Fatal(err)
	}
	u := acc.Users[0]
	if acc.State != "approved" || u.State != "active" || u.Role != RoleAdmin || u.SignupType != store.SignupByProvider ||
		u.PasswordHash != "" || d.Catalog().Plan(acc.PlanID) == nil || !d.Catalog().Plan(acc.PlanID).Default {
		t.Errorf("account %+v, user %+v", acc.AccountRecord, u.UserRecord)
	}
	if len(acc.Applications) != 1 || acc.Applications[0].Name != "New Org's App" ||
		acc.Applications[0].Description != "Default application created on signup." ||
		d.Catalog().Plan(acc.Applications[0].PlanID).SystemName != "basic" || len(acc.Contracts) != 1 {
		t.Errorf("applications %+v", acc.Applications)
	}
	// The application's generated key is told as any key made outside the
	// API is; no signup or approval email.
	wantMails(t, outbox(t, st), "newbie@new.test: Application key has been created",
		"admin@acme.test: New Org's App created on Echo API")
	evs, err := st.Outbox(ctx, prov.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range evs {
		got = append(got, e.Type+" "+e.Action)
	}
	if strings.Join(got, ", ") != "account created, user created, application created, account updated, user updated" {
		t.Errorf("events %v", got)
	}
	if _, err := d.CreateAccount(ctx, ByDeveloper(prov, u), NewAccount{}); !errors.Is(err, ErrForbidden) {
		t.Errorf("a developer creates an account: %v", err)
	}
}

// suspend applies from any state, resume only from suspended; resuming an
// account on a plan that requires approval tells its admin, as approving
// does.
func TestSuspendResumeAccount(t *testing.T) {
	d, st := mailDomain(t)
	ctx := context.Background()
	admin := ByAdmin(d.Catalog().Providers[0])
	outbox(t, st)
	pending := accountNamed(t, d, "Pending Ltd")
	if _, err := d.ResumeAccount(ctx, admin, pending.ID); err == nil || err.Error() != `State cannot transition via "resume"` {
		t.Errorf("resume a pending account: %v", err)
	}
	acc, err := d.SuspendAccount(ctx, admin, pending.ID)
	if err != nil || acc.State != "suspended" {
		t.Fatalf("suspend: %v %v", err, acc)
	}
	if acc, err = d.SuspendAccount(ctx, admin, pending.ID); err != nil || acc.State != "suspended" {
		t.Errorf("suspend again: %v", err)
	}
	if _, err := d.SignInDeveloper(ctx, Credentials{Username: "pat", Password: "pat"}); !errors.Is(err, ErrInactive) &&
		!errors.Is(err, ErrBadCredentials) {
		t.Errorf("a suspended account's user signs in: %v", err)
	}
	wantMails(t, outbox(t, st))
	if acc, err = d.ResumeAccount(ctx, admin, pending.ID); err != nil || acc.State != "approved" {
		t.Fatalf("resume: %v %v", err, acc)
	}
	wantMails(t, outbox(t, st), "pat@pending.test: Registration now active!")
}

func refTo[T any](v T) *T { return &v }
