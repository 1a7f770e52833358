package store

import (
	"context"
	"errors"
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
	sd, err := s.StartSeed(ctx, w, baseline)
	if err != nil {
		return nil, err
	}
	<-sd.Done()
	return sd.Baseline(), sd.Err()
}

// Seeding is a seed whose catalog is served while its rows are written.
type Seeding struct {
	done     chan struct{}
	err      error
	baseline *State
}

// Done is closed once the seed is stored (or failed), its baseline taken
// and the fixtures' usage counted.
func (sd *Seeding) Done() <-chan struct{} { return sd.done }

// Err is the seed's outcome, once Done is closed.
func (sd *Seeding) Err() error { return sd.err }

// Baseline is the state a reset puts back (nil when not asked for), once
// Done is closed.
func (sd *Seeding) Baseline() *State { return sd.baseline }

// TakeBaseline is Baseline, handed over: the seeding keeps it no longer,
// so that a baseline spilled to a file (26 MB of heap at 100,000
// applications) is not kept in the heap too for as long as the seeding is.
func (sd *Seeding) TakeBaseline() *State {
	b := sd.baseline
	sd.baseline = nil
	return b
}

// StartSeed seeds w as Seed does, but returns as soon as the store serves
// the seeded catalog: into a fresh (or reset) store the catalog is made of
// the decoded fixture, and the developers' rows, most of a big world, are
// written after it on the writer. Every later write is queued behind them,
// so it is stored after them (with a database file, an authrep's 2xx still
// comes after its commit, and so after the seed's). The baseline, if asked
// for, is copied before any request can change the store; the fixtures'
// usage is counted before StartSeed returns.
func (s *Store) StartSeed(ctx context.Context, w *fixtures.World, baseline bool) (*Seeding, error) {
	restore := startupGC()
	sd := &Seeding{done: make(chan struct{})}
	var listed []FixtureCount // the op's, read once it is done
	ready := make(chan []FixtureCount, 1)
	o := s.changeOp(func(t *Tx) error { return t.seedWorld(w, &listed, ready) }, nil)
	s.seeding.Add(1)
	fail := func(err error) (*Seeding, error) {
		s.seeding.Add(-1)
		restore()
		return nil, fmt.Errorf("seed fixtures: %w", err)
	}
	if err := s.submit(o); err != nil {
		return fail(err)
	}
	seeded := o.done
	var counts []FixtureCount
	select {
	case counts = <-ready:
	case err := <-o.done:
		if err != nil {
			return fail(err)
		}
		seeded, counts = nil, listed // stored already
	}
	// Queued now, before anything else can write: the baseline is the
	// seeded world, before its usage and before any request.
	var exported chan error
	if baseline {
		sd.baseline = &State{}
		exp := &op{conn: s.copyDatabase(sd.baseline), done: make(chan error, 1)}
		if err := s.submit(exp); err != nil {
			return fail(err)
		}
		exported = exp.done
	}
	// The fixtures' usage is in the live counters before the first request;
	// with a database file its commit follows the seed's.
	counted := make(chan struct{})
	usage := make(chan error, 1)
	bg := context.WithoutCancel(ctx)
	go func() { usage <- s.countFixture(bg, counts, counted) }()
	select {
	case <-counted:
	case err := <-usage:
		usage <- err
	}
	go func() {
		defer close(sd.done)
		defer s.seeding.Add(-1)
		defer restore()
		var errs []error
		if seeded != nil {
			if err := <-seeded; err != nil {
				errs = append(errs, fmt.Errorf("seed fixtures: %w", err))
			}
		}
		if exported != nil {
			if err := <-exported; err != nil {
				errs = append(errs, fmt.Errorf("baseline: %w", err))
			}
			sd.baseline.Fixture = counts
		}
		if err := <-usage; err != nil {
			errs = append(errs, fmt.Errorf("count the fixtures' usage: %w", err))
		}
		sd.err = errors.Join(errs...)
		if s.Catalog().ApplicationCount() >= 10000 {
			// Seeding a big world leaves hundreds of megabytes of garbage
			// (rows, statements): hand them back now, not at the first GCs
			// under traffic, so that an idle sandbox stays small.
			debug.FreeOSMemory()
		}
	}()
	return sd, nil
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
	if err := s.Change(ctx, func(t *Tx) error { return t.seedWorld(w, &counts, nil) }); err != nil {
		return nil, fmt.Errorf("seed fixtures: %w", err)
	}
	return counts, nil
}

