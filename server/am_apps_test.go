package server

import (
	"encoding/xml"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	echoAuth   = "/transactions/authorize.xml?provider_key=acme-key&service_id=100&app_id=echo-app&app_key=echo-key-1"
	legacyAuth = "/transactions/authorize.xml?provider_key=acme-key&service_id=200&user_key="
	apps       = "/admin/api/accounts/1/applications"
)

var (
	echoApp = `<application><id>1</id><created_at>` + stamp0 + `</created_at><updated_at>` + stamp0 + `</updated_at><state>live</state>` +
		`<user_account_id>1</user_account_id><first_traffic_at/><first_daily_traffic_at/><service_id>100</service_id>` +
		`<application_id>echo-app</application_id><keys><key>echo-key-1</key></keys>` + basic3 +
		`<name>Echo App</name><extra_fields><env>staging</env></extra_fields></application>`
	legacyApp = `<application><id>2</id><created_at>` + stamp0 + `</created_at><updated_at>` + stamp0 + `</updated_at><state>live</state>` +
		`<user_account_id>1</user_account_id><first_traffic_at/><first_daily_traffic_at/><service_id>200</service_id>` +
		`<user_key>legacy-key</user_key><provider_verification_key>legacy-pvk</provider_verification_key>` + starter7 +
		`<name>Legacy App</name><extra_fields></extra_fields></application>`
)

// authorized checks what authorize answers now: "" for authorized, else
// the reason or the error code.
func (s *sandbox) authorized(name, path, want string) {
	s.t.Helper()
	r := s.get(path)
	var got string
	switch {
	case strings.Contains(r.body, "<authorized>true</authorized>"):
	case strings.Contains(r.body, "<reason>"):
		got = r.body[strings.Index(r.body, "<reason>")+8 : strings.Index(r.body, "</reason>")]
	default:
		got = r.body
		if m := regexp.MustCompile(`code="([a-z_]+)"`).FindStringSubmatch(r.body); m != nil {
			got = m[1]
		}
	}
	if got != want {
		s.t.Errorf("%s: authorize %s: got %q, want %q (%d %s)", name, path, got, want, r.status, r.body)
	}
}

