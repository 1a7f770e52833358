package porta

import (
	"context"
	"strings"

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
	return change(ctx, d, a, func(t *tx) (*store.Service, error) {
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		s, err := Service(cat, a, id)
		if err != nil {
			return nil, err
		}
		rec := s.ServiceRecord
		for _, f := range []struct {
			v  *string
			to *string
		}{{in.Name, &rec.Name}, {in.Description, &rec.Description}, {in.SupportEmail, &rec.SupportEmail},
			{in.BuyerPlanChangePermission, &rec.BuyerPlanChangePermission}} {
			if f.v != nil {
				*f.to = strings.TrimSpace(*f.v)
			}
		}
		for _, f := range []struct {
			v  *bool
			to *bool
		}{{in.IntentionsRequired, &rec.IntentionsRequired}, {in.BuyersManageApps, &rec.BuyersManageApps},
			{in.ReferrerFiltersRequired, &rec.ReferrerFiltersRequired}, {in.BuyerCanSelectPlan, &rec.BuyerCanSelectPlan},
			{in.BuyersManageKeys, &rec.BuyersManageKeys}, {in.BuyerKeyRegenerateEnabled, &rec.BuyerKeyRegenerateEnabled},
			{in.MandatoryAppKey, &rec.MandatoryAppKey}, {in.CustomKeysEnabled, &rec.CustomKeysEnabled}} {
			if f.v != nil {
				*f.to = *f.v
			}
		}
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
		if cat, err = t.Catalog(); err != nil {
			return nil, err
		}
		return cat.Service(rec.ID), nil
	})
}
