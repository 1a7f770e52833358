package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// What the message pages share: who a message is from and to, by name.

// messageRow is a message as the mailbox pages list and show it.
type messageRow struct {
	store.Message
	// RecipientID names a received message in the inbox; 0 for a sent
	// one.
	RecipientID int64
	Read        bool
	// From and To are the sender's and recipient's names: the provider's,
	// or the developer account's organization.
	From, To string
}

// sideNames are the names of the two sides of the developer's messages.
func sideNames(p *web.Page) (provider, own string) {
	return p.Provider().Name, account(p).OrgName
}

// received is a message the developer's account received.
func received(p *web.Page, r store.Received) messageRow {
	prov, own := sideNames(p)
	return messageRow{Message: r.Message, RecipientID: r.RecipientID, Read: r.Read, From: prov, To: own}
}

// sent is a message the developer's account sent.
func sent(p *web.Page, m store.Message) messageRow {
	prov, own := sideNames(p)
	return messageRow{Message: m, From: own, To: prov}
}
