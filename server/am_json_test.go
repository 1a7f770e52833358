package server

import (
	"net/http"
	"strings"
	"testing"
)

// porta's JSON (issue 13 part 4), as its representers write it
// (app/representers): each object in its root, properties in declaration
// order, nil ones left out (but first_traffic_at and the credentials,
// rendered nil), the links where the first link is declared, the defined
// fields last; lists of wrapped items.
func TestAMJSONRepresentations(t *testing.T) { jsonRepresentations(t, amSandbox(t)) }

func jsonRepresentations(t *testing.T, s *sandbox) {
	u := s.url
	for _, tc := range []struct{ path, body string }{
		{"/admin/api/accounts/1.json", `{"account":{"id":1,"created_at":"2026-11-22T10:15:00Z","updated_at":"2026-11-22T10:15:00Z","credit_card_stored":false,"monthly_billing_enabled":true,"monthly_charging_enabled":true,"state":"approved","annotations":{},"links":[{"rel":"self","href":"` + u + `/admin/api/accounts/1"},{"rel":"users","href":"` + u + `/admin/api/accounts/1/users"}],"org_name":"Dev Co","vat_code":"VAT-1","crm_id":"C-7"}}`},
		{"/admin/api/accounts/1/users/2.json", `{"user":{"id":2,"state":"active","role":"member","created_at":"2026-11-22T10:15:00Z","updated_at":"2026-11-22T10:15:00Z","links":[{"rel":"account","href":"` + u + `/admin/api/accounts/1"},{"rel":"self","href":"` + u + `/admin/api/accounts/1/users/2"}],"username":"jane","email":"jane@dev.test"}}`},
		{"/admin/api/accounts/1/applications/1.json", `{"application":{"id":1,"state":"live","enabled":true,"created_at":"2026-11-22T10:15:00Z","updated_at":"2026-11-22T10:15:00Z","service_id":100,"service_name":"Echo API","plan_id":3,"plan_name":"Basic","account_id":1,"org_name":"Dev Co","first_traffic_at":null,"first_daily_traffic_at":null,"application_id":"echo-app","links":[{"rel":"self","href":"` + u + `/admin/api/accounts/1/applications/1"},{"rel":"service","href":"` + u + `/admin/api/services/100"},{"rel":"account","href":"` + u + `/admin/api/accounts/1"},{"rel":"plan","href":"` + u + `/admin/api/services/100/application_plans/3"},{"rel":"keys","href":"` + u + `/admin/api/accounts/1/applications/1/keys"},{"rel":"referrer_filters","href":"` + u + `/admin/api/accounts/1/applications/1/referrer_filters"}],"name":"Echo App","env":"staging"}}`},
		{"/admin/api/accounts/1/applications/2.json", `{"application":{"id":2,"state":"live","enabled":true,"created_at":"2026-11-22T10:15:00Z","updated_at":"2026-11-22T10:15:00Z","service_id":200,"service_name":"Legacy API","plan_id":7,"plan_name":"Starter","account_id":1,"org_name":"Dev Co","first_traffic_at":null,"first_daily_traffic_at":null,"user_key":"legacy-key","provider_verification_key":"legacy-pvk","links":[{"rel":"self","href":"` + u + `/admin/api/accounts/1/applications/2"},{"rel":"service","href":"` + u + `/admin/api/services/200"},{"rel":"account","href":"` + u + `/admin/api/accounts/1"},{"rel":"plan","href":"` + u + `/admin/api/services/200/application_plans/7"},{"rel":"keys","href":"` + u + `/admin/api/accounts/1/applications/2/keys"},{"rel":"referrer_filters","href":"` + u + `/admin/api/accounts/1/applications/2/referrer_filters"}],"name":"Legacy App"}}`},
		{"/admin/api/services/200.json", `{"service":{"id":200,"name":"Legacy API","state":"incomplete","system_name":"legacy","backend_version":"1","deployment_option":"hosted","support_email":"admin@acme.test","intentions_required":false,"buyers_manage_apps":true,"buyers_manage_keys":true,"referrer_filters_required":false,"custom_keys_enabled":true,"buyer_key_regenerate_enabled":true,"mandatory_app_key":false,"buyer_can_select_plan":false,"buyer_plan_change_permission":"request","annotations":{},"created_at":"2026-11-22T10:15:00Z","updated_at":"2026-11-22T10:15:00Z","links":[{"rel":"metrics","href":"` + u + `/admin/api/services/200/metrics"},{"rel":"self","href":"` + u + `/admin/api/services/200"},{"rel":"service_plans","href":"` + u + `/admin/api/services/200/service_plans"},{"rel":"application_plans","href":"` + u + `/admin/api/services/200/application_plans"},{"rel":"features","href":"` + u + `/admin/api/services/200/features"}]}}`},
		{"/admin/api/services/100/application_plans/4.json", `{"application_plan":{"id":4,"name":"Pro","state":"published","setup_fee":0.0,"cost_per_month":0.0,"trial_period_days":0,"cancellation_period":0,"approval_required":false,"default":false,"created_at":"2026-11-22T10:15:00Z","updated_at":"2026-11-22T10:15:00Z","custom":false,"system_name":"pro","links":[{"rel":"service","href":"` + u + `/admin/api/services/100"},{"rel":"self","href":"` + u + `/admin/api/services/100/application_plans/4"}]}}`},
		{"/admin/api/services/100/metrics.json", `{"metrics":[{"metric":{"id":1,"name":"hits","system_name":"hits","friendly_name":"Hits","unit":"hit","created_at":"2026-11-22T10:15:00Z","updated_at":"2026-11-22T10:15:00Z","links":[{"rel":"service","href":"` + u + `/admin/api/services/100"},{"rel":"self","href":"` + u + `/admin/api/services/100/metrics/1"}]}},{"metric":{"id":2,"name":"search","system_name":"search","friendly_name":"Search","parent_id":1,"created_at":"2026-11-22T10:15:00Z","updated_at":"2026-11-22T10:15:00Z","links":[{"rel":"service","href":"` + u + `/admin/api/services/100"},{"rel":"self","href":"` + u + `/admin/api/services/100/metrics/2"}]}}]}`},
		{"/admin/api/application_plans/3/limits.json", `{"limits":[{"limit":{"id":1,"period":"day","value":5,"metric_id":1,"plan_id":3,"created_at":"2026-11-22T10:15:00Z","updated_at":"2026-11-22T10:15:00Z","links":[{"rel":"metric","href":"` + u + `/admin/api/services/100/metrics/1"},{"rel":"self","href":"` + u + `/admin/api/application_plans/3/metrics/1/limits/1"},{"rel":"plan","href":"` + u + `/admin/api/services/100/application_plans/3"}]}}]}`},
		{"/admin/api/accounts/1/applications/1/keys.json", `{"keys":[{"key":{"value":"echo-key-1","created_at":"2026-11-22T10:15:00Z","updated_at":"2026-11-22T10:15:00Z","links":[{"rel":"application","href":"` + u + `/admin/api/accounts/1/applications/1"}]}}]}`},
	} {
		expect(t, tc.path, s.get(tc.path+"?"+rw), 200, tc.body, "Content-Type: application/json; charset=utf-8")
	}
	// Pagination metadata, only when there is more than one page.
	r := s.get("/admin/api/accounts.json?per_page=1&page=2&" + rw)
	expectIn(t, "metadata", r.body, `{"accounts":[{"account":{"id":2,`,
		`}}],"metadata":{"per_page":1,"total_entries":2,"total_pages":2,"current_page":2}}`)
	expect(t, "empty list", s.get("/admin/api/accounts/2/applications.json?"+rw), 200, `{"applications":[]}`)
	expect(t, "methods", s.get("/admin/api/services/100/metrics/1/methods.json?"+rw), 200,
		`{"methods":[{"method":{"id":2,"name":"search","system_name":"search","friendly_name":"Search","parent_id":1,`+
			`"created_at":"2026-11-22T10:15:00Z","updated_at":"2026-11-22T10:15:00Z","links":[{"rel":"parent","href":"`+u+
			`/admin/api/services/100/metrics/1"},{"rel":"self","href":"`+u+`/admin/api/services/100/metrics/1/methods/2"}]}}]}`)

	// Errors: the responders gem's {"errors":…}, ErrorHandling's
	// {"status":"Not found"}, render_error's {"error":…}.
	expect(t, "validation", s.am("POST", "/admin/api/accounts/1/applications.json", rw+"&plan_id=3&application_id=ab"), 422,
		`{"errors":{"application_id":["is too short (minimum is 4 characters)"]}}`)
	expect(t, "not found", s.get("/admin/api/accounts/99.json?"+rw), 404, `{"status":"Not found"}`,
		"Content-Type: application/json; charset=utf-8")
	expect(t, "denied", s.get("/admin/api/accounts/1.json"), 403, `{"error":"Access denied"}`)
	expect(t, "read-only token", s.am("PUT", "/admin/api/accounts/1.json", "access_token=acme-ro"), 403,
		`{"error":"Your access token does not have the correct permissions"}`)
	expect(t, "delete refused", s.am("DELETE", "/admin/api/services/100/metrics/1.json", rw), 403,
		`{"errors":{"base":["The Hits metric cannot be deleted"]}}`)
	expect(t, "deleted", s.am("DELETE", "/admin/api/accounts/1/applications/1/keys/echo-key-1.json", rw), 200, "",
		"Content-Type: application/json")
	expect(t, "missing parameter", s.am("POST", "/admin/api/services/100/application_plans.json", rw), 400,
		"Required parameter missing: application_plan", "Content-Type: text/plain; charset=utf-8")
	expect(t, "wrong type", s.am("POST", "/admin/api/services/100/metrics.json", rw+"&metric=1"), 422,
		"Wrong type for parameter: metric", "Content-Type: application/json; charset=utf-8")
	s.am("PUT", "/admin/api/accounts/1/users/1/suspend.json", rw)
	r = s.am("PUT", "/admin/api/accounts/1/users/1/activate.json", rw)
	expect(t, "transition", r, 422, `{"error":{"from":"suspended","event":"activate","error":"State cannot transition via \"activate\"",`+
		`"object":{"id":1,"state":"suspended","role":"admin","created_at":"2026-11-22T10:15:00Z","updated_at":"2026-11-22T10:15:00Z",`+
		`"links":[{"rel":"account","href":"`+u+`/admin/api/accounts/1"},{"rel":"self","href":"`+u+`/admin/api/accounts/1/users/1"}],`+
		`"username":"john","email":"john@dev.test","first_name":"John"}}}`)
	// ActiveSupport's encoder escapes <, > and &.
	expectIn(t, "escaped", s.am("PUT", "/admin/api/accounts/1.json", rw+"&org_name=A%26B+%3Cco%3E").body,
		`"org_name":"A\u0026B \u003cco\u003e"`)
}

