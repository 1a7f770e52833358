package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Tx is one change to the model, inside a transaction of the writer. Its
// Catalog reflects every write made so far in the transaction, so a change
// validates against the state it will commit on. Nothing is visible to
// readers until the transaction commits.
type Tx struct {
	ctx   context.Context
	tx    *sql.Tx
	s     *Store
	cat   *Catalog
	ch    changed // what was written since cat was made
	wrote bool    // the model was written: the catalog must be swapped

	// Now is the time of the change; every timestamp it writes is Now.
	Now time.Time

	forget   []int64      // applications whose counters go
	traffic  []setTraffic // first-traffic times set, shown after the commit
	enqueued bool         // webhook events were queued

	// ids is the next id of each table a seed writes (nextID).
	ids map[string]int64
}

// Change runs fn in a transaction of the writer and waits for the commit.
// If fn returns an error nothing it wrote is kept. If it wrote the model,
// the catalog's next version is made inside the transaction (from the rows
// it wrote) and swapped in once it committed.
func (s *Store) Change(ctx context.Context, fn func(*Tx) error) error {
	o := s.changeOp(fn, nil)
	if err := s.submit(o); err != nil {
		return err
	}
	select {
	case err := <-o.done:
		return err
	case <-ctx.Done():
		// The change still happens or not; the caller stops waiting.
		return ctx.Err()
	}
}

// changeOp is the writer's op of a Change; then, if set, runs after the
// commit (or the failure) of the change.
func (s *Store) changeOp(fn func(*Tx) error, then func()) *op {
	var t *Tx
	o := &op{done: make(chan error, 1)}
	o.fn = func(ctx context.Context, tx *sql.Tx) error {
		t = &Tx{ctx: ctx, tx: tx, s: s, cat: s.txCatalog(), Now: s.clk.Now()}
		if err := fn(t); err != nil {
			return err
		}
		if t.wrote {
			if _, err := t.Catalog(); err != nil {
				return err
			}
			s.pending = t.cat
		}
		return nil
	}
	o.after = func() {
		if t.wrote {
			s.catalog.Store(t.cat)
		}
		if len(t.forget) > 0 {
			s.forgetUsage(t.forget)
		}
		for _, st := range t.traffic {
			tr := &s.cells.cell(st.app, nil, nil).traffic
			if st.times == (Traffic{}) {
				tr.times.Store(nil)
			} else {
				times := st.times
				tr.times.Store(&times)
			}
		}
		if t.enqueued {
			s.signalOutbox()
		}
	}
	if then != nil {
		after := o.after
		o.after = func() {
			after()
			then()
		}
		o.done = nil
		o.failed = then
	}
	return o
}

// txCatalog is the model as the current transaction sees it: the catalog
// of an earlier change in the same uncommitted batch, or the committed one.
// Only the writer goroutine calls it.
func (s *Store) txCatalog() *Catalog {
	if s.pending != nil {
		return s.pending
	}
	return s.Catalog()
}

// Catalog returns the model as the transaction sees it, with every write
// made so far.
func (t *Tx) Catalog() (*Catalog, error) {
	if t.ch.pending() {
		prep := func(q string) (*sql.Stmt, error) { return t.s.stmt(t.ctx, t.tx, q) }
		cat, err := apply(t.ctx, t.tx, prep, t.cat, &t.ch, &t.s.cells)
		if err != nil {
			return nil, err
		}
		t.cat = cat
		t.ch = changed{}
	}
	return t.cat, nil
}

// The writes of the model say what they changed, for Catalog.
func (t *Tx) changedAll()    { t.ch, t.wrote = changed{all: true}, true }
func (t *Tx) changedConfig() { t.ch.config, t.wrote = true, true }

func (t *Tx) changedAccount(id int64) { t.changedIn(&t.ch.accounts, id) }
func (t *Tx) changedUser(id int64)    { t.changedIn(&t.ch.users, id) }
func (t *Tx) changedApp(id int64)     { t.changedIn(&t.ch.apps, id) }

func (t *Tx) changedIn(m *map[int64]struct{}, id int64) {
	t.wrote = true
	if !t.ch.all {
		mark(m, id)
	}
}

// exec runs one write, with a statement prepared once per query.
func (t *Tx) exec(what, query string, args ...any) (sql.Result, error) {
	stmt, err := t.s.stmt(t.ctx, t.tx, query)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	res, err := stmt.ExecContext(t.ctx, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return res, nil
}

// insertID runs an INSERT and returns the new row's id.
func (t *Tx) insertID(what, query string, args ...any) (int64, error) {
	res, err := t.exec(what, query, args...)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", what, err)
	}
	return id, nil
}

