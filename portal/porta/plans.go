package porta

import (
	"context"
	"math/big"
	"regexp"
	"strconv"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/period"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Application plans and their usage limits.

// PlanInput is what a provider gives of an application plan; nil is not
// given. Numbers are given as text, which porta validates.
type PlanInput struct {
	Name, Description *string
	// SystemName is taken on create only: from the name when not given.
	SystemName       *string
	ApprovalRequired *bool
	// SetupFee and CostPerMonth are decimals.
	SetupFee, CostPerMonth *string
	// TrialPeriodDays is a whole number; blank clears it.
	TrialPeriodDays *string
	// StateEvent is "publish" or "hide".
	StateEvent *string
}

var systemNameRE = regexp.MustCompile(`^\w[\w\-/]+$`)

// parameterize is Rails' name.parameterize.underscore, which makes porta's
// system names: lower case, runs of other characters as one "_".
func parameterize(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			sep = false
			b.WriteRune(r)
			continue
		}
		sep = true
	}
	return b.String()
}

// systemName is a new object's system_name: the one given, else made from
// its name, else prefix and random hex.
func (t *tx) systemName(given *string, name, prefix string) (string, error) {
	var s string
	if given != nil {
		s = strings.TrimSpace(*given)
	}
	if s == "" {
		s = parameterize(name)
	}
	if s == "" {
		suffix, err := t.d.hex(6)
		if err != nil {
			return "", err
		}
		s = prefix + suffix
	}
	return s, nil
}

// money reads a decimal as porta's BigDecimal columns keep it and prints it
// as BigDecimal#to_s does: 0.0, 25.0, 10.5.
func money(s string) (string, bool) {
	r, ok := new(big.Rat).SetString(strings.TrimSpace(s))
	if !ok {
		return "", false
	}
	if r.Sign() < 0 {
		return "-", true
	}
	out := r.FloatString(2)
	out = strings.TrimRight(out, "0")
	if strings.HasSuffix(out, ".") {
		out += "0"
	}
	return out, true
}

// applyPlan applies a plan's input and validates it as Plan does; its
// system name is unique among siblings (the plans of its kind of its
// service, or of the provider).
func (t *tx) applyPlan(in PlanInput, siblings []*store.Plan, rec *store.PlanRecord, create bool) error {
	var errs problems
	setTrimmed(&rec.Name, in.Name)
	set(&rec.Description, in.Description)
	set(&rec.ApprovalRequired, in.ApprovalRequired)
	if create {
		var err error
		if rec.SystemName, err = t.systemName(in.SystemName, rec.Name, rec.Type+"_"); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name, human string
		v           *string
		to          *string
	}{{"setup_fee", "Setup fee", in.SetupFee, &rec.SetupFee}, {"cost_per_month", "Cost per month", in.CostPerMonth, &rec.CostPerMonth}} {
		if f.v == nil {
			continue
		}
		m, ok := money(*f.v)
		switch {
		case !ok:
			errs.add(f.name, "is not a number", f.human+" is not a number")
		case m == "-":
			errs.add(f.name, "must be greater than or equal to 0.0", f.human+" must be greater than or equal to 0.0")
		default:
			*f.to = m
		}
	}
	if v := in.TrialPeriodDays; v != nil {
		if strings.TrimSpace(*v) == "" {
			rec.TrialPeriodDays = nil
		} else if n, err := strconv.ParseInt(strings.TrimSpace(*v), 10, 64); err != nil {
			errs.add("trial_period_days", "is not a number", "Trial period days is not a number")
		} else if n < 0 {
			errs.add("trial_period_days", "must be greater than or equal to 0", "Trial period days must be greater than or equal to 0")
		} else {
			rec.TrialPeriodDays = &n
		}
	}
	if v := in.StateEvent; v != nil {
		switch {
		case *v == "publish" && rec.State != "published":
			rec.State = "published"
		case *v == "hide" && rec.State != "hidden":
			rec.State = "hidden"
		case *v == "publish" || *v == "hide":
			errs.add("state_event", "cannot transition when "+rec.State, "State event cannot transition when "+rec.State)
		default:
			errs.add("state_event", "is invalid", "State event is invalid")
		}
	}
	if rec.Name == "" {
		errs.add("name", "can't be blank", "Name can't be blank")
	}
	if len([]rune(rec.Name)) > 255 {
		errs.add("name", "is too long (maximum is 255 characters)", "Name is too long (maximum is 255 characters)")
	}
	if create {
		if !systemNameRE.MatchString(rec.SystemName) {
			errs.add("system_name", "is invalid", "System name is invalid")
		}
		for _, other := range siblings {
			if other.SystemName == rec.SystemName {
				errs.add("system_name", "has already been taken", "System name has already been taken")
			}
		}
	}
	return errs.err()
}

// plan re-reads a plan the transaction wrote.
func (t *tx) plan(id int64) (*store.Plan, error) {
	cat, err := t.Catalog()
	if err != nil {
		return nil, err
	}
	return cat.Plan(id), nil
}

// CreatePlan creates an application plan of a service: hidden, unless
// its input publishes it.
func (d *Domain) CreatePlan(ctx context.Context, a Actor, serviceID string, in PlanInput) (*store.Plan, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Service, serviceID, func(t *tx, s *store.Service) (*store.Plan, error) {
		rec := store.PlanRecord{ProviderID: s.ProviderID, ServiceID: s.ID, Type: store.ApplicationPlan, State: "hidden",
			SetupFee: "0.0", CostPerMonth: "0.0"}
		if err := t.applyPlan(in, s.Plans, &rec, true); err != nil {
			return nil, err
		}
		if err := t.SavePlan(&rec); err != nil {
			return nil, err
		}
		return t.plan(rec.ID)
	})
}

