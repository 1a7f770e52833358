package openapi

import (
	"errors"

	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
)

// parseRack reads a query string or form body as Rack does.
func parseRack(qs string) (*rackquery.Hash, error) {
	h, err := rackquery.Parse(qs)
	if err != nil {
		return nil, err
	}
	if !rackquery.ValidUTF8(h) {
		return nil, errors.New("not valid UTF-8")
	}
	return h, nil
}

// parseForm reads a form or multipart body; multipart without a boundary
// is read as a form, as Rack reads it.
func parseForm(body []byte, multipart bool, boundary string) (*rackquery.Hash, error) {
	if multipart && boundary != "" {
		h, err := rackquery.ParseMultipart(body, boundary)
		if err == nil && !rackquery.ValidUTF8(h) {
			return nil, errors.New("not valid UTF-8")
		}
		return h, err
	}
	return parseRack(string(body))
}

// fromRack turns Rack's parameters into the shape schemas validate:
// strings, nil for a bare key, []any for `k[]`, map[string]any for `k[x]`.
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

// parseJSON reads a JSON body as Rails reads it into params.
func parseJSON(body []byte) (*rackquery.Hash, error) { return rackquery.ParseJSON(body) }
