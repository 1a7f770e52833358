package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"threescale-sandbox/period"
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

// loadCatalog reads the whole model into a new Catalog.
func loadCatalog(ctx context.Context, q querier) (*Catalog, error) {
	c := &Catalog{}
	providers := map[int64]*Provider{}
	err := scanAll(ctx, q, `SELECT id, name, provider_key, access_token, admin_username, admin_email,
		admin_password_hash, signup_enabled, account_approval_required, webhooks_url, webhooks_active,
		webhooks_provider_actions, webhooks_events FROM providers ORDER BY id`, func(r *sql.Rows) error {
		p := &Provider{}
		var events string
		if err := r.Scan(&p.ID, &p.Name, &p.ProviderKey, &p.AccessToken, &p.AdminUsername, &p.AdminEmail,
			&p.AdminPasswordHash, &p.SignupEnabled, &p.AccountApprovalRequired, &p.Webhooks.URL,
			&p.Webhooks.Active, &p.Webhooks.ProviderActions, &events); err != nil {
			return err
		}
		if events != "" {
			p.Webhooks.Events = strings.Split(events, ",")
		}
		providers[p.ID] = p
		c.Providers = append(c.Providers, p)
		return nil
	})
	if err != nil {
		return nil, err
	}

	services := map[string]*Service{}
	err = scanAll(ctx, q, `SELECT id, provider_id, name, system_name, is_default, state, backend_version,
		referrer_filters_required FROM services ORDER BY provider_id, position`, func(r *sql.Rows) error {
		s := &Service{}
		var pid int64
		if err := r.Scan(&s.ID, &pid, &s.Name, &s.SystemName, &s.Default, &s.State, &s.BackendVersion,
			&s.ReferrerFiltersRequired); err != nil {
			return err
		}
		p := providers[pid]
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
	parents := map[*Metric]int64{}
	err = scanAll(ctx, q, `SELECT id, service_id, name, friendly_name, unit, description, COALESCE(parent_id, 0)
		FROM metrics ORDER BY service_id, position`, func(r *sql.Rows) error {
		m := &Metric{}
		var sid string
		var parent int64
		if err := r.Scan(&m.ID, &sid, &m.Name, &m.FriendlyName, &m.Unit, &m.Description, &parent); err != nil {
			return err
		}
		s := services[sid]
		m.Service = s
		s.Metrics = append(s.Metrics, m)
		metrics[m.ID] = m
		if parent != 0 {
			parents[m] = parent
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Children keep the service's metric order.
	for _, s := range services {
		for _, m := range s.Metrics {
			if pid, ok := parents[m]; ok {
				m.Parent = metrics[pid]
				m.Parent.Children = append(m.Parent.Children, m)
			}
		}
	}

	plans := map[int64]*Plan{}
	err = scanAll(ctx, q, `SELECT id, service_id, name, system_name, is_default, state, approval_required
		FROM plans ORDER BY service_id, position`, func(r *sql.Rows) error {
		p := &Plan{}
		var sid string
		if err := r.Scan(&p.ID, &sid, &p.Name, &p.SystemName, &p.Default, &p.State, &p.ApprovalRequired); err != nil {
			return err
		}
		s := services[sid]
		p.Service = s
		s.Plans = append(s.Plans, p)
		plans[p.ID] = p
		return nil
	})
	if err != nil {
		return nil, err
	}

	err = scanAll(ctx, q, `SELECT plan_id, metric_id, period, value FROM limits`, func(r *sql.Rows) error {
		var pid, mid int64
		var per uint8
		var l Limit
		if err := r.Scan(&pid, &mid, &per, &l.Value); err != nil {
			return err
		}
		l.Metric = metrics[mid]
		l.Period = period.Period(per)
		plans[pid].Limits = append(plans[pid].Limits, l)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, p := range plans {
		sortLimits(p)
	}

	accounts := map[int64]*Account{}
	err = scanAll(ctx, q, `SELECT id, provider_id, org_name, state, created_at FROM accounts
		ORDER BY provider_id, position`, func(r *sql.Rows) error {
		a := &Account{}
		var pid int64
		if err := r.Scan(&a.ID, &pid, &a.OrgName, &a.State, &a.CreatedAt); err != nil {
			return err
		}
		a.Provider = providers[pid]
		a.Provider.Accounts = append(a.Provider.Accounts, a)
		accounts[a.ID] = a
		return nil
	})
	if err != nil {
		return nil, err
	}

	err = scanAll(ctx, q, `SELECT id, account_id, username, email, password_hash, role, state FROM users
		ORDER BY account_id, position`, func(r *sql.Rows) error {
		u := &User{}
		var aid int64
		if err := r.Scan(&u.ID, &aid, &u.Username, &u.Email, &u.PasswordHash, &u.Role, &u.State); err != nil {
			return err
		}
		u.Account = accounts[aid]
		u.Account.Users = append(u.Account.Users, u)
		return nil
	})
	if err != nil {
		return nil, err
	}

	apps := map[int64]*Application{}
	err = scanAll(ctx, q, `SELECT id, account_id, service_id, plan_id, name, description, state, app_id,
		user_key, redirect_url, created_at FROM applications ORDER BY account_id, position`, func(r *sql.Rows) error {
		a := &Application{}
		var aid, pid int64
		var sid string
		if err := r.Scan(&a.ID, &aid, &sid, &pid, &a.Name, &a.Description, &a.State, &a.AppID,
			&a.UserKey, &a.RedirectURL, &a.CreatedAt); err != nil {
			return err
		}
		a.Account = accounts[aid]
		a.Service = services[sid]
		a.Plan = plans[pid]
		a.Account.Applications = append(a.Account.Applications, a)
		a.Service.Applications = append(a.Service.Applications, a)
		apps[a.ID] = a
		return nil
	})
	if err != nil {
		return nil, err
	}

	err = scanAll(ctx, q, `SELECT application_id, value FROM application_keys ORDER BY application_id, position`,
		func(r *sql.Rows) error {
			var id int64
			var v string
			if err := r.Scan(&id, &v); err != nil {
				return err
			}
			apps[id].Keys = append(apps[id].Keys, v)
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = scanAll(ctx, q, `SELECT application_id, value FROM referrer_filters ORDER BY application_id, position`,
		func(r *sql.Rows) error {
			var id int64
			var v string
			if err := r.Scan(&id, &v); err != nil {
				return err
			}
			apps[id].ReferrerFilters = append(apps[id].ReferrerFilters, v)
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
