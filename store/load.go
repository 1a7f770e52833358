package store

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/period"
)

// querier is what both *sql.DB and *sql.Tx offer.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// scanAll runs query and calls scan for each row.
func scanAll(ctx context.Context, q querier, query string, scan func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("query %q: %w", firstWords(query), err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("scan %q: %w", firstWords(query), err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read %q: %w", firstWords(query), err)
	}
	return nil
}

func firstWords(q string) string {
	f := strings.Fields(q)
	if len(f) > 6 {
		f = f[:6]
	}
	return strings.Join(f, " ")
}

// unix reads a stored time.
func unix(sec int64) time.Time { return time.Unix(sec, 0).UTC() }

// updatedAt reads NULLIF(updated_at, created_at).
func updatedAt(created int64, updated sql.NullInt64) time.Time {
	if !updated.Valid {
		return unix(created)
	}
	return unix(updated.Int64)
}

// optTime reads a stored optional time.
func optTime(sec sql.NullInt64) *time.Time {
	if !sec.Valid {
		return nil
	}
	t := unix(sec.Int64)
	return &t
}

// jsonColumn scans a JSON column into *dst: Fields (stored as [name,
// value] pairs) or a list of names.
type jsonColumn[T any] struct{ dst *T }

func (c jsonColumn[T]) Scan(src any) error {
	var raw []byte
	switch v := src.(type) {
	case nil: // NULLIF(column, '[]'): nothing to decode
		var zero T
		*c.dst = zero
		return nil
	case string:
		raw = []byte(v)
	case []byte:
		raw = v
	default:
		return fmt.Errorf("json column: unexpected %T", src)
	}
	var zero T
	*c.dst = zero
	if len(raw) == 2 && raw[0] == '[' && raw[1] == ']' {
		return nil // most rows: nothing to decode
	}
	if err := json.Unmarshal(raw, c.dst); err != nil {
		return fmt.Errorf("json column: %w", err)
	}
	return nil
}

// fieldsJSON is the stored form of Fields.
func fieldsJSON(fs Fields) string {
	if fs == nil {
		fs = Fields{}
	}
	b, _ := json.Marshal(fs) // strings always marshal
	return string(b)
}

func namesJSON(names []string) string {
	if names == nil {
		names = []string{}
	}
	b, _ := json.Marshal(names)
	return string(b)
}

// splitList reads a comma-separated column.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// rowScanner is a row of *sql.Rows or *sql.Row.
type rowScanner interface{ Scan(dest ...any) error }

// The columns of each table as the catalog reads them, for the whole table
// and for the rows of one object. Most rows of a big world hold no fields
// and were never updated: those columns come as NULL, which the driver
// hands over without making a string or boxing an integer.
const (
	providerColumns = `id, name, provider_key, admin_username, admin_email, admin_password_hash,
		signups_enabled, useraccountarea_enabled, hide_service, public_search, account_plans_ui_visible,
		change_account_plan_permission, service_plans_ui_visible, change_service_plan_permission, enforce_sso,
		webhooks_url, webhooks_active, webhooks_provider_actions, webhooks_events,
		account_fields, user_fields, application_fields, created_at`
	serviceColumns = `id, provider_id, name, system_name, description, is_default, state,
		backend_version, referrer_filters_required, intentions_required, buyers_manage_apps, buyers_manage_keys,
		custom_keys_enabled, buyer_key_regenerate_enabled, mandatory_app_key, buyer_can_select_plan,
		buyer_plan_change_permission, support_email, deployment_option, created_at, updated_at`
	planColumns = `id, provider_id, COALESCE(service_id, ''), type, name, system_name, description,
		is_default, state, approval_required, setup_fee, cost_per_month, trial_period_days, cancellation_period,
		COALESCE(original_id, 0), created_at, updated_at`
	accountColumns = `id, provider_id, plan_id, org_name, state, NULLIF(fields, '[]'), NULLIF(extra_fields, '[]'),
		NULLIF(annotations, '[]'), monthly_billing_enabled, monthly_charging_enabled, created_at,
		NULLIF(updated_at, created_at)`
	userColumns = `id, account_id, username, email, password_hash, role, state, NULLIF(fields, '[]'),
		NULLIF(extra_fields, '[]'), signup_type, created_at, NULLIF(updated_at, created_at)`
	contractColumns    = `id, account_id, service_id, plan_id, state, created_at, NULLIF(updated_at, created_at)`
	applicationColumns = `id, account_id, service_id, plan_id, name, description, state, app_id,
		user_key, provider_verification_key, redirect_url, NULLIF(extra_fields, '[]'), first_traffic_at,
		first_daily_traffic_at, created_at, NULLIF(updated_at, created_at)`
	keyColumns    = `application_id, value, created_at`
	filterColumns = `id, application_id, value, created_at`
)

func scanProvider(r rowScanner) (*Provider, error) {
	p := &Provider{}
	st := &p.Settings
	var events string
	var created int64
	if err := r.Scan(&p.ID, &p.Name, &p.ProviderKey, &p.AdminUsername, &p.AdminEmail, &p.AdminPasswordHash,
		&st.SignupsEnabled, &st.UserAccountAreaEnabled, &st.HideService, &st.PublicSearch,
		&st.AccountPlansUIVisible, &st.ChangeAccountPlanPermission, &st.ServicePlansUIVisible,
		&st.ChangeServicePlanPermission, &st.EnforceSSO,
		&p.Webhooks.URL, &p.Webhooks.Active, &p.Webhooks.ProviderActions, &events,
		jsonColumn[[]string]{&p.AccountFields}, jsonColumn[[]string]{&p.UserFields}, jsonColumn[[]string]{&p.ApplicationFields},
		&created); err != nil {
		return nil, err
	}
	p.Webhooks.Events = splitList(events)
	p.CreatedAt = unix(created)
	return p, nil
}

func scanService(r rowScanner) (*Service, error) {
	s := &Service{}
	var created, updated int64
	if err := r.Scan(&s.ID, &s.ProviderID, &s.Name, &s.SystemName, &s.Description, &s.Default, &s.State,
		&s.BackendVersion, &s.ReferrerFiltersRequired, &s.IntentionsRequired, &s.BuyersManageApps,
		&s.BuyersManageKeys, &s.CustomKeysEnabled, &s.BuyerKeyRegenerateEnabled, &s.MandatoryAppKey,
		&s.BuyerCanSelectPlan, &s.BuyerPlanChangePermission, &s.SupportEmail, &s.DeploymentOption, &created,
		&updated); err != nil {
		return nil, err
	}
	s.CreatedAt, s.UpdatedAt = unix(created), unix(updated)
	return s, nil
}

func scanPlan(r rowScanner) (*Plan, error) {
	p := &Plan{}
	var trial sql.NullInt64
	var created, updated int64
	if err := r.Scan(&p.ID, &p.ProviderID, &p.ServiceID, &p.Type, &p.Name, &p.SystemName, &p.Description,
		&p.Default, &p.State, &p.ApprovalRequired, &p.SetupFee, &p.CostPerMonth, &trial,
		&p.CancellationPeriod, &p.OriginalID, &created, &updated); err != nil {
		return nil, err
	}
	if trial.Valid {
		p.TrialPeriodDays = &trial.Int64
	}
	p.CreatedAt, p.UpdatedAt = unix(created), unix(updated)
	return p, nil
}

func scanAccount(r rowScanner) (*Account, error) {
	a := &Account{}
	var created int64
	var updated sql.NullInt64
	if err := r.Scan(&a.ID, &a.ProviderID, &a.PlanID, &a.OrgName, &a.State, jsonColumn[Fields]{&a.Fields},
		jsonColumn[Fields]{&a.ExtraFields}, jsonColumn[Fields]{&a.Annotations}, &a.MonthlyBillingEnabled,
		&a.MonthlyChargingEnabled, &created, &updated); err != nil {
		return nil, err
	}
	a.CreatedAt, a.UpdatedAt = unix(created), updatedAt(created, updated)
	return a, nil
}

func scanUser(r rowScanner) (*User, error) {
	u := &User{}
	var created int64
	var updated sql.NullInt64
	if err := r.Scan(&u.ID, &u.AccountID, &u.Username, &u.Email, &u.PasswordHash, &u.Role, &u.State,
		jsonColumn[Fields]{&u.Fields}, jsonColumn[Fields]{&u.ExtraFields}, &u.SignupType, &created, &updated); err != nil {
		return nil, err
	}
	u.CreatedAt, u.UpdatedAt = unix(created), updatedAt(created, updated)
	return u, nil
}

func scanContract(r rowScanner) (*ServiceContract, error) {
	sc := &ServiceContract{}
	var created int64
	var updated sql.NullInt64
	if err := r.Scan(&sc.ID, &sc.AccountID, &sc.ServiceID, &sc.PlanID, &sc.State, &created, &updated); err != nil {
		return nil, err
	}
	sc.CreatedAt, sc.UpdatedAt = unix(created), updatedAt(created, updated)
	return sc, nil
}

// scanApplication reads an application; its live state comes from cells,
// made with the stored first-traffic times if it has none yet.
func scanApplication(r rowScanner, cells *liveCells) (*Application, error) {
	a := &Application{}
	var first, firstDaily, updated sql.NullInt64
	var created int64
	if err := r.Scan(&a.ID, &a.AccountID, &a.ServiceID, &a.PlanID, &a.Name, &a.Description, &a.State, &a.AppID,
		&a.UserKey, &a.ProviderVerificationKey, &a.RedirectURL, jsonColumn[Fields]{&a.ExtraFields}, &first,
		&firstDaily, &created, &updated); err != nil {
		return nil, err
	}
	a.live = cells.cell(a.ID, optTime(first), optTime(firstDaily))
	a.CreatedAt, a.UpdatedAt = unix(created), updatedAt(created, updated)
	return a, nil
}

func scanKey(r rowScanner) (int64, AppKey, error) {
	var app, created int64
	var k AppKey
	if err := r.Scan(&app, &k.Value, &created); err != nil {
		return 0, k, err
	}
	k.CreatedAt = unix(created)
	return app, k, nil
}

func scanFilter(r rowScanner) (int64, ReferrerFilter, error) {
	var app, created int64
	var f ReferrerFilter
	if err := r.Scan(&f.ID, &app, &f.Value, &created); err != nil {
		return 0, f, err
	}
	f.CreatedAt = unix(created)
	return app, f, nil
}

// loadConfig reads the providers' configuration: providers, access tokens,
// services, service tokens, metrics, plans and limits, linked. The
// services' applications and the providers' accounts are left empty.
func loadConfig(ctx context.Context, q querier) ([]*Provider, error) {
	var out []*Provider
	providers := map[int64]*Provider{}
	err := scanAll(ctx, q, `SELECT `+providerColumns+` FROM providers ORDER BY id`, func(r *sql.Rows) error {
		p, err := scanProvider(r)
		if err != nil {
			return err
		}
		providers[p.ID] = p
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = scanAll(ctx, q, `SELECT id, provider_id, value, name, permission, scopes FROM access_tokens ORDER BY id`,
		func(r *sql.Rows) error {
			t := &AccessToken{}
			var scopes string
			if err := r.Scan(&t.ID, &t.ProviderID, &t.Value, &t.Name, &t.Permission, &scopes); err != nil {
				return err
			}
			t.Scopes = splitList(scopes)
			t.Provider = providers[t.ProviderID]
			t.Provider.AccessTokens = append(t.Provider.AccessTokens, t)
			return nil
		})
	if err != nil {
		return nil, err
	}
	services := map[string]*Service{}
	err = scanAll(ctx, q, `SELECT `+serviceColumns+` FROM services ORDER BY rowid`, func(r *sql.Rows) error {
		s, err := scanService(r)
		if err != nil {
			return err
		}
		p := providers[s.ProviderID]
		s.Provider = p
		p.Services = append(p.Services, s)
		if s.Default {
			p.DefaultService = s
		}
		services[s.ID] = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = scanAll(ctx, q, `SELECT token, service_id FROM service_tokens ORDER BY rowid`, func(r *sql.Rows) error {
		var token, sid string
		if err := r.Scan(&token, &sid); err != nil {
			return err
		}
		s := services[sid]
		s.Tokens = append(s.Tokens, token)
		return nil
	})
	if err != nil {
		return nil, err
	}
	metrics := map[int64]*Metric{}
	err = scanAll(ctx, q, `SELECT id, service_id, name, friendly_name, unit, description, COALESCE(parent_id, 0),
		created_at, updated_at FROM metrics ORDER BY id`, func(r *sql.Rows) error {
		m := &Metric{}
		var created, updated int64
		if err := r.Scan(&m.ID, &m.ServiceID, &m.Name, &m.FriendlyName, &m.Unit, &m.Description, &m.ParentID,
			&created, &updated); err != nil {
			return err
		}
		m.CreatedAt, m.UpdatedAt = unix(created), unix(updated)
		s := services[m.ServiceID]
		m.Service = s
		s.Metrics = append(s.Metrics, m)
		metrics[m.ID] = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	plans := map[int64]*Plan{}
	var planList []*Plan
	err = scanAll(ctx, q, `SELECT `+planColumns+` FROM plans ORDER BY id`, func(r *sql.Rows) error {
		p, err := scanPlan(r)
		if err != nil {
			return err
		}
		plans[p.ID] = p
		planList = append(planList, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	type limitRow struct {
		l          Limit
		plan, metr int64
	}
	var limits []limitRow
	err = scanAll(ctx, q, `SELECT id, plan_id, metric_id, period, value, created_at, updated_at FROM limits`,
		func(r *sql.Rows) error {
			var lr limitRow
			var per uint8
			var created, updated int64
			if err := r.Scan(&lr.l.ID, &lr.plan, &lr.metr, &per, &lr.l.Value, &created, &updated); err != nil {
				return err
			}
			lr.l.CreatedAt, lr.l.UpdatedAt = unix(created), unix(updated)
			lr.l.Period = period.Period(per)
			limits = append(limits, lr)
			return nil
		})
	if err != nil {
		return nil, err
	}
	for _, p := range planList {
		p.Limits = nil
	}
	for _, lr := range limits {
		p := plans[lr.plan]
		l := lr.l
		l.Metric = metrics[lr.metr]
		p.Limits = append(p.Limits, l)
	}
	link(out, planList, providers, services, plans)
	return out, nil
}

// link completes a configuration whose objects are in place, their plans
// listed with their limits (which may point to metrics of another
// version): the plans hang from their provider or service, metrics from
// their parents, limits point to their plan and this version's metrics
// and come in usage-report order.
func link(out []*Provider, planList []*Plan, providers map[int64]*Provider, services map[string]*Service, plans map[int64]*Plan) {
	for _, s := range services {
		byID := make(map[int64]*Metric, len(s.Metrics))
		for _, m := range s.Metrics {
			byID[m.ID] = m
			m.Children = nil
		}
		// Children keep the service's metric order.
		for _, m := range s.Metrics {
			m.Parent = nil
			if m.ParentID != 0 {
				m.Parent = byID[m.ParentID]
				m.Parent.Children = append(m.Parent.Children, m)
			}
		}
	}
	for _, p := range planList {
		p.Provider = providers[p.ProviderID]
		p.Original = plans[p.OriginalID]
		switch p.Type {
		case AccountPlan:
			p.Provider.AccountPlans = append(p.Provider.AccountPlans, p)
		case ServicePlan:
			p.Service = services[p.ServiceID]
			p.Service.ServicePlans = append(p.Service.ServicePlans, p)
		default:
			p.Service = services[p.ServiceID]
			p.Service.Plans = append(p.Service.Plans, p)
		}
		for i := range p.Limits {
			l := &p.Limits[i]
			l.Plan = p
			if p.Service != nil && l.Metric != nil {
				l.Metric = p.Service.metricByID(l.Metric.ID)
			}
		}
		if p.Service != nil {
			sortLimits(p)
		}
	}
}

func (s *Service) metricByID(id int64) *Metric {
	for _, m := range s.Metrics {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// cloneConfig copies a configuration whole, so that the copy can be
// linked to new versions of its providers' accounts and services'
// applications; the developer side is shared.
func cloneConfig(old []*Provider) []*Provider {
	out := make([]*Provider, 0, len(old))
	providers := map[int64]*Provider{}
	services := map[string]*Service{}
	plans := map[int64]*Plan{}
	var planList []*Plan
	clonePlan := func(p *Plan) {
		np := &Plan{PlanRecord: p.PlanRecord, Limits: slices.Clone(p.Limits)}
		plans[np.ID] = np
		planList = append(planList, np)
	}
	for _, p := range old {
		np := &Provider{ProviderRecord: p.ProviderRecord, Accounts: p.Accounts}
		providers[np.ID] = np
		out = append(out, np)
		for _, t := range p.AccessTokens {
			nt := *t
			nt.Provider = np
			np.AccessTokens = append(np.AccessTokens, &nt)
		}
		for _, pl := range p.AccountPlans {
			clonePlan(pl)
		}
		for _, s := range p.Services {
			ns := &Service{ServiceRecord: s.ServiceRecord, Provider: np, Tokens: s.Tokens,
				Applications: s.Applications, apps: s.apps, appsByUserKey: s.appsByUserKey}
			services[ns.ID] = ns
			np.Services = append(np.Services, ns)
			if p.DefaultService == s {
				np.DefaultService = ns
			}
			for _, m := range s.Metrics {
				ns.Metrics = append(ns.Metrics, &Metric{MetricRecord: m.MetricRecord, Service: ns})
			}
			for _, pl := range s.ServicePlans {
				clonePlan(pl)
			}
			for _, pl := range s.Plans {
				clonePlan(pl)
			}
		}
	}
	slices.SortFunc(planList, func(a, b *Plan) int { return cmp.Compare(a.ID, b.ID) })
	link(out, planList, providers, services, plans)
	return out
}

// setConfig makes providers the catalog's configuration and indexes it.
func (c *Catalog) setConfig(providers []*Provider) {
	c.Providers = providers
	c.providers = make(map[int64]*Provider, len(providers))
	c.providersByKey = make(map[string]*Provider, len(providers))
	c.accessTokens = make(map[string]*AccessToken)
	c.services = make(map[string]*Service)
	c.tokens = make(map[tokenKey]struct{})
	c.plans = make(map[int64]*Plan)
	c.metrics = make(map[int64]*Metric)
	c.limits = make(map[int64]Limit)
	addPlan := func(p *Plan) {
		c.plans[p.ID] = p
		for _, l := range p.Limits {
			c.limits[l.ID] = l
		}
	}
	for _, p := range providers {
		c.providers[p.ID] = p
		c.providersByKey[p.ProviderKey] = p
		for _, t := range p.AccessTokens {
			c.accessTokens[t.Value] = t
		}
		for _, pl := range p.AccountPlans {
			addPlan(pl)
		}
		for _, s := range p.Services {
			c.services[s.ID] = s
			for _, t := range s.Tokens {
				c.tokens[tokenKey{t, s.ID}] = struct{}{}
			}
			s.metricsByName = make(map[string]*Metric, len(s.Metrics))
			for _, m := range s.Metrics {
				s.metricsByName[m.Name] = m
				c.metrics[m.ID] = m
			}
			for _, pl := range s.ServicePlans {
				addPlan(pl)
			}
			for _, pl := range s.Plans {
				addPlan(pl)
			}
			if s.apps == nil {
				s.apps, s.appsByUserKey = newKeyMap[*Application](), newKeyMap[*Application]()
			}
		}
	}
}

// loadCatalog reads the whole model into a new Catalog.
func loadCatalog(ctx context.Context, q querier, cells *liveCells) (*Catalog, error) {
	providers, err := loadConfig(ctx, q)
	if err != nil {
		return nil, err
	}
	dev, err := loadDeveloperSide(sqlRows(ctx, q), cells)
	if err != nil {
		return nil, err
	}
	return assemble(providers, dev), nil
}

// readCatalog reads the stored model, its developers' side straight from
// the driver: at the start of a big world that is most of the time to the
// first answer. From a database file the applications' tables are read on
// a second connection, beside the rest: on two CPUs that is a third less.
func (s *Store) readCatalog(ctx context.Context) (*Catalog, error) {
	apps := make(chan error, 1)
	dev := &developerSide{}
	second := s.onDisk && s.own != nil // elsewhere the writer's connection locks the file
	if second {
		go func() { apps <- s.readApplications(ctx, dev) }()
	}
	providers, err := loadConfig(ctx, s.db)
	if err == nil {
		err = onDriver(ctx, s.db, func(each rowsOf) error {
			if err := loadAccountSide(each, dev); err != nil {
				return err
			}
			if !second {
				return loadApplicationSide(each, dev, &s.cells)
			}
			return nil
		})
	}
	var c *Catalog
	var accByID map[int64]*Account
	if err == nil {
		// While the applications are still being read.
		c, accByID = assembleAccounts(providers, dev)
	}
	if second {
		if aerr := <-apps; err == nil {
			err = aerr
		}
	}
	if err != nil {
		return nil, err
	}
	assembleApplications(c, dev, accByID)
	return c, nil
}

// readApplications reads the applications' side of the model into dev on
// a read-only connection of its own.
func (s *Store) readApplications(ctx context.Context, dev *developerSide) error {
	db, err := sql.Open("sqlite", fileURI(s.path, "mode=ro"))
	if err != nil {
		return fmt.Errorf("open a reader: %w", err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	return onDriver(ctx, db, func(each rowsOf) error { return loadApplicationSide(each, dev, &s.cells) })
}

// onDriver runs fn with the rows of a driver connection of db.
func onDriver(ctx context.Context, db *sql.DB, fn func(rowsOf) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("read the catalog: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return fmt.Errorf("the driver's connection %T does not run queries", dc)
		}
		return fn(rawRows(ctx, q))
	})
}

// rowsOf runs a query and calls scan for each of its rows.
type rowsOf func(query string, scan func(rowScanner) error) error

// sqlRows reads rows through database/sql.
func sqlRows(ctx context.Context, q querier) rowsOf {
	return func(query string, scan func(rowScanner) error) error {
		return scanAll(ctx, q, query, func(r *sql.Rows) error { return scan(r) })
	}
}

// developerSide is every row of the developers' side of the model, each
// table in id order (keys in the order they were added), not yet linked.
type developerSide struct {
	accounts    []*Account
	users       []*User
	contracts   []*ServiceContract
	apps        []*Application
	keys        []appKeyRow
	filters     []appFilterRow
	invitations []*Invitation
	// hashes are the seed's fixture passwords hashed, by password: the
	// users of a fixture sharing a password share one hash, hashed once.
	hashes map[string]string
}

// hash is hashFixturePassword, once per distinct password of the seed.
func (dev *developerSide) hash(pw string) string {
	if h, ok := dev.hashes[pw]; ok {
		return h
	}
	if dev.hashes == nil {
		dev.hashes = map[string]string{}
	}
	h := hashFixturePassword(pw)
	dev.hashes[pw] = h
	return h
}

type appKeyRow struct {
	app int64
	key AppKey
}

type appFilterRow struct {
	app    int64
	filter ReferrerFilter
}

// loadDeveloperSide reads the developers' side of the model.
func loadDeveloperSide(each rowsOf, cells *liveCells) (*developerSide, error) {
	dev := &developerSide{}
	if err := loadAccountSide(each, dev); err != nil {
		return nil, err
	}
	if err := loadApplicationSide(each, dev, cells); err != nil {
		return nil, err
	}
	return dev, nil
}

// loadAccountSide reads the accounts, their users, contracts and
// invitations into dev.
func loadAccountSide(each rowsOf, dev *developerSide) error {
	err := each(`SELECT `+accountColumns+` FROM accounts ORDER BY id`, func(r rowScanner) error {
		a, err := scanAccount(r)
		dev.accounts = append(dev.accounts, a)
		return err
	})
	if err != nil {
		return err
	}
	err = each(`SELECT `+userColumns+` FROM users ORDER BY id`, func(r rowScanner) error {
		u, err := scanUser(r)
		dev.users = append(dev.users, u)
		return err
	})
	if err != nil {
		return err
	}
	err = each(`SELECT `+contractColumns+` FROM service_contracts ORDER BY id`, func(r rowScanner) error {
		sc, err := scanContract(r)
		dev.contracts = append(dev.contracts, sc)
		return err
	})
	if err != nil {
		return err
	}
	return each(`SELECT `+invitationColumns+` FROM invitations ORDER BY id`, func(r rowScanner) error {
		inv, err := scanInvitation(r)
		dev.invitations = append(dev.invitations, inv)
		return err
	})
}

// loadApplicationSide reads the applications, their keys and referrer
// filters into dev, their live state from cells.
func loadApplicationSide(each rowsOf, dev *developerSide, cells *liveCells) error {
	err := each(`SELECT `+applicationColumns+` FROM applications ORDER BY id`, func(r rowScanner) error {
		a, err := scanApplication(r, cells)
		dev.apps = append(dev.apps, a)
		return err
	})
	if err != nil {
		return err
	}
	err = each(`SELECT `+keyColumns+` FROM application_keys ORDER BY rowid`, func(r rowScanner) error {
		id, k, err := scanKey(r)
		dev.keys = append(dev.keys, appKeyRow{id, k})
		return err
	})
	if err != nil {
		return err
	}
	return each(`SELECT `+filterColumns+` FROM referrer_filters ORDER BY id`, func(r rowScanner) error {
		id, f, err := scanFilter(r)
		dev.filters = append(dev.filters, appFilterRow{id, f})
		return err
	})
}

// assemble makes a Catalog of a configuration and the developers' side:
// linked through plain maps, then indexed once, each shard of the
// persistent maps made at its size. The developers' objects are this
// catalog's own: their lists are appended to in place.
func assemble(providers []*Provider, dev *developerSide) *Catalog {
	c, accByID := assembleAccounts(providers, dev)
	assembleApplications(c, dev, accByID)
	return c
}

// assembleAccounts makes a Catalog of a configuration and the accounts'
// side of dev (accounts, users, contracts, invitations), and returns the
// accounts by id, for assembleApplications.
func assembleAccounts(providers []*Provider, dev *developerSide) (*Catalog, map[int64]*Account) {
	c := &Catalog{}
	c.setConfig(providers)
	accByID := make(map[int64]*Account, len(dev.accounts))
	for _, a := range dev.accounts {
		p := c.providers[a.ProviderID]
		p.Accounts = append(p.Accounts, a)
		accByID[a.ID] = a
	}
	for _, u := range dev.users {
		a := accByID[u.AccountID]
		a.Users = append(a.Users, u)
	}
	for _, sc := range dev.contracts {
		a := accByID[sc.AccountID]
		a.Contracts = append(a.Contracts, sc)
	}
	for _, inv := range dev.invitations {
		a := accByID[inv.AccountID]
		a.Invitations = append(a.Invitations, inv)
	}
	invitations, accounts, users := dev.invitations, dev.accounts, dev.users
	c.invitations = buildCowMap(hashID, len(invitations), func(i int) (int64, *Invitation) {
		return invitations[i].ID, invitations[i]
	})
	c.invitationKeys = buildCowMap(hashKey, len(invitations), func(i int) (string, *Invitation) {
		return invitations[i].Token, invitations[i]
	})
	c.accounts = buildCowMap(hashID, len(accounts), func(i int) (int64, *Account) { return accounts[i].ID, accounts[i] })
	c.users = buildCowMap(hashID, len(users), func(i int) (int64, *User) { return users[i].ID, users[i] })
	return c, accByID
}

// assembleApplications links and indexes the applications' side of dev
// (applications, keys, referrer filters) into c.
func assembleApplications(c *Catalog, dev *developerSide, accByID map[int64]*Account) {
	appByID := make(map[int64]*Application, len(dev.apps))
	for _, a := range dev.apps {
		acc := accByID[a.AccountID]
		acc.Applications = append(acc.Applications, a)
		s := c.services[a.ServiceID]
		s.Applications = append(s.Applications, a)
		appByID[a.ID] = a
	}
	for _, k := range dev.keys {
		a := appByID[k.app]
		a.Keys = append(a.Keys, k.key)
	}
	for _, f := range dev.filters {
		a := appByID[f.app]
		a.ReferrerFilters = append(a.ReferrerFilters, f.filter)
	}
	apps := dev.apps
	c.apps = buildCowMap(hashID, len(apps), func(i int) (int64, *Application) { return apps[i].ID, apps[i] })
	for _, s := range c.services {
		list := s.Applications
		s.apps = buildCowMap(hashKey, len(list), func(i int) (string, *Application) { return list[i].AppID, list[i] })
		var keyed []*Application
		for _, a := range list {
			if a.UserKey != "" {
				keyed = append(keyed, a)
			}
		}
		s.appsByUserKey = buildCowMap(hashKey, len(keyed), func(i int) (string, *Application) { return keyed[i].UserKey, keyed[i] })
	}
}

// sortLimits puts a plan's limits in usage-report order.
func sortLimits(p *Plan) {
	pos := map[*Metric]int{}
	for i, m := range p.Service.Metrics {
		pos[m] = i
	}
	sort.Slice(p.Limits, func(i, j int) bool {
		a, b := p.Limits[i], p.Limits[j]
		if a.Metric != b.Metric {
			return pos[a.Metric] < pos[b.Metric]
		}
		return a.Period < b.Period
	})
}