func TestAMApplications(t *testing.T) {
	s := amSandbox(t)
	expect(t, "show", s.get(apps+"/1.xml?"+rw), 200, xmlDecl+echoApp)
	expect(t, "show user_key app", s.get(apps+"/2.xml?"+rw), 200, xmlDecl+legacyApp)
	expect(t, "account's list", s.get(apps+".xml?"+rw), 200, xmlDecl+`<applications>`+echoApp+legacyApp+`</applications>`)
	expect(t, "list by state", s.get(apps+".xml?state=pending&"+rw), 200, xmlDecl+`<applications></applications>`)
	expect(t, "app of another account", s.get("/admin/api/accounts/2/applications/1.xml?"+rw), 404, "")

	list := "/admin/api/applications.xml?" + rw
	expect(t, "all", s.get(list), 200, xmlDecl+`<applications>`+echoApp+legacyApp+`</applications>`)
	expect(t, "by service", s.get(list+"&service_id=200"), 200, xmlDecl+`<applications>`+legacyApp+`</applications>`)
	expect(t, "by plan", s.get(list+"&plan_id=3"), 200, xmlDecl+`<applications>`+echoApp+`</applications>`)
	expect(t, "free plans", s.get(list+"&plan_type=free"), 200, xmlDecl+`<applications>`+echoApp+legacyApp+`</applications>`)
	expect(t, "paid plans", s.get(list+"&plan_type=paid"), 200, xmlDecl+`<applications></applications>`)
	expect(t, "by name", s.get(list+"&name=LEGACY"), 200, xmlDecl+`<applications>`+legacyApp+`</applications>`)
	expect(t, "no traffic yet", s.get(list+"&active_since=2020-01-01"), 200, xmlDecl+`<applications></applications>`)
	expect(t, "paginated", s.get(list+"&per_page=1&page=2"), 200,
		xmlDecl+`<applications per_page="1" total_entries="2" total_pages="2" current_page="2">`+legacyApp+`</applications>`)

	find := "/admin/api/applications/find.xml?" + rw
	expect(t, "find by app_id", s.get(find+"&app_id=echo-app"), 200, xmlDecl+echoApp)
	expect(t, "find by user_key", s.get(find+"&user_key=legacy-key"), 200, xmlDecl+legacyApp)
	expect(t, "find by id", s.get(find+"&application_id=2"), 200, xmlDecl+legacyApp)
	expect(t, "user_key only on user_key services", s.get(find+"&user_key=echo-app"), 404, "")
	expect(t, "app_id not on user_key services", s.get(find+"&app_id=legacy-app"), 404, "")
	expect(t, "narrowed to another service", s.get(find+"&app_id=echo-app&service_id=200"), 404, "")
	expect(t, "account's find", s.get(apps+"/find.xml?app_id=echo-app&"+rw), 200, xmlDecl+echoApp)

	// Create: generated application_id, user_key and first key.
	r := s.am("POST", apps+".xml", rw+"&plan_id=4&name=Made&description=By+API&env=prod")
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	appID := regexp.MustCompile(`<application_id>([0-9a-f]{8})</application_id>`).FindStringSubmatch(r.body)
	key := regexp.MustCompile(`<keys><key>([0-9a-f]{32})</key></keys>`).FindStringSubmatch(r.body)
	if appID == nil || key == nil {
		t.Fatalf("create: no generated application_id and key in %s", r.body)
	}
	expect(t, "created", r, 201, xmlDecl+`<application><id>3</id><created_at>`+stamp0+`</created_at><updated_at>`+stamp0+`</updated_at>`+
		`<state>live</state><user_account_id>1</user_account_id><first_traffic_at/><first_daily_traffic_at/><service_id>100</service_id>`+
		`<application_id>`+appID[1]+`</application_id><keys><key>`+key[1]+`</key></keys>`+pro4+
		`<name>Made</name><description>By API</description><extra_fields><env>prod</env></extra_fields></application>`)
	made := fmt.Sprintf("/transactions/authorize.xml?provider_key=acme-key&service_id=100&app_id=%s&app_key=%s", appID[1], key[1])
	s.authorized("new app", made, "")

	expect(t, "no plan", s.am("POST", apps+".xml", rw+"&name=x"), 404, "")
	expect(t, "another provider's plan", s.am("POST", apps+".xml", rw+"&plan_id=10"), 404, "")
	expect(t, "taken app_id", s.am("POST", apps+".xml", rw+"&plan_id=3&application_id=legacy-app&user_key=legacy-key"), 422,
		xmlDecl+`<errors><error>User key has already been taken</error><error>Application has already been taken</error></errors>`)
	expect(t, "bad ids", s.am("POST", apps+".xml", rw+"&plan_id=3&application_id=a+bcd&user_key=a%20b"), 422,
		xmlDecl+`<errors><error>User key is invalid</error><error>Application is invalid</error></errors>`)
	expect(t, "short app_id", s.am("POST", apps+".xml", rw+"&plan_id=3&application_id=abc"), 422,
		xmlDecl+`<errors><error>Application is too short (minimum is 4 characters)</error></errors>`)
	expect(t, "bad key", s.am("POST", apps+".xml", rw+"&plan_id=3&application_key=abc"), 422,
		xmlDecl+`<errors><error>Application keys is invalid</error></errors>`)

	// On a plan that requires approval an application waits; accepting it
	// lets it in.
	r = s.am("POST", apps+".xml", rw+"&plan_id=5&application_id=gold-app&application_key[]=gold-key-1&application_key[]=gold-key-2")
	expectIn(t, "pending", r.body, `<id>4</id>`, `<state>pending</state>`, `<keys><key>gold-key-1</key><key>gold-key-2</key></keys>`, gold5)
	gold := "/transactions/authorize.xml?provider_key=acme-key&service_id=100&app_id=gold-app&app_key=gold-key-2"
	s.authorized("pending", gold, "application is not active")
	steps := []struct {
		event, from string
		ok          bool
		auth        string
	}{
		{"resume", "pending", false, "application is not active"},
		{"suspend", "pending", false, "application is not active"},
		{"accept", "pending", true, ""},
		{"accept", "live", false, ""},
		{"resume", "live", false, ""},
		{"suspend", "live", true, "application is not active"},
		{"suspend", "suspended", false, "application is not active"},
		{"accept", "suspended", false, "application is not active"},
		{"resume", "suspended", true, ""},
	}
	to := map[string]string{"accept": "live", "suspend": "suspended", "resume": "live"}
	for _, st := range steps {
		r := s.am("PUT", apps+"/4/"+st.event+".xml", rw)
		name := st.event + " from " + st.from
		if st.ok {
			expectIn(t, name, r.body, "<state>"+to[st.event]+"</state><user_account_id>")
			if r.status != 200 {
				t.Errorf("%s: status %d", name, r.status)
			}
		} else {
			expect(t, name, r, 422, xmlDecl+`<errors><error>State cannot transition via "`+st.event+`"</error></errors>`)
		}
		s.authorized(name, gold, st.auth)
	}

	// Plan changes: the new plan's limits apply at once.
	for range 5 {
		s.get(strings.Replace(echoAuth, "authorize", "authrep", 1) + "&usage[hits]=1")
	}
	hit := echoAuth + "&usage[hits]=1"
	s.authorized("Basic's limit reached", hit, "usage limits are exceeded")
	expect(t, "change plan", s.am("PUT", apps+"/1/change_plan.xml", rw+"&plan_id=4"), 200, xmlDecl+pro4)
	s.authorized("Pro's limit", hit, "")
	expect(t, "same plan", s.am("PUT", apps+"/1/change_plan.xml", rw+"&plan_id=4"), 200, xmlDecl+pro4)
	expect(t, "plan of another service", s.am("PUT", apps+"/1/change_plan.xml", rw+"&plan_id=7"), 422,
		xmlDecl+`<errors><error>Plan not allowed in this context</error></errors>`)
	expect(t, "unknown plan", s.am("PUT", apps+"/1/change_plan.xml", rw+"&plan_id=99"), 404, "")
	expect(t, "back to Basic", s.am("PUT", apps+"/1/change_plan.xml", rw+"&plan_id=3"), 200, xmlDecl+basic3)

	// Customize: a hidden copy with the same limits, named in the status.
	r = s.am("PUT", apps+"/1/customize_plan.xml", rw)
	custom := strings.NewReplacer(`custom="false" default="true"><id>3</id><name>Basic</name>`,
		`custom="true" default="false"><id>11</id><name>Basic (custom)</name>`, "published", "hidden").Replace(basic3)
	expect(t, "customize", r, 200, xmlDecl+custom)
	expect(t, "customize again", s.am("PUT", apps+"/1/customize_plan.xml", rw), 200, xmlDecl+custom)
	expectIn(t, "custom plan in the status", s.get(hit).body,
		"<reason>usage limits are exceeded</reason><plan>Basic (custom)</plan>", "<max_value>5</max_value>")
	expect(t, "custom limits", s.get("/admin/api/application_plans/11/limits.xml?"+rw), 200,
		xmlDecl+`<limits><limit><id>3</id><metric_id>1</metric_id><plan_id>11</plan_id><period>day</period><value>5</value></limit></limits>`)
	expectIn(t, "custom plans are listed", s.get("/admin/api/services/100/application_plans.xml?"+rw).body, custom)
	// Raising the custom limit changes this application only.
	expect(t, "raise custom limit", s.am("PUT", "/admin/api/application_plans/11/metrics/1/limits/3.xml", rw+"&value=50"), 200,
		xmlDecl+`<limit><id>3</id><metric_id>1</metric_id><plan_id>11</plan_id><period>day</period><value>50</value></limit>`)
	s.authorized("custom limit", hit, "")
	expect(t, "decustomize", s.am("PUT", apps+"/1/decustomize_plan.xml", rw), 200, xmlDecl+basic3)
	expect(t, "the copy is gone", s.get("/admin/api/services/100/application_plans/11.xml?"+rw), 404, "")
	expect(t, "decustomize a stock plan", s.am("PUT", apps+"/1/decustomize_plan.xml", rw), 200, xmlDecl+basic3)
	s.authorized("back on Basic", hit, "usage limits are exceeded")

	// Update: a new user_key replaces the old one in authorize.
	s.authorized("old user_key", legacyAuth+"legacy-key", "")
	r = s.am("PUT", apps+"/2.xml", rw+"&user_key=new-legacy-key&name=Renamed&application_id=ignored")
	expect(t, "update", r, 200, xmlDecl+strings.NewReplacer("legacy-key", "new-legacy-key", "Legacy App", "Renamed").Replace(legacyApp))
	s.authorized("old user_key", legacyAuth+"legacy-key", "user_key_invalid")
	s.authorized("new user_key", legacyAuth+"new-legacy-key", "")
	expect(t, "taken user_key", s.am("PUT", apps+"/1.xml", rw+"&user_key=new-legacy-key"), 422,
		xmlDecl+`<errors><error>User key has already been taken</error></errors>`)

	// Delete.
	expect(t, "delete", s.am("DELETE", apps+"/2.xml?"+rw, ""), 200, "")
	s.authorized("deleted", legacyAuth+"new-legacy-key", "user_key_invalid")
	expect(t, "delete again", s.am("DELETE", apps+"/2.xml?"+rw, ""), 404, "")
}

