package porta

import (
	"context"
	"slices"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Services, application plans, metrics, methods and limits: what porta
// syncs to the backend, so every change here is what authorize checks
// next. Only the provider changes them.

// ServiceInput is what a provider gives of a service; nil is not given.
type ServiceInput struct {
	Name, Description, SupportEmail *string
	// BuyerPlanChangePermission is how developers change application plans
	// (direct, request, none…).
	BuyerPlanChangePermission *string
	// BackendVersion is how authorize identifies applications: "1"
	// (user_key), "2" (app_id and app_key) or "oauth".
	BackendVersion *string
	// DeploymentOption is where the gateway runs: hosted, self_managed…
	DeploymentOption *string
	// SystemName is taken on create only: from the name when not given.
	SystemName *string

	IntentionsRequired, BuyersManageApps, ReferrerFiltersRequired, BuyerCanSelectPlan *bool
	BuyersManageKeys, BuyerKeyRegenerateEnabled, MandatoryAppKey, CustomKeysEnabled   *bool
}

// deploymentOptions are porta's Service::DeploymentOption.all.
var deploymentOptions = []string{"plugin_ruby", "plugin_java", "plugin_python", "plugin_nodejs", "plugin_php",
	"plugin_rest", "plugin_csharp", "hosted", "self_managed", "service_mesh_istio"}

// applyService applies a service's input and validates it as Service
// does; system_name is taken on create only (attr_readonly).
func (t *tx) applyService(in ServiceInput, rec *store.ServiceRecord, prov *store.Provider, create bool) error {
	setTrimmed(&rec.Name, in.Name)
	setTrimmed(&rec.Description, in.Description)
	setTrimmed(&rec.SupportEmail, in.SupportEmail)
	setTrimmed(&rec.BuyerPlanChangePermission, in.BuyerPlanChangePermission)
	set(&rec.IntentionsRequired, in.IntentionsRequired)
	set(&rec.BuyersManageApps, in.BuyersManageApps)
	set(&rec.ReferrerFiltersRequired, in.ReferrerFiltersRequired)
	set(&rec.BuyerCanSelectPlan, in.BuyerCanSelectPlan)
	set(&rec.BuyersManageKeys, in.BuyersManageKeys)
	set(&rec.BuyerKeyRegenerateEnabled, in.BuyerKeyRegenerateEnabled)
	set(&rec.MandatoryAppKey, in.MandatoryAppKey)
	set(&rec.CustomKeysEnabled, in.CustomKeysEnabled)
	var errs problems
	if v := in.BackendVersion; v != nil {
		switch *v {
		case "1", "2", "oauth":
			rec.BackendVersion = *v
		default:
			errs.add("backend_version", "is not included in the list", "Backend version is not included in the list")
		}
	}
	if v := in.DeploymentOption; v != nil {
		if slices.Contains(deploymentOptions, *v) {
			rec.DeploymentOption = *v
		} else {
			errs.add("deployment_option", "is not included in the list", "Deployment option is not included in the list")
		}
	}
	if create {
		var err error
		if rec.SystemName, err = t.systemName(in.SystemName, rec.Name, "service_"); err != nil {
			return err
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
		for _, other := range prov.Services {
			if other.SystemName == rec.SystemName {
				errs.add("system_name", "has already been taken", "System name has already been taken")
			}
		}
	}
	if rec.SupportEmail != "" && !emailRE.MatchString(rec.SupportEmail) {
		errs.add("support_email", "should look like an email address", "Support email should look like an email address")
	}
	return errs.err()
}

// CreateService creates a service (a product) of the actor's provider,
// with what porta's Service creates with it: the hits metric and a
// default service plan. It answers with the service.
func (d *Domain) CreateService(ctx context.Context, a Actor, in ServiceInput) (*store.Service, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return change(ctx, d, a, func(t *tx) (*store.Service, error) {
		prov, err := t.provider()
		if err != nil {
			return nil, err
		}
		// porta's column defaults.
		rec := store.ServiceRecord{ProviderID: prov.ID, State: "active", BackendVersion: "1", BuyersManageApps: true,
			BuyersManageKeys: true, CustomKeysEnabled: true, BuyerKeyRegenerateEnabled: true, MandatoryAppKey: true,
			BuyerPlanChangePermission: "request", DeploymentOption: "hosted", Default: len(prov.Services) == 0}
		if err := t.applyService(in, &rec, prov, true); err != nil {
			return nil, err
		}
		if rec.ID, err = t.NextServiceID(); err != nil {
			return nil, err
		}
		if err := t.SaveService(&rec); err != nil {
			return nil, err
		}
		if err := t.SaveMetric(&store.MetricRecord{ServiceID: rec.ID, Name: "hits", FriendlyName: "Hits", Unit: "hit",
			Description: "Number of API hits"}); err != nil {
			return nil, err
		}
		// Service#create_default_service_plan; hidden when the provider
		// shows service plans to developers.
		state := "published"
		if prov.Settings.ServicePlansUIVisible {
			state = "hidden"
		}
		if err := t.SavePlan(&store.PlanRecord{ProviderID: prov.ID, ServiceID: rec.ID, Type: store.ServicePlan,
			Name: "Default", SystemName: "default", State: state, Default: true}); err != nil {
			return nil, err
		}
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		return cat.Service(rec.ID), nil
	})
}

// DeleteService deletes a service with everything under it, as porta's
// mark_as_deleted! and the deletion that follows it: its applications,
// plans, metrics, limits and subscriptions. porta refuses it for the
// provider's default service or its last one, as a transition that does
// not apply. It returns the service as it was.
func (d *Domain) DeleteService(ctx context.Context, a Actor, id string) (*store.Service, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Service, id, func(t *tx, s *store.Service) (*store.Service, error) {
		if s.Default || len(s.Provider.Services) == 1 {
			return nil, &TransitionError{From: s.PortaState(), Event: "mark_as_deleted", Object: s,
				Reason: `State cannot transition via "mark as deleted"`}
		}
		return s, t.DeleteService(s.ID)
	})
}

// UpdateService changes a service; its system_name is fixed at creation.
func (d *Domain) UpdateService(ctx context.Context, a Actor, id string, in ServiceInput) (*store.Service, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Service, id, func(t *tx, s *store.Service) (*store.Service, error) {
		rec := s.ServiceRecord
		if err := t.applyService(in, &rec, s.Provider, false); err != nil {
			return nil, err
		}
		if err := t.SaveService(&rec); err != nil {
			return nil, err
		}
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		return cat.Service(rec.ID), nil
	})
}
