package api

import (
	"net/http"
	"slices"

	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
)

// porta's wrapped parameters. A controller that declares wrap_parameters
// Model reads params[:model]; Rails' ParamsWrapper fills it, for a body
// of the formats porta's ApiSupport::Params names (a form, multipart or
// JSON), with the body's parameters that are the model's attributes,
// unless the request gives params[:model] itself (query or body). Flat
// parameters of the query are never wrapped. The controller then takes
// it with params.require (absent or empty: 400) or params.fetch (absent
// only: 400; an empty one goes on to the model's validations).

// wrapper is one controller's wrapped parameter.
type wrapper struct {
	name    string
	include []string // the model's attribute names (or the include: list)
	require bool     // params.require; else params.fetch
}

// wrapFormats are ApiSupport::Params' wrap_parameters formats.
var wrapFormats = []string{"application/x-www-form-urlencoded", "multipart/form-data", "application/json"}

// Attribute names of porta's models (db/schema.rb, with id), which
// ParamsWrapper takes from a body.
var (
	planAttributes = []string{"id", "issuer_id", "name", "rights", "full_legal", "cost_per_month", "trial_period_days",
		"created_at", "updated_at", "position", "state", "cancellation_period", "cost_aggregation_rule", "setup_fee",
		"master", "original_id", "type", "issuer_type", "description", "approval_required", "tenant_id", "system_name",
		"partner_id", "contracts_count", "state_event"}
	serviceAttributes = []string{"id", "account_id", "name", "description", "txt_support", "created_at", "updated_at",
		"logo_file_name", "logo_content_type", "logo_file_size", "state", "intentions_required", "terms",
		"buyers_manage_apps", "buyers_manage_keys", "custom_keys_enabled", "buyer_plan_change_permission",
		"buyer_can_select_plan", "notification_settings", "default_application_plan_id", "default_service_plan_id",
		"tenant_id", "system_name", "backend_version", "mandatory_app_key", "buyer_key_regenerate_enabled",
		"support_email", "referrer_filters_required", "deployment_option", "kubernetes_service_link", "state_event",
		"annotations"}
	usageLimitAttributes = []string{"id", "metric_id", "period", "value", "created_at", "updated_at", "plan_id",
		"plan_type", "tenant_id"}
	webHookAttributes = []string{"id", "account_id", "url", "account_created_on", "account_updated_on",
		"account_deleted_on", "user_created_on", "user_updated_on", "user_deleted_on", "application_created_on",
		"application_updated_on", "application_deleted_on", "created_at", "updated_at", "provider_actions",
		"account_plan_changed_on", "application_plan_changed_on", "application_user_key_updated_on",
		"application_key_created_on", "application_key_deleted_on", "active", "application_suspended_on", "tenant_id",
		"push_application_content_type", "application_key_updated_on"}
	settingsAttributes = []string{"id", "account_id", "created_at", "updated_at", "signups_enabled",
		"useraccountarea_enabled", "hide_service", "change_account_plan_permission", "change_service_plan_permission",
		"public_search", "account_plans_ui_visible", "service_plans_ui_visible", "enforce_sso", "monthly_charging_enabled",
		"monthly_billing_enabled", "account_approval_required"}
	contractAttributes = []string{"id", "plan_id", "user_account_id", "user_key", "provider_public_key", "created_at",
		"updated_at", "state", "description", "paid_until", "application_id", "name", "trial_period_expires_at",
		"setup_fee", "type", "redirect_url", "variable_cost_paid_until", "extra_fields", "tenant_id", "create_origin",
		"first_traffic_at", "first_daily_traffic_at", "service_id", "accepted_at"}
)

// The wrapped parameters of porta's controllers.
var (
	applicationPlanParams = wrapper{"application_plan", planAttributes, true}
	accountPlanParams     = wrapper{"account_plan", planAttributes, true}
	servicePlanParams     = wrapper{"service_plan", planAttributes, true}
	serviceParams         = wrapper{"service", serviceAttributes, true}
	settingsParams        = wrapper{"settings", settingsAttributes, true}
	// MetricsController and MetricMethodsController: include [:name,
	// :system_name, :friendly_name, :unit, :description], params.fetch.
	metricParams       = wrapper{"metric", []string{"name", "system_name", "friendly_name", "unit", "description"}, false}
	usageLimitParams   = wrapper{"usage_limit", usageLimitAttributes, false}
	webHookParams      = wrapper{"web_hook", webHookAttributes, false}
	subscriptionParams = wrapper{"service_subscription", contractAttributes, false}
)

// wrongType is ApiSupport::Params#wrap_parameters_check, a before action:
// a wrapper given as anything but a hash is 422, its text rendered as the
// format's body.
func (w wrapper) wrongType(c *Call) *Reply {
	if _, isHash := c.Params.Hash(w.name); !c.Params.Given(w.name) || isHash {
		return nil
	}
	return &Reply{Status: http.StatusUnprocessableEntity, ContentType: contentType(c),
		Body: []byte("Wrong type for parameter: " + w.name)}
}

// of returns the wrapped parameters of the call, or Rails' 400 for one
// the controller requires (or fetches) and does not get.
func (w wrapper) of(c *Call) (params.Params, *Reply) {
	if rep := w.wrongType(c); rep != nil {
		return params.Params{}, rep
	}
	if given, ok := c.Params.Hash(w.name); ok {
		if w.require && given.Len() == 0 {
			return params.Params{}, missingParameter(w.name)
		}
		return given, nil
	}
	if !slices.Contains(wrapFormats, c.ContentType) {
		return params.Params{}, missingParameter(w.name)
	}
	ps := c.Body.Slice(w.include)
	if w.require && ps.Len() == 0 {
		return params.Params{}, missingParameter(w.name)
	}
	return ps, nil
}

// boolParam reads a boolean column's parameter, cast as ActiveRecord
// casts it; nil when absent.
func boolParam(ps params.Params, name string) *bool {
	if v := ps.Ptr(name); v != nil {
		b := params.Cast(*v)
		return &b
	}
	return nil
}
