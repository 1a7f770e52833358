package porta

import (
	"context"
	"errors"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The portals keep the only key of a service that requires one; the API
// does not. A custom user key is set only where custom keys are enabled.
func TestPortalKeyRules(t *testing.T) {
	d, st := mailDomain(t)
	ctx := context.Background()
	prov := d.Catalog().Providers[0]
	admin := ByAdmin(prov)
	mine := accountNamed(t, d, "Dev Co").Applications[0]
	ref := AppRef{ID: mine.ID}

	if _, err := d.RemoveKey(ctx, admin, ref, "mine-key-1"); !errors.Is(err, ErrLastKey) {
		t.Fatalf("the last key: %v", err)
	}
	second := "mine-key-2"
	if _, err := d.CreateKey(ctx, admin, ref, &second); err != nil {
		t.Fatal(err)
	}
	app, err := d.RemoveKey(ctx, admin, ref, "mine-key-1")
	if err != nil || len(app.Keys) != 1 || app.Keys[0].Value != second {
		t.Fatalf("remove one of two: %v %v", err, app)
	}
	if _, err := d.RemoveKey(ctx, admin, ref, "unknown-key"); !errors.Is(err, ErrNotFound) {
		t.Errorf("an unknown key: %v", err)
	}
	if _, err := d.DeleteKey(ctx, ByProviderUser(prov), ref, second); err != nil {
		t.Errorf("the API deletes the last key: %v", err)
	}

	for _, c := range []struct{ key, want string }{{"  ", "User key can't be blank"}, {"has space", "User key is invalid"},
		{"legacy-user-key", ""}} {
		_, err := d.SetUserKey(ctx, admin, ref, c.key)
		var v *ValidationError
		if c.want != "" && (!errors.As(err, &v) || v.Error() != c.want) {
			t.Errorf("user key %q: %v, want %q", c.key, err, c.want)
		}
	}
	app, err = d.SetUserKey(ctx, admin, ref, "my-own-key")
	if err != nil || app.UserKey != "my-own-key" {
		t.Fatalf("custom user key: %v %v", err, app)
	}
	if _, err := d.SetUserKey(ctx, ByDeveloper(prov, d.Catalog().Account(app.AccountID).Users[0]), ref, "dev-key"); !errors.Is(err, ErrForbidden) {
		t.Errorf("a developer sets a custom key: %v", err)
	}
	if err := st.Change(ctx, func(tx *store.Tx) error {
		rec := d.Catalog().Service(app.ServiceID).ServiceRecord
		rec.CustomKeysEnabled = false
		return tx.SaveService(&rec)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := d.SetUserKey(ctx, admin, ref, "other-key"); !errors.Is(err, ErrForbidden) {
		t.Errorf("custom keys disabled: %v", err)
	}
}

// An OAuth client secret is regenerated: the old one goes, a random one
// comes; other applications' keys are not regenerated.
func TestRegenerateKey(t *testing.T) {
	d, _ := domain(t)
	ctx := context.Background()
	prov := d.Catalog().Providers[0]
	_, mine, _ := developer(t, d)
	if _, err := d.RegenerateKey(ctx, ByAdmin(prov), AppRef{ID: mine.ID}, "x"); !errors.Is(err, ErrForbidden) {
		t.Errorf("regenerate a key of an app_id application: %v", err)
	}
}
