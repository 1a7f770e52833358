// Package porta is the account-management domain of the sandbox: porta's
// rules, written once, under every face that changes accounts, users,
// applications, keys, plans, services, metrics, limits, messages and
// settings (the Account Management API in portal/api, the admin and
// developer portals beside it).
//
// An operation is one action a person or a client can take
// (CreateApplication, SuspendApplication, Signup, CustomizePlan…). It takes
// who acts (an Actor) and a typed input, runs inside one store.Change, and
// returns the changed object as the transaction's catalog sees it, or an
// error a face can render: a *ValidationError with porta's messages in
// porta's order, a *TransitionError for a state machine's bang event that
// does not apply, ErrNotFound, ErrForbidden, ErrCannotSubscribe. Each
// operation queues the webhook events porta fires for it, in porta's
// order, in the same transaction, under porta's rule of who fires them
// (Actor). Emails (portal-spec.md §7) will be queued the same way, beside
// the webhook events (tx.emit), once the store has an email outbox.
//
// Reads are functions over a *store.Catalog (Account, Application,
// Applications…), scoped to what the actor may see, so that no face
// scopes objects itself.
//
// It knows no wire format: no HTTP, no HTML, no Rails parameters
// (rackquery, portal/params). Its only XML is porta's XML of the objects a
// webhook event carries, written by portal/xmlrep.
package porta
