package porta

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

// A bulk change runs the single operation on each selected object: those
// it allows change, the others are failures with porta's message; ids of
// objects not found are dropped.
func TestBulkOperations(t *testing.T) {
	d, _ := mailDomain(t)
	ctx := context.Background()
	admin := ByAdmin(d.Catalog().Providers[0])
	dev, pending, fresh := accountNamed(t, d, "Dev Co"), accountNamed(t, d, "Pending Ltd"), accountNamed(t, d, "Fresh")

	r, err := d.BulkChangeAccountStates(ctx, admin, []int64{pending.ID, dev.ID, fresh.ID, 9999, pending.ID}, "approve")
	if err != nil {
		t.Fatal(err)
	}
	want := BulkResult{Selected: 3, Failed: []BulkFailure{{Name: "Dev Co",
		Messages: []string{`State cannot transition via "approve"`}}}}
	if !reflect.DeepEqual(r, want) || r.Succeeded() != 2 {
		t.Errorf("approve: %+v", r)
	}
	if accountNamed(t, d, "Pending Ltd").State != "approved" || accountNamed(t, d, "Fresh").State != "approved" {
		t.Errorf("the allowed accounts were not approved")
	}
	if _, err := d.BulkChangeAccountStates(ctx, admin, []int64{dev.ID}, "suspend"); err == nil {
		t.Errorf("an action outside the list ran")
	}
	if _, err := d.BulkChangeAccountStates(ctx, ByDeveloper(admin.Provider, dev.Users[0]), []int64{dev.ID}, "reject"); !errors.Is(err, ErrForbidden) {
		t.Errorf("a developer's bulk change: %v", err)
	}

	mine, waiting := dev.Applications[0], dev.Applications[1]
	r, err = d.BulkChangeApplicationStates(ctx, admin, []int64{mine.ID, waiting.ID}, "accept")
	if err != nil || r.Succeeded() != 1 || len(r.Failed) != 1 || r.Failed[0].Name != "Mine" || r.Failed[0].Account != "Dev Co" {
		t.Errorf("accept: %v %+v", err, r)
	}
	var pro int64
	for _, p := range d.Catalog().Service(mine.ServiceID).Plans {
		if p.SystemName == "pro" {
			pro = p.ID
		}
	}
	r, err = d.BulkChangeApplicationPlans(ctx, admin, []int64{mine.ID, waiting.ID}, pro)
	if err != nil || r.Succeeded() != 2 {
		t.Fatalf("change plans: %v %+v", err, r)
	}
	for _, app := range accountNamed(t, d, "Dev Co").Applications {
		if app.PlanID != pro {
			t.Errorf("%s is on %s", app.Name, d.Catalog().Plan(app.PlanID).Name)
		}
	}
	if _, err := d.BulkChangeApplicationPlans(ctx, admin, []int64{9999}, pro); !errors.Is(err, ErrNotFound) {
		t.Errorf("no application found: %v", err)
	}
	plans := d.Catalog().Providers[0].AccountPlans
	r, err = d.BulkChangeAccountPlans(ctx, admin, []int64{dev.ID, pending.ID}, plans[0].ID)
	if err != nil || r.Succeeded() != 2 {
		t.Errorf("account plans: %v %+v", err, r)
	}
	if _, err := d.BulkChangeAccountPlans(ctx, admin, []int64{dev.ID}, pro); !errors.Is(err, ErrNotFound) {
		t.Errorf("an application plan as the account plan: %v", err)
	}
}
