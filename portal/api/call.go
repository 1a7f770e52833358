// Package portal is porta's side of 3scale for the sandbox: the Account
// Management API (/admin/api), the states and transitions of accounts,
// users, applications and plans, and the webhooks those changes fire.
// Every change goes through the store, so it is visible to the Service
// Management API at once.
//
// Like mgmt it knows no HTTP server: a Call is what porta's controllers read
// of a request (the merged parameters, the route's ids, the credentials) and
// a Reply is what they answer. Documents are written as porta's to_xml
// writes them (package builderxml).
package api

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/xmlrep"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// API answers Account Management API calls with porta's operations.
type API struct {
	domain *porta.Domain
	store  *store.Store
	log    *slog.Logger
	rnd    io.Reader // generated keys, ids and event uuids
}

// New returns the API over the domain d.
func New(d *porta.Domain, st *store.Store, log *slog.Logger, rnd io.Reader) *API {
	return &API{domain: d, store: st, log: log, rnd: rnd}
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

// pathID returns a route id as porta reads it with find: a number.
func (c *Call) pathID(name string) (int64, bool) {
	id, err := strconv.ParseInt(c.Path[name], 10, 64)
	return id, err == nil && id > 0
}

// Replies.

func xmlReply(status int, body []byte) *Reply {
	return &Reply{Status: status, ContentType: contentXML, Body: body}
}

func ok(d *builderxml.Doc) *Reply      { return xmlReply(200, d.Bytes()) }
func created(d *builderxml.Doc) *Reply { return xmlReply(201, d.Bytes()) }

// deleted is porta's answer to a DELETE: Rails' head :ok, 200 with an
// empty body and a Content-Type without charset.
func deleted(c *Call) *Reply {
	return &Reply{Status: 200, ContentType: headContentType(c)}
}

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

// invalid is a validation failure: 422 (403 for a DELETE) with porta's
// <errors> document of full messages.
type invalid struct {
	status   int
	messages []string
	// fields are the attributes of the messages, for JSON.
	fields []string
}

func (e *invalid) Error() string { return strings.Join(e.messages, "; ") }

// problems collects validation messages.
type problems struct{ list []invalidItem }

type invalidItem struct{ field, short, full string }

// add records a failure of field: full is the message as porta's
// full_messages writes it, short the one its JSON uses.
func (p *problems) add(field, short, full string) {
	p.list = append(p.list, invalidItem{field, short, full})
}

// err returns the failures as an error, nil when there are none.
func (p *problems) err() error {
	if len(p.list) == 0 {
		return nil
	}
	e := &invalid{status: 422}
	for _, it := range p.list {
		e.messages = append(e.messages, it.full)
		e.fields = append(e.fields, it.field+"\x00"+it.short)
	}
	return e
}

// fail is a single validation failure.
func fail(field, short, full string) error {
	var p problems
	p.add(field, short, full)
	return p.err()
}

func errorsReply(c *Call, e *invalid) *Reply {
	if c.Format == "json" {
		return &Reply{Status: e.status, ContentType: contentJSON, Body: jsonErrors(e)}
	}
	d := builderxml.New().Open("errors")
	for _, m := range e.messages {
		d.Text("error", m)
	}
	return xmlReply(e.status, d.Close("errors").Bytes())
}

// validationReply is porta's answer to a record it refuses: its full
// messages in <errors>, or the responders gem's JSON.
func validationReply(c *Call, status int, e *porta.ValidationError) *Reply {
	if c.Format == "json" {
		return &Reply{Status: status, ContentType: contentJSON, Body: jsonProblems(e.Problems)}
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
		object = xmlrep.Fragment(xmlrep.User, o)
	case *store.Message:
		object = xmlrep.Fragment(xmlrep.Message, o)
	}
	d := builderxml.Fragment().Open("error").Text("from", e.From).Text("event", e.Event).
		Text("error", e.Message()).Raw(object).Close("error")
	body, err := xmlrep.Nokogiri(d.Bytes())
	if err != nil {
		return p.replyError(c, err)
	}
	return xmlReply(http.StatusUnprocessableEntity, body)
}

// errNotFound makes a change answer 404.
var errNotFound = errors.New("not found")

// replyError turns an error of a change into its reply.
func (p *API) replyError(c *Call, err error) *Reply {
	var inv *invalid
	var re *replyErr
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
	case errors.As(err, &inv):
		if c.Method == "DELETE" {
			inv.status = 403
		}
		return errorsReply(c, inv)
	case errors.As(err, &re):
		return re.reply
	case errors.Is(err, errNotFound):
		return notFound(c)
	}
	p.log.Error("account management api", "method", c.Method, "err", err)
	return errorReply(c, 500, "Internal Server Error")
}

// replyErr carries a finished reply out of a change.
type replyErr struct{ reply *Reply }

func (e *replyErr) Error() string { return "reply " + strconv.Itoa(e.reply.Status) }

func id(n int64) string { return strconv.FormatInt(n, 10) }

// doc writes one object as a whole document.
func doc(write func(d *builderxml.Doc)) *builderxml.Doc {
	d := builderxml.New()
	write(d)
	return d
}

// fragment writes one object without a declaration, to embed it.
func fragment(write func(d *builderxml.Doc)) []byte {
	d := builderxml.Fragment()
	write(d)
	return d.Bytes()
}
