// Package mgmt is the Service Management API domain: authorize, authrep,
// their OAuth variants and report, with apisonator's parameter handling,
// validator order, limit semantics and documents. It knows nothing of HTTP
// servers: a Request is the parts of an HTTP request the real backend
// looks at, and a Response is what it would answer.
package mgmt

import (
	"log/slog"
	"sync"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Version is what GET /status reports as the backend version: the version
// of apisonator whose behaviour the sandbox reproduces.
const Version = "3.4.3"

// Backend answers Service Management API calls from a store.
type Backend struct {
	store *store.Store
	clock clock.Clock
	log   *slog.Logger
}

// New returns a Backend on st. All time comes from clk.
func New(st *store.Store, clk clock.Clock, log *slog.Logger) *Backend {
	return &Backend{store: st, clock: clk, log: log}
}

// Request is what the Service Management API reads of an HTTP request.
type Request struct {
	Method      string
	URL         string // full URL, for the error log
	RawQuery    string
	Body        []byte
	ContentType string // the Content-Type header, "" if absent
	// Options is the 3scale-options header; HasOptions tells an absent
	// header from an empty one.
	Options    string
	HasOptions bool
	// For the error log's context_info.
	UserAgent     string
	RemoteIP      string
	ContentLength string // the header as sent, "" if absent
	// Decision, when set, is filled with the trail of the call (the
	// sandbox's request journal); nil costs nothing.
	Decision *Decision
}

// Response is the answer: a status, extra headers and a body.
type Response struct {
	Status int
	// Header holds the 3scale-* headers, in the order apisonator sets them.
	Header [][2]string
	Body   []byte
	// ErrorDocument marks answers apisonator builds in its exception
	// catcher, which carry fewer headers (no Content-Security-Policy).
	ErrorDocument bool
	// Bare marks the answer of apisonator's internal error catcher, which
	// replaces every header: none but the length is sent.
	Bare bool

	pooled *[]byte // Body's buffer, back to documents on Release
}

// documents are the buffers of status documents, reused from answer to
// answer.
var documents = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// Release hands the body's buffer back for the next answer; the Response
// must not be used afterwards. Calling it is optional.
func (r *Response) Release() {
	if r.pooled == nil {
		return
	}
	if cap(r.Body) <= 64<<10 { // an answer with thousands of keys is not kept
		*r.pooled = r.Body[:0]
		documents.Put(r.pooled)
	}
	r.pooled, r.Body = nil, nil
}

// internalError is what the real backend answers when an exception escapes,
// as one from its storage does: 500 with no headers. The sandbox answers it
// when a commit fails, so that no write it could not store is acknowledged.
func internalError() *Response {
	return &Response{Status: 500, Body: []byte("Internal Server Error\n"), Bare: true}
}

// Endpoint is one of the four authorization calls.
type Endpoint int

// The authorization endpoints.
const (
	Authorize Endpoint = iota
	Authrep
	OAuthAuthorize
	OAuthAuthrep
)

// name is the endpoint as the decision trail names it.
func (e Endpoint) name() string {
	return [...]string{"authorize", "authrep", "oauth_authorize", "oauth_authrep"}[e]
}

func (e Endpoint) oauth() bool { return e == OAuthAuthorize || e == OAuthAuthrep }

func (e Endpoint) reports() bool { return e == Authrep || e == OAuthAuthrep }

func errorResponse(e *Error, noBody bool) *Response {
	r := &Response{Status: e.Status, ErrorDocument: true}
	if !noBody {
		r.Body = errorDocument(e)
	}
	return r
}

// ErrorDocument writes an apisonator error document, for errors found
// before a request reaches the Backend (an oversized body, say).
func ErrorDocument(code, message string) []byte {
	return errorDocument(&Error{Code: code, Message: message})
}
