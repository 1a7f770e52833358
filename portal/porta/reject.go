package porta

import (
	"context"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// RejectApplication rejects a pending application, as the admin portal's
// "Reject" does: the application is deleted (its deleted event), and the
// developer is told, with the provider's reason when one is given. It
// returns the application as it was.
func (d *Domain) RejectApplication(ctx context.Context, a Actor, ref AppRef, reason string) (*store.Application, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Application, ref, func(t *tx, stored *store.Application) (*store.Application, error) {
		app, err := t.linkApp(stored)
		if err != nil {
			return nil, err
		}
		if app.State != "pending" {
			return nil, cannotTransition("reject")
		}
		if err := t.DeleteApplication(app.ID); err != nil {
			return nil, err
		}
		if app.Plan.Custom() {
			if err := t.DeletePlan(app.PlanID); err != nil {
				return nil, err
			}
		}
		if err := emit(t, "deleted", stored); err != nil {
			return nil, err
		}
		if len(app.Account.Admins()) == 0 {
			return stored, nil
		}
		return stored, t.tell(app.Account, applicationRejectedMessage(app, reason))
	})
}
