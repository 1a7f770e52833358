// Package keyformat holds porta's formats of the credentials an
// application is known by (application keys, application ids, user keys),
// which both the account-management domain and the fixture checks apply,
// so that a value the Service Management API answers with is always one
// porta could have stored.
package keyformat

import (
	"regexp"
	"strings"
)

var (
	// porta's ApplicationKey#value and Cinstance#application_id format,
	// /\A[\x21-\x7E]+\Z/: printable ASCII without spaces. Ruby's \Z also
	// lets one final newline through, and so does this.
	printable = regexp.MustCompile(`^[\x21-\x7E]+\n?$`)
	// porta's Cinstance::USER_KEY_FORMAT, anchored as Cinstance anchors it
	// (\A…\Z): letters, digits, _ - . or base64 without /.
	userKey = regexp.MustCompile(`^(([\w\-.]+)|([A-Za-z0-9+]{4})*([A-Za-z0-9+]{4}|[A-Za-z0-9+]{3}=|[A-Za-z0-9+]{2}==))\n?$`)
)

// Unsafe are the characters porta accepts in keys and application ids but
// the sandbox refuses, a deliberate difference: apisonator writes keys and
// application ids raw into the attributes of the list_app_keys extension
// (<app_keys app="…"><key id="…"/>), so with one of these the answer is
// not XML.
const Unsafe = `<&"`

// Key reports whether v is a valid application key or application id
// (porta's format, without the Unsafe characters). Lengths are the
// domain's rule: 5 to 255 for keys, 4 to 255 for application ids.
func Key(v string) bool { return printable.MatchString(v) && !strings.ContainsAny(v, Unsafe) }

// UserKey reports whether v is a valid user_key (porta's format, which
// has none of the Unsafe characters). At most 256 characters: the
// domain's rule.
func UserKey(v string) bool { return userKey.MatchString(v) }
