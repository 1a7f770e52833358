package porta

import "github.com/threescale-sandbox/threescale-sandbox/store"

// Actor is who runs an operation. It decides what the operation may see
// and change (a developer sees only their own account) and whether the
// changes fire webhooks, as porta's WebHook::Event#push_user? decides
// (porta-spec.md §1.3).
type Actor struct {
	// Provider is the tenant acted on, as it was when the actor was
	// authenticated; operations re-read it in their transaction.
	Provider *store.Provider
	Kind     ActorKind
	// User is the developer user who acts, for a Developer; nil for a
	// visitor signing up.
	User *store.User
}

// ActorKind says on whose side an actor acts and how it signed in.
type ActorKind int

const (
	// ProviderKey is a call made with the provider_key: it is made as no
	// user, and fires no webhooks.
	ProviderKey ActorKind = iota + 1
	// ProviderUser is a provider admin, through an access token or an
	// admin-portal session: its changes fire webhooks only when the
	// provider lets admin actions fire them (provider_actions).
	ProviderUser
	// Developer is a user of a developer account in the developer portal,
	// or a visitor signing up there: its changes fire webhooks.
	Developer
)

// ByProviderKey is the provider, through its provider_key.
func ByProviderKey(p *store.Provider) Actor { return Actor{Provider: p, Kind: ProviderKey} }

// ByProviderUser is an admin of the provider.
func ByProviderUser(p *store.Provider) Actor { return Actor{Provider: p, Kind: ProviderUser} }

// ByDeveloper is user u of a developer account of p (nil: a visitor
// signing up).
func ByDeveloper(p *store.Provider, u *store.User) Actor {
	return Actor{Provider: p, Kind: Developer, User: u}
}

// firesWebhooks is porta's push_user?, given the provider as the change
// sees it.
func (a Actor) firesWebhooks(prov *store.Provider) bool {
	switch a.Kind {
	case ProviderUser:
		return prov.Webhooks.ProviderActions
	case Developer:
		return true
	}
	return false
}

// forProvider refuses a developer the operations only the provider may
// run (ErrForbidden). What a developer may do of the others is narrowed
// by the service's switches (buyers_manage_apps, buyers_manage_keys,
// buyer_key_regenerate_enabled, the plan change permission): those are
// the developer portal's rules, to be written here with it.
func (a Actor) forProvider() error {
	if a.Kind == ProviderKey || a.Kind == ProviderUser {
		return nil
	}
	return ErrForbidden
}

// sees reports whether the actor may see a developer account: one of its
// provider's, and a developer only their own.
func (a Actor) sees(acc *store.Account) bool {
	if acc == nil || acc.ProviderID != a.Provider.ID {
		return false
	}
	if a.Kind == Developer {
		return a.User != nil && a.User.AccountID == acc.ID
	}
	return true
}