// stamp sets the creation time of a new row and the update time of any.
func (t *Tx) stamp(created, updated *time.Time) {
	if created.IsZero() {
		*created = t.Now
	}
	*updated = t.Now
}

func nullTime(p *time.Time) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: p.Unix(), Valid: true}
}

func nullInt(p *int64) sql.NullInt64 {
	if p == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: *p, Valid: true}
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// HashPassword hashes with bcrypt's minimum cost: these are sandbox
// passwords, and a start-up that hashes a dozen of them at the default cost
// would take a second.
func HashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// fixturePasswordPrefix marks the hashes of fixture passwords.
const fixturePasswordPrefix = "sha256$"

// hashFixturePassword hashes a password given in a fixture with a salted
// SHA-256: the password is in plain text in the fixture file anyway, and
// bcrypt, even at its minimum cost, took 1.7 ms per user, most of the
// start-up of a world of many users. Passwords set later through the APIs
// and portals get bcrypt (HashPassword).
func hashFixturePassword(pw string) string {
	var salt [16]byte
	_, _ = rand.Read(salt[:]) // crypto/rand never fails
	sum := sha256.Sum256(append(salt[:], pw...))
	return fixturePasswordPrefix + hex.EncodeToString(salt[:]) + "$" + hex.EncodeToString(sum[:])
}

