package rackquery

import (
	"mime"
	"strings"
)

// The media types Rack reads a body of as form parameters.
const (
	FormURLEncoded = "application/x-www-form-urlencoded"
	FormMultipart  = "multipart/form-data"
)

// MediaType is Rack's Request#media_type: the type before any parameter,
// lower-cased; "" when there is none.
func MediaType(ct string) string {
	if i := strings.IndexAny(ct, ";,"); i >= 0 {
		ct = ct[:i]
	}
	return strings.ToLower(strings.TrimSpace(ct))
}

// ParseForm parses a form body as Rack does: url-encoded, or multipart when
// it says so and has a boundary (without one Rack falls back to reading it
// url-encoded).
func ParseForm(body []byte, contentType string) (*Hash, error) {
	if MediaType(contentType) == FormMultipart {
		_, ps, err := mime.ParseMediaType(contentType)
		if err == nil && ps["boundary"] != "" {
			return ParseMultipart(body, ps["boundary"])
		}
	}
	return Parse(string(body))
}
