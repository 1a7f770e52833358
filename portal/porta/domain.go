package porta

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/portal/xmlrep"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Domain runs porta's operations on a store.
type Domain struct {
	store *store.Store
	rnd   io.Reader // generated keys, ids and event uuids
	links Links     // the portals' URLs, in the emails' links
}

// Option configures a Domain.
type Option func(*Domain)

// WithLinks gives the portals' base URLs, for the links in emails.
func WithLinks(l Links) Option { return func(d *Domain) { d.links = l } }

// New returns the domain on st; every generated value comes from rnd.
func New(st *store.Store, rnd io.Reader, opts ...Option) *Domain {
	d := &Domain{store: st, rnd: rnd}
	for _, o := range opts {
		o(d)
	}
	return d
}

// Catalog is the committed model, which the reads take.
func (d *Domain) Catalog() *store.Catalog { return d.store.Catalog() }

// tx is one operation's change: the store's transaction and who acts. The
// internals of operations are methods of it, so that a composed operation
// (a signup creating applications) runs them in one change.
type tx struct {
	*store.Tx
	d     *Domain
	actor Actor
	// muted holds back the events of the parts of an operation that
	// queues its own: a developer-portal signup fires only porta's
	// created events.
	muted bool
}

// change runs fn as one store.Change and returns what it returns. Nothing
// fn wrote is kept if it fails, webhook events included.
func change[T any](ctx context.Context, d *Domain, a Actor, fn func(t *tx) (T, error)) (T, error) {
	var out T
	err := d.store.Change(ctx, func(st *store.Tx) error {
		var err error
		out, err = fn(&tx{Tx: st, d: d, actor: a})
		return err
	})
	if err != nil {
		var zero T // out may still be written by a change whose wait was cancelled
		return zero, err
	}
	return out, nil
}

// on runs fn in one change on the object that find (one of the package's
// lookups: Account, Application, Plan…) finds by key in the
// transaction's catalog.
func on[K, R, T any](ctx context.Context, d *Domain, a Actor, find func(*store.Catalog, Actor, K) (R, error), key K,
	fn func(t *tx, obj R) (T, error)) (T, error) {
	return change(ctx, d, a, func(t *tx) (T, error) {
		obj, err := found(t, find, key)
		if err != nil {
			var zero T
			return zero, err
		}
		return fn(t, obj)
	})
}

// found looks an object up in the transaction's catalog with find, one of
// the package's lookups.
func found[K, R any](t *tx, find func(*store.Catalog, Actor, K) (R, error), key K) (R, error) {
	cat, err := t.Catalog()
	if err != nil {
		var zero R
		return zero, err
	}
	return find(cat, t.actor, key)
}

// set assigns a given value.
func set[T any](to *T, v *T) {
	if v != nil {
		*to = *v
	}
}

// setTrimmed assigns a given text without its surrounding white space.
func setTrimmed(to *string, v *string) {
	if v != nil {
		*to = strings.TrimSpace(*v)
	}
}

// linkApp is an application with its owners, as the transaction sees
// them.
func (t *tx) linkApp(a *store.Application) (store.LinkedApplication, error) {
	cat, err := t.Catalog()
	if err != nil {
		return store.LinkedApplication{}, err
	}
	return cat.LinkApplication(a), nil
}

// linkAccount is an account with its provider and plan, as the
// transaction sees them.
func (t *tx) linkAccount(a *store.Account) (store.LinkedAccount, error) {
	cat, err := t.Catalog()
	if err != nil {
		return store.LinkedAccount{}, err
	}
	return cat.LinkAccount(a), nil
}

// userProvider is the provider of u's account, as the transaction sees
// it: for the developer's own pages, whose actor may name no provider.
func (t *tx) userProvider(u *store.User) (*store.Provider, error) {
	cat, err := t.Catalog()
	if err != nil {
		return nil, err
	}
	acc := cat.Account(u.AccountID)
	if acc == nil {
		return nil, fmt.Errorf("account %d of user %d: %w", u.AccountID, u.ID, ErrNotFound)
	}
	return cat.Provider(acc.ProviderID), nil
}

// provider is the actor's provider as the transaction sees it.
func (t *tx) provider() (*store.Provider, error) {
	cat, err := t.Catalog()
	if err != nil {
		return nil, err
	}
	return Provider(cat, t.actor), nil
}

// emit queues a webhook event of obj as porta would: when the actor's
// changes fire webhooks, the provider's webhooks are active and the event
// is switched on. obj is written as the transaction sees it now.
func emit[T xmlrep.EventObject](t *tx, action string, obj T) error {
	prov, err := t.provider()
	if err != nil {
		return err
	}
	if t.muted || !t.actor.firesWebhooks(prov) {
		return nil
	}
	cat, err := t.Catalog()
	if err != nil {
		return err
	}
	typ, body := xmlrep.Event(cat, action, obj)
	if !prov.Webhooks.Enabled(typ + "_" + action) {
		return nil
	}
	u, err := t.d.uuid()
	if err != nil {
		return err
	}
	return t.Enqueue(&store.OutboxEvent{UUID: u, ProviderID: prov.ID, Type: typ, Action: action,
		URL: prov.Webhooks.URL, Body: body})
}

// uuid returns a random (version 4) UUID, porta's webhook event id.
func (d *Domain) uuid() (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(d.rnd, b[:]); err != nil {
		return "", fmt.Errorf("generate a uuid: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// hex returns n random bytes as lowercase hex, as porta's generated keys.
func (d *Domain) hex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(d.rnd, b); err != nil {
		return "", fmt.Errorf("generate a key: %w", err)
	}
	return fmt.Sprintf("%x", b), nil
}
