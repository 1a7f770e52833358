package mgmt

import (
	"errors"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
)

const (
	formURLEncoded = rackquery.FormURLEncoded
	formMultipart  = rackquery.FormMultipart
)

// mediaType is Rack's Request#media_type.
func mediaType(ct string) string { return rackquery.MediaType(ct) }

// params parses the query string and, for form posts, the body, and merges
// them as Sinatra does (body keys win). Malformed input gives apisonator's
// bad_request errors.
func params(r *Request) (*rackquery.Hash, *Error) {
	q, err := rackquery.Parse(r.RawQuery)
	if err != nil {
		return nil, paramError(err)
	}
	mt := mediaType(r.ContentType)
	// Rack reads a body as a form when it says so, or when a POST says
	// nothing (the Go client posts an empty body without a Content-Type).
	if mt == formURLEncoded || mt == formMultipart || (mt == "" && r.Method == "POST") {
		body, err := rackquery.ParseForm(r.Body, r.ContentType)
		if err != nil {
			return nil, paramError(err)
		}
		rackquery.Merge(q, body)
	}
	return q, nil
}

// paramError maps a parser error onto the document apisonator answers with.
func paramError(err error) *Error {
	var re *rackquery.Error
	if !errors.As(err, &re) {
		return errBadRequest(defaultBadRequest)
	}
	switch re.Kind {
	case rackquery.KindLimit:
		return errBadRequest(re.Message)
	case rackquery.KindEncoding:
		return errBadRequest("Invalid query parameters: invalid %-encoding")
	default:
		return errBadRequest(defaultBadRequest)
	}
}

// str returns a parameter if it is a string.
func str(h *rackquery.Hash, key string) (string, bool) {
	v, ok := h.Get(key)
	if !ok {
		return "", false
	}
	s, ok := v.(rackquery.String)
	return string(s), ok
}

// present reports whether a parameter is truthy in Ruby: given, and not a
// bare key (nil).
func present(h *rackquery.Hash, key string) bool {
	v, ok := h.Get(key)
	if !ok {
		return false
	}
	_, isNil := v.(rackquery.Nil)
	return !isNil
}

// rubyStrip is Ruby's String#strip: whitespace and NUL at both ends.
func rubyStrip(s string) string {
	return strings.Trim(s, " \t\n\v\f\r\x00")
}