// PasswordMatches reports whether pw is the password of hash (made by
// HashPassword, or by seeding from a fixture).
func PasswordMatches(hash, pw string) bool {
	if rest, ok := strings.CutPrefix(hash, fixturePasswordPrefix); ok {
		saltHex, sumHex, ok := strings.Cut(rest, "$")
		salt, err1 := hex.DecodeString(saltHex)
		want, err2 := hex.DecodeString(sumHex)
		if !ok || err1 != nil || err2 != nil {
			return false
		}
		sum := sha256.Sum256(append(salt, pw...))
		return subtle.ConstantTimeCompare(sum[:], want) == 1
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}

// SaveProvider inserts (ID 0) or updates a provider.
func (t *Tx) SaveProvider(p *ProviderRecord) error {
	t.changedConfig()
	if p.CreatedAt.IsZero() {
		p.CreatedAt = t.Now
	}
	st := p.Settings
	args := []any{p.Name, p.ProviderKey, p.AdminUsername, p.AdminEmail, p.AdminPasswordHash,
		st.SignupsEnabled, st.UserAccountAreaEnabled, st.HideService, st.PublicSearch, st.AccountPlansUIVisible,
		st.ChangeAccountPlanPermission, st.ServicePlansUIVisible, st.ChangeServicePlanPermission, st.EnforceSSO,
		p.Webhooks.URL, p.Webhooks.Active, p.Webhooks.ProviderActions, strings.Join(p.Webhooks.Events, ","),
		namesJSON(p.AccountFields), namesJSON(p.UserFields), namesJSON(p.ApplicationFields), p.CreatedAt.Unix()}
	if p.ID == 0 {
		id, err := t.insertID("insert provider "+p.Name, `INSERT INTO providers (name, provider_key, admin_username,
			admin_email, admin_password_hash, signups_enabled, useraccountarea_enabled, hide_service, public_search,
			account_plans_ui_visible, change_account_plan_permission, service_plans_ui_visible,
			change_service_plan_permission, enforce_sso, webhooks_url, webhooks_active, webhooks_provider_actions,
			webhooks_events, account_fields, user_fields, application_fields, created_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, args...)
		p.ID = id
		return err
	}
	_, err := t.exec("update provider "+p.Name, `UPDATE providers SET name=?, provider_key=?, admin_username=?,
		admin_email=?, admin_password_hash=?, signups_enabled=?, useraccountarea_enabled=?, hide_service=?,
		public_search=?, account_plans_ui_visible=?, change_account_plan_permission=?, service_plans_ui_visible=?,
		change_service_plan_permission=?, enforce_sso=?, webhooks_url=?, webhooks_active=?,
		webhooks_provider_actions=?, webhooks_events=?, account_fields=?, user_fields=?, application_fields=?,
		created_at=? WHERE id=?`, append(args, p.ID)...)
	return err
}

// AddAccessToken gives a provider an Account Management API token.
func (t *Tx) AddAccessToken(providerID int64, value, name, permission string, scopes []string) error {
	t.changedConfig()
	_, err := t.exec("insert access token "+name, `INSERT INTO access_tokens (provider_id, value, name, permission,
		scopes) VALUES (?,?,?,?,?)`, providerID, value, name, permission, strings.Join(scopes, ","))
	return err
}

// SaveService inserts or updates a service (its id is given, not made).
func (t *Tx) SaveService(s *ServiceRecord) error {
	t.changedConfig()
	t.stamp(&s.CreatedAt, &s.UpdatedAt)
	if s.DeploymentOption == "" {
		s.DeploymentOption = "hosted"
	}
	_, err := t.exec("save service "+s.ID, `INSERT INTO services (id, provider_id, name, system_name, description,
		is_default, state, backend_version, referrer_filters_required, intentions_required, buyers_manage_apps,
		buyers_manage_keys, custom_keys_enabled, buyer_key_regenerate_enabled, mandatory_app_key,
		buyer_can_select_plan, buyer_plan_change_permission, support_email, deployment_option, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT (id) DO UPDATE SET name=excluded.name, system_name=excluded.system_name,
		description=excluded.description, is_default=excluded.is_default, state=excluded.state,
		backend_version=excluded.backend_version, referrer_filters_required=excluded.referrer_filters_required,
		intentions_required=excluded.intentions_required, buyers_manage_apps=excluded.buyers_manage_apps,
		buyers_manage_keys=excluded.buyers_manage_keys, custom_keys_enabled=excluded.custom_keys_enabled,
		buyer_key_regenerate_enabled=excluded.buyer_key_regenerate_enabled,
		mandatory_app_key=excluded.mandatory_app_key, buyer_can_select_plan=excluded.buyer_can_select_plan,
		buyer_plan_change_permission=excluded.buyer_plan_change_permission, support_email=excluded.support_email,
		deployment_option=excluded.deployment_option,
		updated_at=excluded.updated_at`,
		s.ID, s.ProviderID, s.Name, s.SystemName, s.Description, s.Default, s.State, s.BackendVersion,
		s.ReferrerFiltersRequired, s.IntentionsRequired, s.BuyersManageApps, s.BuyersManageKeys,
		s.CustomKeysEnabled, s.BuyerKeyRegenerateEnabled, s.MandatoryAppKey, s.BuyerCanSelectPlan,
		s.BuyerPlanChangePermission, s.SupportEmail, s.DeploymentOption, s.CreatedAt.Unix(), s.UpdatedAt.Unix())
	return err
}

// AddServiceToken registers a service token of a service.
func (t *Tx) AddServiceToken(serviceID, token string) error {
	t.changedConfig()
	_, err := t.exec("insert service token", `INSERT INTO service_tokens (token, service_id) VALUES (?,?)`,
		token, serviceID)
	return err
}

// SaveMetric inserts (ID 0) or updates a metric or method.
func (t *Tx) SaveMetric(m *MetricRecord) error {
	t.changedConfig()
	t.stamp(&m.CreatedAt, &m.UpdatedAt)
	args := []any{m.ServiceID, m.Name, m.FriendlyName, m.Unit, m.Description, nullID(m.ParentID), m.CreatedAt.Unix(),
		m.UpdatedAt.Unix()}
	if m.ID == 0 {
		id, err := t.insertID("insert metric "+m.Name, `INSERT INTO metrics (service_id, name, friendly_name, unit,
			description, parent_id, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)`, args...)
		m.ID = id
		return err
	}
	_, err := t.exec("update metric "+m.Name, `UPDATE metrics SET service_id=?, name=?, friendly_name=?, unit=?,
		description=?, parent_id=?, created_at=?, updated_at=? WHERE id=?`, append(args, m.ID)...)
	return err
}

// DeleteMetric deletes a metric with its methods and limits.
func (t *Tx) DeleteMetric(id int64) error {
	t.changedConfig()
	_, err := t.exec("delete metric", `DELETE FROM metrics WHERE id=?`, id)
	return err
}

// SavePlan inserts (ID 0) or updates a plan.
func (t *Tx) SavePlan(p *PlanRecord) error {
	t.changedConfig()
	t.stamp(&p.CreatedAt, &p.UpdatedAt)
	if p.SetupFee == "" {
		p.SetupFee = "0.0"
	}
	if p.CostPerMonth == "" {
		p.CostPerMonth = "0.0"
	}
	args := []any{p.ProviderID, nullString(p.ServiceID), p.Type, p.Name, p.SystemName, p.Description, p.Default,
		p.State, p.ApprovalRequired, p.SetupFee, p.CostPerMonth, nullInt(p.TrialPeriodDays), p.CancellationPeriod,
		nullID(p.OriginalID), p.CreatedAt.Unix(), p.UpdatedAt.Unix()}
	if p.ID == 0 {
		id, err := t.insertID("insert plan "+p.Name, `INSERT INTO plans (provider_id, service_id, type, name,
			system_name, description, is_default, state, approval_required, setup_fee, cost_per_month,
			trial_period_days, cancellation_period, original_id, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, args...)
		p.ID = id
		return err
	}
	_, err := t.exec("update plan "+p.Name, `UPDATE plans SET provider_id=?, service_id=?, type=?, name=?,
		system_name=?, description=?, is_default=?, state=?, approval_required=?, setup_fee=?, cost_per_month=?,
		trial_period_days=?, cancellation_period=?, original_id=?, created_at=?, updated_at=? WHERE id=?`,
		append(args, p.ID)...)
	return err
}

// DeletePlan deletes a plan with its limits.
func (t *Tx) DeletePlan(id int64) error {
	t.changedConfig()
	_, err := t.exec("delete plan", `DELETE FROM plans WHERE id=?`, id)
	return err
}

// SaveLimit inserts (ID 0) or updates a usage limit.
func (t *Tx) SaveLimit(l *LimitRecord) error {
	t.changedConfig()
	t.stamp(&l.CreatedAt, &l.UpdatedAt)
	args := []any{l.PlanID, l.MetricID, uint8(l.Period), l.Value, l.CreatedAt.Unix(), l.UpdatedAt.Unix()}
	if l.ID == 0 {
		id, err := t.insertID("insert limit", `INSERT INTO limits (plan_id, metric_id, period, value, created_at,
			updated_at) VALUES (?,?,?,?,?,?)`, args...)
		l.ID = id
		return err
	}
	_, err := t.exec("update limit", `UPDATE limits SET plan_id=?, metric_id=?, period=?, value=?, created_at=?,
		updated_at=? WHERE id=?`, append(args, l.ID)...)
	return err
}

// DeleteLimit deletes a usage limit.
func (t *Tx) DeleteLimit(id int64) error {
	t.changedConfig()
	_, err := t.exec("delete limit", `DELETE FROM limits WHERE id=?`, id)
	return err
}

// SaveAccount inserts (ID 0) or updates an account.
func (t *Tx) SaveAccount(a *AccountRecord) error {
	defer func() { t.changedAccount(a.ID) }() // its id is known once inserted
	t.stamp(&a.CreatedAt, &a.UpdatedAt)
	args := []any{a.ProviderID, a.PlanID, a.OrgName, a.State, fieldsJSON(a.Fields), fieldsJSON(a.ExtraFields),
		fieldsJSON(a.Annotations), a.MonthlyBillingEnabled, a.MonthlyChargingEnabled, a.CreatedAt.Unix(),
		a.UpdatedAt.Unix()}
	if a.ID == 0 {
		id, err := t.insertID("insert account "+a.OrgName, `INSERT INTO accounts (provider_id, plan_id, org_name,
			state, fields, extra_fields, annotations, monthly_billing_enabled, monthly_charging_enabled, created_at,
			updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)`, args...)
		a.ID = id
		return err
	}
	_, err := t.exec("update account "+a.OrgName, `UPDATE accounts SET provider_id=?, plan_id=?, org_name=?,
		state=?, fields=?, extra_fields=?, annotations=?, monthly_billing_enabled=?, monthly_charging_enabled=?,
		created_at=?, updated_at=? WHERE id=?`, append(args, a.ID)...)
	return err
}

// DeleteAccount deletes an account with its users, subscriptions,
// applications, keys, messages and counters.
func (t *Tx) DeleteAccount(id int64) error {
	defer t.changedAccount(id) // after the delete: the catalog is read first
	cat, err := t.Catalog()
	if err != nil {
		return err
	}
	if acc := cat.Account(id); acc != nil {
		for _, app := range acc.Applications {
			if err := t.DeleteApplication(app.ID); err != nil {
				return err
			}
		}
	}
	_, err = t.exec("delete account", `DELETE FROM accounts WHERE id=?`, id)
	return err
}

// SaveUser inserts (ID 0) or updates a user.
func (t *Tx) SaveUser(u *UserRecord) error {
	defer func() { t.changedUser(u.ID) }()
	t.stamp(&u.CreatedAt, &u.UpdatedAt)
	args := []any{u.AccountID, u.Username, u.Email, u.PasswordHash, u.Role, u.State, fieldsJSON(u.Fields),
		fieldsJSON(u.ExtraFields), u.SignupType, u.CreatedAt.Unix(), u.UpdatedAt.Unix()}
	if u.ID == 0 {
		id, err := t.insertID("insert user "+u.Username, `INSERT INTO users (account_id, username, email,
			password_hash, role, state, fields, extra_fields, signup_type, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?)`, args...)
		u.ID = id
		return err
	}
	_, err := t.exec("update user "+u.Username, `UPDATE users SET account_id=?, username=?, email=?,
		password_hash=?, role=?, state=?, fields=?, extra_fields=?, signup_type=?, created_at=?, updated_at=?
		WHERE id=?`, append(args, u.ID)...)
	return err
}

// DeleteUser deletes a user.
func (t *Tx) DeleteUser(id int64) error {
	t.changedUser(id)
	_, err := t.exec("delete user", `DELETE FROM users WHERE id=?`, id)
	return err
}

// SaveContract inserts (ID 0) or updates a service subscription.
func (t *Tx) SaveContract(c *ServiceContractRecord) error {
	t.changedAccount(c.AccountID)
	t.stamp(&c.CreatedAt, &c.UpdatedAt)
	args := []any{c.AccountID, c.ServiceID, c.PlanID, c.State, c.CreatedAt.Unix(), c.UpdatedAt.Unix()}
	if c.ID == 0 {
		id, err := t.insertID("insert service subscription", `INSERT INTO service_contracts (account_id,
			service_id, plan_id, state, created_at, updated_at) VALUES (?,?,?,?,?,?)`, args...)
		c.ID = id
		return err
	}
	_, err := t.exec("update service subscription", `UPDATE service_contracts SET account_id=?, service_id=?,
		plan_id=?, state=?, created_at=?, updated_at=? WHERE id=?`, append(args, c.ID)...)
	return err
}

// SaveApplication inserts (ID 0) or updates an application.
func (t *Tx) SaveApplication(a *ApplicationRecord) error {
	defer func() { t.changedApp(a.ID) }()
	t.stamp(&a.CreatedAt, &a.UpdatedAt)
	args := []any{a.AccountID, a.ServiceID, a.PlanID, a.Name, a.Description, a.State, a.AppID, a.UserKey,
		a.ProviderVerificationKey, a.RedirectURL, fieldsJSON(a.ExtraFields), a.CreatedAt.Unix(), a.UpdatedAt.Unix()}
	if a.ID == 0 {
		id, err := t.insertID("insert application "+a.Name, `INSERT INTO applications (account_id, service_id,
			plan_id, name, description, state, app_id, user_key, provider_verification_key, redirect_url,
			extra_fields, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`, args...)
		a.ID = id
		return err
	}
	// The first-traffic times are not the record's: see SetTraffic.
	_, err := t.exec("update application "+a.Name, `UPDATE applications SET account_id=?, service_id=?,
		plan_id=?, name=?, description=?, state=?, app_id=?, user_key=?, provider_verification_key=?,
		redirect_url=?, extra_fields=?, created_at=?, updated_at=? WHERE id=?`, append(args, a.ID)...)
	return err
}

// DeleteApplication deletes an application with its keys, referrer
// filters and usage counters.
func (t *Tx) DeleteApplication(id int64) error {
	t.changedApp(id)
	if _, err := t.exec("delete application", `DELETE FROM applications WHERE id=?`, id); err != nil {
		return err
	}
	if _, err := t.exec("delete application usage", `DELETE FROM usage WHERE application_id=?`, id); err != nil {
		return err
	}
	t.forget = append(t.forget, id)
	return nil
}

// AddKey adds an application key.
func (t *Tx) AddKey(appID int64, value string) error {
	t.changedApp(appID)
	_, err := t.exec("insert application key", `INSERT INTO application_keys (application_id, value, created_at)
		VALUES (?,?,?)`, appID, value, t.Now.Unix())
	return err
}

// DeleteKey deletes an application key.
func (t *Tx) DeleteKey(appID int64, value string) error {
	t.changedApp(appID)
	_, err := t.exec("delete application key", `DELETE FROM application_keys WHERE application_id=? AND value=?`,
		appID, value)
	return err
}

// AddReferrerFilter adds a referrer filter to an application.
func (t *Tx) AddReferrerFilter(appID int64, value string) (int64, error) {
	t.changedApp(appID)
	return t.insertID("insert referrer filter", `INSERT INTO referrer_filters (application_id, value, created_at)
		VALUES (?,?,?)`, appID, value, t.Now.Unix())
}

// DeleteReferrerFilter deletes a referrer filter.
func (t *Tx) DeleteReferrerFilter(id int64) error {
	var app int64
	err := t.tx.QueryRowContext(t.ctx, `DELETE FROM referrer_filters WHERE id=? RETURNING application_id`, id).Scan(&app)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("delete referrer filter: %w", err)
	}
	t.changedApp(app)
	return nil
}
