package store

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/threescale-sandbox/threescale-sandbox/clock"

	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/period"
)

// Seed writes a validated fixture world into the store, in one transaction.
// Usage listed in the fixtures is counted in the current periods, as if it
// had been reported.
func (s *Store) Seed(ctx context.Context, w *fixtures.World) error {
	type seeded struct {
		app   int64
		usage []fixtures.Usage
		svc   string
	}
	var counters []seeded
	err := s.Change(ctx, func(t *Tx) error {
		t.changedAll() // the catalog is read once, at the end
		counters = counters[:0]
		for _, p := range w.Providers {
			apps, err := t.seedProvider(p)
			if err != nil {
				return fmt.Errorf("provider %q: %w", p.Name, err)
			}
			for id, app := range apps {
				if len(app.Usage) > 0 {
					counters = append(counters, seeded{app: id, usage: app.Usage, svc: app.Service})
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("seed fixtures: %w", err)
	}
	if len(counters) == 0 {
		return nil
	}
	now := s.clk.Now()
	cat := s.Catalog()
	return s.UpdateUsage(ctx, func(c *CounterWriter) error {
		for _, sd := range counters {
			svc := cat.Service(sd.svc)
			for _, u := range sd.usage {
				per, ok := period.Parse(u.Period)
				if !ok {
					return fmt.Errorf("usage: unknown period %q", u.Period)
				}
				start := per.Start(now).Unix()
				// As reported usage would: the metric and every ancestor.
				for m := svc.Metric(u.Metric); m != nil; m = m.Parent {
					k := CounterKey{App: sd.app, Metric: m.ID, Period: per, Start: start}
					c.Set(k, c.Get(k)+u.Value)
				}
			}
		}
		return nil
	})
}

// seedProvider writes one provider and everything it owns. It returns the
// fixture applications by their new ids.
func (t *Tx) seedProvider(p fixtures.Provider) (map[int64]fixtures.Application, error) {
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
		return nil, err
	}
	for _, tok := range p.AccessTokens {
		if err := t.AddAccessToken(prov.ID, tok.Value, tok.Name, tok.Permission, tok.Scopes); err != nil {
			return nil, err
		}
	}

	// Account approval is the default account plan's approval_required,
	// as in porta.
	accountPlans := map[string]int64{}
	for _, ap := range p.AccountPlans {
		rec := &PlanRecord{ProviderID: prov.ID, Type: AccountPlan, Name: ap.Name, SystemName: ap.SystemName,
			Default: ap.Default, State: ap.State, ApprovalRequired: ap.ApprovalRequired}
		if err := t.SavePlan(rec); err != nil {
			return nil, err
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
			return nil, err
		}
		for _, tok := range svc.ServiceTokens {
			if err := t.AddServiceToken(svc.ID, tok); err != nil {
				return nil, err
			}
		}
		// Parents may be listed after their children: insert every metric,
		// then link them.
		recs := make([]*MetricRecord, len(svc.Metrics))
		for i, m := range svc.Metrics {
			recs[i] = &MetricRecord{ServiceID: svc.ID, Name: m.Name, FriendlyName: m.FriendlyName, Unit: m.Unit,
				Description: m.Description}
			if err := t.SaveMetric(recs[i]); err != nil {
				return nil, err
			}
			ids.metrics[m.Name] = recs[i].ID
		}
		for i, m := range svc.Metrics {
			if m.Parent == "" {
				continue
			}
			recs[i].ParentID = ids.metrics[m.Parent]
			if err := t.SaveMetric(recs[i]); err != nil {
				return nil, err
			}
		}
		servicePlan := &PlanRecord{ProviderID: prov.ID, ServiceID: svc.ID, Type: ServicePlan, Name: "Default",
			SystemName: "default", Default: true, State: "published"}
		if err := t.SavePlan(servicePlan); err != nil {
			return nil, err
		}
		ids.servicePlan = servicePlan.ID
		for _, plan := range svc.ApplicationPlans {
			rec := &PlanRecord{ProviderID: prov.ID, ServiceID: svc.ID, Type: ApplicationPlan, Name: plan.Name,
				SystemName: plan.SystemName, Description: plan.Description, Default: plan.Default, State: plan.State,
				ApprovalRequired: plan.ApprovalRequired}
			if err := t.SavePlan(rec); err != nil {
				return nil, err
			}
			ids.plans[plan.SystemName] = rec.ID
			for _, l := range plan.Limits {
				per, ok := period.Parse(l.Period)
				if !ok {
					return nil, fmt.Errorf("plan %q: unknown period %q", plan.Name, l.Period)
				}
				lr := &LimitRecord{PlanID: rec.ID, MetricID: ids.metrics[l.Metric], Period: per, Value: l.Value}
				if err := t.SaveLimit(lr); err != nil {
					return nil, fmt.Errorf("plan %q limit %s/%s: %w", plan.Name, l.Metric, l.Period, err)
				}
			}
		}
	}

	apps := map[int64]fixtures.Application{}
	for _, acc := range p.Accounts {
		arec := &AccountRecord{ProviderID: prov.ID, PlanID: accountPlans[acc.Plan], OrgName: acc.OrgName, State: acc.State,
			MonthlyBillingEnabled: true, MonthlyChargingEnabled: true}
		arec.Fields, arec.ExtraFields = SplitFields(OptionalAccountFields, toFields(acc.Fields))
		if err := t.SaveAccount(arec); err != nil {
			return nil, err
		}
		for _, u := range acc.Users {
			urec := &UserRecord{AccountID: arec.ID, Username: u.Username, Email: u.Email, PasswordHash: hashFixturePassword(u.Password),
				Role: u.Role, State: u.State}
			urec.Fields, urec.ExtraFields = SplitFields(OptionalUserFields, toFields(u.Fields))
			if err := t.SaveUser(urec); err != nil {
				return nil, err
			}
		}
		subscribed := map[string]bool{}
		for _, app := range acc.Applications {
			ids := svcs[app.Service]
			if ids == nil {
				return nil, fmt.Errorf("application %q: unknown service %q", app.Name, app.Service)
			}
			planID, ok := ids.plans[app.Plan]
			if !ok {
				return nil, fmt.Errorf("application %q: unknown plan %q", app.Name, app.Plan)
			}
			// An account uses a service through its subscription, made
			// with the application as porta does.
			if !subscribed[app.Service] {
				subscribed[app.Service] = true
				c := &ServiceContractRecord{AccountID: arec.ID, ServiceID: app.Service, PlanID: ids.servicePlan,
					State: "live"}
				if err := t.SaveContract(c); err != nil {
					return nil, err
				}
			}
			rec := &ApplicationRecord{AccountID: arec.ID, ServiceID: app.Service, PlanID: planID, Name: app.Name,
				Description: app.Description, State: app.State, AppID: app.AppID, UserKey: app.UserKey,
				ProviderVerificationKey: app.ProviderVerificationKey, RedirectURL: app.RedirectURL,
				ExtraFields: toFields(app.Fields)}
			if err := t.SaveApplication(rec); err != nil {
				return nil, err
			}
			for _, k := range app.AppKeys {
				if err := t.AddKey(rec.ID, k); err != nil {
					return nil, fmt.Errorf("application %q: %w", app.Name, err)
				}
			}
			for _, f := range app.ReferrerFilters {
				if _, err := t.AddReferrerFilter(rec.ID, f); err != nil {
					return nil, fmt.Errorf("application %q: %w", app.Name, err)
				}
			}
			apps[rec.ID] = app
		}
	}
	return apps, nil
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
