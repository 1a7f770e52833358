// Package api is the Account Management API face of porta's domain
// (/admin/api): it authenticates the caller (access_token, provider_key,
// HTTP Basic; token scopes and ro/rw), reads Rails' parameters into an
// operation's typed input, runs the operation of portal/porta, and answers
// with porta's XML (portal/xmlrep), the JSON of settings, webhooks and
// failures, or porta's error bodies, in porta's order of checks:
// authentication, the format, the lookups, then the validation.
//
// Like mgmt it knows no HTTP server: a Call is what porta's controllers
// read of a request (the merged parameters, the route's ids, the
// credentials) and a Reply is what they answer; package server adapts
// them to HTTP. It decides no rule of porta's: those are the domain's.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/xmlrep"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// API answers Account Management API calls with porta's operations.
type API struct {
	domain *porta.Domain
	log    *slog.Logger
}

// New returns the API over the domain d; unexpected errors go to log.
func New(d *porta.Domain, log *slog.Logger) *API {
	return &API{domain: d, log: log}
}

// Call is what an Account Management API endpoint reads of a request.
type Call struct {
	Method string
	// Format is "xml" or "json": the path's extension, xml without one.
	Format string
	// Params are the query and body parameters, merged as Rails does (the
	// body wins).
	Params params.Params
	// Path holds the route's ids by name, extensions removed.
	Path map[string]string
	// Basic holds HTTP Basic credentials, when sent.
	BasicUser, BasicPass string
}

// Reply is the answer to a Call.
type Reply struct {
	Status      int
	ContentType string
	Body        []byte
}

// Handler is one endpoint.
type Handler func(ctx context.Context, c *Call) *Reply

const (
	contentXML  = "application/xml; charset=utf-8"
	contentJSON = "application/json; charset=utf-8"
	contentText = "text/plain; charset=utf-8"
)

// endpoint answers a call as porta's controllers do: the caller is
// authenticated, format refuses what the endpoint does not serve, and fn
// answers, given the committed model.
func (p *API) endpoint(c *Call, format func(*Call) *Reply, fn func(a porta.Actor, cat *store.Catalog) *Reply) *Reply {
	cat := p.domain.Catalog()
	a, rep := authenticate(cat, c)
	if rep != nil {
		return rep
	}
	if rep := format(c); rep != nil {
		return rep
	}
	return fn(a, cat)
}

// read answers a GET of XML from the committed model.
func (p *API) read(c *Call, fn func(a porta.Actor, cat *store.Catalog) *Reply) *Reply {
	return p.endpoint(c, xmlOnly, fn)
}

// write answers a write of XML: fn runs the operation.
func (p *API) write(c *Call, fn func(a porta.Actor) *Reply) *Reply {
	return p.endpoint(c, xmlOnly, func(a porta.Actor, _ *store.Catalog) *Reply { return fn(a) })
}

// xmlOnly refuses a format the endpoint does not offer. porta offers JSON
// for most objects, in representations unlike its XML; the sandbox speaks
// it only where the issue of the day needs it (settings, webhooks).
func xmlOnly(c *Call) *Reply {
	switch c.Format {
	case "xml":
		return nil
	case "json":
		return &Reply{Status: http.StatusNotAcceptable, ContentType: contentJSON,
			Body: jsonObject("error", "The sandbox serves this endpoint as XML only: use the .xml extension.")}
	}
	return errorReply(c, http.StatusNotAcceptable, fmt.Sprintf("The server does not understand %q request.", c.Format))
}

// answer is an operation's reply: v written as a document with status, or
// the error's reply.
// An operation's v is written from the committed catalog, which holds the
// operation's writes.
func answer[T any](p *API, c *Call, status int, v T, err error, write xmlrep.Writer[T]) *Reply {
	if err != nil {
		return p.replyError(c, err)
	}
	return xmlReply(status, xmlrep.Doc(write, p.domain.Catalog(), v).Bytes())
}

// answerFrom is answer for v read from cat.
func answerFrom[T any](p *API, c *Call, status int, cat *store.Catalog, v T, err error, write xmlrep.Writer[T]) *Reply {
	if err != nil {
		return p.replyError(c, err)
	}
	return xmlReply(status, xmlrep.Doc(write, cat, v).Bytes())
}

// show answers a read of the object find finds by key.
func show[K, R any](p *API, c *Call, find func(*store.Catalog, porta.Actor, K) (R, error), key K,
	write xmlrep.Writer[R]) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		v, err := find(cat, a, key)
		return answerFrom(p, c, 200, cat, v, err, write)
	})
}

