package developer

import (
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// formField is a field a provider defines on accounts, users or
// applications, as a form shows it: its form name and label.
type formField struct {
	// Field is the field's name (org_legaladdress); Name the form's
	// (account[org_legaladdress]).
	Field, Name, Label string
}

// definedFields are the fields a provider defines, in its order, under a
// form prefix ("account", "account[user]").
func definedFields(prefix string, names []string) []formField {
	out := make([]formField, 0, len(names))
	for _, n := range names {
		out = append(out, formField{Field: n, Name: prefix + "[" + n + "]", Label: fieldLabel(n)})
	}
	return out
}

// errorFields maps the fields of a validation error to a form's fields.
func errorFields(fields []formField, m map[string]string) map[string]string {
	for _, f := range fields {
		m[f.Field] = f.Name
	}
	return m
}

// fieldLabel is porta's label of a field: its default label, else the
// name humanized as Rails does (first_name: First name).
func fieldLabel(name string) string {
	switch name {
	case "org_name":
		return "Organization/Group Name"
	case "org_legaladdress":
		return "Legal Address"
	}
	s := strings.ReplaceAll(strings.TrimSuffix(name, "_id"), "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// fieldValues are the values of an object's fields, by name.
func fieldValues(fs ...store.Fields) map[string]string {
	out := map[string]string{}
	for _, f := range fs {
		for _, v := range f {
			out[v.Name] = v.Value
		}
	}
	return out
}