func TestAMKeysAndReferrerFilters(t *testing.T) {
	s := amSandbox(t)
	keys := apps + "/1/keys"
	r := s.am("POST", keys+".xml", rw+"&key=echo-key-2")
	expect(t, "add key", r, 201, xmlDecl+strings.Replace(echoApp, "<key>echo-key-1</key>", "<key>echo-key-1</key><key>echo-key-2</key>", 1))
	s.authorized("new key", strings.Replace(echoAuth, "echo-key-1", "echo-key-2", 1), "")
	expect(t, "list", s.get(keys+".xml?"+rw), 200, xmlDecl+`<keys>`+
		`<key><value>echo-key-1</value><updated_at>2026-11-22 10:15:00 UTC</updated_at><created_at>2026-11-22 10:15:00 UTC</created_at></key>`+
		`<key><value>echo-key-2</value><updated_at>2026-11-22 10:15:00 UTC</updated_at><created_at>2026-11-22 10:15:00 UTC</created_at></key></keys>`)
	expect(t, "duplicate", s.am("POST", keys+".xml", rw+"&key=ECHO-KEY-2"), 422, xmlDecl+`<errors><error>Value has already been taken</error></errors>`)
	expect(t, "invalid", s.am("POST", keys+".xml", rw+"&key=a+b"), 422,
		xmlDecl+`<errors><error>Value is invalid</error><error>Value is too short (minimum is 5 characters)</error></errors>`)
	r = s.am("POST", keys+".xml", rw)
	if r.status != 201 || !regexp.MustCompile(`<key>echo-key-2</key><key>[0-9a-f]{32}</key></keys>`).MatchString(r.body) {
		t.Errorf("random key: %d %s", r.status, r.body)
	}
	for i := 4; i <= 5; i++ {
		if r := s.am("POST", keys+".xml", rw+fmt.Sprintf("&key=key-number-%d", i)); r.status != 201 {
			t.Errorf("key %d: %d %s", i, r.status, r.body)
		}
	}
	expect(t, "sixth key", s.am("POST", keys+".xml", rw+"&key=one-too-many"), 422, xmlDecl+`<errors><error>Limit reached</error></errors>`)

	expect(t, "delete key", s.am("DELETE", keys+"/echo-key-1.xml?"+rw, ""), 200, "")
	s.authorized("deleted key", echoAuth, `application key "echo-key-1" is invalid`)
	expect(t, "delete unknown key", s.am("DELETE", keys+"/echo-key-1.xml?"+rw, ""), 404, "")
	// A key with dots: the extension is the last one.
	if r := s.am("DELETE", keys+"/key-number-4.xml?"+rw, ""); r.status != 200 {
		t.Errorf("delete key-number-4: %d", r.status)
	}
	expect(t, "keys of an unknown app", s.get(apps+"/9/keys.xml?"+rw), 404, "")

	filters := apps + "/1/referrer_filters"
	expect(t, "no filters", s.get(filters+".xml?"+rw), 200, xmlDecl+`<referrer_filters></referrer_filters>`)
	expect(t, "add filter", s.am("POST", filters+".xml", rw+"&referrer_filter=*.dev.test"), 201, xmlDecl+strings.Replace(
		s.get(apps + "/1.xml?" + rw).body[len(xmlDecl):], "", "", 1))
	expect(t, "list filters", s.get(filters+".xml?"+rw), 200, xmlDecl+`<referrer_filters><referrer_filter><value>*.dev.test</value><id>1</id>`+
		`<updated_at>2026-11-22 10:15:00 UTC</updated_at><created_at>2026-11-22 10:15:00 UTC</created_at></referrer_filter></referrer_filters>`)
	expect(t, "bad filter", s.am("POST", filters+".xml", rw+"&referrer_filter=a/b"), 422, xmlDecl+`<errors><error>referrer filter is invalid</error></errors>`)
	expect(t, "blank filter", s.am("POST", filters+".xml", rw), 422, xmlDecl+`<errors><error>referrer filter can't be blank</error></errors>`)
	expect(t, "delete filter", s.am("DELETE", filters+"/1.xml?"+rw, ""), 200, "")
	expect(t, "delete unknown filter", s.am("DELETE", filters+"/1.xml?"+rw, ""), 404, "")
}