// run answers an operation on the object named by key with status and
// what the operation returns.
func run[K, R any](ctx context.Context, p *API, c *Call, status int, op func(context.Context, porta.Actor, K) (R, error),
	key K, write xmlrep.Writer[R]) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		v, err := op(ctx, a, key)
		return answer(p, c, status, v, err, write)
	})
}

// runWith is run for an operation that takes an input.
func runWith[K, I, R any](ctx context.Context, p *API, c *Call, status int,
	op func(context.Context, porta.Actor, K, I) (R, error), key K, in I, write xmlrep.Writer[R]) *Reply {
	return run(ctx, p, c, status, func(ctx context.Context, a porta.Actor, key K) (R, error) {
		return op(ctx, a, key, in)
	}, key, write)
}

// runDelete answers a deleting operation on the object named by key.
func runDelete[K, R any](ctx context.Context, p *API, c *Call, op func(context.Context, porta.Actor, K) (R, error), key K) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		_, err := op(ctx, a, key)
		return p.answerDeleted(c, err)
	})
}

// answerDeleted is porta's answer to a DELETE: Rails' head :ok, 200 with
// an empty body and a Content-Type without charset; or the error's reply.
func (p *API) answerDeleted(c *Call, err error) *Reply {
	if err != nil {
		return p.replyError(c, err)
	}
	return &Reply{Status: 200, ContentType: headContentType(c)}
}

func xmlReply(status int, body []byte) *Reply {
	return &Reply{Status: status, ContentType: contentXML, Body: body}
}

func ok(d *builderxml.Doc) *Reply { return xmlReply(200, d.Bytes()) }

func contentType(c *Call) string {
	if c.Format == "json" {
		return contentJSON
	}
	return contentXML
}

func headContentType(c *Call) string {
	if c.Format == "json" {
		return "application/json"
	}
	return "application/xml"
}

// notFound is porta's RecordNotFound: an empty XML body (head), or JSON
// status.
func notFound(c *Call) *Reply {
	if c.Format == "json" {
		return &Reply{Status: 404, ContentType: contentJSON, Body: []byte(`{"status":"Not found"}`)}
	}
	return &Reply{Status: 404, ContentType: headContentType(c)}
}

// errorReply is porta's render_error: <error>text</error>.
func errorReply(c *Call, status int, text string) *Reply {
	if c.Format == "json" {
		return &Reply{Status: status, ContentType: contentJSON, Body: jsonObject("error", text)}
	}
	return xmlReply(status, builderxml.New().Text("error", text).Bytes())
}

// replyError turns an operation's error into porta's reply.
func (p *API) replyError(c *Call, err error) *Reply {
	var verr *porta.ValidationError
	var terr *porta.TransitionError
	switch {
	case errors.As(err, &verr):
		status := http.StatusUnprocessableEntity
		if c.Method == http.MethodDelete {
			status = http.StatusForbidden
		}
		return validationReply(c, status, verr)
	case errors.As(err, &terr):
		return transitionReply(p, c, terr)
	case errors.Is(err, porta.ErrNotFound):
		return notFound(c)
	case errors.Is(err, porta.ErrCannotSubscribe):
		return errorReply(c, http.StatusUnprocessableEntity, err.Error())
	case errors.Is(err, porta.ErrForbidden):
		return errorReply(c, http.StatusForbidden, badPermissions)
	}
	p.log.Error("account management api", "method", c.Method, "err", err)
	return errorReply(c, 500, "Internal Server Error")
}

// validationReply is porta's answer to a record it refuses: its full
// messages in <errors>, or the responders gem's JSON.
func validationReply(c *Call, status int, e *porta.ValidationError) *Reply {
	if c.Format == "json" {
		return &Reply{Status: status, ContentType: contentJSON, Body: jsonErrors(e.Problems)}
	}
	d := builderxml.New().Open("errors")
	for _, pr := range e.Problems {
		d.Text("error", pr.Full)
	}
	return xmlReply(status, d.Close("errors").Bytes())
}

// transitionReply is the document porta answers when a bang event does
// not apply: from, event, error and the object, as Nokogiri prints it.
func transitionReply(p *API, c *Call, e *porta.TransitionError) *Reply {
	var object []byte
	switch o := e.Object.(type) {
	case *store.User:
		object = xmlrep.Fragment(xmlrep.User, p.domain.Catalog(), o)
	case *store.Message:
		object = xmlrep.Fragment(xmlrep.Message, nil, o)
	}
	d := builderxml.Fragment().Open("error").Text("from", e.From).Text("event", e.Event).
		Text("error", e.Message()).Raw(object).Close("error")
	body, err := xmlrep.Nokogiri(d.Bytes())
	if err != nil {
		return p.replyError(c, err)
	}
	return xmlReply(http.StatusUnprocessableEntity, body)
}
