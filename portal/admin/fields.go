package admin

import (
	"slices"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The fields a provider defines beyond porta's own, on the forms: a
// builtin one (first_name…) is OBJECT[NAME], an extra one
// OBJECT[extra_fields][NAME], as porta's forms name them.

// definedField is one defined field of a form.
type definedField struct {
	Name, Label, Value string
}

// definedFields are the fields of a form under prefix (account,
// account[user]…) for the defined names, with the values of the object
// (builtin and extra) shown.
func definedFields(prefix string, names, optional []string, builtin, extra store.Fields) []definedField {
	var out []definedField
	for _, n := range names {
		f := definedField{Label: humanize(n)}
		if slices.Contains(optional, n) {
			f.Name = prefix + "[" + n + "]"
			f.Value, _ = builtin.Get(n)
		} else {
			f.Name = prefix + "[extra_fields][" + n + "]"
			f.Value, _ = extra.Get(n)
		}
		out = append(out, f)
	}
	return out
}

// humanize is Rails' String#humanize: "first_name" is "First name".
func humanize(s string) string {
	s = strings.TrimSuffix(strings.ReplaceAll(s, "_", " "), " id")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// fieldErrors maps the fields of a validation error to a form's names.
func fieldErrors(prefix string, names ...string) map[string]string {
	m := map[string]string{}
	for _, n := range names {
		m[n] = prefix + "[" + n + "]"
	}
	return m
}
