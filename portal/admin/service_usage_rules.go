package admin

import (
	"net/http"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// A product's application usage rules (Product › Applications › Usage
// Rules): what developers may do with their applications in the
// developer portal, and how they change plans.

// serviceRulesView is the form.
type serviceRulesView struct {
	*store.Service
	Permissions radioGroup
}

// service finds the service of the path's id.
func service(p *web.Page) (*store.Service, error) {
	return porta.Service(p.Catalog(), p.Actor(), p.Request().PathValue("id"))
}

func newServiceRules(p *web.Page, s *store.Service) serviceRulesView {
	return serviceRulesView{Service: s,
		Permissions: permissionRadios(p.Form, "service[buyer_plan_change_permission]", s.BuyerPlanChangePermission)}
}

// serviceUsageRules is GET /apiconfig/services/{id}/usage_rules.
func (pg *pages) serviceUsageRules(p *web.Page) error {
	s, err := service(p)
	if err != nil {
		return err
	}
	return p.Render("service_usage_rules", newServiceRules(p, s))
}

// serviceUpdate is PUT /apiconfig/services/{id}: the usage rules' form,
// service[buyer_plan_change_permission] (direct, request, none…),
// service[buyers_manage_apps], service[buyers_manage_keys],
// service[buyer_key_regenerate_enabled], service[buyer_can_select_plan]
// and the other switches.
func (pg *pages) serviceUpdate(p *web.Page) error {
	s, err := service(p)
	if err != nil {
		return err
	}
	f := p.Form
	in := porta.ServiceInput{
		IntentionsRequired:        f.Bool("service[intentions_required]"),
		BuyersManageApps:          f.Bool("service[buyers_manage_apps]"),
		BuyersManageKeys:          f.Bool("service[buyers_manage_keys]"),
		MandatoryAppKey:           f.Bool("service[mandatory_app_key]"),
		BuyerKeyRegenerateEnabled: f.Bool("service[buyer_key_regenerate_enabled]"),
		ReferrerFiltersRequired:   f.Bool("service[referrer_filters_required]"),
		CustomKeysEnabled:         f.Bool("service[custom_keys_enabled]"),
		BuyerCanSelectPlan:        f.Bool("service[buyer_can_select_plan]"),
		BuyerPlanChangePermission: f.Ptr("service[buyer_plan_change_permission]"),
	}
	_, err = p.Domain().UpdateService(p.Context(), p.Actor(), s.ID, in)
	if f.Invalid(err, fieldErrors("service", "buyer_plan_change_permission", "name")) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "service_usage_rules", newServiceRules(p, s))
	}
	if err != nil {
		return err
	}
	return p.Redirect(referer(p, "/apiconfig/services/"+s.ID+"/usage_rules"), web.Notice("Product information updated"))
}
