// Package openapi holds the OpenAPI 3 description of the Service Management
// API (openapi.yaml, embedded) and checks requests and responses against it
// with kin-openapi.
//
// Requests are read as apisonator reads them: the query string and form
// bodies are parsed with Rack's nested-parameter rules (package rackquery),
// and each parameter's value is then validated against its schema. kin's own
// request decoding follows Go's url.ParseQuery, which would let `usage=5` or
// a broken %-escape pass unnoticed. Responses go through kin's
// ValidateResponse, with a body decoder for the XML media types that reads a
// document into the shape its schema describes (see xml.go).
package openapi

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
)

//go:embed openapi.yaml
var document []byte

//go:embed sandbox.yaml
var sandboxDocument []byte

//go:embed account_management.yaml
var accountManagement []byte

// YAML returns the description as served at GET /openapi.yaml. The slice is
// shared: callers must not modify it.
func YAML() []byte { return document }

// SandboxYAML returns the description of the sandbox's control API, as
// served at GET /_sandbox/openapi.yaml. The slice is shared.
func SandboxYAML() []byte { return sandboxDocument }

// LoadSandbox parses and validates the control API's description.
func LoadSandbox() (*Description, error) { return Parse(sandboxDocument) }

// AccountManagementYAML returns the description of the Account Management
// API (porta's /admin/api), served at GET /openapi/account_management.yaml.
// The slice is shared: callers must not modify it.
func AccountManagementYAML() []byte { return accountManagement }

// LoadAccountManagement parses and validates the embedded description of
// the Account Management API.
func LoadAccountManagement() (*Description, error) {
	return Parse(accountManagement)
}

// Description is the loaded document with a router over its operations;
// a combined description (LoadAll) routes a request to the first of its
// documents that has an operation for it.
type Description struct {
	doc    *openapi3.T
	router routers.Router
	more   []*Description
}

// LoadAll loads both descriptions: the Service Management API's and the
// Account Management API's, as one.
func LoadAll() (*Description, error) {
	sm, err := Load()
	if err != nil {
		return nil, err
	}
	am, err := LoadAccountManagement()
	if err != nil {
		return nil, err
	}
	sm.more = []*Description{am}
	return sm, nil
}

// Load parses and validates the embedded description.
func Load() (*Description, error) {
	return Parse(document)
}

// Parse loads a description from YAML or JSON; Load is Parse of the
// embedded one.
func Parse(data []byte) (*Description, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("openapi: load: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi: invalid description: %w", err)
	}
	// Route on paths alone: the servers list the hosted backend and the
	// sandbox's default address, but any host may serve the API.
	routing := *doc
	routing.Servers = nil
	router, err := gorillamux.NewRouter(&routing)
	if err != nil {
		return nil, fmt.Errorf("openapi: router: %w", err)
	}
	return &Description{doc: doc, router: router}, nil
}

// Violations lists how a request or response departs from the description,
// one problem per entry, each naming the parameter, header or body path.
type Violations []string

func (v Violations) Error() string { return strings.Join(v, "; ") }

// asError returns nil for no violations, so callers can test err != nil.
func (v Violations) asError() error {
	if len(v) == 0 {
		return nil
	}
	return v
}

// route finds the operation of r. HEAD is answered wherever GET is, so a
// HEAD without an operation of its own is checked as the GET.
func (d *Description) route(r *http.Request) (*routers.Route, map[string]string, error) {
	route, params, err := d.find(r)
	for _, other := range d.more {
		if err == nil {
			break
		}
		if rt, ps, oerr := other.route(r); oerr == nil {
			return rt, ps, nil
		}
	}
	return route, params, err
}