// seedWorld writes every provider of w, and sets *counts to the usage its
// applications list. Into an empty store the catalog is made of the
// fixture, not read back; with ready, it is served (and the usage sent on
// ready) before the developers' rows are written.
func (t *Tx) seedWorld(w *fixtures.World, counts *[]FixtureCount, ready chan<- []FixtureCount) error {
	t.changedAll() // the catalog is made once, at the end
	*counts = nil  // a new slice each run: a retry must not touch the one sent
	if len(t.cat.Providers) > 0 {
		// Beside other state: the rows are written, then read back.
		for _, p := range w.Providers {
			_, c, err := t.seed(p)
			if err != nil {
				return err
			}
			*counts = append(*counts, c...)
		}
		return nil
	}
	// Nothing else is stored: the developers' side of the catalog is made
	// of the fixture's objects, and their rows are written after them.
	dev := &developerSide{}
	t.ch.seeded = dev
	for _, p := range w.Providers {
		if _, c, err := t.seedProvider(p, dev); err != nil {
			return fmt.Errorf("provider %q: %w", p.Name, err)
		} else {
			*counts = append(*counts, c...)
		}
	}
	dev.hashes = nil // needed no more, while the rows are written
	cat, err := t.Catalog()
	if err != nil {
		return err
	}
	if ready != nil {
		t.s.catalog.Store(cat)
		select {
		case ready <- *counts:
		default: // a retry of the op: signalled already
		}
	}
	return t.writeDevelopers(dev)
}

