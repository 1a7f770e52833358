// Package params reads request parameters as porta's Rails controllers
// read them: a key given flat or wrapped (`application_plan[name]`), a
// value given once or as a list (Ruby's Array()), String#to_i, Rails' and
// ActiveRecord's boolean casts, Time.parse, and the values of a provider's
// defined fields (flat or under extra_fields).
//
// It is shared by porta's faces that read Rails parameters (the Account
// Management API, the portals' forms), over the parameters rackquery
// parses. It imports no other package of portal and knows no HTTP.
package params

import (
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
)

// Params are parsed parameters, as Rails' params hash holds them.
type Params struct{ h *rackquery.Hash }

// Of reads h (nil: no parameters).
func Of(h *rackquery.Hash) Params { return Params{h} }

// Value returns a parameter of any type.
func (p Params) Value(key string) (rackquery.Value, bool) {
	if p.h == nil {
		return nil, false
	}
	return p.h.Get(key)
}

// Given reports whether the parameter is there, of any type.
func (p Params) Given(key string) bool {
	_, ok := p.Value(key)
	return ok
}

// String returns a parameter if it is a string.
func (p Params) String(key string) (string, bool) {
	v, _ := p.Value(key)
	s, ok := v.(rackquery.String)
	return string(s), ok
}

// Get returns a string parameter, "" when absent or not a string.
func (p Params) Get(key string) string {
	s, _ := p.String(key)
	return s
}

// Ptr returns a string parameter as a given-or-not value: nil when it is
// absent or not a string.
func (p Params) Ptr(key string) *string {
	if s, ok := p.String(key); ok {
		return &s
	}
	return nil
}

// Hash returns a parameter that is a nested hash (annotations[x]=y).
func (p Params) Hash(key string) (Params, bool) {
	v, _ := p.Value(key)
	h, ok := v.(*rackquery.Hash)
	return Params{h}, ok
}

// Slice returns the parameters named in keys, as Rails' ParamsWrapper
// takes a request's body parameters into the wrapper.
func (p Params) Slice(keys []string) Params {
	out := rackquery.NewHash()
	for _, k := range p.Keys() {
		if slices.Contains(keys, k) {
			v, _ := p.h.Get(k)
			out.Set(k, v)
		}
	}
	return Params{out}
}

// Len is how many parameters there are.
func (p Params) Len() int {
	if p.h == nil {
		return 0
	}
	return p.h.Len()
}

// Keys are the parameters' names in the order given.
func (p Params) Keys() []string {
	if p.h == nil {
		return nil
	}
	return p.h.Keys()
}

// Wrapped returns a parameter that porta's controllers read wrapped, as
// `application_plan[name]`, or flat as `name`: the wrapped form wins.
func (p Params) Wrapped(wrapper, key string) (string, bool) {
	if w, ok := p.Hash(wrapper); ok {
		if v, ok := w.Value(key); ok {
			s, ok := v.(rackquery.String)
			return string(s), ok
		}
	}
	return p.String(key)
}

// Strings returns a parameter that may be given once (k=v) or as a list
// (k[]=v1&k[]=v2), as Ruby's Array(params[k]) reads it.
func (p Params) Strings(key string) []string {
	v, _ := p.Value(key)
	switch v := v.(type) {
	case rackquery.String:
		return []string{string(v)}
	case rackquery.Array:
		var out []string
		for _, e := range v {
			if s, ok := e.(rackquery.String); ok {
				out = append(out, string(s))
			}
		}
		return out
	}
	return nil
}

// Fields returns the string parameters by name, with those under
// extra_fields[...] winning: where porta's controllers look for the values
// of a provider's defined fields. Which names count is the domain's rule.
func (p Params) Fields() map[string]string {
	out := map[string]string{}
	for _, k := range p.Keys() {
		if s, ok := p.String(k); ok {
			out[k] = s
		}
	}
	if extra, ok := p.Hash("extra_fields"); ok {
		for _, k := range extra.Keys() {
			if s, ok := extra.String(k); ok {
				out[k] = s
			}
		}
	}
	return out
}

// ToI is Ruby's String#to_i where the result fits 64 bits: an optional
// sign and leading digits, 0 when there are none or too many.
func ToI(s string) int64 {
	n := Integer(s)
	if !n.IsInt64() {
		return 0
	}
	return n.Int64()
}

// Integer is Ruby's String#to_i, of any size: leading white space, an
// optional sign, then digits (single underscores between them allowed);
// 0 when there are none.
func Integer(s string) *big.Int {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	end := 0
	if end < len(s) && (s[end] == '-' || s[end] == '+') {
		end++
	}
	start := end
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' ||
		s[end] == '_' && end > start && s[end-1] != '_' && end+1 < len(s) && s[end+1] >= '0' && s[end+1] <= '9') {
		end++
	}
	n, ok := new(big.Int).SetString(strings.ReplaceAll(s[:end], "_", ""), 10)
	if !ok {
		return new(big.Int)
	}
	return n
}

// Bool reads a Rails boolean: "1", "true", "t", "on", "yes", "y" (any
// case) are true, "0", "false", "f", "off", "no", "n" and "" are false;
// others are not booleans.
func Bool(s string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "t", "on", "yes", "y":
		return true, true
	case "0", "false", "f", "off", "no", "n", "":
		return false, true
	}
	return false, false
}

// Cast is ActiveRecord's cast of a value into a boolean column: false, 0,
// "0", "f", "false", "off" (any case) and "" are false; anything else is
// true.
func Cast(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "false", "0", "f", "off", "":
		return false
	}
	return true
}

// Time reads a time the way Ruby's Time.parse reads the common forms: a
// date, a date and time, RFC 3339; without a zone, UTC.
func Time(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05 MST",
		"2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04",
		"2006-01-02", "2006/01/02", time.RFC1123Z, time.RFC1123} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
