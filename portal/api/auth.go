package api

import (
	"net/http"
	"slices"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// actor is who makes a call: a provider, through an admin's access token
// or through the provider key (which acts as no user at all).
type actor struct {
	provider *store.Provider
	token    *store.AccessToken // nil for provider_key
}

// firesWebhooks is porta's push_user? for admin-side changes: a change
// made as a provider user fires webhooks only if the provider (as the
// change sees it) lets admin actions fire them; a provider_key call is made
// by no user and fires none.
func (a actor) firesWebhooks(prov *store.Provider) bool {
	return a.token != nil && prov.Webhooks.ProviderActions
}

const (
	accessDenied   = "Access denied"
	badPermissions = "Your access token does not have the correct permissions"
)

// authenticate finds the caller as porta's Admin API does: access_token
// (parameter, else HTTP Basic), then provider_key (parameter, else HTTP
// Basic). Basic's username is the credential, or its password when the
// username is empty. A valid token needs the account_management scope,
// and read-write permission for anything but a read.
func authenticate(cat *store.Catalog, c *Call) (actor, *Reply) {
	basic := c.BasicUser
	if basic == "" {
		basic = c.BasicPass
	}
	credential := func(name string) string {
		if _, given := c.Params.Get(name); given {
			return c.get(name)
		}
		return basic
	}
	if v := credential("access_token"); v != "" {
		if tok := cat.AccessToken(v); tok != nil {
			write := c.Method != http.MethodGet && c.Method != http.MethodHead
			if !slices.Contains(tok.Scopes, "account_management") || (write && tok.Permission != "rw") {
				return actor{}, errorReply(c, http.StatusForbidden, badPermissions)
			}
			return actor{provider: tok.Provider, token: tok}, nil
		}
	}
	if v := credential("provider_key"); v != "" {
		if p := cat.ProviderByKey(v); p != nil {
			return actor{provider: p}, nil
		}
	}
	return actor{}, errorReply(c, http.StatusForbidden, accessDenied)
}
