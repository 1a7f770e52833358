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
	"strconv"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// API answers Account Management API calls from a store.
type API struct {
	store *store.Store
	clock clock.Clock
	log   *slog.Logger
	rnd   io.Reader // generated keys, ids and event uuids
}

// New returns an API on st. All time comes from clk and all generated
// values from rnd.
func New(st *store.Store, clk clock.Clock, log *slog.Logger, rnd io.Reader) *API {
	return &API{store: st, clock: clk, log: log, rnd: rnd}
}

// Call is what an Account Management API endpoint reads of a request.
type Call struct {
	Method string
	// Format is "xml" or "json": the path's extension, xml without one.
	Format string
	// Params are the query and body parameters, merged as Rails does (the
	// body wins).
	Params *rackquery.Hash
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

// str returns a parameter if it is a string.
func (c *Call) str(key string) (string, bool) {
	v, ok := c.Params.Get(key)
	if !ok {
		return "", false
	}
	s, ok := v.(rackquery.String)
	return string(s), ok
}

// stringValue is a parameter's value if it is a string, else "".
func stringValue(v rackquery.Value) string {
	s, _ := v.(rackquery.String)
	return string(s)
}

// get returns a string parameter, "" when absent.
func (c *Call) get(key string) string {
	s, _ := c.str(key)
	return s
}

// wrapped returns a parameter that porta's controllers read wrapped, as
// `application_plan[name]` or flat as `name`: the wrapped form wins.
func (c *Call) wrapped(wrapper, key string) (string, bool) {
	if v, ok := c.Params.Get(wrapper); ok {
		if h, ok := v.(*rackquery.Hash); ok {
			if v, ok := h.Get(key); ok {
				s, ok := v.(rackquery.String)
				return string(s), ok
			}
		}
	}
	return c.str(key)
}

// hash returns a parameter that is a nested hash (annotations[x]=y).
func (c *Call) hash(key string) *rackquery.Hash {
	if v, ok := c.Params.Get(key); ok {
		if h, ok := v.(*rackquery.Hash); ok {
			return h
		}
	}
	return nil
}

// strings returns a parameter that may be given once (k=v) or as a list
// (k[]=v1&k[]=v2), as Ruby's Array(params[k]) reads it.
func (c *Call) strings(key string) []string {
	v, ok := c.Params.Get(key)
	if !ok {
		return nil
	}
	switch v := v.(type) {
	case rackquery.String:
		return []string{string(v)}
	case rackquery.Array:
		var out []string
		for _, e := range v {
			if s, ok := e.(rackquery.String); ok {
				out = append(out, string(s))
			}
		}
		return out
	}
	return nil
}

// pathID returns a route id as porta reads it with find: a number.
func (c *Call) pathID(name string) (int64, bool) {
	id, err := strconv.ParseInt(c.Path[name], 10, 64)
	return id, err == nil && id > 0
}

// boolParam reads a Rails boolean: "1", "true", "t", "on" (any case) are
// true, "0", "false", "f", "off" and "" are false; others are not booleans.
func boolParam(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "t", "on", "yes", "y":
		return true, true
	case "0", "false", "f", "off", "no", "n", "":
		return false, true
	}
	return false, false
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

// errNotFound makes a change answer 404.
var errNotFound = errors.New("not found")

// replyError turns an error of a change into its reply.
func (p *API) replyError(c *Call, err error) *Reply {
	var inv *invalid
	var re *replyErr
	switch {
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
