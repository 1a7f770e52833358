package store

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"

	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/period"
)

// Seed writes a validated fixture world into the store, in one transaction.
// Usage listed in the fixtures is counted in the current periods, as if it
// had been reported.
func (s *Store) Seed(ctx context.Context, w *fixtures.World) error {
	_, err := s.seed(ctx, w, false)
	return err
}

// SeedWithBaseline seeds a fresh (or reset) store as Seed does and returns
// the baseline a reset puts back (as Baseline would), copied from the store
// itself before the fixtures' usage is counted: a world is seeded once, not
// once more into a scratch database.
func (s *Store) SeedWithBaseline(ctx context.Context, w *fixtures.World) (*State, error) {
	return s.seed(ctx, w, true)
}

func (s *Store) seed(ctx context.Context, w *fixtures.World, baseline bool) (*State, error) {
	counts, err := s.seedModel(ctx, w)
	if err != nil {
		return nil, err
	}
	var st *State
	if baseline {
		if st, err = s.Export(ctx); err != nil {
			return nil, fmt.Errorf("baseline: %w", err)
		}
		st.Usage, st.Fixture = nil, counts
	}
	if s.Catalog().ApplicationCount() >= 10000 {
		// Seeding a big world leaves hundreds of megabytes of garbage (rows
		// read, statements): hand them back now, not at the first GCs under
		// traffic, so that an idle sandbox stays small.
		debug.FreeOSMemory()
	}
	return st, s.countFixture(ctx, counts)
}

// FixtureCount is usage a fixture lists: counted, in the metric and its
// parents, in the period instance of the time it is applied.
type FixtureCount struct {
	App    int64
	Metric int64
	Period period.Period
	Value  int64
}