func TestAMServicesPlansMetricsLimits(t *testing.T) {
	s := amSandbox(t)
	svc := s.get("/admin/api/services/100.xml?" + rw)
	expect(t, "service", svc, 200, xmlDecl+`<service><id>100</id><account_id>1</account_id><name>Echo API</name><state>incomplete</state>`+
		`<system_name>echo</system_name><backend_version>2</backend_version><description/><intentions_required>false</intentions_required>`+
		`<buyers_manage_apps>true</buyers_manage_apps><buyers_manage_keys>true</buyers_manage_keys><referrer_filters_required>false</referrer_filters_required>`+
		`<custom_keys_enabled>true</custom_keys_enabled><buyer_key_regenerate_enabled>true</buyer_key_regenerate_enabled>`+
		`<mandatory_app_key>true</mandatory_app_key><buyer_can_select_plan>false</buyer_can_select_plan>`+
		`<buyer_plan_change_permission>request</buyer_plan_change_permission><annotations></annotations><deployment_option>hosted</deployment_option>`+
		`<support_email>admin@acme.test</support_email><metrics><metric><id>1</id><name>hits</name><system_name>hits</system_name>`+
		`<friendly_name>Hits</friendly_name><service_id>100</service_id><description/><unit>hit</unit></metric><method><id>2</id><name>search</name>`+
		`<system_name>search</system_name><friendly_name>Search</friendly_name><service_id>100</service_id><description/><metric_id>1</metric_id></method>`+
		`</metrics></service>`)
	expectIn(t, "services", s.get("/admin/api/services.xml?"+rw).body, `<services><service><id>100</id>`, `</service><service><id>200</id>`)
	expect(t, "another provider's service", s.get("/admin/api/services/900.xml?"+rw), 404, "")
	expect(t, "invalid service update", s.am("PUT", "/admin/api/services/100.xml", rw+"&service[name]=&service[backend_version]=3"), 422,
		xmlDecl+`<errors><error>Backend version is not included in the list</error><error>Name can't be blank</error></errors>`)
	// Referrer filters required: authorize then wants a referrer.
	expectIn(t, "require referrers", s.am("PUT", "/admin/api/services/100.xml", rw+"&referrer_filters_required=1&system_name=ignored").body,
		"<system_name>echo</system_name>", "<referrer_filters_required>true</referrer_filters_required>")
	s.am("POST", apps+"/1/referrer_filters.xml", rw+"&referrer_filter=good.test")
	s.authorized("referrer required", echoAuth+"&referrer=bad.test", "referrer \"bad.test\" is not allowed")
	s.authorized("referrer allowed", echoAuth+"&referrer=good.test", "")

	plans := "/admin/api/services/100/application_plans"
	expect(t, "service plans", s.get(plans+".xml?"+rw), 200, xmlDecl+`<plans>`+basic3+pro4+gold5+`</plans>`)
	expect(t, "all plans", s.get("/admin/api/application_plans.xml?"+rw), 200, xmlDecl+`<plans>`+basic3+pro4+gold5+starter7+`</plans>`)
	expect(t, "missing parameters", s.am("POST", plans+".xml", rw), 400, "Required parameter missing: application_plan")
	r := s.am("POST", plans+".xml", rw+"&application_plan[name]=Silver+Plan&application_plan[cost_per_month]=9.90&application_plan[setup_fee]=10&application_plan[trial_period_days]=7")
	silver := `<plan custom="false" default="false"><id>11</id><name>Silver Plan</name><type>application_plan</type><state>hidden</state>` +
		`<approval_required>false</approval_required><setup_fee>10.0</setup_fee><cost_per_month>9.9</cost_per_month><trial_period_days>7</trial_period_days>` +
		`<cancellation_period>0</cancellation_period><service_id>100</service_id></plan>`
	expect(t, "create plan", r, 201, xmlDecl+silver)
	expect(t, "taken system name", s.am("POST", plans+".xml", rw+"&name=Silver+plan!"), 422,
		xmlDecl+`<errors><error>System name has already been taken</error></errors>`)
	expect(t, "bad plan", s.am("POST", plans+".xml", rw+"&name=&cost_per_month=x&setup_fee=-1&state_event=jump"), 422,
		xmlDecl+`<errors><error>Setup fee must be greater than or equal to 0.0</error><error>Cost per month is not a number</error>`+
			`<error>State event is invalid</error><error>Name can't be blank</error></errors>`)
	expect(t, "publish", s.am("PUT", plans+"/11.xml", rw+"&state_event=publish&name=Silver"), 200,
		xmlDecl+strings.NewReplacer("hidden", "published", "Silver Plan", "Silver").Replace(silver))
	expect(t, "make default", s.am("PUT", plans+"/11/default.xml", rw), 200,
		xmlDecl+strings.NewReplacer("hidden", "published", "Silver Plan", "Silver", `default="false"`, `default="true"`).Replace(silver))
	expectIn(t, "Basic is no longer default", s.get(plans+"/3.xml?"+rw).body, `<plan custom="false" default="false"><id>3</id>`)
	expect(t, "delete plan in use", s.am("DELETE", plans+"/3.xml?"+rw, ""), 403,
		xmlDecl+`<errors><error>This application plan cannot be deleted! At least one application depends on it.</error></errors>`)
	expect(t, "delete plan", s.am("DELETE", plans+"/5.xml?"+rw, ""), 200, "")
	expect(t, "plan of another service", s.get("/admin/api/services/200/application_plans/3.xml?"+rw), 404, "")
	// A renamed plan is the next status's <plan>.
	s.am("PUT", plans+"/3.xml", rw+"&name=Basic+%26+Co")
	expectIn(t, "renamed plan", s.get(echoAuth+"&referrer=good.test").body, "<plan>Basic &amp; Co</plan>")

	metrics := "/admin/api/services/100/metrics"
	expect(t, "create metric", s.am("POST", metrics+".xml", rw+"&metric[friendly_name]=Data+Out&metric[unit]=MB&metric[description]=Bytes"), 201,
		xmlDecl+`<metric><id>5</id><name>data_out</name><system_name>data_out</system_name><friendly_name>Data Out</friendly_name>`+
			`<service_id>100</service_id><description>Bytes</description><unit>MB</unit></metric>`)
	authrep := strings.Replace(echoAuth, "authorize", "authrep", 1) + "&referrer=good.test"
	s.authorized("new metric reported", authrep+"&usage[data_out]=3", "")
	expect(t, "invalid metric", s.am("POST", metrics+".xml", rw+"&friendly_name=Hits"), 422,
		xmlDecl+`<errors><error>Unit can't be blank</error><error>Friendly name has already been taken</error><error>System name has already been taken</error></errors>`)
	expect(t, "method under hits", s.am("POST", metrics+"/1/methods.xml", rw+"&friendly_name=Get+Thing"), 201,
		xmlDecl+`<method><id>6</id><name>get_thing</name><system_name>get_thing</system_name><friendly_name>Get Thing</friendly_name>`+
			`<service_id>100</service_id><description/><metric_id>1</metric_id></method>`)
	expect(t, "method under another metric", s.am("POST", metrics+"/5/methods.xml", rw+"&friendly_name=Upload"), 422,
		xmlDecl+`<errors><error>Parent You can only create methods under 'hits'</error></errors>`)
	expect(t, "methods", s.get(metrics+"/1/methods.xml?"+rw), 200, xmlDecl+`<methods><method><id>2</id><name>search</name><system_name>search</system_name>`+
		`<friendly_name>Search</friendly_name><service_id>100</service_id><description/><metric_id>1</metric_id></method><method><id>6</id>`+
		`<name>get_thing</name><system_name>get_thing</system_name><friendly_name>Get Thing</friendly_name><service_id>100</service_id>`+
		`<description/><metric_id>1</metric_id></method></methods>`)
	expect(t, "update metric", s.am("PUT", metrics+"/5.xml", rw+"&friendly_name=Data&system_name=renamed"), 200,
		xmlDecl+`<metric><id>5</id><name>data_out</name><system_name>data_out</system_name><friendly_name>Data</friendly_name>`+
			`<service_id>100</service_id><description>Bytes</description><unit>MB</unit></metric>`)
	expect(t, "delete hits", s.am("DELETE", metrics+"/1.xml?"+rw, ""), 403, xmlDecl+`<errors><error>The Hits metric cannot be deleted</error></errors>`)
	expect(t, "delete method", s.am("DELETE", metrics+"/1/methods/6.xml?"+rw, ""), 200, "")
	expect(t, "deleted method", s.get(metrics+"/1/methods/6.xml?"+rw), 404, "")

	// Limits: a new limit is checked at the next authorize.
	limits := "/admin/api/application_plans/3/metrics/5/limits"
	expect(t, "create limit", s.am("POST", limits+".xml", rw+"&period=day&value=2"), 201,
		xmlDecl+`<limit><id>3</id><metric_id>5</metric_id><plan_id>3</plan_id><period>day</period><value>2</value></limit>`)
	s.authorized("limit exceeded", echoAuth+"&referrer=good.test", "usage limits are exceeded")
	expect(t, "duplicate period", s.am("POST", limits+".xml", rw+"&period=day&value=9"), 422,
		xmlDecl+`<errors><error>Period has already been taken</error></errors>`)
	expect(t, "bad period", s.am("POST", limits+".xml", rw+"&period=fortnight"), 422, xmlDecl+`<errors><error>Period is invalid</error></errors>`)
	expect(t, "negative value is 0", s.am("POST", limits+".xml", rw+"&usage_limit[period]=month&usage_limit[value]=-4"), 201,
		xmlDecl+`<limit><id>4</id><metric_id>5</metric_id><plan_id>3</plan_id><period>month</period><value>0</value></limit>`)
	expect(t, "raise limit", s.am("PUT", limits+"/3.xml", rw+"&value=10"), 200,
		xmlDecl+`<limit><id>3</id><metric_id>5</metric_id><plan_id>3</plan_id><period>day</period><value>10</value></limit>`)
	expect(t, "delete limit", s.am("DELETE", limits+"/4.xml?"+rw, ""), 200, "")
	s.authorized("within limits", echoAuth+"&referrer=good.test", "")
	expect(t, "plan limits", s.get("/admin/api/application_plans/3/limits.xml?"+rw), 200, xmlDecl+`<limits>`+
		`<limit><id>1</id><metric_id>1</metric_id><plan_id>3</plan_id><period>day</period><value>5</value></limit>`+
		`<limit><id>3</id><metric_id>5</metric_id><plan_id>3</plan_id><period>day</period><value>10</value></limit></limits>`)
	expect(t, "limits of another provider's plan", s.get("/admin/api/application_plans/10/limits.xml?"+rw), 404, "")
	// Deleting a metric deletes its limits; authorize no longer knows it.
	expect(t, "delete metric", s.am("DELETE", metrics+"/5.xml?"+rw, ""), 200, "")
	s.authorized("deleted metric", authrep+"&usage[data_out]=1", "metric_invalid")
	expect(t, "its limits are gone", s.get("/admin/api/application_plans/3/limits.xml?"+rw), 200, xmlDecl+`<limits>`+
		`<limit><id>1</id><metric_id>1</metric_id><plan_id>3</plan_id><period>day</period><value>5</value></limit></limits>`)

	// A new backend_version changes how authorize finds applications.
	s.am("PUT", "/admin/api/services/200.xml", rw+"&backend_version=2")
	s.authorized("user_key service now app_id", "/transactions/authorize.xml?provider_key=acme-key&service_id=200&app_id=legacy-app", "")
}

