package porta

import (
	"context"
	"errors"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Subscriptions: approved from pending, suspended and resumed, moved to
// another service plan of their service, one by one and in bulk.
func TestSubscriptions(t *testing.T) {
	d, st := mailDomain(t)
	ctx := context.Background()
	admin := ByAdmin(d.Catalog().Providers[0])
	svc := d.Catalog().Providers[0].Services[0]
	premium := store.PlanRecord{ProviderID: svc.ProviderID, ServiceID: svc.ID, Type: store.ServicePlan, Name: "Premium",
		SystemName: "premium", State: "published", ApprovalRequired: true}
	dev, pending := accountNamed(t, d, "Dev Co"), accountNamed(t, d, "Pending Ltd")
	if err := st.Change(ctx, func(tx *store.Tx) error {
		if err := tx.SavePlan(&premium); err != nil {
			return err
		}
		return tx.SaveContract(&store.ServiceContractRecord{AccountID: pending.ID, ServiceID: svc.ID, PlanID: premium.ID,
			State: "pending"})
	}); err != nil {
		t.Fatal(err)
	}
	all := AllSubscriptions(d.Catalog(), admin, SubscriptionFilter{})
	waiting := AllSubscriptions(d.Catalog(), admin, SubscriptionFilter{State: "pending"})
	if len(all) != 2 || len(waiting) != 1 || waiting[0].AccountID != pending.ID {
		t.Fatalf("subscriptions %d, pending %+v", len(all), waiting)
	}
	mine := AllSubscriptions(d.Catalog(), admin, SubscriptionFilter{AccountQuery: "dev co"})[0]

	r, err := d.BulkChangeSubscriptionStates(ctx, admin, []int64{mine.ID, waiting[0].ID}, "accept")
	if err != nil || r.Succeeded() != 1 || len(r.Failed) != 1 || r.Failed[0].Name != "Dev Co" || r.Failed[0].Account != "Echo API" {
		t.Fatalf("accept: %v %+v", err, r)
	}
	ref := SubscriptionRef{Account: pending.ID, ID: waiting[0].ID}
	if c, _ := Subscription(d.Catalog(), admin, ref); c.State != "live" {
		t.Errorf("accepted: %s", c.State)
	}
	if _, err := d.ApproveSubscription(ctx, admin, ref); err == nil {
		t.Error("approved a live subscription")
	}
	if c, err := d.SuspendSubscription(ctx, admin, ref); err != nil || c.State != "suspended" {
		t.Errorf("suspend: %v", err)
	}
	if c, err := d.ResumeSubscription(ctx, admin, ref); err != nil || c.State != "live" {
		t.Errorf("resume: %v", err)
	}
	r, err = d.BulkChangeSubscriptionPlans(ctx, admin, []int64{mine.ID}, premium.ID)
	if err != nil || r.Succeeded() != 1 {
		t.Fatalf("change plans: %v %+v", err, r)
	}
	if c := accountNamed(t, d, "Dev Co").Contracts[0]; c.PlanID != premium.ID || d.Catalog().Plan(c.PlanID).Name != "Premium" {
		t.Errorf("plan %+v", c)
	}
	if _, err := d.ChangeSubscriptionPlan(ctx, admin, SubscriptionRef{Account: dev.ID, ID: mine.ID}, dev.PlanID); !errors.Is(err, ErrNotFound) {
		t.Errorf("an account plan as a service plan: %v", err)
	}
	if _, err := d.ApproveSubscription(ctx, ByDeveloper(admin.Provider, dev.Users[0]), ref); !errors.Is(err, ErrForbidden) {
		t.Errorf("a developer approves: %v", err)
	}
}
