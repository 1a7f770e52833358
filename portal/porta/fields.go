package porta

import (
	"slices"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// applyFields applies the given values of the fields a provider defines
// (defined, in its order) and returns the builtin and extra fields updated
// with them: a name in optional is a builtin field, any other an extra
// one. Values of fields it does not define are ignored, as porta's strong
// parameters drop them.
func applyFields(values map[string]string, defined, optional []string, builtin, extra store.Fields) (store.Fields, store.Fields) {
	for _, name := range defined {
		v, ok := values[name]
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if slices.Contains(optional, name) {
			builtin = builtin.With(name, v)
		} else {
			extra = extra.With(name, v)
		}
	}
	return builtin, extra
}
