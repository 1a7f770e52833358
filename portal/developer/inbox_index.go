package developer

import "github.com/threescale-sandbox/threescale-sandbox/portal/web"

// inboxIndex is GET /admin/messages/received: the account's messages,
// newest first, the unread ones marked ("Your inbox is empty.").
func (pg *pages) inboxIndex(p *web.Page) error {
	msgs, err := p.Domain().Inbox(p.Context(), p.Actor(), false)
	if err != nil {
		return err
	}
	rows := make([]messageRow, 0, len(msgs))
	for _, m := range msgs {
		rows = append(rows, received(p, m))
	}
	return p.Render("messages_inbox", rows)
}