// seedModel writes the world's model in one change and returns the usage
// its applications list, not yet counted.
func (s *Store) seedModel(ctx context.Context, w *fixtures.World) ([]FixtureCount, error) {
	var counts []FixtureCount
	err := s.Change(ctx, func(t *Tx) error {
		t.changedAll() // the catalog is made once, at the end
		if len(t.cat.Providers) == 0 {
			// Nothing else is stored: the developers' side of the catalog
			// is made of the rows as they are written, not read back.
			t.ch.seeded = &developerSide{}
		}
		counts = counts[:0]
		for _, p := range w.Providers {
			_, c, err := t.seed(p)
			if err != nil {
				return err
			}
			counts = append(counts, c...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("seed fixtures: %w", err)
	}
	return counts, nil
}

// seed writes one fixture provider and returns its id and its
// applications' usage.
func (t *Tx) seed(p fixtures.Provider) (int64, []FixtureCount, error) {
	id, counts, err := t.seedProvider(p)
	if err != nil {
		return 0, nil, fmt.Errorf("provider %q: %w", p.Name, err)
	}
	return id, counts, nil
}

// fixtureUsage is the counters fixture usage makes at now, as reported
// usage would: in the metric and every ancestor.
func fixtureUsage(cat *Catalog, counts []FixtureCount, now time.Time) map[CounterKey]int64 {
	out := make(map[CounterKey]int64)
	for _, fc := range counts {
		start := fc.Period.Start(now).Unix()
		for m := cat.Metric(fc.Metric); m != nil; m = m.Parent {
			k := CounterKey{App: fc.App, Metric: m.ID, Period: fc.Period, Start: start}
			out[k] = addSat(out[k], fc.Value)
		}
	}
	return out
}

// seedProvider writes one provider and everything it owns. It returns the
// provider's id and the usage its applications list. The developer side's
// rows are marked changed one by one, so that a change that adds a world
// beside others (CreateWorld) re-reads only its own; Seed marks all at once.
func (t *Tx) seedProvider(p fixtures.Provider) (int64, []FixtureCount, error) {
	hash := hashFixturePassword(p.Admin.Password)
	prov := &ProviderRecord{
		Name:              p.Name,
		ProviderKey:       p.ProviderKey,
		AdminUsername:     p.Admin.Username,
		AdminEmail:        p.Admin.Email,
		AdminPasswordHash: hash,
		Settings: Settings{
			SignupsEnabled:              p.DeveloperPortal.SignupEnabled,
			UserAccountAreaEnabled:      true,
			ChangeAccountPlanPermission: "request",
			ChangeServicePlanPermission: "request",
		},
		AccountFields:     p.Fields.Account,
		UserFields:        p.Fields.User,
		ApplicationFields: p.Fields.Application,
	}
	if h := p.Webhooks; h != nil {
		prov.Webhooks = Webhooks{URL: h.URL, Active: h.Active, ProviderActions: h.ProviderActions, Events: h.Events}
	}
	if err := t.SaveProvider(prov); err != nil {
		return 0, nil, err
	}
	for _, tok := range p.AccessTokens {
		if err := t.AddAccessToken(prov.ID, tok.Value, tok.Name, tok.Permission, tok.Scopes); err != nil {
			return 0, nil, err
		}
	}

	// Account approval is the default account plan's approval_required,
	// as in porta.
	accountPlans := map[string]int64{}
	for _, ap := range p.AccountPlans {
		rec := &PlanRecord{ProviderID: prov.ID, Type: AccountPlan, Name: ap.Name, SystemName: ap.SystemName,
			Default: ap.Default, State: ap.State, ApprovalRequired: ap.ApprovalRequired}
		if err := t.SavePlan(rec); err != nil {
			return 0, nil, err
		}
		accountPlans[ap.SystemName] = rec.ID
	}

	type svcIDs struct {
		servicePlan int64
		metrics     map[string]int64
		plans       map[string]int64
	}
	svcs := map[string]*svcIDs{}
	for _, svc := range p.Services {
		ids := &svcIDs{metrics: map[string]int64{}, plans: map[string]int64{}}
		svcs[svc.ID] = ids
		rec := &ServiceRecord{
			ID: svc.ID, ProviderID: prov.ID, Name: svc.Name, SystemName: svc.SystemName,
			Description: svc.Description, Default: svc.Default, State: svc.State,
			BackendVersion: svc.BackendVersion, ReferrerFiltersRequired: svc.ReferrerFiltersRequired,
			BuyersManageApps: true, BuyersManageKeys: true, CustomKeysEnabled: true,
			BuyerKeyRegenerateEnabled: true, MandatoryAppKey: svc.BackendVersion != "1",
			BuyerPlanChangePermission: "request",
		}
		if err := t.SaveService(rec); err != nil {
			return 0, nil, err
		}
		for _, tok := range svc.ServiceTokens {
			if err := t.AddServiceToken(svc.ID, tok); err != nil {
				return 0, nil, err
			}
		}
		// Parents may be listed after their children: insert every metric,
		// then link them.
		recs := make([]*MetricRecord, len(svc.Metrics))
		for i, m := range svc.Metrics {
			recs[i] = &MetricRecord{ServiceID: svc.ID, Name: m.Name, FriendlyName: m.FriendlyName, Unit: m.Unit,
				Description: m.Description}
			if err := t.SaveMetric(recs[i]); err != nil {
				return 0, nil, err
			}
			ids.metrics[m.Name] = recs[i].ID
		}
		for i, m := range svc.Metrics {
			if m.Parent == "" {
				continue
			}
			recs[i].ParentID = ids.metrics[m.Parent]
			if err := t.SaveMetric(recs[i]); err != nil {
				return 0, nil, err
			}
		}
		servicePlan := &PlanRecord{ProviderID: prov.ID, ServiceID: svc.ID, Type: ServicePlan, Name: "Default",
			SystemName: "default", Default: true, State: "published"}
		if err := t.SavePlan(servicePlan); err != nil {
			return 0, nil, err
		}
		ids.servicePlan = servicePlan.ID
		for _, plan := range svc.ApplicationPlans {
			rec := &PlanRecord{ProviderID: prov.ID, ServiceID: svc.ID, Type: ApplicationPlan, Name: plan.Name,
				SystemName: plan.SystemName, Description: plan.Description, Default: plan.Default, State: plan.State,
				ApprovalRequired: plan.ApprovalRequired}
			if err := t.SavePlan(rec); err != nil {
				return 0, nil, err
			}
			ids.plans[plan.SystemName] = rec.ID
			for _, l := range plan.Limits {
				per, ok := period.Parse(l.Period)
				if !ok {
					return 0, nil, fmt.Errorf("plan %q: unknown period %q", plan.Name, l.Period)
				}
				lr := &LimitRecord{PlanID: rec.ID, MetricID: ids.metrics[l.Metric], Period: per, Value: l.Value}
				if err := t.SaveLimit(lr); err != nil {
					return 0, nil, fmt.Errorf("plan %q limit %s/%s: %w", plan.Name, l.Metric, l.Period, err)
				}
			}
		}
	}

	// The developer side, which is most of a big world, goes in batches of
	// rows with ids given here: one statement per hundred rows.
	accounts, err := t.inserter("accounts", "id, provider_id, plan_id, org_name, state, fields, extra_fields, "+
		"annotations, monthly_billing_enabled, monthly_charging_enabled, created_at, updated_at")
	if err != nil {
		return 0, nil, err
	}
	users, err := t.inserter("users", "id, account_id, username, email, password_hash, role, state, fields, "+
		"extra_fields, created_at, updated_at", accounts)
	if err != nil {
		return 0, nil, err
	}
	contracts, err := t.inserter("service_contracts", "id, account_id, service_id, plan_id, state, created_at, updated_at",
		accounts)
	if err != nil {
		return 0, nil, err
	}
	applications, err := t.inserter("applications", "id, account_id, service_id, plan_id, name, description, state, "+
		"app_id, user_key, provider_verification_key, redirect_url, extra_fields, created_at, updated_at", accounts)
	if err != nil {
		return 0, nil, err
	}
	keys, err := t.inserter("application_keys", "application_id, value, created_at", applications)
	if err != nil {
		return 0, nil, err
	}
	filters, err := t.inserter("referrer_filters", "id, application_id, value, created_at", applications)
	if err != nil {
		return 0, nil, err
	}
	now := t.Now.Unix()
	at := unix(now) // as stored, and read back
	// dev, when set, gets every row as the catalog reads it back.
	dev := t.ch.seeded
	var counts []FixtureCount
	for _, acc := range p.Accounts {
		fields, extra := SplitFields(OptionalAccountFields, toFields(acc.Fields))
		accID := accounts.id()
		if err := accounts.add(accID, prov.ID, accountPlans[acc.Plan], acc.OrgName, acc.State, fieldsJSON(fields),
			fieldsJSON(extra), fieldsJSON(nil), true, true, now, now); err != nil {
			return 0, nil, err
		}
		t.changedAccount(accID)
		if dev != nil {
			dev.accounts = append(dev.accounts, &Account{AccountRecord: AccountRecord{ID: accID, ProviderID: prov.ID,
				PlanID: accountPlans[acc.Plan], OrgName: acc.OrgName, State: acc.State, Fields: stored(fields),
				ExtraFields: stored(extra), MonthlyBillingEnabled: true, MonthlyChargingEnabled: true,
				CreatedAt: at, UpdatedAt: at}})
		}
		for _, u := range acc.Users {
			fields, extra := SplitFields(OptionalUserFields, toFields(u.Fields))
			userID := users.id()
			t.changedUser(userID)
			hash := hashFixturePassword(u.Password)
			if err := users.add(userID, accID, u.Username, u.Email, hash, u.Role, u.State,
				fieldsJSON(fields), fieldsJSON(extra), now, now); err != nil {
				return 0, nil, err
			}
			if dev != nil {
				dev.users = append(dev.users, &User{UserRecord: UserRecord{ID: userID, AccountID: accID,
					Username: u.Username, Email: u.Email, PasswordHash: hash, Role: u.Role, State: u.State,
					Fields: stored(fields), ExtraFields: stored(extra), CreatedAt: at, UpdatedAt: at}})
			}
		}
		subscribed := map[string]bool{}
		for _, app := range acc.Applications {
			ids := svcs[app.Service]
			if ids == nil {
				return 0, nil, fmt.Errorf("application %q: unknown service %q", app.Name, app.Service)
			}
			planID, ok := ids.plans[app.Plan]
			if !ok {
				return 0, nil, fmt.Errorf("application %q: unknown plan %q", app.Name, app.Plan)
			}
			// An account uses a service through its subscription, made
			// with the application as porta does.
			if !subscribed[app.Service] {
				subscribed[app.Service] = true
				id := contracts.id()
				if err := contracts.add(id, accID, app.Service, ids.servicePlan, "live", now, now); err != nil {
					return 0, nil, err
				}
				if dev != nil {
					dev.contracts = append(dev.contracts, &ServiceContract{ServiceContractRecord{ID: id, AccountID: accID,
						ServiceID: app.Service, PlanID: ids.servicePlan, State: "live", CreatedAt: at, UpdatedAt: at}})
				}
			}
			appID := applications.id()
			t.changedApp(appID)
			extra := toFields(app.Fields)
			if err := applications.add(appID, accID, app.Service, planID, app.Name, app.Description, app.State, app.AppID,
				app.UserKey, app.ProviderVerificationKey, app.RedirectURL, fieldsJSON(extra), now, now); err != nil {
				return 0, nil, err
			}
			if dev != nil {
				dev.apps = append(dev.apps, &Application{ApplicationRecord: ApplicationRecord{ID: appID, AccountID: accID,
					ServiceID: app.Service, PlanID: planID, Name: app.Name, Description: app.Description, State: app.State,
					AppID: app.AppID, UserKey: app.UserKey, ProviderVerificationKey: app.ProviderVerificationKey,
					RedirectURL: app.RedirectURL, ExtraFields: stored(extra), CreatedAt: at, UpdatedAt: at},
					live: t.s.cells.cell(appID, nil, nil)})
			}
			for _, k := range app.AppKeys {
				if err := keys.add(appID, k, now); err != nil {
					return 0, nil, err
				}
				if dev != nil {
					dev.keys = append(dev.keys, appKeyRow{appID, AppKey{Value: k, CreatedAt: at}})
				}
			}
			for _, f := range app.ReferrerFilters {
				id := filters.id()
				if err := filters.add(id, appID, f, now); err != nil {
					return 0, nil, err
				}
				if dev != nil {
					dev.filters = append(dev.filters, appFilterRow{appID, ReferrerFilter{ID: id, Value: f, CreatedAt: at}})
				}
			}
			for _, u := range app.Usage {
				per, ok := period.Parse(u.Period)
				mid, known := ids.metrics[u.Metric]
				if !ok || !known {
					return 0, nil, fmt.Errorf("application %q: usage of %s/%s: unknown metric or period", app.Name,
						u.Metric, u.Period)
				}
				counts = append(counts, FixtureCount{App: appID, Metric: mid, Period: per, Value: u.Value})
			}
		}
	}
	// Parents before children.
	for _, in := range []*inserter{accounts, users, contracts, applications, keys, filters} {
		if err := in.write(); err != nil {
			return 0, nil, err
		}
	}
	return prov.ID, counts, nil
}

// inserter writes the rows of a table in batches, with ids it gives.
type inserter struct {
	t       *Tx
	table   string
	columns string
	width   int
	next    int64 // the next id
	args    []any
	parents []*inserter // whose queued rows go first
}

// insertBatch is the number of rows of one statement.
const insertBatch = 100

// inserter starts the batches of a table; its ids follow the largest one
// the table ever had (AUTOINCREMENT never gives an id again).
func (t *Tx) inserter(table, columns string, parents ...*inserter) (*inserter, error) {
	in := &inserter{t: t, table: table, columns: columns, width: strings.Count(columns, ",") + 1, parents: parents}
	if strings.HasPrefix(columns, "id,") {
		err := t.tx.QueryRowContext(t.ctx, `SELECT max(COALESCE((SELECT max(id) FROM `+table+`), 0),
			COALESCE((SELECT seq FROM sqlite_sequence WHERE name = ?), 0)) + 1`, table).Scan(&in.next)
		if err != nil {
			return nil, fmt.Errorf("next id of %s: %w", table, err)
		}
	}
	return in, nil
}

// id gives the next row its id.
func (in *inserter) id() int64 {
	id := in.next
	in.next++
	return id
}

// add queues a row, writing a batch when one is full.
func (in *inserter) add(row ...any) error {
	in.args = append(in.args, row...)
	if len(in.args) < insertBatch*in.width {
		return nil
	}
	return in.write()
}

// write sends the queued rows, after those of the parent tables.
func (in *inserter) write() error {
	for _, p := range in.parents {
		if err := p.write(); err != nil {
			return err
		}
	}
	rows := len(in.args) / in.width
	if rows == 0 {
		return nil
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", in.width), ",") + ")"
	query := "INSERT INTO " + in.table + " (" + in.columns + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(row+",", rows), ",")
	_, err := in.t.exec("seed "+in.table, query, in.args...)
	in.args = in.args[:0]
	return err
}

// stored is fields as the catalog reads them back: no fields is nil.
func stored(fs Fields) Fields {
	if len(fs) == 0 {
		return nil
	}
	return fs
}

func toFields(pairs []fixtures.Pair) Fields {
	var fs Fields
	for _, p := range pairs {
		fs = append(fs, Field{p.Name, p.Value})
	}
	return fs
}

// OpenSeeded opens a new store at path ("" = in memory) and seeds w into
// it: the sandbox of a test or of an in-process contract run.
func OpenSeeded(ctx context.Context, path string, w *fixtures.World, clk clock.Clock, log *slog.Logger) (*Store, error) {
	st, err := Open(ctx, path, clk, log)
	if err != nil {
		return nil, err
	}
	if err := st.Seed(ctx, w); err != nil {
		st.Close()
		return nil, err
	}
	return st, nil
}
