// Package jsonrep writes porta's objects as porta's JSON representers
// write them (app/representers/*_representer.rb, Roar over
// representable): each object wrapped in its root ({"account":{…}}), its
// properties in the order they are declared, a nil property left out
// unless the representer renders nil, the hypermedia links where the first
// link is declared, the defined builtin fields and then the extra fields
// last; lists as {"accounts":[{"account":{…}}]} with pagination metadata
// when there is more than one page.
//
// Values are written as Rails writes them: times with Time#xmlschema(0)
// in UTC, floats as Ruby's Float#to_s, and <, >, & and U+2028/U+2029
// escaped as ActiveSupport's JSON encoder escapes them (Go's json escapes
// the same characters the same way).
//
// It is a leaf over store's types, the JSON sibling of portal/xmlrep: the
// Account Management API face answers with these documents. The admin
// portal's scripts, when they come, read the same JSON. It imports no
// other package of portal and knows no HTTP.
package jsonrep

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Object is a JSON object whose keys keep their order.
type Object []Field

// Field is one key of an Object.
type Field struct {
	Key   string
	Value any
}

// MarshalJSON writes the object with its keys in order.
func (o Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.Key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(f.Value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Bytes marshals o; an Object of the sandbox's own values always
// marshals.
func (o Object) Bytes() []byte {
	b, err := json.Marshal(o)
	if err != nil {
		panic("jsonrep: " + err.Error())
	}
	return b
}

// Inner is what a wrapped object holds: the object itself, as a nested
// property renders it.
func (o Object) Inner() any {
	if len(o) == 1 {
		return o[0].Value
	}
	return o
}

// add appends a property.
func (o *Object) add(key string, v any) { *o = append(*o, Field{key, v}) }

// Time is how ActiveSupport writes a time in JSON (time_precision 0).
func Time(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// timeOrNil is a time that a representer renders as null when absent.
func timeOrNil(t *time.Time) any {
	if t == nil {
		return nil
	}
	return Time(*t)
}

// Float is a Ruby Float, written as Float#to_s writes it: 0.0, 9.9,
// 1.0e+20.
type Float float64

// MarshalJSON writes f as Ruby does.
func (f Float) MarshalJSON() ([]byte, error) {
	x := float64(f)
	if math.IsInf(x, 0) || math.IsNaN(x) {
		return []byte("null"), nil
	}
	if a := math.Abs(x); a != 0 && (a >= 1e16 || a < 1e-4) {
		s := strconv.FormatFloat(x, 'e', -1, 64)
		mant, exp, _ := strings.Cut(s, "e")
		if !strings.Contains(mant, ".") {
			mant += ".0"
		}
		sign := exp[0]
		exp = strings.TrimLeft(exp[1:], "0")
		if len(exp) < 2 {
			exp = strings.Repeat("0", 2-len(exp)) + exp
		}
		return []byte(mant + "e" + string(sign) + exp), nil
	}
	s := strconv.FormatFloat(x, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return []byte(s), nil
}

// money is a decimal column read with to_f, as PlanRepresenter reads the
// plan's prices.
func money(s string) Float {
	f, _ := strconv.ParseFloat(s, 64)
	return Float(f)
}

// Links are the base of the links porta's representers write: scheme and
// host of the request (porta's representer default_url_options take the
// request's host and https, which is what a request to porta came in
// with).
type Links struct{ Base string }

type link struct {
	rel, href string
}

// links writes the links property: those with an href, in order.
func (l Links) links(ls ...link) []Object {
	out := []Object{}
	for _, k := range ls {
		if k.href != "" {
			out = append(out, Object{{"rel", k.rel}, {"href", l.Base + "/admin/api" + k.href}})
		}
	}
	return out
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// wrap is a wrapped resource.
func wrap(root string, o Object) Object { return Object{{root, o}} }

// Metadata is the pagination of a paginated list.
type Metadata struct {
	PerPage, TotalEntries, TotalPages int64
	CurrentPage                       string
}

// List is a collection: {"root":[items…]}, with porta's pagination
// metadata when there is more than one page.
func List(root string, items []Object, meta *Metadata) Object {
	if items == nil {
		items = []Object{}
	}
	o := Object{{root, items}}
	if meta != nil {
		var current any = meta.CurrentPage
		if n, err := strconv.ParseInt(meta.CurrentPage, 10, 64); err == nil {
			current = n
		} else {
			current = json.Number(meta.CurrentPage)
		}
		o.add("metadata", Object{{"per_page", meta.PerPage}, {"total_entries", meta.TotalEntries},
			{"total_pages", meta.TotalPages}, {"current_page", current}})
	}
	return o
}

// Items writes each of vs with write.
func Items[T any](l Links, cat *store.Catalog, vs []T, write func(Links, *store.Catalog, T) Object) []Object {
	out := make([]Object, 0, len(vs))
	for _, v := range vs {
		out = append(out, write(l, cat, v))
	}
	return out
}

// fields appends the defined builtin fields and then the defined extra
// fields of an object (FieldsRepresenter, ExtraFieldsRepresenter): those
// that have a value, in the order the provider defined them.
func fields(o *Object, builtin store.Fields, defined, optional []string, extra store.Fields) {
	for _, n := range defined {
		if isOptional(n, optional) {
			if v, ok := builtin.Get(n); ok {
				o.add(n, v)
			}
		}
	}
	for _, n := range defined {
		if !isOptional(n, optional) {
			if v, ok := extra.Get(n); ok {
				o.add(n, v)
			}
		}
	}
}

func isOptional(n string, optional []string) bool {
	for _, o := range optional {
		if o == n {
			return true
		}
	}
	return false
}

// annotations is annotations_hash: {} when there are none.
func annotations(fs store.Fields) Object {
	o := Object{}
	for _, f := range fs {
		o.add(f.Name, f.Value)
	}
	return o
}