// The format is the path's: porta's API routes default to XML and Rails
// reads the format parameter before any Accept header, so Accept changes
// nothing (an unknown one is no 406). A body that cannot be parsed is
// Rails' 400, rendered by PublicExceptions in the Accept header's format,
// else the extension's (issue 13, bad input).
func TestAMFormatsAndBadBodies(t *testing.T) {
	s := amSandbox(t)
	path := "/admin/api/accounts/2"
	xmlBody := s.get(path + ".xml?" + rw).body
	expect(t, "Accept json, no extension", s.get(path+"?"+rw, "Accept: application/json"), 200, xmlBody)
	expect(t, "unknown Accept", s.get(path+"?"+rw, "Accept: application/x-nothing"), 200, xmlBody)
	expectIn(t, "extension wins", s.get(path+".json?"+rw, "Accept: application/xml").body, `{"account":{"id":2,`)
	expect(t, "unknown extension", s.get(path+".yaml?"+rw), 406, `The server does not understand "yaml" request.`)

	bad := func(name, method, p, body string, status int, want string, headers ...string) {
		t.Helper()
		expect(t, name, s.call(method, p, body, headers...), status, want)
	}
	jsonBad := `{"status":400,"error":"Bad Request"}`
	xmlBad := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hash>\n  <status type=\"integer\">400</status>\n  <error>Bad Request</error>\n</hash>\n"
	users := "/admin/api/accounts/1/users"
	bad("malformed JSON, .json", http.MethodPost, users+".json?"+rw, `{"username":`, 400, jsonBad, "Content-Type: application/json")
	bad("malformed JSON, .xml", http.MethodPost, users+".xml?"+rw, `{"username":`, 400, xmlBad, "Content-Type: application/json")
	bad("Accept first", http.MethodPost, users+".xml?"+rw, `[1,`, 400, jsonBad, "Content-Type: application/json",
		"Accept: application/json")
	bad("no format at all", http.MethodPost, users+"?"+rw, `{`, 400, "", "Content-Type: application/json")
	bad("browser Accept", http.MethodPost, users+".json?"+rw, `{`, 400, jsonBad, "Content-Type: application/json",
		"Accept: text/html, */*")
	bad("bad form encoding", http.MethodPost, users+".json?"+rw, "username=%zz", 400, jsonBad,
		"Content-Type: application/x-www-form-urlencoded")
	// A JSON body that is no object is params[:_json], and nothing else.
	expect(t, "array body", s.call(http.MethodPost, users+".json?"+rw, `["x"]`, "Content-Type: application/json"), 422,
		`{"errors":{"username":["is too short (minimum is 3 characters)"],"email":["should look like an email address"]}}`)
	if r := s.call(http.MethodPost, users+".json?"+rw, `{"username":"newbie","email":"n@dev.test","password":"a-long-password-1"}`,
		"Content-Type: application/json"); r.status != 201 || !strings.Contains(r.body, `"username":"newbie"`) {
		t.Errorf("JSON body: %d %s", r.status, r.body)
	}
}
