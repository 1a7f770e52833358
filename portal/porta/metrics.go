package porta

import (
	"context"
	"regexp"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Metrics and methods (metrics under hits).

// MetricInput is what a provider gives of a metric or method; nil is not
// given.
type MetricInput struct {
	FriendlyName, Description *string
	// Unit is a metric's; methods have none.
	Unit *string
	// SystemName is taken on create only: from the friendly name when not
	// given.
	SystemName *string
}

var hitsName = regexp.MustCompile(`^hits(\.\d+)?$`)

// applyMetric applies a metric's or method's input and validates it as
// Metric does.
func (t *tx) applyMetric(in MetricInput, s *store.Service, rec *store.MetricRecord, create bool) error {
	setTrimmed(&rec.FriendlyName, in.FriendlyName)
	set(&rec.Description, in.Description)
	if rec.ParentID == 0 {
		setTrimmed(&rec.Unit, in.Unit)
	}
	if create {
		var err error
		if rec.Name, err = t.systemName(in.SystemName, rec.FriendlyName, "metric_"); err != nil {
			return err
		}
	}
	var errs problems
	if rec.ParentID == 0 && rec.Unit == "" {
		errs.add("unit", "can't be blank", "Unit can't be blank")
	}
	if rec.FriendlyName == "" {
		errs.add("friendly_name", "can't be blank", "Friendly name can't be blank")
	}
	for _, other := range s.Metrics {
		if other.ID == rec.ID {
			continue
		}
		if rec.FriendlyName != "" && other.FriendlyName == rec.FriendlyName {
			errs.add("friendly_name", "has already been taken", "Friendly name has already been taken")
		}
		if create && other.Name == rec.Name {
			errs.add("system_name", "has already been taken", "System name has already been taken")
		}
	}
	if create && rec.Name != "" && !systemNameRE.MatchString(rec.Name) {
		errs.add("system_name", "is invalid", "System name is invalid")
	}
	if rec.ParentID != 0 {
		if parent := parentOf(s, rec.ParentID); parent == nil || !hitsName.MatchString(parent.Name) {
			errs.add("parent_id", "You can only create methods under 'hits'", "Parent You can only create methods under 'hits'")
		}
	}
	return errs.err()
}

func parentOf(s *store.Service, id int64) *store.Metric {
	for _, m := range s.Metrics {
		if m.ID == id {
			return m
		}
	}
	return nil
}

// saveMetric writes a metric and re-reads it.
func (t *tx) saveMetric(rec *store.MetricRecord) (*store.Metric, error) {
	if err := t.SaveMetric(rec); err != nil {
		return nil, err
	}
	cat, err := t.Catalog()
	if err != nil {
		return nil, err
	}
	return cat.Metric(rec.ID), nil
}

// CreateMetric creates a metric of a service.
func (d *Domain) CreateMetric(ctx context.Context, a Actor, serviceID string, in MetricInput) (*store.Metric, error) {
	return d.createMetric(ctx, a, serviceID, nil, in)
}

// CreateMethod creates a method of a metric (porta allows them under hits
// only).
func (d *Domain) CreateMethod(ctx context.Context, a Actor, parent MetricRef, in MetricInput) (*store.Metric, error) {
	return d.createMetric(ctx, a, parent.Service, &parent, in)
}

func (d *Domain) createMetric(ctx context.Context, a Actor, serviceID string, parent *MetricRef, in MetricInput) (*store.Metric, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Service, serviceID, func(t *tx, s *store.Service) (*store.Metric, error) {
		rec := store.MetricRecord{ServiceID: s.ID}
		if parent != nil {
			p, err := found(t, Metric, *parent)
			if err != nil {
				return nil, err
			}
			rec.ParentID = p.ID
		}
		if err := t.applyMetric(in, s, &rec, true); err != nil {
			return nil, err
		}
		return t.saveMetric(&rec)
	})
}

// UpdateMetric changes a metric's or method's friendly name, unit and
// description; the system name is fixed.
func (d *Domain) UpdateMetric(ctx context.Context, a Actor, ref MetricRef, in MetricInput) (*store.Metric, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Metric, ref, func(t *tx, m *store.Metric) (*store.Metric, error) {
		rec := m.MetricRecord
		if err := t.applyMetric(in, m.Service, &rec, false); err != nil {
			return nil, err
		}
		return t.saveMetric(&rec)
	})
}

// DeleteMetric deletes a metric or method, with its methods and limits;
// hits stays. It returns the metric as it was.
func (d *Domain) DeleteMetric(ctx context.Context, a Actor, ref MetricRef) (*store.Metric, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Metric, ref, func(t *tx, m *store.Metric) (*store.Metric, error) {
		if m.Name == "hits" && m.ParentID == 0 {
			return nil, fail("base", "The Hits metric cannot be deleted", "The Hits metric cannot be deleted")
		}
		return m, t.DeleteMetric(m.ID)
	})
}
