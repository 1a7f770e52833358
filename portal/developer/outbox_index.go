package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// outboxIndex is GET /admin/messages/sent: what the account wrote to the
// provider, newest first ("Your outbox is empty.").
func (pg *pages) outboxIndex(p *web.Page) error {
	msgs, err := p.Domain().SentMessages(p.Context(), p.Actor(), false)
	if err != nil {
		return err
	}
	rows := make([]messageRow, 0, len(msgs))
	for _, m := range msgs {
		rows = append(rows, sent(p, m))
	}
	return p.Render("messages_sent", rows)
}
