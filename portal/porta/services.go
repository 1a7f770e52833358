package porta

import (
	"context"

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
	// DeploymentOption can only be "hosted".
	DeploymentOption *string

	IntentionsRequired, BuyersManageApps, ReferrerFiltersRequired, BuyerCanSelectPlan *bool
	BuyersManageKeys, BuyerKeyRegenerateEnabled, MandatoryAppKey, CustomKeysEnabled   *bool
}

// UpdateService changes a service; its system_name is fixed at creation.
func (d *Domain) UpdateService(ctx context.Context, a Actor, id string, in ServiceInput) (*store.Service, error) {
	if err := a.forProvider(); err != nil {
		return nil, err
	}
	return on(ctx, d, a, Service, id, func(t *tx, s *store.Service) (*store.Service, error) {
		rec := s.ServiceRecord
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
		if v := in.DeploymentOption; v != nil && *v != "hosted" {
			errs.add("deployment_option", "is not included in the list", "Deployment option is not included in the list")
		}
		if rec.Name == "" {
			errs.add("name", "can't be blank", "Name can't be blank")
		}
		if rec.SupportEmail != "" && !emailRE.MatchString(rec.SupportEmail) {
			errs.add("support_email", "should look like an email address", "Support email should look like an email address")
		}
		if err := errs.err(); err != nil {
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
