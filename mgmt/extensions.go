package mgmt

import (
	"encoding/json"

	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
)

// extensions are the optional features a caller asks for in the
// 3scale-options header (docs/extensions.md of apisonator).
type extensions struct {
	raw             *rackquery.Hash
	noBody          bool
	rejectionReason bool
	limitHeaders    bool
	hierarchy       bool
	flatUsage       bool
	listAppKeys     bool
}

// parseExtensions reads the header like a query string. Only the string "1"
// turns a feature on, except no_body, which any value but "0" and "false"
// enables, and which may also come as the deprecated no_body parameter.
func parseExtensions(r *Request, p *rackquery.Hash) (extensions, *Error) {
	x := extensions{raw: rackquery.NewHash()}
	if r.HasOptions && r.Options != "" {
		h, err := rackquery.Parse(r.Options)
		if err != nil {
			// apisonator fails with a 500 here; a clear 400 is kinder.
			return x, errBadRequest("invalid 3scale-options header: " + err.Error())
		}
		x.raw = h
	}
	one := func(k string) bool { s, ok := str(x.raw, k); return ok && s == "1" }
	x.rejectionReason = one("rejection_reason_header")
	x.limitHeaders = one("limit_headers")
	x.hierarchy = one("hierarchy")
	x.flatUsage = one("flat_usage")
	x.listAppKeys = one("list_app_keys")

	v, ok := x.raw.Get("no_body")
	if _, isNil := v.(rackquery.Nil); !ok || isNil {
		v, ok = nil, false
		if p != nil && present(p, "no_body") {
			v, ok = p.Get("no_body")
		}
	}
	if ok {
		s, isStr := v.(rackquery.String)
		x.noBody = !isStr || (s != "0" && s != "false")
	}
	return x, nil
}

// contextJSON renders the extensions as apisonator logs them with an error.
func (x extensions) contextJSON() json.RawMessage {
	b := []byte{'{'}
	n := 0
	for _, k := range x.raw.Keys() {
		if k == "no_body" {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = rackquery.AppendJSON(b, rackquery.String(k))
		b = append(b, ':')
		v, _ := x.raw.Get(k)
		b = rackquery.AppendJSON(b, v)
	}
	if x.noBody {
		if n > 0 {
			b = append(b, ',')
		}
		b = append(b, `"no_body":true`...)
	}
	return json.RawMessage(append(b, '}'))
}
