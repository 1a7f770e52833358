package server

import (
	"strings"
	"testing"
)

// A provider's whole catalog built through the API, as 3scale_toolbox and
// the operator build it (issue 13 part 5): a service with its hits metric
// and default service plan, its plans, metrics and limits, applications
// on it, service plans and subscriptions with their states, account
// plans; then the service deleted with all of it. Settled against porta's
// services, service_plans, account_plans and service_subscriptions
// controllers and test/integration/user-management-api/
// service_subscriptions_controller_test.rb.
func TestAMCatalogThroughAPI(t *testing.T) { catalogThroughAPI(t, amSandbox(t)) }

func catalogThroughAPI(t *testing.T, s *sandbox) {
	s.am("PUT", "/admin/api/webhooks.json", rw+"&web_hook[url]=http://127.0.0.1:1/h&web_hook[active]=1&web_hook[provider_actions]=1"+
		"&web_hook[application_deleted_on]=1&web_hook[account_plan_changed_on]=1")

	// A service: porta's column defaults, hits, a default service plan.
	r := s.am("POST", "/admin/api/services.xml", rw+"&name=Shop+API&deployment_option=self_managed&backend_version=2")
	expect(t, "create service", r, 201, xmlDecl+`<service><id>901</id><account_id>1</account_id><name>Shop API</name><state>incomplete</state>`+
		`<system_name>shop_api</system_name><backend_version>2</backend_version><description/><intentions_required>false</intentions_required>`+
		`<buyers_manage_apps>true</buyers_manage_apps><buyers_manage_keys>true</buyers_manage_keys>`+
		`<referrer_filters_required>false</referrer_filters_required><custom_keys_enabled>true</custom_keys_enabled>`+
		`<buyer_key_regenerate_enabled>true</buyer_key_regenerate_enabled><mandatory_app_key>true</mandatory_app_key>`+
		`<buyer_can_select_plan>false</buyer_can_select_plan><buyer_plan_change_permission>request</buyer_plan_change_permission>`+
		`<annotations></annotations><deployment_option>self_managed</deployment_option><support_email>admin@acme.test</support_email>`+
		`<metrics><metric><id>5</id><name>hits</name><system_name>hits</system_name><friendly_name>Hits</friendly_name>`+
		`<service_id>901</service_id><description>Number of API hits</description><unit>hit</unit></metric></metrics></service>`)
	expect(t, "taken system name", s.am("POST", "/admin/api/services.json", rw+"&name=Shop+API"), 422,
		`{"errors":{"system_name":["has already been taken"]}}`)
	expect(t, "no name", s.am("POST", "/admin/api/services.json", rw+"&description=x&deployment_option=cloud"), 422,
		`{"errors":{"deployment_option":["is not included in the list"],"name":["can't be blank"]}}`)
	expect(t, "service plans", s.get("/admin/api/services/901/service_plans.xml?"+rw), 200,
		xmlDecl+`<plans>`+plan(11, "Default", "service_plan", "published", false, true, "901")+`</plans>`)

	// Plans, metrics, limits and an application on it: authorize sees them.
	expectIn(t, "plan", s.am("POST", "/admin/api/services/901/application_plans.json",
		rw+"&name=Shop+Basic&state_event=publish&system_name=shop_basic").body, `"id":12,"name":"Shop Basic","state":"published"`)
	s.am("PUT", "/admin/api/services/901/application_plans/12/default.xml", rw)
	s.am("POST", "/admin/api/application_plans/12/metrics/5/limits.json", rw+"&period=day&value=1")
	r = s.am("POST", "/admin/api/accounts/1/applications.json", rw+"&plan_id=12&name=Shopper&application_id=shop-app&application_key=shop-key-1")
	expectIn(t, "application", r.body, `"service_id":901,"service_name":"Shop API","plan_id":12,"plan_name":"Shop Basic"`)
	auth := "/transactions/authrep.xml?provider_key=acme-key&service_id=901&app_id=shop-app&app_key=shop-key-1&usage%5Bhits%5D=1"
	s.authorized("new service", auth, "")
	s.authorized("its limit", auth, "usage limits are exceeded")

	// Service plans: hidden when made, default, the subscription the
	// application made on the default one.
	r = s.am("POST", "/admin/api/services/901/service_plans.json", rw+"&name=Premium&approval_required=true")
	expect(t, "service plan", r, 201, `{"service_plan":{"id":13,"name":"Premium","state":"hidden","setup_fee":0.0,"cost_per_month":0.0,`+
		`"trial_period_days":0,"cancellation_period":0,"approval_required":true,"default":false,"created_at":"2026-11-22T10:15:00Z",`+
		`"updated_at":"2026-11-22T10:15:00Z","links":[{"rel":"service","href":"`+s.url+`/admin/api/services/901"},`+
		`{"rel":"self","href":"`+s.url+`/admin/api/services/901/service_plans/13"}]}}`)
	expectIn(t, "publish", s.am("PUT", "/admin/api/services/901/service_plans/13.xml", rw+"&service_plan[state_event]=publish").body,
		"<state>published</state>")
	expectIn(t, "default", s.am("PUT", "/admin/api/services/901/service_plans/13/default.xml", rw).body, `<plan default="true"><id>13</id>`)
	expectIn(t, "all service plans", s.get("/admin/api/service_plans.xml?"+rw).body, "<id>2</id>", "<id>6</id>", "<id>11</id>", "<id>13</id>")
	subs := "/admin/api/accounts/1/service_subscriptions"
	r = s.get(subs + ".json?" + rw)
	expectIn(t, "subscriptions", r.body, `{"service_subscriptions":[{"service_subscription":{"id":1,`,
		`{"service_subscription":{"id":3,"plan_id":11,"user_account_id":1,"created_at":"2026-11-22T10:15:00Z",`+
			`"updated_at":"2026-11-22T10:15:00Z","state":"live","paid_until":"2026-11-22T10:15:00Z",`+
			`"trial_period_expires_at":"2026-11-22T10:15:00Z","setup_fee":"0.0","type":"ServiceContract",`+
			`"variable_cost_paid_until":"2026-11-22T10:15:00Z","tenant_id":1,"service_id":901}}]}`)
	expect(t, "XML is no route", s.get(subs+".xml?"+rw), 404, "")
	expect(t, "delete plan in use", s.am("DELETE", "/admin/api/services/901/service_plans/11.xml", rw), 403,
		xmlDecl+`<errors><error>This service plan cannot be deleted! At least one contract depends on it.</error></errors>`)

	// Subscriptions of the pending account: pending on Premium, approved;
	// another service's plan; the same service twice.
	other := "/admin/api/accounts/2/service_subscriptions"
	expectIn(t, "subscribe", s.am("POST", other+".json", rw+"&plan_id=13").body, `"id":4,"plan_id":13,`, `"state":"pending"`)
	expectIn(t, "approve", s.am("PUT", other+"/4/approve.json", rw).body, `"state":"live"`)
	expect(t, "approve again", s.am("PUT", other+"/4/approve.json", rw), 422, `{"errors":{"state":["cannot transition via \"accept\""]}}`)
	expect(t, "same service", s.am("POST", other+".json", rw+"&plan_id=11"), 422, `{"errors":{"base":["already subscribed to this service"]}}`)
	expect(t, "another provider's plan", s.am("POST", other+".json", rw+"&plan_id=9"), 404, `{"status":"Not found"}`)
	expect(t, "plan of another service", s.am("PUT", other+"/4/change_plan.json", rw+"&plan_id=2"), 422,
		`{"errors":{"plan":["must belong to the same product"]}}`)
	expectIn(t, "change plan", s.am("PUT", other+"/4/change_plan.json", rw+"&plan_id=11").body, `{"service_plan":{"id":11,"name":"Default"`)
	expect(t, "unsubscribe", s.am("DELETE", other+"/4.json", rw), 200, "")

	// Unsubscribing needs the service's applications suspended; it deletes
	// them (application_deleted).
	expect(t, "unsubscribe with a live app", s.am("DELETE", subs+"/3.json", rw), 403,
		`{"errors":{"base":["There is 1 unsuspended application subscribed to the service"]}}`)
	s.am("PUT", "/admin/api/accounts/1/applications/3/suspend.xml", rw)
	expect(t, "unsubscribe", s.am("DELETE", subs+"/3.json", rw), 200, "", "Content-Type: application/json")
	expect(t, "its application is gone", s.get("/admin/api/accounts/1/applications/3.xml?"+rw), 404, "")
	if ev := s.outbox("?event=application_deleted"); len(ev) != 1 {
		t.Errorf("application_deleted events: %v", ev)
	}

	// Account plans.
	r = s.am("POST", "/admin/api/account_plans.json", rw+"&account_plan[name]=Premium&account_plan[approval_required]=1")
	expect(t, "account plan", r, 201, `{"account_plan":{"id":14,"name":"Premium","state":"hidden","setup_fee":0.0,"cost_per_month":0.0,`+
		`"trial_period_days":0,"cancellation_period":0,"approval_required":true,"default":false,"created_at":"2026-11-22T10:15:00Z",`+
		`"updated_at":"2026-11-22T10:15:00Z"}}`)
	expect(t, "account plan missing", s.am("POST", "/admin/api/account_plans.json", rw), 400, "Required parameter missing: account_plan")
	expectIn(t, "account plan default", s.am("PUT", "/admin/api/account_plans/14/default.json", rw).body, `"default":true`)
	expectIn(t, "previous default", s.get("/admin/api/account_plans/1.json?"+rw).body, `"default":false`)
	expectIn(t, "approval follows the default plan", s.get("/admin/api/settings.json?"+rw).body, `"account_approval_required":true`)
	expectIn(t, "change an account's plan", s.am("PUT", "/admin/api/accounts/2/change_plan.json", rw+"&plan_id=14").body,
		`{"account_plan":{"id":14,`)
	if ev := s.outbox("?event=account_plan_changed"); len(ev) != 1 {
		t.Errorf("account_plan_changed events: %v", ev)
	}
	expect(t, "delete a plan in use", s.am("DELETE", "/admin/api/account_plans/14.xml", rw), 403,
		xmlDecl+`<errors><error>This account plan cannot be deleted! At least one account depends on it.</error></errors>`)
	s.am("POST", "/admin/api/account_plans.xml", rw+"&name=Spare")
	expect(t, "delete an account plan", s.am("DELETE", "/admin/api/account_plans/15.xml", rw), 200, "")
	expect(t, "another provider's", s.get("/admin/api/account_plans/8.xml?"+rw), 404, "")

	// Deleting a service: not the default one; the new one with all it
	// holds, which authorize then refuses.
	r = s.am("DELETE", "/admin/api/services/100.xml", rw)
	if r.status != 422 || !strings.HasPrefix(r.body, "<error>\n  <from>incomplete</from>\n  <event>mark_as_deleted</event>\n"+
		"  <error>State cannot transition via \"mark as deleted\"</error>\n  <service>\n    <id>100</id>") {
		t.Errorf("delete the default service: %d %s", r.status, r.body)
	}
	expect(t, "delete service", s.am("DELETE", "/admin/api/services/901.json", rw), 200, "")
	expect(t, "deleted", s.get("/admin/api/services/901.json?"+rw), 404, `{"status":"Not found"}`)
	expect(t, "its plans", s.get("/admin/api/application_plans/12/limits.xml?"+rw), 404, "")
	s.authorized("deleted service", auth, "service_id_invalid")
}