func (d *Description) find(r *http.Request) (*routers.Route, map[string]string, error) {
	route, params, err := d.router.FindRoute(r)
	if err != nil && r.Method == http.MethodHead {
		get := r.Clone(r.Context())
		get.Method = http.MethodGet
		if rt, ps, gerr := d.router.FindRoute(get); gerr == nil {
			return rt, ps, nil
		}
	}
	switch {
	case errors.Is(err, routers.ErrMethodNotAllowed):
		return nil, nil, fmt.Errorf("%s is not an operation of %s", r.Method, r.URL.Path)
	case err != nil:
		return nil, nil, fmt.Errorf("no operation for %s %s", r.Method, r.URL.Path)
	}
	return route, params, nil
}

// CheckRequest reports how r (whose body is given separately, as r.Body may
// be consumed) violates the description. OPTIONS is the CORS pre-flight,
// answered on every path, and is not checked.
func (d *Description) CheckRequest(r *http.Request, body []byte) error {
	if r.Method == http.MethodOptions {
		return nil
	}
	route, pathParams, err := d.route(r)
	if err != nil {
		return Violations{err.Error()}
	}
	var v Violations
	op := route.Operation

	rq, err := parseRack(r.URL.RawQuery)
	if err != nil {
		// Nothing else can be read reliably from a query Rack rejects.
		return Violations{"query string: " + err.Error()}
	}
	query := fromRack(rq).(map[string]any)
	merged := query
	if op.RequestBody != nil && op.RequestBody.Value != nil {
		form, schema, problems := requestBody(r, op.RequestBody.Value, body)
		if len(problems) > 0 {
			return problems
		}
		if form != nil {
			// Sinatra's params: the body's keys win, shallowly.
			all := rackquery.NewHash()
			rackquery.Merge(all, rq)
			rackquery.Merge(all, form)
			merged = fromRack(all).(map[string]any)
		}
		v = append(v, visit("request body", schema, merged)...)
	}
	v = append(v, d.checkSecurity(route, merged, r)...)
	for _, ref := range op.Parameters {
		p := ref.Value
		switch p.In {
		case openapi3.ParameterInQuery:
			v = append(v, checkParameter(p, query)...)
		case openapi3.ParameterInHeader:
			v = append(v, checkHeader(p, r.Header)...)
		case openapi3.ParameterInPath:
			v = append(v, visit(fmt.Sprintf("path parameter %q", p.Name), schemaOf(p.Schema), pathParams[p.Name])...)
		}
	}
	return v.asError()
}

// requestBody parses a form or multipart body and returns it with the
// schema of its media type. A POST without Content-Type is read as a form,
// as Rack reads it.
func requestBody(r *http.Request, rb *openapi3.RequestBody, body []byte) (*rackquery.Hash, *openapi3.Schema, Violations) {
	ct := strings.Join(headerValues(r.Header, "Content-Type"), ",")
	mt := "application/x-www-form-urlencoded"
	var boundary string
	if ct != "" {
		var ps map[string]string
		var err error
		mt, ps, err = mime.ParseMediaType(ct)
		if err != nil {
			return nil, nil, Violations{fmt.Sprintf("request body: Content-Type %q: %v", ct, err)}
		}
		boundary = ps["boundary"]
	}
	media := rb.Content.Get(mt)
	if media == nil {
		return nil, nil, Violations{fmt.Sprintf("request body: Content-Type %q is not one of %s", ct, strings.Join(sortedKeys(rb.Content), ", "))}
	}
	if len(body) == 0 {
		if rb.Required {
			return nil, nil, Violations{"request body: required"}
		}
		return nil, schemaOf(media.Schema), nil
	}
	if mt == "application/json" {
		form, err := parseJSON(body)
		if err != nil {
			return nil, nil, Violations{"request body: " + err.Error()}
		}
		return form, schemaOf(media.Schema), nil
	}
	form, err := parseForm(body, mt == "multipart/form-data", boundary)
	if err != nil {
		return nil, nil, Violations{"request body: " + err.Error()}
	}
	return form, schemaOf(media.Schema), nil
}

