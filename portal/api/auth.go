package api

import (
	"net/http"
	"slices"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

const (
	accessDenied   = "Access denied"
	badPermissions = "Your access token does not have the correct permissions"
)

// authenticate finds the caller as porta's Admin API does: access_token
// (parameter, else HTTP Basic), then provider_key (parameter, else HTTP
// Basic). Basic's username is the credential, or its password when the
// username is empty. A valid token needs the account_management scope,
// and read-write permission for anything but a read. A token acts as the
// provider admin who owns it; the provider_key as no user at all.
func authenticate(cat *store.Catalog, c *Call) (porta.Actor, *Reply) {
	basic := c.BasicUser
	if basic == "" {
		basic = c.BasicPass
	}
	credential := func(name string) string {
		if c.Params.Given(name) {
			return c.Params.Get(name)
		}
		return basic
	}
	if v := credential("access_token"); v != "" {
		if tok := cat.AccessToken(v); tok != nil {
			write := c.Method != http.MethodGet && c.Method != http.MethodHead
			if !slices.Contains(tok.Scopes, "account_management") || (write && tok.Permission != "rw") {
				return porta.Actor{}, errorReply(c, http.StatusForbidden, badPermissions)
			}
			return porta.ByProviderUser(tok.Provider), nil
		}
	}
	if v := credential("provider_key"); v != "" {
		if p := cat.ProviderByKey(v); p != nil {
			return porta.ByProviderKey(p), nil
		}
	}
	return porta.Actor{}, errorReply(c, http.StatusForbidden, accessDenied)
}
