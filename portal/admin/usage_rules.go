package admin

import (
	"net/http"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The developer portal's switches (Audience › Accounts › Settings › Usage
// Rules): porta's Sites::UsageRulesController (guide, chapter 6).

// planChangePermissions are porta's choices of who changes plans, with
// their labels.
var planChangePermissions = []option{
	{Value: "request", Label: "Request a plan change"},
	{Value: "direct", Label: "Change the plan directly"},
	{Value: "credit_card", Label: "Change the plan directly only when credit card details are stored, otherwise request a plan change"},
	{Value: "request_credit_card", Label: "Change to free plans directly or when credit card details are stored, otherwise request credit card details"},
	{Value: "none", Label: "Don't allow plan changes"},
}

// radioGroup is a group of radio buttons, for the "radios" partial.
type radioGroup struct {
	ID, Name string
	Options  []option
	Errors   []string
}

// permissionRadios are the permission choices of the form field name,
// with current (or the form's value) checked.
func permissionRadios(f *web.Form, name, current string) radioGroup {
	if v := f.Ptr(name); v != nil {
		current = *v
	}
	g := radioGroup{ID: fieldID(name), Name: name, Errors: f.ErrorsOn(name)}
	for _, o := range planChangePermissions {
		o.Selected = o.Value == current
		g.Options = append(g.Options, o)
	}
	return g
}

// fieldID is the element id Rails gives a field: a[b][c] is a_b_c.
func fieldID(name string) string {
	return strings.NewReplacer("][", "_", "[", "_", "]", "").Replace(name)
}

// usageRulesView is the Usage Rules form.
type usageRulesView struct {
	Settings store.Settings
	// ApprovalRequired is the default account plan's; ApprovalEditable is
	// porta's approval_required_editable? (one stock account plan), else
	// it is set per account plan.
	ApprovalRequired, ApprovalEditable     bool
	AccountPermissions, ServicePermissions radioGroup
	Services                               []*store.Service
}

func newUsageRules(p *web.Page) usageRulesView {
	prov := p.Provider()
	return usageRulesView{Settings: prov.Settings, ApprovalRequired: prov.AccountApprovalRequired(), Services: prov.Services,
		ApprovalEditable:   len(stockPlans(prov.AccountPlans)) == 1,
		AccountPermissions: permissionRadios(p.Form, "settings[change_account_plan_permission]", prov.Settings.ChangeAccountPlanPermission),
		ServicePermissions: permissionRadios(p.Form, "settings[change_service_plan_permission]", prov.Settings.ChangeServicePlanPermission),
	}
}

// usageRulesEdit is GET /site/usage_rules/edit.
func (pg *pages) usageRulesEdit(p *web.Page) error {
	return p.Render("usage_rules", newUsageRules(p))
}

// usageRulesUpdate is PUT /site/usage_rules: settings[signups_enabled],
// settings[account_approval_required] (the default account plan's, when
// it is the only one), settings[useraccountarea_enabled],
// settings[public_search], the plan switches and permissions.
func (pg *pages) usageRulesUpdate(p *web.Page) error {
	f := p.Form
	in := porta.SettingsInput{
		UserAccountAreaEnabled:      f.Bool("settings[useraccountarea_enabled]"),
		SignupsEnabled:              f.Bool("settings[signups_enabled]"),
		PublicSearch:                f.Bool("settings[public_search]"),
		AccountPlansUIVisible:       f.Bool("settings[account_plans_ui_visible]"),
		ServicePlansUIVisible:       f.Bool("settings[service_plans_ui_visible]"),
		ChangeAccountPlanPermission: f.Ptr("settings[change_account_plan_permission]"),
		ChangeServicePlanPermission: f.Ptr("settings[change_service_plan_permission]"),
	}
	if len(stockPlans(p.Provider().AccountPlans)) == 1 {
		in.AccountApprovalRequired = f.Bool("settings[account_approval_required]")
	}
	_, err := p.Domain().UpdateSettings(p.Context(), p.Actor(), in)
	if f.Invalid(err, fieldErrors("settings", "change_account_plan_permission", "change_service_plan_permission")) {
		return p.RenderStatus(http.StatusUnprocessableEntity, "usage_rules", newUsageRules(p))
	}
	if err != nil {
		return err
	}
	return p.Redirect("/site/usage_rules/edit", web.Notice("Settings updated"))
}
