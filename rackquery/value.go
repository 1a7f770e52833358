// Package rackquery parses query strings and form bodies exactly as Rack 3.1
// does (Rack::QueryParser#parse_nested_query), so that the sandbox sees the
// same parameters as apisonator for every input a client may send: nested
// brackets, arrays, repeated keys, bare keys and malformed encodings.
package rackquery

import (
	"iter"
	"strings"
	"unicode/utf8"
)

// Value is a parsed parameter: String, Nil, Array or *Hash.
type Value interface{ rubyClass() string }

// String is a parameter value.
type String string

// Nil is the value of a bare key ("a" rather than "a=" or "a=1").
type Nil struct{}

// Array collects the values of "k[]" keys.
type Array []Value

func (String) rubyClass() string { return "String" }
func (Nil) rubyClass() string    { return "NilClass" }
func (Array) rubyClass() string  { return "Array" }
func (*Hash) rubyClass() string  { return "Rack::QueryParser::Params" }

// Hash is an insertion-ordered map, as Ruby's Hash is: the order matters
// because apisonator walks usage and transactions in the order given.
type Hash struct {
	keys []string
	vals []Value
	// index is built once a hash grows past a handful of keys; small hashes
	// (the common case) are searched linearly, which is faster.
	index map[string]int
	// last is where the last key was set: parameters come in runs
	// (transactions[0][app_id], transactions[0][usage][hits], …), so the
	// next lookup is often of that key. Only writes move it, so that
	// reads stay safe from several goroutines.
	last int
	// The first keys and values live in the hash itself: a small hash (an
	// authorization's parameters, a transaction, a usage) costs one
	// allocation, not three.
	firstKeys [6]string
	firstVals [6]Value
}

const indexThreshold = 8

// NewHash returns an empty hash.
func NewHash() *Hash { return &Hash{} }

func (h *Hash) find(k string) int {
	if h.index != nil {
		if h.last < len(h.keys) && h.keys[h.last] == k {
			return h.last
		}
		if i, ok := h.index[k]; ok {
			return i
		}
		return -1
	}
	for i, key := range h.keys {
		if key == k {
			return i
		}
	}
	return -1
}

// Get returns the value stored under k.
func (h *Hash) Get(k string) (Value, bool) {
	if h == nil {
		return nil, false
	}
	if i := h.find(k); i >= 0 {
		return h.vals[i], true
	}
	return nil, false
}

// Set stores v under k; an existing key keeps its position.
func (h *Hash) Set(k string, v Value) {
	if i := h.find(k); i >= 0 {
		h.vals[i], h.last = v, i
		return
	}
	if h.keys == nil {
		h.keys, h.vals = h.firstKeys[:0], h.firstVals[:0]
	}
	h.keys = append(h.keys, k)
	h.vals = append(h.vals, v)
	h.last = len(h.keys) - 1
	if h.index != nil {
		h.index[k] = len(h.keys) - 1
	} else if len(h.keys) > indexThreshold {
		h.index = make(map[string]int, 2*len(h.keys))
		for i, key := range h.keys {
			h.index[key] = i
		}
	}
}

// Delete removes k, keeping the order of the other keys.
func (h *Hash) Delete(k string) {
	i := h.find(k)
	if i < 0 {
		return
	}
	h.keys = append(h.keys[:i], h.keys[i+1:]...)
	h.vals = append(h.vals[:i], h.vals[i+1:]...)
	if h.index != nil {
		delete(h.index, k)
		for j := i; j < len(h.keys); j++ {
			h.index[h.keys[j]] = j
		}
	}
}

// Keys returns the keys in insertion order. The slice must not be modified.
func (h *Hash) Keys() []string {
	if h == nil {
		return nil
	}
	return h.keys
}

// All yields the keys and their values in insertion order.
func (h *Hash) All() iter.Seq2[string, Value] {
	return func(yield func(string, Value) bool) {
		for i, k := range h.Keys() {
			if !yield(k, h.vals[i]) {
				return
			}
		}
	}
}

// Len is the number of keys.
func (h *Hash) Len() int {
	if h == nil {
		return 0
	}
	return len(h.keys)
}

// String renders the hash as Ruby's Hash#inspect would (Ruby 3.3), for
// diagnostics and tests.
func (h *Hash) String() string {
	var b strings.Builder
	writeInspect(&b, h)
	return b.String()
}

func writeInspect(b *strings.Builder, v Value) {
	switch v := v.(type) {
	case String:
		b.WriteString(quote(string(v)))
	case Nil:
		b.WriteString("nil")
	case Array:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			writeInspect(b, e)
		}
		b.WriteByte(']')
	case *Hash:
		b.WriteByte('{')
		for i, k := range v.keys {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quote(k))
			b.WriteString("=>")
			writeInspect(b, v.vals[i])
		}
		b.WriteByte('}')
	}
}

func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Merge copies src's top-level keys into dst, as Ruby's Hash#merge does for
// Rack's GET and POST parameters: the body wins, shallowly.
func Merge(dst, src *Hash) {
	for i, k := range src.Keys() {
		dst.Set(k, src.vals[i])
	}
}

// ValidUTF8 reports whether every key and string value in v is valid UTF-8,
// as apisonator's check of all parameters requires.
func ValidUTF8(v Value) bool {
	switch v := v.(type) {
	case String:
		return utf8.ValidString(string(v))
	case Array:
		for _, e := range v {
			if !ValidUTF8(e) {
				return false
			}
		}
	case *Hash:
		if v == nil {
			return true
		}
		for i, k := range v.keys {
			if !utf8.ValidString(k) || !ValidUTF8(v.vals[i]) {
				return false
			}
		}
	}
	return true
}
