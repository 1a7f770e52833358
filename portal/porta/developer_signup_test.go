package porta

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The developer portal's own operations: the signup, its activation, the
// lost password and accepting an invitation.

const signupWorld = `version: 1
providers:
  - name: Acme
    provider_key: acme-key
    admin: {username: admin, email: admin@acme.test, password: admin}
    developer_portal: {signup_enabled: true, account_approval_required: true}
    fields: {user: [first_name]}
    webhooks:
      url: "http://127.0.0.1:1/hooks"
      active: true
      events: [account_created, account_updated, user_created, user_updated, application_created, application_key_created]
    services:
      - id: "100"
        name: Echo API
        application_plans:
          - {name: Basic, system_name: basic, default: true}
          - {name: Pro, system_name: pro}
      - id: "200"
        name: Keys API
        backend_version: "1"
        application_plans:
          - {name: Starter, system_name: starter, default: true}
    accounts:
      - org_name: Dev Co
        users:
          - {username: john, email: john@dev.test, password: john, role: admin}
`

func signupDomain(t *testing.T, world string) (*Domain, *store.Store, *clock.Fake) {
	t.Helper()
	clk := clock.NewFake(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	rnd := rand.NewChaCha8([32]byte{'s', 'i', 'g', 'n'})
	w, err := fixtures.Parse("world.yaml", []byte(world), rnd)
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

// events returns the webhook events queued since the last call, as
// "type action".
func events(t *testing.T, st *store.Store, seen *int) []string {
	t.Helper()
	evs, err := st.Outbox(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs[*seen:] {
		out = append(out, e.Type+" "+e.Action)
	}
	*seen = len(evs)
	return out
}

func ptr[T any](v T) *T { return &v }

func visitor(d *Domain) Actor { return ByDeveloper(d.Catalog().Providers[0], nil) }

func signUp(t *testing.T, d *Domain, username string) *store.User {
	t.Helper()
	u, err := d.DeveloperSignup(context.Background(), visitor(d), PortalSignupInput{
		Account: AccountInput{OrgName: ptr("Zeta Labs")},
		User: UserInput{Username: ptr(username), Email: ptr(username + "@zeta.test"),
			Password: ptr("a-long-enough-secret"), PasswordConfirmation: ptr("a-long-enough-secret"),
			Fields: map[string]string{"first_name": "Zoe"}}})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// activationCode is the code of the signup confirmation's link.
func activationCode(t *testing.T, es []store.Email) string {
	t.Helper()
	for _, e := range es {
		if e.Kind == MailSignupConfirmation {
			_, code, _ := strings.Cut(e.Links[0], "/activate/")
			return code
		}
	}
	t.Fatal("no signup confirmation")
	return ""
}

func TestDeveloperSignup(t *testing.T) {
	d, st, _ := signupDomain(t, signupWorld)
	ctx := context.Background()
	seen := 0
	u := signUp(t, d, "zoe")
	cat := d.Catalog()
	acc := cat.Account(u.AccountID)
	if u.State != "pending" || u.Role != RoleAdmin || u.SignupType != store.SignupNew || acc.State != "created" {
		t.Errorf("user %s %s %s, account %s", u.State, u.Role, u.SignupType, acc.State)
	}
	var apps []string
	for _, app := range acc.Applications {
		apps = append(apps, app.Name+" on "+cat.Service(app.ServiceID).Name+" "+cat.Plan(app.PlanID).Name+": "+app.Description)
	}
	if want := []string{"Zeta Labs's App on Echo API Basic: Default application created on signup.",
		"Zeta Labs's App on Keys API Starter: Default application created on signup."}; !slices.Equal(apps, want) {
		t.Errorf("applications %q", apps)
	}
	// porta's SignupService: the created events, and no other (not
	// key_created: the model callbacks fire nothing for a visitor).
	if got, want := events(t, st, &seen), []string{"account created", "user created", "application created",
		"application created"}; !slices.Equal(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
	es := outbox(t, st)
	// The key of the app_id application is told, as porta's
	// ApplicationKey tells it outside the API.
	wantSubjects := []string{"zoe@zeta.test: Application key has been created",
		"admin@acme.test: Zeta Labs's App created on Echo API", "admin@acme.test: Zeta Labs's App created on Keys API",
		"zoe@zeta.test: Acme API account confirmation", "admin@acme.test: Zoe from Zeta Labs signed up"}
	if got := subjectsTo(es); !slices.Equal(got, wantSubjects) {
		t.Errorf("emails %q, want %q", got, wantSubjects)
	}
	code := activationCode(t, es)
	if len(code) != 40 || es[3].Links[0] != "http://127.0.0.1:3002/activate/"+code {
		t.Errorf("activation link %q", es[3].Links)
	}
	if _, err := d.SignInDeveloper(ctx, Credentials{Username: "zoe", Password: "a-long-enough-secret"}); !errors.Is(err, ErrInactive) {
		t.Errorf("sign in before activation: %v", err)
	}

	// The link activates the user; the account waits for approval, with
	// the waiting list email. No webhook: a visitor opens the link.
	act, err := d.Activate(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	cat = d.Catalog()
	if acc := cat.Account(act.AccountID); act.State != "active" || acc.State != "pending" || !ApprovalRequired(cat, acc) {
		t.Errorf("after activation: user %s, account %s", act.State, acc.State)
	}
	if got := subjectsTo(outbox(t, st)); !slices.Equal(got, []string{"zoe@zeta.test: Waiting list confirmation"}) {
		t.Errorf("activation emails %q", got)
	}
	if got := events(t, st, &seen); len(got) != 0 {
		t.Errorf("activation fired %q", got)
	}
	if _, err := d.Activate(ctx, code); !errors.Is(err, ErrNotFound) {
		t.Errorf("the code again: %v", err)
	}
	if _, err := d.SignInDeveloper(ctx, Credentials{Username: "zoe", Password: "a-long-enough-secret"}); !errors.Is(err, ErrInactive) {
		t.Errorf("sign in before approval: %v", err)
	}
	if _, err := d.ApproveAccount(ctx, ByProviderKey(d.Catalog().Providers[0]), act.AccountID); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SignInDeveloper(ctx, Credentials{Username: "zoe@zeta.test", Password: "a-long-enough-secret"}); err != nil {
		t.Errorf("sign in after approval: %v", err)
	}
}

func TestDeveloperSignupWithoutApproval(t *testing.T) {
	d, st, _ := signupDomain(t, strings.Replace(signupWorld, "account_approval_required: true", "account_approval_required: false", 1))
	signUp(t, d, "zoe")
	u, err := d.Activate(context.Background(), activationCode(t, outbox(t, st)))
	if err != nil {
		t.Fatal(err)
	}
	cat := d.Catalog()
	if acc := cat.Account(u.AccountID); acc.State != "approved" || ApprovalRequired(cat, acc) {
		t.Errorf("account %s", acc.State)
	}
	if es := outbox(t, st); len(es) != 0 {
		t.Errorf("emails %q", subjectsTo(es))
	}
}

// The provider activating the user from the admin portal spends the
// emailed code too, as porta's make_active does.
func TestProviderActivationSpendsTheCode(t *testing.T) {
	d, st, _ := signupDomain(t, signupWorld)
	ctx := context.Background()
	u := signUp(t, d, "zoe")
	code := activationCode(t, outbox(t, st))
	if _, err := d.ActivateUser(ctx, ByAdmin(d.Catalog().Providers[0]), UserRef{ID: u.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Activate(ctx, code); !errors.Is(err, ErrNotFound) {
		t.Errorf("activate after the provider did: %v", err)
	}
}

func TestDeveloperSignupRefusals(t *testing.T) {
	d, st, _ := signupDomain(t, signupWorld)
	ctx := context.Background()
	_, err := d.DeveloperSignup(ctx, visitor(d), PortalSignupInput{
		User: UserInput{Username: ptr("jo"), Email: ptr("john@dev.test"), Password: ptr("short"), PasswordConfirmation: ptr("other")}})
	var v *ValidationError
	if !errors.As(err, &v) {
		t.Fatalf("bad signup: %v", err)
	}
	want := "Organization/Group Name can't be blank; Users invalid; Password confirmation doesn't match Password; " +
		"Password is too short (minimum is 15 characters); Username is too short (minimum is 3 characters); Email has already been taken"
	if v.Error() != want {
		t.Errorf("problems\n%s\nwant\n%s", v.Error(), want)
	}
	_, err = d.DeveloperSignup(ctx, visitor(d), PortalSignupInput{Account: AccountInput{OrgName: ptr("X")},
		User: UserInput{Username: ptr("xavier"), Email: ptr("not-an-email"), PasswordConfirmation: ptr("")}})
	if !errors.As(err, &v) || v.Error() != "Users invalid; Email should look like an email address; Password can't be blank" {
		t.Errorf("no password: %v", err)
	}
	if _, err := d.DeveloperSignup(ctx, visitor(d), PortalSignupInput{PlanIDs: []int64{99999}}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown plan: %v", err)
	}
	off := false
	if _, err := d.UpdateSettings(ctx, ByProviderKey(d.Catalog().Providers[0]), SettingsInput{SignupsEnabled: &off}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.DeveloperSignup(ctx, visitor(d), PortalSignupInput{}); !errors.Is(err, ErrSignupDisabled) {
		t.Errorf("signups off: %v", err)
	}
	john := d.Catalog().Providers[0].Accounts[0].Users[0]
	if _, err := d.DeveloperSignup(ctx, ByDeveloper(d.Catalog().Providers[0], john), PortalSignupInput{}); !errors.Is(err, ErrForbidden) {
		t.Errorf("a signed-in developer: %v", err)
	}
	if n := len(d.Catalog().Providers[0].Accounts); n != 1 {
		t.Errorf("%d accounts after refused signups", n)
	}
	if es := outbox(t, st); len(es) != 0 {
		t.Errorf("emails %q", subjectsTo(es))
	}
}

// Signing up with the plans of /signup?plan_ids[]=…: the application gets
// the chosen plan.
func TestDeveloperSignupWithPlans(t *testing.T) {
	d, _, _ := signupDomain(t, signupWorld)
	var pro *store.Plan
	for _, pl := range d.Catalog().Service("100").Plans {
		if pl.SystemName == "pro" {
			pro = pl
		}
	}
	// Fixture plans are published.
	u, err := d.DeveloperSignup(context.Background(), visitor(d), PortalSignupInput{PlanIDs: []int64{pro.ID},
		Account: AccountInput{OrgName: ptr("Zeta")},
		User: UserInput{Username: ptr("zoe"), Email: ptr("zoe@zeta.test"), Password: ptr("a-long-enough-secret"),
			PasswordConfirmation: ptr("a-long-enough-secret")}})
	if err != nil {
		t.Fatal(err)
	}
	cat := d.Catalog()
	if got := cat.Plan(cat.Account(u.AccountID).Applications[0].PlanID).Name; got != "Pro" {
		t.Errorf("plan %s", got)
	}
}

func TestPasswordReset(t *testing.T) {
	d, st, clk := signupDomain(t, signupWorld)
	ctx := context.Background()
	if err := d.RequestPasswordReset(ctx, "nobody@dev.test"); err != nil {
		t.Fatal(err)
	}
	if err := d.RequestPasswordReset(ctx, "JOHN@dev.test"); err != nil {
		t.Fatal(err)
	}
	es := outbox(t, st)
	if got := subjectsTo(es); !slices.Equal(got, []string{"john@dev.test: Acme Lost password recovery. (Valid for 24 hours)"}) {
		t.Fatalf("emails %q", got)
	}
	_, first, _ := strings.Cut(es[0].Links[0], "password_reset_token=")
	if err := d.RequestPasswordReset(ctx, "john@dev.test"); err != nil {
		t.Fatal(err)
	}
	_, token, _ := strings.Cut(outbox(t, st)[0].Links[0], "password_reset_token=")
	if len(token) != 64 || token == first {
		t.Fatalf("tokens %q %q", first, token)
	}
	if _, err := d.PasswordResetUser(ctx, first); !errors.Is(err, ErrResetTokenInvalid) {
		t.Errorf("a replaced token: %v", err)
	}
	if u, err := d.PasswordResetUser(ctx, token); err != nil || u.Username != "john" {
		t.Fatalf("reset user %v %v", u, err)
	}
	var v *ValidationError
	if _, err := d.ResetPassword(ctx, token, UserInput{Password: ptr("")}); !errors.As(err, &v) ||
		v.Error() != "Password can't be blank" {
		t.Errorf("blank password: %v", err)
	}
	if _, err := d.ResetPassword(ctx, token, UserInput{Password: ptr("a-new-long-password"), PasswordConfirmation: ptr("another")}); !errors.As(err, &v) ||
		v.Error() != "Password confirmation doesn't match Password" {
		t.Errorf("confirmation: %v", err)
	}
	seen := 0
	events(t, st, &seen)
	if _, err := d.ResetPassword(ctx, token, UserInput{Password: ptr("a-new-long-password"), PasswordConfirmation: ptr("a-new-long-password")}); err != nil {
		t.Fatal(err)
	}
	if got := events(t, st, &seen); len(got) != 0 {
		t.Errorf("events %q", got)
	}
	if _, err := d.SignInDeveloper(ctx, Credentials{Username: "john", Password: "a-new-long-password"}); err != nil {
		t.Errorf("the new password: %v", err)
	}
	if _, err := d.ResetPassword(ctx, token, UserInput{Password: ptr("a-third-long-password")}); !errors.Is(err, ErrResetTokenInvalid) {
		t.Errorf("the spent token: %v", err)
	}

	// 24 hours on the sandbox's clock.
	if err := d.RequestPasswordReset(ctx, "john@dev.test"); err != nil {
		t.Fatal(err)
	}
	_, token, _ = strings.Cut(outbox(t, st)[0].Links[0], "password_reset_token=")
	clk.Advance(PasswordResetTTL - time.Second)
	if _, err := d.PasswordResetUser(ctx, token); err != nil {
		t.Errorf("a second before it expires: %v", err)
	}
	clk.Advance(time.Second)
	if _, err := d.PasswordResetUser(ctx, token); !errors.Is(err, ErrResetTokenInvalid) {
		t.Errorf("after 24 hours: %v", err)
	}
}

func TestAcceptInvitation(t *testing.T) {
	d, st, _ := signupDomain(t, signupWorld)
	ctx := context.Background()
	cat := d.Catalog()
	dev := cat.Providers[0].Accounts[0]
	john := ByDeveloper(cat.Providers[0], dev.Users[0])
	inv, err := d.CreateInvitation(ctx, john, dev.ID, "new@dev.test")
	if err != nil {
		t.Fatal(err)
	}
	outbox(t, st)
	seen := 0
	events(t, st, &seen)
	if _, err := d.AcceptInvitation(ctx, "nope", UserInput{}); !errors.Is(err, ErrInvitationNotFound) {
		t.Errorf("unknown token: %v", err)
	}
	var v *ValidationError
	if _, err := d.AcceptInvitation(ctx, inv.Token, UserInput{Username: ptr("newbie")}); !errors.As(err, &v) ||
		v.Error() != "Password can't be blank" {
		t.Errorf("no password: %v", err)
	}
	u, err := d.AcceptInvitation(ctx, inv.Token, UserInput{Username: ptr("newbie"), Password: ptr("a-long-enough-secret"),
		PasswordConfirmation: ptr("a-long-enough-secret")})
	if err != nil {
		t.Fatal(err)
	}
	if u.Email != "new@dev.test" || u.Role != RoleMember || u.State != "active" || u.AccountID != dev.ID {
		t.Errorf("invitee %s %s %s %d", u.Email, u.Role, u.State, u.AccountID)
	}
	if got := events(t, st, &seen); !slices.Equal(got, []string{"user created"}) {
		t.Errorf("events %q", got)
	}
	if es := outbox(t, st); len(es) != 0 {
		t.Errorf("emails %q", subjectsTo(es))
	}
	if got := d.Catalog().Invitation(inv.ID).AcceptedAt; got == nil {
		t.Error("invitation not accepted")
	}
	if _, err := d.SignInDeveloper(ctx, Credentials{Username: "newbie", Password: "a-long-enough-secret"}); err != nil {
		t.Errorf("the invitee signs in: %v", err)
	}
	if _, err := d.AcceptInvitation(ctx, inv.Token, UserInput{Username: ptr("again"), Password: ptr("a-long-enough-secret")}); !errors.Is(err, ErrInvitationAccepted) {
		t.Errorf("accepted twice: %v", err)
	}
}
