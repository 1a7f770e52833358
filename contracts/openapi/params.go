package openapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/url"
	"strings"

	"threescale-sandbox/rackquery"
)

// parseQuery reads a query string or form body as Rack does and returns it
// in the generic shape schemas validate: strings, nil for a bare key, []any
// for `k[]`, map[string]any for `k[x]`.
func parseQuery(qs string) (map[string]any, error) {
	h, err := rackquery.Parse(qs)
	if err != nil {
		return map[string]any{}, err
	}
	if !rackquery.ValidUTF8(h) {
		return fromRack(h).(map[string]any), errors.New("not valid UTF-8")
	}
	return fromRack(h).(map[string]any), nil
}

// parseMultipart reads the fields of a multipart body through the same
// nested-parameter rules, as Rack does.
func parseMultipart(body []byte, boundary string) (map[string]any, error) {
	if boundary == "" {
		return parseQuery(string(body)) // Rack's fallback without a boundary
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	var qs strings.Builder
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return map[string]any{}, fmt.Errorf("multipart: %w", err)
		}
		v, err := io.ReadAll(part)
		if err != nil {
			return map[string]any{}, fmt.Errorf("multipart: %w", err)
		}
		if qs.Len() > 0 {
			qs.WriteByte('&')
		}
		qs.WriteString(url.QueryEscape(part.FormName()) + "=" + url.QueryEscape(string(v)))
	}
	return parseQuery(qs.String())
}

func fromRack(v rackquery.Value) any {
	switch v := v.(type) {
	case rackquery.String:
		return string(v)
	case rackquery.Array:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = fromRack(e)
		}
		return out
	case *rackquery.Hash:
		out := make(map[string]any, v.Len())
		for _, k := range v.Keys() {
			e, _ := v.Get(k)
			out[k] = fromRack(e)
		}
		return out
	default: // rackquery.Nil
		return nil
	}
}
