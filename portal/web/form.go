package web

import (
	"errors"
	"strconv"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
)

// Form is a request's parameters, read as Rails reads them (rackquery:
// the query and the form body merged, the body winning), and the
// validation errors of the operation it was given to, by form field. A
// page decodes it into an operation's typed input with the getters, and
// shows it again, with the errors beside their fields, when the
// operation refuses it.
//
// Field names are Rails' bracketed names: "account[user][email]".
type Form struct {
	p      params.Params
	errors map[string][]string // by field name
	base   []string            // errors on no field shown
}

// newForm reads h (nil: no parameters).
func newForm(h *rackquery.Hash) *Form {
	return &Form{p: params.Of(h), errors: map[string][]string{}}
}

// Params are the raw parameters, for what the getters do not cover.
func (f *Form) Params() params.Params { return f.p }

// lookup walks a bracketed name to the hash holding its last key.
func (f *Form) lookup(name string) (params.Params, string, bool) {
	keys := splitName(name)
	if len(keys) == 0 {
		return params.Params{}, "", false
	}
	p := f.p
	for _, k := range keys[:len(keys)-1] {
		h, ok := p.Hash(k)
		if !ok {
			return params.Params{}, "", false
		}
		p = h
	}
	return p, keys[len(keys)-1], true
}

// splitName parts "a[b][c]" into a, b, c.
func splitName(name string) []string {
	head, rest, _ := strings.Cut(name, "[")
	keys := []string{head}
	for rest != "" {
		k, after, ok := strings.Cut(rest, "]")
		if !ok {
			return nil
		}
		keys = append(keys, k)
		rest = strings.TrimPrefix(after, "[")
	}
	return keys
}

// Has reports whether the field was sent, with any value.
func (f *Form) Has(name string) bool {
	p, k, ok := f.lookup(name)
	return ok && p.Given(k)
}

// Get returns a text field, "" when it was not sent (or is not text).
func (f *Form) Get(name string) string {
	s, _ := f.text(name)
	return s
}

func (f *Form) text(name string) (string, bool) {
	p, k, ok := f.lookup(name)
	if !ok {
		return "", false
	}
	return p.String(k)
}

// Ptr returns a text field as an operation's optional input: nil when it
// was not sent.
func (f *Form) Ptr(name string) *string {
	if s, ok := f.text(name); ok {
		return &s
	}
	return nil
}

// Bool returns a checkbox as an optional input: nil when it was not sent.
// A Rails checkbox sends a hidden "0" before its "1", and the last value
// wins.
func (f *Form) Bool(name string) *bool {
	s, ok := f.text(name)
	if !ok {
		return nil
	}
	v, _ := params.Bool(s)
	return &v
}

// Checked reports whether a checkbox field is on.
func (f *Form) Checked(name string) bool {
	b := f.Bool(name)
	return b != nil && *b
}

// Int64 returns a whole-number field; false when it was not sent or is
// not a number.
func (f *Form) Int64(name string) (int64, bool) {
	s, ok := f.text(name)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n, err == nil
}

// Strings returns a field sent once or as a list (selected[]).
func (f *Form) Strings(name string) []string {
	p, k, ok := f.lookup(strings.TrimSuffix(name, "[]"))
	if !ok {
		return nil
	}
	return p.Strings(k)
}

// Fields returns the values under a field (account[extra_fields][x]…),
// as porta's defined fields read them.
func (f *Form) Fields(name string) map[string]string {
	p, k, ok := f.lookup(name)
	if !ok {
		return nil
	}
	h, ok := p.Hash(k)
	if !ok {
		return nil
	}
	return h.Fields()
}

// Fail records an error shown beside a field ("" for the form as a
// whole).
func (f *Form) Fail(name, message string) {
	if name == "" {
		f.base = append(f.base, message)
		return
	}
	f.errors[name] = append(f.errors[name], message)
}

// Invalid takes an operation's error: a *porta.ValidationError's problems
// go beside the form fields that fields maps their attribute to
// ("org_name" → "account[org_name]"), the others (unmapped, "base") to
// the top of the form with their full message. It reports whether err was
// a validation error; any other error is the page's to return.
func (f *Form) Invalid(err error, fields map[string]string) bool {
	var v *porta.ValidationError
	if !errors.As(err, &v) {
		var te *porta.TransitionError
		if errors.As(err, &te) {
			f.Fail("", te.Message())
			return true
		}
		return false
	}
	for _, p := range v.Problems {
		if name, ok := fields[p.Field]; ok {
			f.Fail(name, p.Message)
		} else {
			f.Fail("", p.Full)
		}
	}
	return true
}

// ErrorsOn returns the errors shown beside a field.
func (f *Form) ErrorsOn(name string) []string { return f.errors[name] }

// BaseErrors returns the errors shown at the top of the form.
func (f *Form) BaseErrors() []string { return f.base }

// Failed reports whether any error was recorded.
func (f *Form) Failed() bool { return len(f.base) > 0 || len(f.errors) > 0 }