func schemaOf(ref *openapi3.SchemaRef) *openapi3.Schema {
	if ref == nil {
		return nil
	}
	return ref.Value
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// checkSecurity passes when one of the operation's security requirements has
// all its API keys present and non-empty in the parameters (HTTP Basic: an
// Authorization header with Basic credentials).
func (d *Description) checkSecurity(route *routers.Route, params map[string]any, r *http.Request) Violations {
	reqs := route.Operation.Security
	if reqs == nil {
		reqs = &route.Spec.Security
	}
	if len(*reqs) == 0 {
		return nil
	}
	var alternatives []string
	for _, req := range *reqs {
		ok := true
		var keys []string
		for _, name := range sortedKeys(req) {
			scheme := route.Spec.Components.SecuritySchemes[name]
			if scheme == nil || scheme.Value == nil {
				return Violations{fmt.Sprintf("security scheme %q is not declared", name)}
			}
			if scheme.Value.Type == "http" {
				keys = append(keys, "HTTP Basic credentials")
				if u, p, given := r.BasicAuth(); !given || (u == "" && p == "") {
					ok = false
				}
				continue
			}
			key := scheme.Value.Name
			keys = append(keys, key)
			if s, isStr := params[key].(string); !isStr || s == "" {
				ok = false
			}
		}
		if ok {
			return nil
		}
		alternatives = append(alternatives, strings.Join(keys, " and "))
	}
	return Violations{"credentials: " + strings.Join(alternatives, ", or ") + ", required"}
}

// checkParameter validates one query parameter's Rack-parsed value.
func checkParameter(p *openapi3.Parameter, query map[string]any) Violations {
	name := fmt.Sprintf("query parameter %q", p.Name)
	value, present := query[p.Name]
	if !present {
		if p.Required {
			return Violations{name + ": required"}
		}
		return nil
	}
	schema := schemaOf(p.Schema)
	if why := rejected(schema); why != "" {
		return Violations{name + ": not allowed: " + why}
	}
	if s, isStr := value.(string); (value == nil || (isStr && s == "")) && !p.AllowEmptyValue {
		return Violations{name + ": empty value"}
	}
	if value == nil {
		value = "" // a bare key: Rack's nil, an empty value for the schema
	}
	value = coerce(value, schema)
	return visit(name, schema, value)
}

// coerce reads a query string's text as the number or boolean its schema
// wants; text that does not convert is left for the schema to reject.
func coerce(value any, s *openapi3.Schema) any {
	text, ok := value.(string)
	if !ok || s == nil {
		return value
	}
	switch {
	case s.Type.Is("integer"):
		if n, err := strconv.ParseInt(text, 10, 64); err == nil {
			return float64(n)
		}
	case s.Type.Is("number"):
		if f, err := strconv.ParseFloat(text, 64); err == nil {
			return f
		}
	case s.Type.Is("boolean"):
		if text == "true" || text == "false" {
			return text == "true"
		}
	}
	return value
}

// rejectedExtension marks a schema no value matches, and says why.
const rejectedExtension = "x-rejected"

func rejected(s *openapi3.Schema) string {
	if s == nil {
		return ""
	}
	why, _ := s.Extensions[rejectedExtension].(string)
	return why
}

// headerValues looks a header up case-insensitively: a client's request
// may hold names as written rather than canonical.
func headerValues(h http.Header, name string) []string {
	var values []string
	for k, vs := range h {
		if strings.EqualFold(k, name) {
			values = append(values, vs...)
		}
	}
	return values
}

func checkHeader(p *openapi3.Parameter, h http.Header) Violations {
	values := headerValues(h, p.Name)
	name := fmt.Sprintf("header %q", p.Name)
	if len(values) == 0 {
		if p.Required {
			return Violations{name + ": required"}
		}
		return nil
	}
	return visit(name, schemaOf(p.Schema), strings.Join(values, ","))
}

var visitOptions = []openapi3.SchemaValidationOption{
	openapi3.MultiErrors(),
	openapi3.DisableSchemaErrorDetails(),
	openapi3.VisitAsRequest(),
}

// visit validates value against schema and names each problem with where
// it was found.
func visit(where string, schema *openapi3.Schema, value any) Violations {
	if schema == nil {
		return nil
	}
	if err := schema.VisitJSON(value, visitOptions...); err != nil {
		var v Violations
		for _, line := range describe(err) {
			v = append(v, where+": "+line)
		}
		return v
	}
	return nil
}

// CheckJSONRequest reports how a request to a JSON API (the control API)
// violates the description, read as kin-openapi reads JSON bodies and
// query parameters.
func (d *Description) CheckJSONRequest(r *http.Request, body []byte) error {
	route, params, err := d.route(r)
	if err != nil {
		return Violations{err.Error()}
	}
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(body))
	in := &openapi3filter.RequestValidationInput{Request: r2, PathParams: params, Route: route,
		Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
		return Violations(describe(err))
	}
	return nil
}

