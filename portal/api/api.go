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
	"github.com/threescale-sandbox/threescale-sandbox/portal/jsonrep"
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
	// Body are the body's parameters alone (Rails' request_parameters),
	// and ContentType the body's media type: what porta's wrapped
	// parameters are made of (wrapped.go).
	Body        params.Params
	ContentType string
	// Path holds the route's ids by name, extensions removed.
	Path map[string]string
	// BaseURL is the scheme and host the request came to, which porta's
	// JSON links start with.
	BaseURL string
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
	return head(c, fn(a, cat))
}

// head is the answer to a HEAD, which Rails routes to the GET route but
// leaves a HEAD: porta's responder (ThreeScale::Api::Responder) displays
// an object only for a GET, and answers anything else it does not know
// with head :no_content. An error keeps its status; Rack::Head drops
// every body.
func head(c *Call, rep *Reply) *Reply {
	if c.Method != http.MethodHead {
		return rep
	}
	if rep.Status == http.StatusOK {
		return &Reply{Status: http.StatusNoContent}
	}
	return &Reply{Status: rep.Status, ContentType: rep.ContentType}
}

// read answers a GET from the committed model.
func (p *API) read(c *Call, fn func(a porta.Actor, cat *store.Catalog) *Reply) *Reply {
	return p.endpoint(c, xmlOrJSON, fn)
}

// write answers a write: fn runs the operation.
func (p *API) write(c *Call, fn func(a porta.Actor) *Reply) *Reply {
	return p.endpoint(c, xmlOrJSON, func(a porta.Actor, _ *store.Catalog) *Reply { return fn(a) })
}

// xmlOrJSON refuses a format porta's controllers do not respond to
// (respond_to :xml, :json): UnknownFormat, which porta answers 406 with
// render_error.
func xmlOrJSON(c *Call) *Reply {
	if c.Format == "xml" || c.Format == "json" {
		return nil
	}
	return unknownFormat(c)
}

// unknownFormat is porta's answer to ActionController::UnknownFormat.
func unknownFormat(c *Call) *Reply {
	return errorReply(c, http.StatusNotAcceptable, fmt.Sprintf("The server does not understand %q request.", c.Format))
}

// answer is an operation's reply: v written as a document with status, or
// the error's reply.
// An operation's v is written from the committed catalog, which holds the
// operation's writes.
func answer[T any](p *API, c *Call, status int, v T, err error, r rep[T]) *Reply {
	return answerFrom(p, c, status, p.domain.Catalog(), v, err, r)
}

// answerFrom is answer for v read from cat.
func answerFrom[T any](p *API, c *Call, status int, cat *store.Catalog, v T, err error, r rep[T]) *Reply {
	if err != nil {
		return p.replyError(c, err)
	}
	return represent(c, status, cat, v, r)
}

// show answers a read of the object find finds by key.
func show[K, R any](p *API, c *Call, find func(*store.Catalog, porta.Actor, K) (R, error), key K, write rep[R]) *Reply {
	return p.read(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		v, err := find(cat, a, key)
		return answerFrom(p, c, 200, cat, v, err, write)
	})
}

// run answers an operation on the object named by key with status and
// what the operation returns.
func run[K, R any](ctx context.Context, p *API, c *Call, status int, op func(context.Context, porta.Actor, K) (R, error),
	key K, write rep[R]) *Reply {
	return p.write(c, func(a porta.Actor) *Reply {
		v, err := op(ctx, a, key)
		return answer(p, c, status, v, err, write)
	})
}

// runWith is run for an operation that takes an input.
func runWith[K, I, R any](ctx context.Context, p *API, c *Call, status int,
	op func(context.Context, porta.Actor, K, I) (R, error), key K, in I, write rep[R]) *Reply {
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

// errorReply is porta's render_error: <error>text</error>, {"error":
// text}, or the text alone in any other format.
func errorReply(c *Call, status int, text string) *Reply {
	switch c.Format {
	case "json":
		return &Reply{Status: status, ContentType: contentJSON, Body: jsonObject("error", text)}
	case "xml":
		return xmlReply(status, builderxml.New().Text("error", text).Bytes())
	}
	return &Reply{Status: status, ContentType: "text/plain", Body: []byte(text)}
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
	var objectJSON jsonrep.Object
	cat := p.domain.Catalog()
	switch o := e.Object.(type) {
	case *store.User:
		object, objectJSON = xmlrep.Fragment(xmlrep.User, cat, o), jsonrep.User(c.links(), cat, o)
	case *store.Message:
		object, objectJSON = xmlrep.Fragment(xmlrep.Message, cat, o), jsonrep.Message(c.links(), cat, o)
	case *store.Service:
		object, objectJSON = xmlrep.Fragment(xmlrep.Service, cat, o), jsonrep.Service(c.links(), cat, o)
	case *store.ServiceContract:
		objectJSON = jsonrep.ServiceSubscription(c.links(), cat, o)
	}
	if c.Format == "json" {
		// StateMachine::InvalidTransitionRepresenter::JSON: the object
		// nested, without its root.
		body := jsonrep.Object{{Key: "error", Value: jsonrep.Object{{Key: "from", Value: e.From}, {Key: "event", Value: e.Event},
			{Key: "error", Value: e.Message()}, {Key: "object", Value: objectJSON.Inner()}}}}
		return jsonReply(http.StatusUnprocessableEntity, body.Bytes())
	}
	d := builderxml.Fragment().Open("error").Text("from", e.From).Text("event", e.Event).
		Text("error", e.Message()).Raw(object).Close("error")
	body, err := xmlrep.Nokogiri(d.Bytes())
	if err != nil {
		return p.replyError(c, err)
	}
	return xmlReply(http.StatusUnprocessableEntity, body)
}