// Changes through the Account Management API share the writer's commits
// with reported usage: while an application is suspended and resumed,
// renamed and its plan changed, every authrep that was authorized is
// counted, and only those.
func TestAMChangesDuringTraffic(t *testing.T) {
	s := amSandbox(t)
	// A limit high enough never to deny, whose usage report shows the count.
	if r := s.am("PUT", "/admin/api/application_plans/3/metrics/1/limits/1.xml", rw+"&value=1000000"); r.status != 200 {
		t.Fatalf("limit: %d %s", r.status, r.body)
	}
	authrep := strings.Replace(echoAuth, "authorize", "authrep", 1) + "&usage[hits]=1"
	var wg sync.WaitGroup
	var mu sync.Mutex
	authorized := 0
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				r := s.get(authrep)
				if r.status == 200 {
					mu.Lock()
					authorized++
					mu.Unlock()
				} else if r.status != 409 {
					t.Errorf("authrep: %d %s", r.status, r.body)
				}
			}
		}()
	}
	for i := range 20 {
		for _, c := range [][2]string{{"PUT", apps + "/1/suspend.xml"}, {"PUT", apps + "/1/resume.xml"},
			{"PUT", apps + "/1.xml"}, {"PUT", apps + "/1/customize_plan.xml"}, {"PUT", apps + "/1/decustomize_plan.xml"}} {
			if r := s.am(c[0], c[1], rw+fmt.Sprintf("&name=App+%d", i)); r.status != 200 {
				t.Errorf("%s %s: %d %s", c[0], c[1], r.status, r.body)
			}
		}
	}
	wg.Wait()
	r := s.get(echoAuth)
	want := fmt.Sprintf("<current_value>%d</current_value>", authorized)
	if !strings.Contains(r.body, want) || authorized == 0 {
		t.Errorf("%d authreps authorized; counter: %s", authorized, r.body)
	}
}

