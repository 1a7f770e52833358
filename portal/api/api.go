package api

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/xmlrep"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// notAcceptable answers a format the endpoint does not offer. porta offers
// JSON for most objects, in representations unlike its XML; the sandbox
// speaks it only where the issue of the day needs it (settings, webhooks).
func notAcceptable(c *Call) *Reply {
	if c.Format == "json" {
		return &Reply{Status: http.StatusNotAcceptable, ContentType: contentJSON,
			Body: jsonObject("error", "The sandbox serves this endpoint as XML only: use the .xml extension.")}
	}
	return errorReply(c, http.StatusNotAcceptable, fmt.Sprintf("The server does not understand %q request.", c.Format))
}

// read answers a GET of XML from the committed model.
func (p *API) read(c *Call, fn func(a porta.Actor, cat *store.Catalog) *Reply) *Reply {
	cat := p.store.Catalog()
	a, rep := authenticate(cat, c)
	if rep != nil {
		return rep
	}
	if c.Format != "xml" {
		return notAcceptable(c)
	}
	return fn(a, cat)
}

// write answers a write of XML: the caller is authenticated, the format
// checked, and fn runs the operation.
func (p *API) write(c *Call, fn func(a porta.Actor) *Reply) *Reply {
	a, rep := authenticate(p.domain.Catalog(), c)
	if rep != nil {
		return rep
	}
	if rep := xmlOnly(c); rep != nil {
		return rep
	}
	return fn(a)
}

// answer is an operation's reply: v written as a document with status, or
// the error's reply.
func answer[T any](p *API, c *Call, status int, v T, err error, write func(*builderxml.Doc, T)) *Reply {
	if err != nil {
		return p.replyError(c, err)
	}
	return xmlReply(status, xmlrep.Doc(write, v).Bytes())
}

// answerDeleted is the reply to a DELETE: an empty 200, or the error's
// reply.
func (p *API) answerDeleted(c *Call, err error) *Reply {
	if err != nil {
		return p.replyError(c, err)
	}
	return deleted(c)
}

// change answers a write of XML: fn runs in one store transaction, given
// the model as the transaction sees it, and returns the document to answer
// with status (nil: an empty 200, as porta's DELETE), or an error that
// becomes porta's error reply. Nothing fn wrote is kept if it fails,
// webhook events included.
func (p *API) change(ctx context.Context, c *Call, status int, fn func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error)) *Reply {
	out, rep := transact(ctx, p, c, xmlOnly, fn)
	switch {
	case rep != nil:
		return rep
	case out == nil:
		return deleted(c)
	}
	return xmlReply(status, out.Bytes())
}

func xmlOnly(c *Call) *Reply {
	if c.Format != "xml" {
		return notAcceptable(c)
	}
	return nil
}

// transact authenticates the caller, refuses a format the endpoint does
// not serve (format returns the refusal), and runs fn in one store
// transaction; a non-nil reply is the answer to give instead of out.
func transact[T any](ctx context.Context, p *API, c *Call, format func(*Call) *Reply,
	fn func(t *store.Tx, a porta.Actor, cat *store.Catalog) (T, error)) (out T, rep *Reply) {
	a, rep := authenticate(p.store.Catalog(), c)
	if rep != nil {
		return out, rep
	}
	if rep := format(c); rep != nil {
		return out, rep
	}
	err := p.store.Change(ctx, func(t *store.Tx) error {
		cat, err := t.Catalog()
		if err != nil {
			return err
		}
		out, err = fn(t, a, cat)
		return err
	})
	if err != nil {
		var zero T // out may still be written by a change whose wait was cancelled
		return zero, p.replyError(c, err)
	}
	return out, nil
}

// buyer finds a developer account of the caller's provider by a route id.
func buyer(cat *store.Catalog, a porta.Actor, c *Call, name string) (*store.Account, error) {
	n, ok := c.pathID(name)
	if !ok {
		return nil, errNotFound
	}
	acc := cat.Account(n)
	if acc == nil || acc.Provider.ID != a.Provider.ID {
		return nil, errNotFound
	}
	return acc, nil
}

// provider returns the caller's provider as the transaction sees it.
func provider(cat *store.Catalog, a porta.Actor) *store.Provider {
	for _, p := range cat.Providers {
		if p.ID == a.Provider.ID {
			return p
		}
	}
	return a.Provider
}

// uuid returns a random (version 4) UUID, porta's webhook event id.
func (p *API) uuid() (string, error) {
	var b [16]byte
	if _, err := io.ReadFull(p.rnd, b[:]); err != nil {
		return "", fmt.Errorf("generate a uuid: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]), nil
}

// hex returns n random bytes as lowercase hex, as porta's generated keys.
func (p *API) hex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := io.ReadFull(p.rnd, b); err != nil {
		return "", fmt.Errorf("generate a key: %w", err)
	}
	return fmt.Sprintf("%x", b), nil
}

// emit queues a webhook event as porta would: when the caller's changes
// fire webhooks, the provider's webhooks are active and the event is
// switched on. object is the object's XML, as written after the change.
func (p *API) emit(t *store.Tx, a porta.Actor, typ, action string, object []byte) error {
	cat, err := t.Catalog()
	if err != nil {
		return err
	}
	prov := provider(cat, a)
	if !(a.Kind == porta.ProviderUser && prov.Webhooks.ProviderActions) || !prov.Webhooks.Enabled(typ+"_"+action) {
		return nil
	}
	u, err := p.uuid()
	if err != nil {
		return err
	}
	body := builderxml.New().Open("event").Text("action", action).Text("type", typ).Open("object").Raw(object).
		Close("object").Close("event").Bytes()
	return t.Enqueue(&store.OutboxEvent{UUID: u, ProviderID: prov.ID, Type: typ, Action: action,
		URL: prov.Webhooks.URL, Body: body})
}
