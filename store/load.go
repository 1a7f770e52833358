package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
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

// loadCatalog reads the whole model into a new Catalog.
func loadCatalog(ctx context.Context, q querier, cells *liveCells) (*Catalog, error) {
	c := &Catalog{
		accounts: map[int64]*Account{},
		users:    map[int64]*User{},
		apps:     map[int64]*Application{},
		plans:    map[int64]*Plan{},
		metrics:  map[int64]*Metric{},
		limits:   map[int64]Limit{},
	}
	providers := map[int64]*Provider{}
	err := scanAll(ctx, q, `SELECT id, name, provider_key, admin_username, admin_email, admin_password_hash,
		signups_enabled, useraccountarea_enabled, hide_service, public_search, account_plans_ui_visible,
		change_account_plan_permission, service_plans_ui_visible, change_service_plan_permission, enforce_sso,
		webhooks_url, webhooks_active, webhooks_provider_actions, webhooks_events,
		account_fields, user_fields, application_fields, created_at FROM providers ORDER BY id`, func(r *sql.Rows) error {
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
			return err
		}
		p.Webhooks.Events = splitList(events)
		p.CreatedAt = unix(created)
		providers[p.ID] = p
		c.Providers = append(c.Providers, p)
		return nil
	})
	if err != nil {
		return nil, err
	}

	err = scanAll(ctx, q, `SELECT id, provider_id, value, name, permission, scopes FROM access_tokens ORDER BY id`,
		func(r *sql.Rows) error {
			t := &AccessToken{}
			var pid int64
			var scopes string
			if err := r.Scan(&t.ID, &pid, &t.Value, &t.Name, &t.Permission, &scopes); err != nil {
				return err
			}
			t.Scopes = splitList(scopes)
			t.Provider = providers[pid]
			t.Provider.AccessTokens = append(t.Provider.AccessTokens, t)
			return nil
		})
	if err != nil {
		return nil, err
	}

	services := map[string]*Service{}
	err = scanAll(ctx, q, `SELECT id, provider_id, name, system_name, description, is_default, state,
		backend_version, referrer_filters_required, intentions_required, buyers_manage_apps, buyers_manage_keys,
		custom_keys_enabled, buyer_key_regenerate_enabled, mandatory_app_key, buyer_can_select_plan,
		buyer_plan_change_permission, support_email, created_at, updated_at FROM services ORDER BY rowid`,
		func(r *sql.Rows) error {
			s := &Service{}
			var created, updated int64
			if err := r.Scan(&s.ID, &s.ProviderID, &s.Name, &s.SystemName, &s.Description, &s.Default, &s.State,
				&s.BackendVersion, &s.ReferrerFiltersRequired, &s.IntentionsRequired, &s.BuyersManageApps,
				&s.BuyersManageKeys, &s.CustomKeysEnabled, &s.BuyerKeyRegenerateEnabled, &s.MandatoryAppKey,
				&s.BuyerCanSelectPlan, &s.BuyerPlanChangePermission, &s.SupportEmail, &created, &updated); err != nil {
				return err
			}
			s.CreatedAt, s.UpdatedAt = unix(created), unix(updated)
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

	err = scanAll(ctx, q, `SELECT id, service_id, name, friendly_name, unit, description, COALESCE(parent_id, 0)
		FROM metrics ORDER BY id`, func(r *sql.Rows) error {
		m := &Metric{}
		if err := r.Scan(&m.ID, &m.ServiceID, &m.Name, &m.FriendlyName, &m.Unit, &m.Description, &m.ParentID); err != nil {
			return err
		}
		s := services[m.ServiceID]
		m.Service = s
		s.Metrics = append(s.Metrics, m)
		c.metrics[m.ID] = m
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Children keep the service's metric order.
	for _, s := range services {
		for _, m := range s.Metrics {
			if m.ParentID != 0 {
				m.Parent = c.metrics[m.ParentID]
				m.Parent.Children = append(m.Parent.Children, m)
			}
		}
	}

	err = scanAll(ctx, q, `SELECT id, provider_id, COALESCE(service_id, ''), type, name, system_name, description,
		is_default, state, approval_required, setup_fee, cost_per_month, trial_period_days, cancellation_period,
		COALESCE(original_id, 0), created_at, updated_at FROM plans ORDER BY id`, func(r *sql.Rows) error {
		p := &Plan{}
		var trial sql.NullInt64
		var created, updated int64
		if err := r.Scan(&p.ID, &p.ProviderID, &p.ServiceID, &p.Type, &p.Name, &p.SystemName, &p.Description,
			&p.Default, &p.State, &p.ApprovalRequired, &p.SetupFee, &p.CostPerMonth, &trial,
			&p.CancellationPeriod, &p.OriginalID, &created, &updated); err != nil {
			return err
		}
		if trial.Valid {
			p.TrialPeriodDays = &trial.Int64
		}
		p.CreatedAt, p.UpdatedAt = unix(created), unix(updated)
		p.Provider = providers[p.ProviderID]
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
		c.plans[p.ID] = p
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, p := range c.plans {
		p.Original = c.plans[p.OriginalID]
	}

	err = scanAll(ctx, q, `SELECT id, plan_id, metric_id, period, value FROM limits`, func(r *sql.Rows) error {
		var pid, mid int64
		var per uint8
		var l Limit
		if err := r.Scan(&l.ID, &pid, &mid, &per, &l.Value); err != nil {
			return err
		}
		l.Plan = c.plans[pid]
		l.Metric = c.metrics[mid]
		l.Period = period.Period(per)
		l.Plan.Limits = append(l.Plan.Limits, l)
		c.limits[l.ID] = l
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, p := range c.plans {
		if p.Service != nil {
			sortLimits(p)
		}
	}

	err = scanAll(ctx, q, `SELECT id, provider_id, plan_id, org_name, state, fields, extra_fields, annotations,
		monthly_billing_enabled, monthly_charging_enabled, created_at, updated_at FROM accounts ORDER BY id`,
		func(r *sql.Rows) error {
			a := &Account{}
			var created, updated int64
			if err := r.Scan(&a.ID, &a.ProviderID, &a.PlanID, &a.OrgName, &a.State, jsonColumn[Fields]{&a.Fields},
				jsonColumn[Fields]{&a.ExtraFields}, jsonColumn[Fields]{&a.Annotations}, &a.MonthlyBillingEnabled,
				&a.MonthlyChargingEnabled, &created, &updated); err != nil {
				return err
			}
			a.CreatedAt, a.UpdatedAt = unix(created), unix(updated)
			a.Provider = providers[a.ProviderID]
			a.Plan = c.plans[a.PlanID]
			a.Provider.Accounts = append(a.Provider.Accounts, a)
			c.accounts[a.ID] = a
			return nil
		})
	if err != nil {
		return nil, err
	}

	err = scanAll(ctx, q, `SELECT id, account_id, username, email, password_hash, role, state, fields, extra_fields,
		created_at, updated_at FROM users ORDER BY id`, func(r *sql.Rows) error {
		u := &User{}
		var created, updated int64
		if err := r.Scan(&u.ID, &u.AccountID, &u.Username, &u.Email, &u.PasswordHash, &u.Role, &u.State,
			jsonColumn[Fields]{&u.Fields}, jsonColumn[Fields]{&u.ExtraFields}, &created, &updated); err != nil {
			return err
		}
		u.CreatedAt, u.UpdatedAt = unix(created), unix(updated)
		u.Account = c.accounts[u.AccountID]
		u.Account.Users = append(u.Account.Users, u)
		c.users[u.ID] = u
		return nil
	})
	if err != nil {
		return nil, err
	}

	err = scanAll(ctx, q, `SELECT id, account_id, service_id, plan_id, state, created_at, updated_at
		FROM service_contracts ORDER BY id`, func(r *sql.Rows) error {
		sc := &ServiceContract{}
		var created, updated int64
		if err := r.Scan(&sc.ID, &sc.AccountID, &sc.ServiceID, &sc.PlanID, &sc.State, &created, &updated); err != nil {
			return err
		}
		sc.CreatedAt, sc.UpdatedAt = unix(created), unix(updated)
		sc.Account = c.accounts[sc.AccountID]
		sc.Service = services[sc.ServiceID]
		sc.Plan = c.plans[sc.PlanID]
		sc.Account.Contracts = append(sc.Account.Contracts, sc)
		return nil
	})
	if err != nil {
		return nil, err
	}

	err = scanAll(ctx, q, `SELECT id, account_id, service_id, plan_id, name, description, state, app_id,
		user_key, provider_verification_key, redirect_url, extra_fields, first_traffic_at, first_daily_traffic_at,
		created_at, updated_at FROM applications ORDER BY id`, func(r *sql.Rows) error {
		a := &Application{}
		var first, firstDaily sql.NullInt64
		var created, updated int64
		if err := r.Scan(&a.ID, &a.AccountID, &a.ServiceID, &a.PlanID, &a.Name, &a.Description, &a.State, &a.AppID,
			&a.UserKey, &a.ProviderVerificationKey, &a.RedirectURL, jsonColumn[Fields]{&a.ExtraFields}, &first,
			&firstDaily, &created, &updated); err != nil {
			return err
		}
		a.live = cells.cell(a.ID, optTime(first), optTime(firstDaily))
		a.CreatedAt, a.UpdatedAt = unix(created), unix(updated)
		a.Account = c.accounts[a.AccountID]
		a.Service = services[a.ServiceID]
		a.Plan = c.plans[a.PlanID]
		a.Account.Applications = append(a.Account.Applications, a)
		a.Service.Applications = append(a.Service.Applications, a)
		c.apps[a.ID] = a
		return nil
	})
	if err != nil {
		return nil, err
	}

	err = scanAll(ctx, q, `SELECT application_id, value, created_at FROM application_keys ORDER BY rowid`,
		func(r *sql.Rows) error {
			var id, created int64
			var k AppKey
			if err := r.Scan(&id, &k.Value, &created); err != nil {
				return err
			}
			k.CreatedAt = unix(created)
			c.apps[id].Keys = append(c.apps[id].Keys, k)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = scanAll(ctx, q, `SELECT id, application_id, value, created_at FROM referrer_filters ORDER BY id`,
		func(r *sql.Rows) error {
			var app, created int64
			var f ReferrerFilter
			if err := r.Scan(&f.ID, &app, &f.Value, &created); err != nil {
				return err
			}
			f.CreatedAt = unix(created)
			c.apps[app].ReferrerFilters = append(c.apps[app].ReferrerFilters, f)
			return nil
		})
	if err != nil {
		return nil, err
	}

	c.index()
	return c, nil
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
