package porta

import (
	"context"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// EmptyTrash deletes for good the messages the actor's side received and
// put in the trash, as porta's "Delete received messages" does; the sent
// messages there stay.
func (d *Domain) EmptyTrash(ctx context.Context, a Actor) error {
	box := mailbox(a)
	hidden, err := d.store.ReceivedMessages(ctx, box, true)
	if err != nil || len(hidden) == 0 {
		return err
	}
	return d.store.Change(ctx, func(t *store.Tx) error {
		for _, m := range hidden {
			if _, err := t.DeleteReceivedMessage(box, m.RecipientID); err != nil {
				return err
			}
		}
		return nil
	})
}
