package developer

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
)

// trashRow is a message of the trash.
func trashRow(p *web.Page, m porta.Trashed) messageRow {
	if m.Received != nil {
		return received(p, *m.Received)
	}
	return sent(p, m.Message)
}

// trashIndex is GET /admin/messages/trash: what the account deleted of
// the messages it received and sent, each with Restore ("Your trash is
// empty.").
func (pg *pages) trashIndex(p *web.Page) error {
	msgs, err := p.Domain().Trash(p.Context(), p.Actor())
	if err != nil {
		return err
	}
	rows := make([]messageRow, 0, len(msgs))
	for _, m := range msgs {
		rows = append(rows, trashRow(p, m))
	}
	return p.Render("messages_trash", rows)
}
