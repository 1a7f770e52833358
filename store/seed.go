package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"threescale-sandbox/fixtures"
	"threescale-sandbox/period"
)

// Seed writes a validated fixture world into the store, in one transaction,
// then rebuilds the catalog. Usage listed in the fixtures is counted in the
// current periods, as if it had been reported.
func (s *Store) Seed(ctx context.Context, w *fixtures.World) error {
	now := s.clk.Now()
	type seeded struct {
		app   int64
		usage []fixtures.Usage
		// metric name -> id and parent name, for propagating usage.
		metrics map[string]int64
		parents map[string]string
	}
	var counters []seeded
	err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		counters = counters[:0]
		for _, p := range w.Providers {
			hash, err := passwordHash(p.Admin.Password)
			if err != nil {
				return err
			}
			var events string
			var hooks fixtures.Webhooks
			if p.Webhooks != nil {
				hooks = *p.Webhooks
				events = strings.Join(hooks.Events, ",")
			}
			pid, err := insert(ctx, tx, `INSERT INTO providers (name, provider_key, access_token, admin_username,
				admin_email, admin_password_hash, signup_enabled, account_approval_required, webhooks_url,
				webhooks_active, webhooks_provider_actions, webhooks_events) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
				p.Name, p.ProviderKey, p.AccessToken, p.Admin.Username, p.Admin.Email, hash,
				p.DeveloperPortal.SignupEnabled, p.DeveloperPortal.AccountApprovalRequired, hooks.URL,
				hooks.Active, hooks.ProviderActions, events)
			if err != nil {
				return fmt.Errorf("provider %q: %w", p.Name, err)
			}

			type svcIDs struct {
				metrics map[string]int64
				parents map[string]string
				plans   map[string]int64
			}
			svcs := map[string]*svcIDs{}
			for si, svc := range p.Services {
				ids := &svcIDs{metrics: map[string]int64{}, parents: map[string]string{}, plans: map[string]int64{}}
				svcs[svc.ID] = ids
				if svc.SystemName != "" {
					svcs[svc.SystemName] = ids
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO services (id, provider_id, position, name, system_name,
					is_default, state, backend_version, referrer_filters_required) VALUES (?,?,?,?,?,?,?,?,?)`,
					svc.ID, pid, si, svc.Name, svc.SystemName, svc.Default, svc.State, svc.BackendVersion,
					svc.ReferrerFiltersRequired); err != nil {
					return fmt.Errorf("service %q: %w", svc.ID, err)
				}
				for _, t := range svc.ServiceTokens {
					if _, err := tx.ExecContext(ctx, `INSERT INTO service_tokens (token, service_id) VALUES (?,?)`,
						t, svc.ID); err != nil {
						return fmt.Errorf("service %q token: %w", svc.ID, err)
					}
				}
				// Parents may be listed after their children: insert all
				// metrics, then link them.
				for mi, m := range svc.Metrics {
					id, err := insert(ctx, tx, `INSERT INTO metrics (service_id, position, name, friendly_name, unit,
						description) VALUES (?,?,?,?,?,?)`, svc.ID, mi, m.Name, m.FriendlyName, m.Unit, m.Description)
					if err != nil {
						return fmt.Errorf("service %q metric %q: %w", svc.ID, m.Name, err)
					}
					ids.metrics[m.Name] = id
					if m.Parent != "" {
						ids.parents[m.Name] = m.Parent
					}
				}
				for child, parent := range ids.parents {
					if _, err := tx.ExecContext(ctx, `UPDATE metrics SET parent_id = ? WHERE id = ?`,
						ids.metrics[parent], ids.metrics[child]); err != nil {
						return fmt.Errorf("service %q metric %q parent: %w", svc.ID, child, err)
					}
				}
				for pi, plan := range svc.ApplicationPlans {
					planID, err := insert(ctx, tx, `INSERT INTO plans (service_id, position, name, system_name,
						is_default, state, approval_required) VALUES (?,?,?,?,?,?,?)`, svc.ID, pi, plan.Name,
						plan.SystemName, plan.Default, plan.State, plan.ApprovalRequired)
					if err != nil {
						return fmt.Errorf("service %q plan %q: %w", svc.ID, plan.Name, err)
					}
					ids.plans[plan.SystemName] = planID
					if _, dup := ids.plans[plan.Name]; !dup {
						ids.plans[plan.Name] = planID
					}
					for _, l := range plan.Limits {
						per, ok := period.Parse(l.Period)
						if !ok {
							return fmt.Errorf("plan %q: unknown period %q", plan.Name, l.Period)
						}
						if _, err := tx.ExecContext(ctx, `INSERT INTO limits (plan_id, metric_id, period, value)
							VALUES (?,?,?,?)`, planID, ids.metrics[l.Metric], uint8(per), l.Value); err != nil {
							return fmt.Errorf("plan %q limit %s/%s: %w", plan.Name, l.Metric, l.Period, err)
						}
					}
				}
			}

			for ai, acc := range p.Accounts {
				accID, err := insert(ctx, tx, `INSERT INTO accounts (provider_id, position, org_name, state, created_at)
					VALUES (?,?,?,?,?)`, pid, ai, acc.OrgName, acc.State, now.Unix())
				if err != nil {
					return fmt.Errorf("account %q: %w", acc.OrgName, err)
				}
				for ui, u := range acc.Users {
					hash, err := passwordHash(u.Password)
					if err != nil {
						return err
					}
					if _, err := tx.ExecContext(ctx, `INSERT INTO users (account_id, position, username, email,
						password_hash, role, state) VALUES (?,?,?,?,?,?,?)`, accID, ui, u.Username, u.Email, hash,
						u.Role, "active"); err != nil {
						return fmt.Errorf("user %q: %w", u.Username, err)
					}
				}
				for api, app := range acc.Applications {
					ids := svcs[app.Service]
					if ids == nil {
						return fmt.Errorf("application %q: unknown service %q", app.Name, app.Service)
					}
					planID, ok := ids.plans[app.Plan]
					if !ok {
						return fmt.Errorf("application %q: unknown plan %q", app.Name, app.Plan)
					}
					serviceID := serviceIDOf(p, app.Service)
					appID, err := insert(ctx, tx, `INSERT INTO applications (account_id, service_id, plan_id, position,
						name, description, state, app_id, user_key, redirect_url, created_at)
						VALUES (?,?,?,?,?,?,?,?,?,?,?)`, accID, serviceID, planID, api, app.Name, app.Description,
						app.State, app.AppID, app.UserKey, app.RedirectURL, now.Unix())
					if err != nil {
						return fmt.Errorf("application %q: %w", app.Name, err)
					}
					for ki, k := range app.AppKeys {
						if _, err := tx.ExecContext(ctx, `INSERT INTO application_keys (application_id, position, value)
							VALUES (?,?,?)`, appID, ki, k); err != nil {
							return fmt.Errorf("application %q key: %w", app.Name, err)
						}
					}
					for fi, f := range app.ReferrerFilters {
						if _, err := tx.ExecContext(ctx, `INSERT INTO referrer_filters (application_id, position, value)
							VALUES (?,?,?)`, appID, fi, f); err != nil {
							return fmt.Errorf("application %q referrer filter: %w", app.Name, err)
						}
					}
					if len(app.Usage) > 0 {
						counters = append(counters, seeded{app: appID, usage: app.Usage, metrics: ids.metrics, parents: ids.parents})
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("seed fixtures: %w", err)
	}
	if err := s.reloadCatalog(ctx); err != nil {
		return err
	}
	if len(counters) == 0 {
		return nil
	}
	return s.UpdateUsage(ctx, func(c *CounterWriter) error {
		for _, sd := range counters {
			for _, u := range sd.usage {
				per, ok := period.Parse(u.Period)
				if !ok {
					return fmt.Errorf("usage: unknown period %q", u.Period)
				}
				start := per.Start(now).Unix()
				// As reported usage would: the metric and every ancestor.
				for name := u.Metric; name != ""; name = sd.parents[name] {
					k := CounterKey{App: sd.app, Metric: sd.metrics[name], Period: per, Start: start}
					c.Set(k, c.Get(k)+u.Value)
				}
			}
		}
		return nil
	})
}

// serviceIDOf resolves a fixture's service reference (id or system_name).
func serviceIDOf(p fixtures.Provider, ref string) string {
	for _, s := range p.Services {
		if s.ID == ref {
			return s.ID
		}
	}
	for _, s := range p.Services {
		if s.SystemName == ref {
			return s.ID
		}
	}
	return ref
}

// passwordHash hashes with bcrypt's minimum cost: these are sandbox
// passwords, and a start-up that hashes a dozen of them at the default cost
// would take a second.
func passwordHash(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

func insert(ctx context.Context, tx *sql.Tx, query string, args ...any) (int64, error) {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}
