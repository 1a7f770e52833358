package porta

import (
	"context"
	"errors"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// A developer's own account and users under porta's abilities.

const accountWorld = `version: 1
providers:
  - name: Acme
    provider_key: acme-key
    services: [{id: "100", name: Echo API, application_plans: [{name: Basic}]}]
    accounts:
      - org_name: Dev Co
        users:
          - {username: john, email: john@dev.test, password: john, role: admin}
          - {username: jane, email: jane@dev.test, password: jane, role: member}
      - org_name: Rival
        users: [{username: rita, email: rita@rival.test, role: admin}]
`

func TestDeveloperAccountRules(t *testing.T) {
	d, _, _ := signupDomain(t, accountWorld)
	ctx := context.Background()
	cat := d.Catalog()
	prov := cat.Providers[0]
	dev, rival := prov.Accounts[0], prov.Accounts[1]
	john, jane, rita := dev.Users[0], dev.Users[1], rival.Users[0]
	asJohn, asJane := ByDeveloper(prov, john), ByDeveloper(prov, jane)
	forbidden := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, ErrForbidden) {
			t.Errorf("%s: %v, want ErrForbidden", what, err)
		}
	}

	_, err := d.UpdateAccount(ctx, asJane, dev.ID, AccountUpdate{AccountInput: AccountInput{OrgName: ptr("By a member")}})
	forbidden("a member edits the account", err)
	acc, err := d.UpdateAccount(ctx, asJohn, dev.ID, AccountUpdate{AccountInput: AccountInput{OrgName: ptr("Dev Co 2"),
		Annotations: []store.Field{{Name: "managed_by", Value: "me"}}}, MonthlyBillingEnabled: ptr(false)})
	if err != nil || acc.OrgName != "Dev Co 2" || len(acc.Annotations) != 0 || !acc.MonthlyBillingEnabled {
		t.Errorf("the admin edits the account: %v %+v", err, acc)
	}
	_, err = d.UpdateAccount(ctx, asJohn, rival.ID, AccountUpdate{AccountInput: AccountInput{OrgName: ptr("Mine")}})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("another account: %v", err)
	}

	if _, err := d.UpdateUser(ctx, asJane, UserRef{ID: jane.ID}, UserInput{Username: ptr("jane2")}); err != nil {
		t.Errorf("a member edits herself: %v", err)
	}
	_, err = d.UpdateUser(ctx, asJane, UserRef{ID: john.ID}, UserInput{Username: ptr("johnny")})
	forbidden("a member edits the admin", err)
	_, err = d.SetUserRole(ctx, asJohn, UserRef{ID: john.ID}, RoleMember)
	forbidden("the admin changes his own role", err)
	_, err = d.DeleteUser(ctx, asJohn, UserRef{ID: john.ID})
	forbidden("the admin deletes himself", err)
	_, err = d.SetUserRole(ctx, asJane, UserRef{ID: john.ID}, RoleMember)
	forbidden("a member changes a role", err)
	if _, err := d.SetUserRole(ctx, asJohn, UserRef{ID: rita.ID}, RoleMember); !errors.Is(err, ErrNotFound) {
		t.Errorf("another account's user: %v", err)
	}
	if u, err := d.SetUserRole(ctx, asJohn, UserRef{ID: jane.ID}, RoleAdmin); err != nil || u.Role != RoleAdmin {
		t.Errorf("the admin makes jane an admin: %v", err)
	}

	// With the user account area off, no one edits anything.
	off := false
	if _, err := d.UpdateSettings(ctx, ByProviderKey(prov), SettingsInput{UserAccountAreaEnabled: &off}); err != nil {
		t.Fatal(err)
	}
	_, err = d.UpdateAccount(ctx, asJohn, dev.ID, AccountUpdate{AccountInput: AccountInput{OrgName: ptr("Off")}})
	forbidden("account area off", err)
	_, err = d.UpdatePersonalDetails(ctx, asJohn, "", "john", UserInput{Username: ptr("johnny")})
	forbidden("personal details, account area off", err)
	// The provider is bound by none of these.
	if _, err := d.UpdateUser(ctx, ByProviderKey(prov), UserRef{ID: john.ID}, UserInput{Username: ptr("johnny")}); err != nil {
		t.Errorf("the provider: %v", err)
	}
}

func TestPersonalDetails(t *testing.T) {
	d, _, _ := signupDomain(t, accountWorld)
	ctx := context.Background()
	prov := d.Catalog().Providers[0]
	john := prov.Accounts[0].Users[0]
	a := ByDeveloper(prov, john)
	var v *ValidationError
	if _, err := d.UpdatePersonalDetails(ctx, a, "", "wrong", UserInput{Username: ptr("johnny")}); !errors.As(err, &v) ||
		v.Error() != "Current password is incorrect" {
		t.Errorf("a wrong current password: %v", err)
	}
	keep, err := d.SignInDeveloper(ctx, Credentials{Username: "john", Password: "john"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := d.SignInDeveloper(ctx, Credentials{Username: "john", Password: "john"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.UpdatePersonalDetails(ctx, a, keep.Session.Key, "john", UserInput{Password: ptr("a-new-long-password"),
		PasswordConfirmation: ptr("")}); !errors.As(err, &v) || v.Error() != "Password confirmation doesn't match Password" {
		t.Errorf("no confirmation: %v", err)
	}
	u, err := d.UpdatePersonalDetails(ctx, a, keep.Session.Key, "john", UserInput{Username: ptr("johnny"),
		Password: ptr("a-new-long-password"), PasswordConfirmation: ptr("a-new-long-password")})
	if err != nil || u.Username != "johnny" {
		t.Fatalf("update: %v", err)
	}
	for key, want := range map[string]bool{keep.Session.Key: true, other.Session.Key: false} {
		if s, err := d.SignedIn(ctx, store.PortalDeveloper, key); err != nil || (s != nil) != want {
			t.Errorf("session kept %v, want %v (%v)", s != nil, want, err)
		}
	}
}
