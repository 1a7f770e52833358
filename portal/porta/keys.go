package porta

import (
	"context"
	"errors"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The keys as the portals change them, with the rules porta's API leaves
// out: the last key of a service that requires one stays, and a custom
// user key is set only where the service allows custom keys.

// ErrLastKey is the portals' refusal to remove an application's only key
// on a service that requires one (mandatory_app_key). Each portal words
// it its own way: "At least one application key is required" (admin),
// "One application key minimum is required." (developer).
var ErrLastKey = errors.New("the service requires at least one application key")

// RemoveKey deletes an application key as the portals do (porta's
// application_keys.remove): not the only key of an application whose
// service requires one (ErrLastKey). The API's DeleteKey has no such
// rule.
func (d *Domain) RemoveKey(ctx context.Context, a Actor, ref AppRef, value string) (*store.Application, error) {
	return on(ctx, d, a, Application, ref, func(t *tx, app *store.Application) (*store.Application, error) {
		if err := t.developerMay(a, app, func(c Can) bool { return c.ManageKeys }); err != nil {
			return nil, err
		}
		l, err := t.linkApp(app)
		if err != nil {
			return nil, err
		}
		if l.Service.MandatoryAppKey && app.HasKey(value) && len(app.Keys) == 1 {
			return nil, ErrLastKey
		}
		return t.deleteKey(app, value)
	})
}

// SetUserKey gives an application a user_key of the provider's choosing,
// as the admin portal's "Set a custom User Key" does: only on a service
// with custom keys enabled (ErrForbidden), never blank, and valid and
// unique as any user_key (updated and key_updated).
func (d *Domain) SetUserKey(ctx context.Context, a Actor, ref AppRef, key string) (*store.Application, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Application, ref, func(t *tx, app *store.Application) (*store.Application, error) {
		l, err := t.linkApp(app)
		if err != nil {
			return nil, err
		}
		if !l.Service.CustomKeysEnabled {
			return nil, ErrForbidden
		}
		if strings.TrimSpace(key) == "" {
			return nil, fail("user_key", "can't be blank", "User key can't be blank")
		}
		rec := app.ApplicationRecord
		var traffic store.Traffic // not given: not changed
		changed, err := applyApplication(ApplicationInput{UserKey: &key}, nil, l.Provider, &rec, &traffic, false)
		if err != nil {
			return nil, err
		}
		if !changed {
			return app, nil
		}
		if err := t.SaveApplication(&rec); err != nil {
			return nil, err
		}
		return t.applicationChanged(rec.ID, "updated", "key_updated")
	})
}

// RegenerateKey replaces an OAuth application's client secret with a
// random one, as porta's application_keys.regenerate does: key_deleted,
// key_created, then key_updated, and the developer told of both keys.
// Only OAuth applications regenerate keys (ErrForbidden).
func (d *Domain) RegenerateKey(ctx context.Context, a Actor, ref AppRef, value string) (*store.Application, error) {
	return on(ctx, d, a, Application, ref, func(t *tx, app *store.Application) (*store.Application, error) {
		l, err := t.linkApp(app)
		if err != nil {
			return nil, err
		}
		if l.Service.BackendVersion != "oauth" {
			return nil, ErrForbidden
		}
		app, err = t.deleteKey(app, value)
		if err != nil {
			return nil, err
		}
		key, err := t.d.hex(16)
		if err != nil {
			return nil, err
		}
		if err := t.AddKey(app.ID, key); err != nil {
			return nil, err
		}
		changed, err := t.applicationChanged(app.ID, "key_created", "key_updated")
		if err != nil {
			return nil, err
		}
		return changed, t.keyMessages(changed, 1, keyCreatedMessage)
	})
}
