package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/period"
)

// dump writes everything a catalog shows, in order, every pointer as the
// id it points to, so that two catalogs of the same model dump the same.
func dump(c *Catalog) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	plan := func(p *Plan) {
		w("  plan %+v provider=%d service=%v original=%v", p.PlanRecord, p.Provider.ID, p.Service != nil, p.Original != nil)
		for _, l := range p.Limits {
			w("   limit %d %d %d %s %d", l.ID, l.Plan.ID, l.Metric.ID, l.Period, l.Value)
			if got, ok := c.Limit(l.ID); !ok || got != l {
				w("   !limit index %v", got)
			}
		}
		if c.Plan(p.ID) != p {
			w("   !plan index")
		}
	}
	for _, p := range c.Providers {
		w("provider %+v default=%v", p.ProviderRecord, p.DefaultService != nil && p.DefaultService.Provider == p)
		if c.ProviderByKey(p.ProviderKey) != p || c.Provider(p.ID) != p {
			w(" !provider index")
		}
		for _, t := range p.AccessTokens {
			w(" token %d %s %s %s %v %d %d", t.ID, t.Value, t.Name, t.Permission, t.Scopes, t.ProviderID, t.Provider.ID)
		}
		for _, pl := range p.AccountPlans {
			plan(pl)
		}
		for _, s := range p.Services {
			w(" service %+v provider=%d tokens=%v", s.ServiceRecord, s.Provider.ID, s.Tokens)
			if c.Service(s.ID) != s {
				w(" !service index")
			}
			for _, m := range s.Metrics {
				var children []int64
				for _, ch := range m.Children {
					children = append(children, ch.ID)
				}
				w("  metric %+v service=%v parent=%v children=%v", m.MetricRecord, m.Service == s, m.Parent != nil, children)
				if s.Metric(m.Name) != m || c.Metric(m.ID) != m {
					w("  !metric index")
				}
			}
			for _, pl := range s.ServicePlans {
				plan(pl)
			}
			for _, pl := range s.Plans {
				plan(pl)
			}
			for _, a := range s.Applications {
				w("  app %d", a.ID)
				if s.Application(a.AppID) != a || (a.UserKey != "" && s.ApplicationByUserKey(a.UserKey) != a) {
					w("  !app index %d", a.ID)
				}
			}
			n := 0
			s.apps.each(func(string, *Application) { n++ })
			w("  apps by app_id %d", n)
		}
		for _, a := range p.Accounts {
			w(" account %+v", a.AccountRecord)
			if c.Account(a.ID) != a {
				w(" !account index")
			}
			for _, u := range a.Users {
				w("  user %+v", u.UserRecord)
				if c.User(u.ID) != u {
					w("  !user index")
				}
			}
			for _, sc := range a.Contracts {
				w("  contract %+v", sc.ServiceContractRecord)
			}
			for _, app := range a.Applications {
				w("  app %+v keys=%v filters=%v", app.ApplicationRecord, app.Keys, app.ReferrerFilters)
				if c.Application(app.ID) != app {
					w("  !app index")
				}
			}
		}
	}
	w("sizes %d %d %d", c.accounts.len(), c.users.len(), c.apps.len())
	return b.String()
}

// Random changes of every kind, in batches that share transactions: after
// each, the catalog made from the rows they wrote is the one a full read
// of the database makes, and the catalogs before it are as they were.
func TestIncrementalCatalog(t *testing.T) {
	st := open(t, "")
	defer st.Close()
	seed(t, st)
	if err := st.Seed(context.Background(), world(t, 30)); err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	pick := func(n int) int { return rnd.IntN(n) }
	ctx := context.Background()
	for round := range 150 {
		before := st.Catalog()
		beforeDump := dump(before)
		// Several changes at once, so that some share a transaction.
		errs := make(chan error, 3)
		for range 3 {
			go func() {
				errs <- st.Change(ctx, func(tx *Tx) error { return randomChange(tx, pick, round) })
			}()
		}
		for range 3 {
			if err := <-errs; err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
		var full *Catalog
		err := st.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
			var err error
			full, err = loadCatalog(ctx, tx, &st.cells)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := dump(st.Catalog()), dump(full); got != want {
			t.Fatalf("round %d: the catalog differs from a full read:\n%s", round, diff(got, want))
		}
		if got := dump(before); got != beforeDump {
			t.Fatalf("round %d: the previous catalog changed:\n%s", round, diff(got, beforeDump))
		}
	}
}

func diff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got: %s\nwant: %s", i, gl, wl)
		}
	}
	return "(same)"
}

