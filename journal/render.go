package journal

import (
	"bytes"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
)

// Credentials are the parameter names whose values the journal never
// shows whole, at any depth (transactions[0][user_key] too).
var credentials = map[string]bool{
	"provider_key": true, "service_token": true, "app_key": true, "user_key": true, "access_token": true,
	"password": true, "password_confirmation": true, "current_password": true, "client_secret": true,
	"token": true, "secret": true, "authenticity_token": true,
}

// Mask hides a credential: a long one keeps its first four characters,
// so that a reader can tell two apart.
func Mask(v string) string {
	if utf8.RuneCountInString(v) < 12 {
		return "…"
	}
	n := 0
	for i := range v {
		if n == 4 {
			return v[:i] + "…"
		}
		n++
	}
	return "…"
}

// Params returns the request's parameters as Rack reads them (the query,
// then a form body's), credentials masked. It reports false when neither
// parses.
func (e *Entry) Params() (*rackquery.Hash, bool) {
	h, err := rackquery.Parse(e.Query)
	if err != nil {
		h = rackquery.NewHash()
	}
	ok := err == nil
	if e.formBody() {
		if form, ferr := rackquery.ParseForm(e.Body, e.ContentType); ferr == nil {
			rackquery.Merge(h, form)
			ok = true
		}
	}
	return maskHash(h), ok
}

// formBody reports whether the body is form parameters, as Rack reads a
// POST without a content type too.
func (e *Entry) formBody() bool {
	if len(e.Body) == 0 {
		return false
	}
	mt := rackquery.MediaType(e.ContentType)
	return mt == rackquery.FormURLEncoded || mt == rackquery.FormMultipart || mt == ""
}

func maskHash(h *rackquery.Hash) *rackquery.Hash {
	out := rackquery.NewHash()
	for _, k := range h.Keys() {
		v, _ := h.Get(k)
		out.Set(k, maskValue(k, v))
	}
	return out
}

func maskValue(key string, v rackquery.Value) rackquery.Value {
	switch v := v.(type) {
	case rackquery.String:
		if credentials[key] {
			return rackquery.String(Mask(string(v)))
		}
		return v
	case *rackquery.Hash:
		return maskHash(v)
	case rackquery.Array:
		out := make(rackquery.Array, len(v))
		for i, e := range v {
			out[i] = maskValue(key, e)
		}
		return out
	}
	return v
}

// mentionsApp reports whether the request sent or resolved an application
// by this app_id or user_key.
func (e *Entry) mentionsApp(id string) bool {
	if mentions(e.apps, id) {
		return true
	}
	// Cheap first: the id must appear in the raw request at all.
	found := false
	for _, form := range []string{id, url.QueryEscape(id), url.PathEscape(id)} {
		found = found || strings.Contains(e.Query, form) || bytes.Contains(e.Body, []byte(form))
	}
	if !found {
		return false
	}
	h, err := rackquery.Parse(e.Query)
	if err != nil {
		h = rackquery.NewHash()
	}
	if e.formBody() {
		if form, err := rackquery.ParseForm(e.Body, e.ContentType); err == nil {
			rackquery.Merge(h, form)
		}
	}
	return holdsApp(h, id)
}

// holdsApp looks for app_id or user_key = id at any depth.
func holdsApp(v rackquery.Value, id string) bool {
	switch v := v.(type) {
	case *rackquery.Hash:
		for _, k := range v.Keys() {
			e, _ := v.Get(k)
			if s, ok := e.(rackquery.String); ok && (k == "app_id" || k == "user_key") && string(s) == id {
				return true
			}
			if holdsApp(e, id) {
				return true
			}
		}
	case rackquery.Array:
		for _, e := range v {
			if holdsApp(e, id) {
				return true
			}
		}
	}
	return false
}

// View is an entry as the control API shows it.
type View struct {
	ID          uint64            `json:"id"`
	Time        string            `json:"time"`
	Face        string            `json:"face"`
	Method      string            `json:"method"`
	Path        string            `json:"path"`
	Query       string            `json:"query,omitempty"`
	Params      orderedJSON       `json:"params"`
	Body        *string           `json:"body,omitempty"`
	BodySize    int64             `json:"body_size,omitempty"`
	Truncated   bool              `json:"body_truncated,omitempty"`
	Headers     map[string]string `json:"headers,omitempty"`
	Status      int               `json:"status"`
	DurationMS  float64           `json:"duration_ms"`
	Code        string            `json:"error,omitempty"`
	Message     string            `json:"message,omitempty"`
	Response    *string           `json:"response,omitempty"`
	Decision    any               `json:"decision,omitempty"`
	Suggestions []string          `json:"did_you_mean,omitempty"`
	Fault       string            `json:"fault,omitempty"`
}

// Stamp is how the control API writes a time.
func Stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// View renders e for the control API, its parameters parsed and masked.
func (e *Entry) View() View {
	v := View{ID: e.ID, Time: Stamp(e.Time), Face: e.Face, Method: e.Method, Path: e.Path, Status: e.Status,
		DurationMS: float64(e.Duration.Microseconds()) / 1000, Code: e.Code, Message: e.Message,
		Decision: e.Decision, Suggestions: e.Suggestions, Fault: e.Fault, BodySize: e.BodySize}
	params, _ := e.Params()
	v.Params = orderedJSON{params}
	if len(e.Body) > 0 && !e.formBody() {
		s := strings.ToValidUTF8(string(e.Body), "\uFFFD")
		v.Body = &s
	}
	v.Truncated = e.BodySize > int64(len(e.Body))
	if len(e.Response) > 0 {
		s := strings.ToValidUTF8(string(e.Response), "\uFFFD")
		v.Response = &s
	}
	for name, val := range map[string]string{"content-type": e.ContentType, "3scale-options": e.Options, "user-agent": e.UserAgent} {
		if val != "" {
			if v.Headers == nil {
				v.Headers = map[string]string{}
			}
			v.Headers[name] = val
		}
	}
	return v
}

// orderedJSON writes parameters as a JSON object in their order: a nested
// hash is an object, an array an array, a bare key null.
type orderedJSON struct{ h *rackquery.Hash }

func (o orderedJSON) MarshalJSON() ([]byte, error) {
	return rackquery.AppendJSON(nil, o.h), nil
}