// seed writes one fixture provider and returns its id and its
// applications' usage.
func (t *Tx) seed(p fixtures.Provider) (int64, []FixtureCount, error) {
	id, counts, err := t.seedProvider(p, nil)
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
// provider's id and the usage its applications list. Its developers' side
// goes into dev, as the catalog's objects, their rows left for
// writeDevelopers; without dev they are written at once, marked changed
// one by one, so that a change that adds a world beside others
// (CreateWorld) re-reads only its own.
func (t *Tx) seedProvider(p fixtures.Provider, into *developerSide) (int64, []FixtureCount, error) {
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

	// The developers' side, most of a big world, is made as the catalog's
	// objects first, with ids given here; its rows are written from them.
	dev := into
	if dev == nil {
		dev = &developerSide{}
	}
	at := unix(t.Now.Unix()) // as stored, and read back
	var counts []FixtureCount
	for _, acc := range p.Accounts {
		fields, extra := SplitFields(OptionalAccountFields, toFields(acc.Fields))
		accID, err := t.nextID("accounts")
		if err != nil {
			return 0, nil, err
		}
		t.changedAccount(accID)
		dev.accounts = append(dev.accounts, &Account{AccountRecord: AccountRecord{ID: accID, ProviderID: prov.ID,
			PlanID: accountPlans[acc.Plan], OrgName: acc.OrgName, State: acc.State, Fields: stored(fields),
			ExtraFields: stored(extra), MonthlyBillingEnabled: true, MonthlyChargingEnabled: true,
			CreatedAt: at, UpdatedAt: at}})
		for _, u := range acc.Users {
			fields, extra := SplitFields(OptionalUserFields, toFields(u.Fields))
			userID, err := t.nextID("users")
			if err != nil {
				return 0, nil, err
			}
			t.changedUser(userID)
			dev.users = append(dev.users, &User{UserRecord: UserRecord{ID: userID, AccountID: accID,
				Username: u.Username, Email: u.Email, PasswordHash: dev.hash(u.Password), Role: u.Role,
				State: u.State, Fields: stored(fields), ExtraFields: stored(extra), CreatedAt: at, UpdatedAt: at}})
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
				id, err := t.nextID("service_contracts")
				if err != nil {
					return 0, nil, err
				}
				dev.contracts = append(dev.contracts, &ServiceContract{ServiceContractRecord{ID: id, AccountID: accID,
					ServiceID: app.Service, PlanID: ids.servicePlan, State: "live", CreatedAt: at, UpdatedAt: at}})
			}
			appID, err := t.nextID("applications")
			if err != nil {
				return 0, nil, err
			}
			t.changedApp(appID)
			a := &Application{ApplicationRecord: ApplicationRecord{ID: appID, AccountID: accID,
				ServiceID: app.Service, PlanID: planID, Name: app.Name, Description: app.Description, State: app.State,
				AppID: app.AppID, UserKey: app.UserKey, ProviderVerificationKey: app.ProviderVerificationKey,
				RedirectURL: app.RedirectURL, ExtraFields: stored(toFields(app.Fields)), CreatedAt: at, UpdatedAt: at}}
			if into != nil {
				a.live = t.s.cells.cell(appID, nil, nil)
			}
			dev.apps = append(dev.apps, a)
			for _, k := range app.AppKeys {
				dev.keys = append(dev.keys, appKeyRow{appID, AppKey{Value: k, CreatedAt: at}})
			}
			for _, f := range app.ReferrerFilters {
				id, err := t.nextID("referrer_filters")
				if err != nil {
					return 0, nil, err
				}
				dev.filters = append(dev.filters, appFilterRow{appID, ReferrerFilter{ID: id, Value: f, CreatedAt: at}})
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
	if into == nil {
		if err := t.writeDevelopers(dev); err != nil {
			return 0, nil, err
		}
	}
	return prov.ID, counts, nil
}

// nextID gives a new row of table its id: after the largest one the table
// ever had (AUTOINCREMENT never gives an id again), counted in the
// transaction from there.
func (t *Tx) nextID(table string) (int64, error) {
	if t.ids == nil {
		t.ids = map[string]int64{}
	}
	id, ok := t.ids[table]
	if !ok {
		err := t.tx.QueryRowContext(t.ctx, `SELECT max(COALESCE((SELECT max(id) FROM `+table+`), 0),
			COALESCE((SELECT seq FROM sqlite_sequence WHERE name = ?), 0)) + 1`, table).Scan(&id)
		if err != nil {
			return 0, fmt.Errorf("next id of %s: %w", table, err)
		}
	}
	t.ids[table] = id + 1
	return id, nil
}

// writeDevelopers writes the rows of the developers' objects of dev,
// parents before children, in batches.
func (t *Tx) writeDevelopers(dev *developerSide) error {
	tables := []struct {
		name, columns string
		rows          int
		row           func(i int) []any
	}{
		{"accounts", "id, provider_id, plan_id, org_name, state, fields, extra_fields, annotations, " +
			"monthly_billing_enabled, monthly_charging_enabled, created_at, updated_at", len(dev.accounts),
			func(i int) []any {
				a := dev.accounts[i]
				return []any{a.ID, a.ProviderID, a.PlanID, a.OrgName, a.State, fieldsJSON(a.Fields),
					fieldsJSON(a.ExtraFields), fieldsJSON(a.Annotations), a.MonthlyBillingEnabled,
					a.MonthlyChargingEnabled, a.CreatedAt.Unix(), a.UpdatedAt.Unix()}
			}},
		{"users", "id, account_id, username, email, password_hash, role, state, fields, extra_fields, " +
			"created_at, updated_at", len(dev.users), func(i int) []any {
			u := dev.users[i]
			return []any{u.ID, u.AccountID, u.Username, u.Email, u.PasswordHash, u.Role, u.State,
				fieldsJSON(u.Fields), fieldsJSON(u.ExtraFields), u.CreatedAt.Unix(), u.UpdatedAt.Unix()}
		}},
		{"service_contracts", "id, account_id, service_id, plan_id, state, created_at, updated_at",
			len(dev.contracts), func(i int) []any {
				c := dev.contracts[i]
				return []any{c.ID, c.AccountID, c.ServiceID, c.PlanID, c.State, c.CreatedAt.Unix(), c.UpdatedAt.Unix()}
			}},
		{"applications", "id, account_id, service_id, plan_id, name, description, state, app_id, user_key, " +
			"provider_verification_key, redirect_url, extra_fields, created_at, updated_at", len(dev.apps),
			func(i int) []any {
				a := dev.apps[i]
				return []any{a.ID, a.AccountID, a.ServiceID, a.PlanID, a.Name, a.Description, a.State, a.AppID,
					a.UserKey, a.ProviderVerificationKey, a.RedirectURL, fieldsJSON(a.ExtraFields),
					a.CreatedAt.Unix(), a.UpdatedAt.Unix()}
			}},
		{"application_keys", "application_id, value, created_at", len(dev.keys), func(i int) []any {
			k := dev.keys[i]
			return []any{k.app, k.key.Value, k.key.CreatedAt.Unix()}
		}},
		{"referrer_filters", "id, application_id, value, created_at", len(dev.filters), func(i int) []any {
			f := dev.filters[i]
			return []any{f.filter.ID, f.app, f.filter.Value, f.filter.CreatedAt.Unix()}
		}},
	}
	for _, tb := range tables {
		in := &inserter{t: t, table: tb.name, columns: tb.columns, width: strings.Count(tb.columns, ",") + 1}
		for i := range tb.rows {
			if err := in.add(tb.row(i)...); err != nil {
				return err
			}
		}
		if err := in.write(); err != nil {
			return err
		}
	}
	return nil
}

// inserter writes the rows of a table in batches.
type inserter struct {
	t       *Tx
	table   string
	columns string
	width   int
	args    []any
}

// insertBatch is the number of rows of one statement.
const insertBatch = 100

// add queues a row, writing a batch when one is full.
func (in *inserter) add(row ...any) error {
	in.args = append(in.args, row...)
	if len(in.args) < insertBatch*in.width {
		return nil
	}
	return in.write()
}

// write sends the queued rows.
func (in *inserter) write() error {
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