// randomChange makes one change of a random kind on what the transaction
// sees, reading its catalog between writes as the domain does.
func randomChange(t *Tx, pick func(int) int, round int) error {
	cat, err := t.Catalog()
	if err != nil {
		return err
	}
	prov := cat.Providers[pick(len(cat.Providers))]
	svc := prov.Services[pick(len(prov.Services))]
	var acc *Account
	if len(prov.Accounts) > 0 {
		acc = prov.Accounts[pick(len(prov.Accounts))]
	}
	var app *Application
	if acc != nil && len(acc.Applications) > 0 {
		app = acc.Applications[pick(len(acc.Applications))]
	}
	name := fmt.Sprint("r", round, "-", pick(1<<30))
	switch k := pick(16); {
	case k == 0 && acc != nil: // a new account with a user and an application
		a := &AccountRecord{ProviderID: prov.ID, PlanID: prov.AccountPlans[0].ID, OrgName: name, State: "approved"}
		if err := t.SaveAccount(a); err != nil {
			return err
		}
		if err := t.SaveUser(&UserRecord{AccountID: a.ID, Username: name, Email: name + "@x", Role: "admin", State: "active"}); err != nil {
			return err
		}
		if _, err := t.Catalog(); err != nil { // read between writes
			return err
		}
		plan := svc.Plans[pick(len(svc.Plans))]
		if err := t.SaveContract(&ServiceContractRecord{AccountID: a.ID, ServiceID: svc.ID, PlanID: svc.ServicePlans[0].ID, State: "live"}); err != nil {
			return err
		}
		rec := &ApplicationRecord{AccountID: a.ID, ServiceID: svc.ID, PlanID: plan.ID, Name: name, State: "live", AppID: name, UserKey: "k" + name}
		if err := t.SaveApplication(rec); err != nil {
			return err
		}
		return t.AddKey(rec.ID, "key-"+name)
	case k == 1 && acc != nil:
		rec := acc.AccountRecord
		rec.OrgName, rec.Annotations = name, Fields{{"a", name}}
		return t.SaveAccount(&rec)
	case k == 2 && acc != nil && len(prov.Accounts) > 3:
		return t.DeleteAccount(acc.ID)
	case k == 3 && acc != nil:
		return t.SaveUser(&UserRecord{AccountID: acc.ID, Username: name, Email: name + "@x", Role: "member", State: "pending"})
	case k == 4 && acc != nil && len(acc.Users) > 1:
		return t.DeleteUser(acc.Users[pick(len(acc.Users))].ID)
	case k == 5 && app != nil:
		rec := app.ApplicationRecord
		rec.Name, rec.State = name, []string{"live", "suspended"}[pick(2)]
		if pick(2) == 0 {
			rec.AppID = "new-" + name
		}
		if pick(2) == 0 {
			rec.UserKey = ""
		}
		return t.SaveApplication(&rec)
	case k == 6 && app != nil:
		return t.DeleteApplication(app.ID)
	case k == 7 && app != nil:
		if err := t.AddKey(app.ID, "key-"+name); err != nil {
			return err
		}
		if len(app.Keys) > 0 {
			return t.DeleteKey(app.ID, app.Keys[0].Value)
		}
	case k == 8 && app != nil:
		id, err := t.AddReferrerFilter(app.ID, name+".example.com")
		if err != nil || pick(2) == 0 {
			return err
		}
		return t.DeleteReferrerFilter(id)
	case k == 9 && app != nil: // moved to another plan, or a customized one
		plan := svc.Plans[pick(len(svc.Plans))]
		if plan.ServiceID != app.ServiceID {
			return nil
		}
		rec := app.ApplicationRecord
		rec.PlanID = plan.ID
		return t.SaveApplication(&rec)
	case k == 10:
		plan := svc.Plans[pick(len(svc.Plans))]
		m := svc.Metrics[pick(len(svc.Metrics))]
		err := t.SaveLimit(&LimitRecord{PlanID: plan.ID, MetricID: m.ID, Period: period.All[pick(len(period.All))], Value: int64(pick(100))})
		if err != nil && strings.Contains(err.Error(), "UNIQUE") {
			return nil // that limit exists: the change is dropped whole
		}
		return err
	case k == 11:
		plan := svc.Plans[pick(len(svc.Plans))]
		rec := plan.PlanRecord
		rec.Name = name
		return t.SavePlan(&rec)
	case k == 12:
		return t.SaveMetric(&MetricRecord{ServiceID: svc.ID, Name: name, FriendlyName: name, ParentID: svc.Metrics[0].ID})
	case k == 13:
		rec := svc.ServiceRecord
		rec.Name = name
		return t.SaveService(&rec)
	case k == 14:
		rec := prov.ProviderRecord
		rec.AdminEmail = name + "@x"
		return t.SaveProvider(&rec)
	case k == 15 && app != nil:
		return t.SetTraffic(app.ID, Traffic{})
	}
	return nil
}
