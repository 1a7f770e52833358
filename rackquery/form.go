package rackquery

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/url"
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
			return parseMultipart(body, ps["boundary"])
		}
	}
	return Parse(string(body))
}

// parseMultipart reads the fields of a multipart body by feeding each name
// and value through the nested-parameter parser.
func parseMultipart(body []byte, boundary string) (*Hash, error) {
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	var qs strings.Builder
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &Error{Kind: KindType, Message: "bad multipart body: " + err.Error()}
		}
		v, err := io.ReadAll(part)
		if err != nil {
			return nil, &Error{Kind: KindType, Message: "bad multipart body: " + err.Error()}
		}
		if qs.Len() > 0 {
			qs.WriteByte('&')
		}
		qs.WriteString(url.QueryEscape(part.FormName()))
		qs.WriteByte('=')
		qs.WriteString(url.QueryEscape(string(v)))
	}
	return Parse(qs.String())
}