// CheckResponse reports how a response to r violates the description: an
// undeclared status, a header or a body that does not match its schema.
// Responses to requests without an operation are not checked (CheckRequest
// names that problem).
func (d *Description) CheckResponse(r *http.Request, status int, header http.Header, body []byte) error {
	if r.Method == http.MethodOptions {
		return nil
	}
	route, params, err := d.route(r)
	if err != nil {
		return nil
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route},
		Status:                 status,
		Header:                 header,
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{
			IncludeResponseStatus:   true,
			MultiError:              true,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
		},
	}
	if err := openapi3filter.ValidateResponse(r.Context(), in); err != nil {
		return Violations(describe(err))
	}
	return nil
}

// describe flattens kin-openapi's nested errors into one line per problem,
// each with the JSON pointer of the value at fault.
func describe(err error) []string {
	// The response error first: it wraps a MultiError and says which part
	// of the response is at fault.
	var re *openapi3filter.ResponseError
	if errors.As(err, &re) {
		if re.Err == nil {
			return []string{re.Reason}
		}
		var out []string
		for _, line := range describe(re.Err) {
			out = append(out, re.Reason+": "+line)
		}
		return out
	}
	var me openapi3.MultiError
	if errors.As(err, &me) {
		var out []string
		for _, e := range me {
			out = append(out, describe(e)...)
		}
		return out
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		if se.Origin != nil {
			if inner := describe(se.Origin); len(inner) > 0 && se.Origin != err {
				return prefixPointer(se.JSONPointer(), inner)
			}
		}
		reason := se.Reason
		switch {
		case rejected(se.Schema) != "":
			reason = "not allowed: " + rejected(se.Schema)
		case reason == "" && se.Schema != nil && se.Schema.Description != "":
			reason = "does not match (" + se.SchemaField + "): " + se.Schema.Description
		case reason == "":
			reason = "does not match " + se.SchemaField
		}
		return prefixPointer(se.JSONPointer(), []string{reason})
	}
	return []string{strings.TrimSpace(err.Error())}
}

func prefixPointer(ptr []string, lines []string) []string {
	if len(ptr) == 0 {
		return lines
	}
	p := "/" + strings.Join(ptr, "/")
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = p + ": " + l
	}
	return out
}

// Operations lists the operationIds of the description, sorted.
func (d *Description) Operations() []string {
	var out []string
	for _, doc := range append([]*Description{d}, d.more...) {
		for _, item := range doc.doc.Paths.Map() {
			for _, op := range item.Operations() {
				if op.OperationID != "" {
					out = append(out, op.OperationID)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// Operation returns the operationId of the operation r calls, or "" when
// the description has none.
func (d *Description) Operation(r *http.Request) string {
	route, _, err := d.route(r)
	if err != nil {
		return ""
	}
	return route.Operation.OperationID
}
