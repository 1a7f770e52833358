package mgmt

import (
	"errors"
	"mime"
	"strings"

	"threescale-sandbox/rackquery"
)

const (
	formURLEncoded = "application/x-www-form-urlencoded"
	formMultipart  = "multipart/form-data"
)

// mediaType is Rack's Request#media_type: the type before any parameter,
// lower-cased; "" when there is none.
func mediaType(ct string) string {
	if i := strings.IndexAny(ct, ";,"); i >= 0 {
		ct = ct[:i]
	}
	return strings.ToLower(strings.TrimSpace(ct))
}

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
		body, err := bodyParams(r.Body, r.ContentType, mt)
		if err != nil {
			return nil, paramError(err)
		}
		rackquery.Merge(q, body)
	}
	return q, nil
}

func bodyParams(body []byte, ct, mt string) (*rackquery.Hash, error) {
	if mt == formMultipart {
		_, ps, err := mime.ParseMediaType(ct)
		// Without a boundary Rack falls back to reading the body as a form.
		if err == nil && ps["boundary"] != "" {
			return rackquery.ParseMultipart(body, ps["boundary"])
		}
	}
	return rackquery.Parse(string(body))
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