// Reported traffic sets first_traffic_at once and first_daily_traffic_at
// on the first report of each day, and the list filters on it.
func TestAMFirstTraffic(t *testing.T) {
	s := amSandbox(t)
	traffic := func(first, daily string) {
		t.Helper()
		want := "<first_traffic_at>" + first + "</first_traffic_at><first_daily_traffic_at>" + daily + "</first_daily_traffic_at>"
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(s.get(apps+"/1.xml?"+rw).body, want) {
			if time.Now().After(deadline) {
				t.Fatalf("no %s in %s", want, s.get(apps+"/1.xml?"+rw).body)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	s.get(echoAuth) // an authorize reports nothing
	s.get(strings.Replace(echoAuth, "authorize", "authrep", 1) + "&usage[hits]=1")
	traffic("2026-11-22T10:15:00Z", "2026-11-22T10:15:00Z")
	s.clock.Advance(time.Hour)
	s.get(strings.Replace(echoAuth, "authorize", "authrep", 1) + "&usage[hits]=1")
	s.clock.Advance(24 * time.Hour)
	expect(t, "report", s.form("/transactions.xml", "provider_key=acme-key&service_id=100&transactions[0][app_id]=echo-app&transactions[0][usage][hits]=1"), 202, "")
	traffic("2026-11-22T10:15:00Z", "2026-11-23T11:15:00Z")
	list := "/admin/api/applications.xml?" + rw
	expectIn(t, "active since", s.get(list+"&active_since=2026-11-23").body, "<applications><application><id>1</id>")
	expect(t, "inactive since", s.get(list+"&inactive_since=2026-11-23T11:00:00Z"), 200, xmlDecl+`<applications></applications>`)
}

// Keys and application ids take porta's format (/\A[\x21-\x7E]+\Z/),
// without < & and ", which list_app_keys would write raw into its XML
// (issue 10 item 5); every key the API takes keeps that answer XML.
func TestAMKeyCharacters(t *testing.T) {
	s := amSandbox(t)
	keys := apps + "/1/keys.xml"
	invalid := xmlDecl + `<errors><error>Value is invalid</error></errors>`
	for _, k := range []string{"a<bcde", "ab&cde", `ab"cde`, "ab cde", "clé-secrète"} {
		expect(t, "key "+k, s.am("POST", keys, rw+"&key="+url.QueryEscape(k)), 422, invalid)
		expect(t, "app key "+k, s.am("POST", apps+".xml", rw+"&plan_id=3&application_id=new-app&application_key="+url.QueryEscape(k)), 422,
			xmlDecl+`<errors><error>Application keys is invalid</error></errors>`)
	}
	for _, id := range []string{"a<bc", "a&bc", `a"bc`} {
		expect(t, "app id "+id, s.am("POST", apps+".xml", rw+"&plan_id=3&application_id="+url.QueryEscape(id)), 422,
			xmlDecl+`<errors><error>Application is invalid</error></errors>`)
	}
	// What porta takes gets in: the rest of printable ASCII, and one final
	// newline (Ruby's \Z).
	for _, k := range []string{"a>b'c{}[]~!", "newline\n"} {
		if r := s.am("POST", keys, rw+"&key="+url.QueryEscape(k)); r.status != 201 {
			t.Errorf("key %q: %d %s", k, r.status, r.body)
		}
	}
	r := s.get(echoAuth)
	if r.status != 200 {
		t.Fatalf("authorize: %d %s", r.status, r.body)
	}
	r = s.get(echoAuth, "3scale-options: list_app_keys=1")
	var doc struct {
		Keys []struct {
			ID string `xml:"id,attr"`
		} `xml:"app_keys>key"`
	}
	if err := xml.Unmarshal([]byte(r.body), &doc); err != nil || len(doc.Keys) != 3 {
		t.Errorf("list_app_keys: %v, %d keys in %s", err, len(doc.Keys), r.body)
	}
}
