package api

import (
	"context"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/xmlrep"
	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// SendMessage is POST /admin/api/accounts/{account_id}/messages.xml with
// subject and body (or message[subject], message[body]): a message from
// the provider to the account, which its developer portal inbox shows.
func (p *API) SendMessage(ctx context.Context, c *Call) *Reply {
	return p.change(ctx, c, 201, func(t *store.Tx, a porta.Actor, cat *store.Catalog) (*builderxml.Doc, error) {
		acc, err := buyer(cat, a, c, "account_id")
		if err != nil {
			return nil, err
		}
		if v, given := c.Params.Value("message"); given {
			if _, isHash := v.(*rackquery.Hash); !isHash {
				return nil, &replyErr{reply: &Reply{Status: 422, ContentType: contentType(c),
					Body: []byte("Wrong type for parameter: message")}}
			}
		}
		m := &store.Message{ProviderID: acc.ProviderID, AccountID: acc.ID, FromProvider: true, State: "sent"}
		m.Subject, _ = c.Params.Wrapped("message", "subject")
		m.Body, _ = c.Params.Wrapped("message", "body")
		if m.Subject == "" {
			// porta's deliver! refuses a message without a subject.
			m.State = "unsent"
			return nil, invalidTransition("unsent", "deliver", fragment(func(d *builderxml.Doc) {
				d.Open("message").Nil("id").Opt("body", m.Body).Opt("subject", m.Subject).Text("state", m.State).
					Close("message")
			}), "Subject can't be blank")
		}
		if err := t.AddMessage(m); err != nil {
			return nil, err
		}
		return doc(func(d *builderxml.Doc) { xmlrep.Message(d, m) }), nil
	})
}
