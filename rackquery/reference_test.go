package rackquery

import (
	"fmt"
	"strings"
)

// refParseLimits is ParseLimits before its fast paths: the oracle the fuzz
// target compares it with.
func refParseLimits(qs string, l Limits) (*Hash, error) {
	params := NewHash()
	if qs == "" {
		return params, nil
	}
	if len(qs) > l.Bytes {
		return nil, &Error{KindLimit, fmt.Sprintf("total query size exceeds limit (%d)", l.Bytes)}
	}
	if n := strings.Count(qs, "&"); n >= l.Params {
		return nil, &Error{KindLimit, fmt.Sprintf("total number of query parameters (%d) exceeds limit (%d)", n+1, l.Params)}
	}
	p := refParser{depthLimit: l.Depth}
	for len(qs) > 0 {
		// Rack splits on /& */: an ampersand and the spaces after it.
		var pair string
		if i := strings.IndexByte(qs, '&'); i >= 0 {
			pair, qs = qs[:i], strings.TrimLeft(qs[i+1:], " ")
		} else {
			pair, qs = qs, ""
		}
		if pair == "" {
			continue // no name: ignored
		}
		rawK, rawV, hasV := strings.Cut(pair, "=")
		k, err := unescape(rawK)
		if err != nil {
			return nil, err
		}
		var v Value = Nil{}
		if hasV {
			s, err := unescape(rawV)
			if err != nil {
				return nil, err
			}
			v = String(s)
		}
		if _, err := p.normalize(params, k, v, 0); err != nil {
			return nil, err
		}
	}
	return params, nil
}

type refParser struct{ depthLimit int }

// normalize is Rack's _normalize_params: it stores v under the bracketed
// name, creating nested hashes and arrays on the way. Like Rack's it returns
// the container it filled, or a one-element array for a trailing "[]" below
// the top level, or nil for an empty key.
func (p *refParser) normalize(params *Hash, name string, v Value, depth int) (Value, error) {
	if depth >= p.depthLimit {
		return nil, &Error{KindLimit, "Rack::QueryParser::QueryLimitError"}
	}
	var k, after string
	switch {
	case depth == 0:
		// The top-level key ends at the first '[' after its first byte, so
		// "[usage][hits]" is one key named "[usage][hits]".
		if i := strings.IndexByte(name[min(1, len(name)):], '['); i >= 0 && len(name) > 0 {
			k, after = name[:i+1], name[i+1:]
		} else {
			k = name
		}
	case strings.HasPrefix(name, "[]"):
		k, after = "[]", name[2:]
	case strings.HasPrefix(name, "[") && strings.IndexByte(name[1:], ']') >= 0:
		end := strings.IndexByte(name[1:], ']') + 1
		k, after = name[1:end], name[end+1:]
	default:
		k = name
	}
	if k == "" {
		return nil, nil
	}

	switch {
	case after == "":
		if k == "[]" && depth != 0 {
			return Array{v}, nil
		}
		params.Set(k, v)
	case after == "[":
		params.Set(name, v)
	case after == "[]":
		arr, err := arrayAt(params, k)
		if err != nil {
			return nil, err
		}
		params.Set(k, append(arr, v))
	case strings.HasPrefix(after, "[]"):
		// "k[][child]" adds child to the last hash of the array unless it
		// already has that key; anything else after "[]" is a nested name.
		child := after[2:]
		if len(after) >= 4 && after[2] == '[' && after[len(after)-1] == ']' {
			if c := after[3 : len(after)-1]; c != "" && !strings.ContainsAny(c, "[]") {
				child = c
			}
		}
		arr, err := arrayAt(params, k)
		if err != nil {
			return nil, err
		}
		if last, ok := lastHash(arr); ok && !hasNestedKey(last, child) {
			if _, err := p.normalize(last, child, v, depth+1); err != nil {
				return nil, err
			}
			params.Set(k, arr)
		} else {
			elem, err := p.normalize(NewHash(), child, v, depth+1)
			if err != nil {
				return nil, err
			}
			params.Set(k, append(arr, nilIfNone(elem)))
		}
	default:
		cur, ok := params.Get(k)
		var h *Hash
		switch c := cur.(type) {
		case *Hash:
			h = c
		case Nil:
			h = NewHash()
		default:
			if ok {
				return nil, &Error{KindType, fmt.Sprintf("expected Hash (got %s) for param `%s'", cur.rubyClass(), k)}
			}
			h = NewHash()
		}
		res, err := p.normalize(h, after, v, depth+1)
		if err != nil {
			return nil, err
		}
		params.Set(k, nilIfNone(res))
	}
	return params, nil
}
