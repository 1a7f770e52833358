package rackquery

import (
	"fmt"
	"strings"
)

// Limits are Rack 3.1's query parser limits.
type Limits struct {
	Bytes  int // RACK_QUERY_PARSER_BYTESIZE_LIMIT
	Params int // RACK_QUERY_PARSER_PARAMS_LIMIT
	Depth  int // Rack::Utils.param_depth_limit
}

// DefaultLimits are Rack's defaults, which apisonator runs with.
var DefaultLimits = Limits{Bytes: 4194304, Params: 4096, Depth: 32}

// Kind classifies parse errors the way Rack's exception classes do.
type Kind int

const (
	// KindLimit is Rack::QueryParser::QueryLimitError.
	KindLimit Kind = iota + 1
	// KindEncoding is InvalidParameterError raised by a bad %-escape.
	KindEncoding
	// KindType is ParameterTypeError: a key used both as a hash and an array
	// or a string.
	KindType
)

// Error is a parse failure with Rack's message.
type Error struct {
	Kind    Kind
	Message string
}

func (e *Error) Error() string { return e.Message }

// Parse parses a query string or form body with the default limits.
func Parse(qs string) (*Hash, error) { return ParseLimits(qs, DefaultLimits) }

// ParseLimits is Rack::QueryParser#parse_nested_query.
func ParseLimits(qs string, l Limits) (*Hash, error) {
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
	p := parser{depthLimit: l.Depth}
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
			v = boxed(s)
		}
		if _, err := p.normalize(params, k, v, 0); err != nil {
			return nil, err
		}
	}
	return params, nil
}

// boxed is s as a Value. A one-digit value, the commonest of all
// (usage[hits]=1, service_id=1), costs no allocation: a constant's
// conversion needs none.
func boxed(s string) Value {
	if len(s) == 1 && '0' <= s[0] && s[0] <= '9' {
		return [...]Value{String("0"), String("1"), String("2"), String("3"), String("4"),
			String("5"), String("6"), String("7"), String("8"), String("9")}[s[0]-'0']
	}
	return String(s)
}

// unescape is URI.decode_www_form_component: '+' is a space, and a '%' not
// followed by two hex digits is an error.
func unescape(s string) (string, error) {
	if strings.IndexByte(s, '%') < 0 && strings.IndexByte(s, '+') < 0 {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b = append(b, ' ')
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return "", &Error{KindEncoding, "invalid %-encoding (" + s + ")"}
			}
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b), nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

type parser struct {
	depthLimit int
	// hashes are made a chunk at a time (the chunks growing with the
	// input): a report's thousand transactions, each a hash with a usage
	// hash, cost dozens of allocations rather than thousands.
	hashes []Hash
	chunk  int
}

func (p *parser) newHash() *Hash {
	if len(p.hashes) == 0 {
		p.chunk = min(max(2*p.chunk, 2), 128)
		p.hashes = make([]Hash, p.chunk)
	}
	h := &p.hashes[0]
	p.hashes = p.hashes[1:]
	return h
}

// normalize is Rack's _normalize_params: it stores v under the bracketed
// name, creating nested hashes and arrays on the way. Like Rack's it returns
// the container it filled, or a one-element array for a trailing "[]" below
// the top level, or nil for an empty key.
func (p *parser) normalize(params *Hash, name string, v Value, depth int) (Value, error) {
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
			elem, err := p.normalize(p.newHash(), child, v, depth+1)
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
			h = p.newHash()
		default:
			if ok {
				return nil, &Error{KindType, fmt.Sprintf("expected Hash (got %s) for param `%s'", cur.rubyClass(), k)}
			}
			h = p.newHash()
		}
		res, err := p.normalize(h, after, v, depth+1)
		if err != nil {
			return nil, err
		}
		// Here res is h (after names a key below it), so a hash already
		// stored under k needs no second Set: a report's thousands of
		// transactions[i][…] pairs each look their hash up once per level.
		if c, isHash := cur.(*Hash); !isHash || c != res {
			params.Set(k, nilIfNone(res))
		}
	}
	return params, nil
}

// arrayAt is Rack's `params[k] ||= []` followed by its type check.
func arrayAt(params *Hash, k string) (Array, error) {
	cur, ok := params.Get(k)
	if !ok {
		return nil, nil
	}
	switch c := cur.(type) {
	case Array:
		return c, nil
	case Nil:
		return nil, nil
	default:
		return nil, &Error{KindType, fmt.Sprintf("expected Array (got %s) for param `%s'", cur.rubyClass(), k)}
	}
}

func lastHash(a Array) (*Hash, bool) {
	if len(a) == 0 {
		return nil, false
	}
	h, ok := a[len(a)-1].(*Hash)
	return h, ok
}

func nilIfNone(v Value) Value {
	if v == nil {
		return Nil{}
	}
	return v
}

// hasNestedKey is Rack's params_hash_has_key?: whether the bracketed path in
// key already exists in h. Keys with "[]" never count as present.
func hasNestedKey(h *Hash, key string) bool {
	if strings.Contains(key, "[]") {
		return false
	}
	var cur Value = h
	for _, part := range strings.FieldsFunc(key, func(r rune) bool { return r == '[' || r == ']' }) {
		hh, ok := cur.(*Hash)
		if !ok {
			return false
		}
		if cur, ok = hh.Get(part); !ok {
			return false
		}
	}
	return true
}
