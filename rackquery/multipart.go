package rackquery

import (
	"bytes"
	"errors"
	"io"
	"mime/multipart"
	"net/url"
	"strings"
)

// ParseMultipart reads the fields of a multipart/form-data body as Rack
// does: each field's name and value go through the nested-parameter parser,
// so "transactions[0][app_id]" nests as in a form. A malformed body is a
// KindType error.
func ParseMultipart(body []byte, boundary string) (*Hash, error) {
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