// UpdatePlan changes an application plan; a renamed plan is what the
// status documents of its applications name next.
func (d *Domain) UpdatePlan(ctx context.Context, a Actor, ref PlanRef, in PlanInput) (*store.Plan, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Plan, ref, func(t *tx, pl *store.Plan) (*store.Plan, error) {
		rec := pl.PlanRecord
		if err := t.applyPlan(in, pl.Service.Plans, &rec, false); err != nil {
			return nil, err
		}
		if err := t.SavePlan(&rec); err != nil {
			return nil, err
		}
		return t.plan(rec.ID)
	})
}

// DeletePlan deletes an application plan that no application is on,
// directly or through a customized copy. It returns the plan as it was.
func (d *Domain) DeletePlan(ctx context.Context, a Actor, ref PlanRef) (*store.Plan, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Plan, ref, func(t *tx, pl *store.Plan) (*store.Plan, error) {
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		for _, app := range pl.Service.Applications {
			if app.PlanID == pl.ID {
				return nil, fail("base", "This application plan cannot be deleted! At least one application depends on it.",
					"This application plan cannot be deleted! At least one application depends on it.")
			}
			if p := cat.Plan(app.PlanID); p != nil && p.OriginalID == pl.ID {
				return nil, fail("base", "This application plan cannot be deleted!  At least one customized version of this application plan exists.",
					"This application plan cannot be deleted!  At least one customized version of this application plan exists.")
			}
		}
		return pl, t.DeletePlan(pl.ID)
	})
}

// SetDefaultPlan makes an application plan (hidden or custom too) its
// service's default, which signups and new applications get.
func (d *Domain) SetDefaultPlan(ctx context.Context, a Actor, ref PlanRef) (*store.Plan, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Plan, ref, func(t *tx, pl *store.Plan) (*store.Plan, error) {
		for _, other := range pl.Service.Plans {
			if other.Default != (other.ID == pl.ID) {
				rec := other.PlanRecord
				rec.Default = other.ID == pl.ID
				if err := t.SavePlan(&rec); err != nil {
					return nil, err
				}
			}
		}
		return t.plan(pl.ID)
	})
}

// LimitInput is a usage limit's period (one of apisonator's) and value; a
// negative value is 0.
type LimitInput struct {
	Period *string
	Value  *int64
}

// applyLimit applies a limit's input and validates it: one limit per
// plan, metric and period. A new limit needs a period.
func applyLimit(in LimitInput, cat *store.Catalog, rec *store.LimitRecord) error {
	var errs problems
	if in.Period != nil || rec.ID == 0 {
		var v string
		if in.Period != nil {
			v = *in.Period
		}
		per, ok := period.Parse(v)
		if !ok {
			errs.add("period", "is invalid", "Period is invalid")
		} else {
			rec.Period = per
		}
	}
	if in.Value != nil {
		rec.Value = *in.Value
	}
	if rec.Value < 0 {
		rec.Value = 0
	}
	if pl := cat.Plan(rec.PlanID); pl != nil && errs.err() == nil {
		for _, l := range pl.Limits {
			if l.ID != rec.ID && l.Metric.ID == rec.MetricID && l.Period == rec.Period {
				errs.add("period", "has already been taken", "Period has already been taken")
			}
		}
	}
	return errs.err()
}

// saveLimit writes a limit and re-reads it.
func (t *tx) saveLimit(rec *store.LimitRecord) (store.Limit, error) {
	if err := t.SaveLimit(rec); err != nil {
		return store.Limit{}, err
	}
	cat, err := t.Catalog()
	if err != nil {
		return store.Limit{}, err
	}
	l, _ := cat.Limit(rec.ID)
	return l, nil
}

// CreateLimit sets a usage limit on a metric of an application plan.
func (d *Domain) CreateLimit(ctx context.Context, a Actor, planID, metricID int64, in LimitInput) (store.Limit, error) {
	if err := a.forProvider(); err != nil {
		return store.Limit{}, err
	}
	return change(ctx, d, a, func(t *tx) (store.Limit, error) {
		cat, err := t.Catalog()
		if err != nil {
			return store.Limit{}, err
		}
		pl, m, _, err := MetricLimits(cat, a, planID, metricID)
		if err != nil {
			return store.Limit{}, err
		}
		rec := store.LimitRecord{PlanID: pl.ID, MetricID: m.ID}
		if err := applyLimit(in, cat, &rec); err != nil {
			return store.Limit{}, err
		}
		return t.saveLimit(&rec)
	})
}

// UpdateLimit changes a usage limit's period or value.
func (d *Domain) UpdateLimit(ctx context.Context, a Actor, ref LimitRef, in LimitInput) (store.Limit, error) {
	if err := a.forProvider(); err != nil {
		return store.Limit{}, err
	}
	return on(ctx, d, a, Limit, ref, func(t *tx, l store.Limit) (store.Limit, error) {
		cat, err := t.Catalog()
		if err != nil {
			return store.Limit{}, err
		}
		rec := store.LimitRecord{ID: l.ID, PlanID: l.Plan.ID, MetricID: l.Metric.ID, Period: l.Period, Value: l.Value,
			CreatedAt: l.CreatedAt}
		if err := applyLimit(in, cat, &rec); err != nil {
			return store.Limit{}, err
		}
		return t.saveLimit(&rec)
	})
}

// DeleteLimit deletes a usage limit. It returns the limit as it was.
func (d *Domain) DeleteLimit(ctx context.Context, a Actor, ref LimitRef) (store.Limit, error) {
	if err := a.forProvider(); err != nil {
		return store.Limit{}, err
	}
	return on(ctx, d, a, Limit, ref, func(t *tx, l store.Limit) (store.Limit, error) {
		return l, t.DeleteLimit(l.ID)
	})
}
