package porta

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// porta's searches of the admin portal's lists. porta asks Sphinx, whose
// index of an account holds its org name, its id, its users' usernames,
// full names, emails and ids, and its applications' user keys, app ids
// and names; every word of a query must be found (infix, any case) in one
// of them. The sandbox matches the same way, in memory. A query of the
// form "user_key: KEY" finds the application, or the account of the
// application, with exactly that user key.

// userKeyQuery is porta's /\Auser_key:\s*USER_KEY_FORMAT\z/.
var userKeyQuery = regexp.MustCompile(`^user_key:\s*((?:[\w\-.]+)|(?:[A-Za-z0-9+]{4})*(?:[A-Za-z0-9+]{4}|[A-Za-z0-9+]{3}=|[A-Za-z0-9+]{2}==))$`)

// searchedUserKey returns the key of a "user_key: KEY" query.
func searchedUserKey(query string) (string, bool) {
	m := userKeyQuery.FindStringSubmatch(strings.TrimSpace(query))
	if m == nil {
		return "", false
	}
	return m[1], true
}

// keeps reports whether f keeps acc.
func (f AccountFilter) keeps(acc *store.Account) bool {
	if f.State != "" && acc.State != f.State {
		return false
	}
	if f.PlanID != nil && acc.PlanID != *f.PlanID {
		return false
	}
	if f.Query == "" {
		return true
	}
	if key, ok := searchedUserKey(f.Query); ok {
		for _, app := range acc.Applications {
			if app.UserKey == key {
				return true
			}
		}
		return false
	}
	return accountQueryMatches(acc, f.Query)
}

// accountQueryMatches is porta's Sphinx search of accounts: every word of
// query is part of one of the account's indexed values.
func accountQueryMatches(acc *store.Account, query string) bool {
	words := strings.Fields(strings.ToLower(query))
	if len(words) == 0 {
		return true
	}
	values := []string{acc.OrgName, strconv.FormatInt(acc.ID, 10)}
	for _, u := range acc.Users {
		values = append(values, u.Username, u.FullName(), u.Email, strconv.FormatInt(u.ID, 10))
	}
	for _, app := range acc.Applications {
		values = append(values, app.UserKey, app.AppID, app.Name)
	}
	for i := range values {
		values[i] = strings.ToLower(values[i])
	}
	for _, w := range words {
		found := false
		for _, v := range values {
			if strings.Contains(v, w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// nameQueryMatches is porta's Cinstance.by_name: "user_key: KEY" finds
// the application with that user key, any other text is a part of the
// name, in any case.
func nameQueryMatches(app *store.Application, query string) bool {
	if key, ok := searchedUserKey(query); ok {
		return app.UserKey == key
	}
	return strings.Contains(strings.ToLower(app.Name), strings.ToLower(strings.TrimSpace(query)))
}
