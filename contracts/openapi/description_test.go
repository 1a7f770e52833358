package openapi

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// Every operation of the ActiveDocs (seed 003) with its parameters; the
// description merges an operation's authentication patterns into one.
var activeDocs = map[string][]string{
	"authorize":       {"provider_key", "service_id", "app_id", "app_key", "referrer", "user_id", "usage", "user_key"},
	"authrep":         {"provider_key", "service_id", "app_id", "app_key", "referrer", "user_id", "usage", "log", "user_key"},
	"oauth_authorize": {"provider_key", "service_id", "app_id", "referrer", "user_id", "usage", "redirect_url", "redirect_uri"},
	"oauth_authrep":   {"provider_key", "service_id", "app_id", "referrer", "user_id", "usage", "log", "redirect_url", "redirect_uri"},
}

// The report's transaction fields of the ActiveDocs, across its patterns.
var activeDocsTransaction = []string{"app_id", "user_key", "user_id", "timestamp", "usage", "log"}

func TestDescriptionCoversActiveDocs(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	for path, item := range d.doc.Paths.Map() {
		for method, op := range item.Operations() {
			want, ok := activeDocs[op.OperationID]
			if !ok {
				continue
			}
			var got []string
			for _, p := range op.Parameters {
				got = append(got, p.Value.Name)
			}
			for _, w := range want {
				if !slices.Contains(got, w) {
					t.Errorf("%s %s (%s): no parameter %q", method, path, op.OperationID, w)
				}
			}
			delete(activeDocs, op.OperationID)
		}
	}
	for id := range activeDocs {
		t.Errorf("no operation %q", id)
	}
	report := d.doc.Paths.Find("/transactions.xml").Post
	tx := report.RequestBody.Value.Content.Get("application/x-www-form-urlencoded").Schema.Value.
		Properties["transactions"].Value.AdditionalProperties.Schema.Value
	for _, f := range activeDocsTransaction {
		if tx.Properties[f] == nil {
			t.Errorf("report transaction: no field %q", f)
		}
	}
	if !strings.HasPrefix(string(YAML()), "openapi: 3.0.3\n") {
		t.Errorf("YAML() does not start with the version line")
	}
}

func TestParseRejectsBrokenDescriptions(t *testing.T) {
	for _, doc := range []string{"", "openapi: [", "openapi: 3.0.3\ninfo: {title: t}\npaths: {}\n"} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("Parse(%q): no error", doc)
		}
	}
}

// Responses that depart from the description, and what is said of them.
func TestCheckResponse(t *testing.T) {
	d, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	const decl = `<?xml version="1.0" encoding="UTF-8"?>`
	const usage = `<usage_reports><usage_report metric="hits" period="day"><period_start>2026-11-22 00:00:00 +0000</period_start><period_end>2026-11-23 00:00:00 +0000</period_end><max_value>10</max_value><current_value>1</current_value></usage_report></usage_reports>`
	authorize := "/transactions/authorize.xml?provider_key=pk&app_id=a"
	oauth := "/transactions/oauth_authorize.xml?provider_key=pk&app_id=a"
	xmlCT := http.Header{"Content-Type": {"application/vnd.3scale-v2.0+xml"}}
	tests := []struct {
		name, target string
		status       int
		header       http.Header
		body         string
		want         string
	}{
		{"authorized", authorize, 200, xmlCT, decl + `<status><authorized>true</authorized><plan>Basic</plan>` + usage + `</status>`, ""},
		{"empty body (no_body)", authorize, 409, xmlCT, "", ""},
		{"denied with app keys and hierarchy", authorize, 409, xmlCT,
			decl + `<status><authorized>false</authorized><reason>usage limits are exceeded</reason><plan></plan>` + usage +
				`<app_keys app="a" svc="1"><key id="k1"/><key id="k2"/></app_keys><hierarchy><metric name="hits" children="search"/></hierarchy></status>`, ""},
		{"eternity", authorize, 200, xmlCT,
			decl + `<status><authorized>true</authorized><plan>P</plan><usage_reports><usage_report metric="storage" period="eternity" exceeded="true"><max_value>0</max_value><current_value>2</current_value></usage_report></usage_reports></status>`, ""},
		{"error", authorize, 404, xmlCT, decl + `<error code="application_not_found">application with id="a" was not found</error>`, ""},
		{"oauth", oauth, 200, xmlCT, decl + `<status><authorized>true</authorized><application><id>a</id><key></key><redirect_uri>x</redirect_uri></application><plan>P</plan></status>`, ""},

		{"plan missing", authorize, 200, xmlCT, decl + `<status><authorized>true</authorized></status>`,
			`/plan: property "plan" is missing`},
		{"reason on a grant", authorize, 200, xmlCT, decl + `<status><authorized>true</authorized><reason>r</reason><plan>P</plan></status>`,
			`response body doesn't match schema #/components/schemas/StatusDocument: does not match (not): Authorized, so without a reason.`},
		{"not a boolean", authorize, 200, xmlCT, decl + `<status><authorized>yes</authorized><plan>P</plan></status>`,
			`response body doesn't match schema #/components/schemas/StatusDocument: /authorized: value is not one of the allowed values [true]`},
		{"unknown element", authorize, 200, xmlCT, decl + `<status><authorized>true</authorized><plan>P</plan><extra/></status>`,
			`property "extra" is unsupported`},
		{"unknown attribute", authorize, 404, xmlCT, decl + `<error code="metric_invalid" lang="en">m</error>`,
			`property "@lang" is unsupported`},
		{"unknown error code", authorize, 403, xmlCT, decl + `<error code="nope">m</error>`,
			`/code: value is not one of the allowed values`},
		{"current value not a number", authorize, 200, xmlCT,
			decl + `<status><authorized>true</authorized><plan>P</plan><usage_reports><usage_report metric="hits" period="eternity"><max_value>1</max_value><current_value>many</current_value></usage_report></usage_reports></status>`,
			`/usage_reports/0/current_value: value must be an integer`},
		{"period bounds missing", authorize, 200, xmlCT,
			decl + `<status><authorized>true</authorized><plan>P</plan><usage_reports><usage_report metric="hits" period="day"><max_value>1</max_value><current_value>1</current_value></usage_report></usage_reports></status>`,
			`/usage_reports/0/period_start: property "period_start" is missing`},
		{"time with an offset", authorize, 200, xmlCT,
			decl + `<status><authorized>true</authorized><plan>P</plan>` + strings.Replace(usage, "00:00:00 +0000</period_start>", "00:00:00 +0200</period_start>", 1) + `</status>`,
			`/usage_reports/0/period_start: string doesn't match the regular expression`},
		{"wrong root", authorize, 200, xmlCT, decl + `<error code="bad_request">x</error>`,
			"root element <error>, want <status>"},
		{"not well-formed", authorize, 409, xmlCT, decl + `<status><authorized>false</authorized><reason>referrer "a&b" is not allowed</reason><plan>P</plan></status>`,
			"not well-formed XML"},
		{"oauth without application", oauth, 200, xmlCT, decl + `<status><authorized>true</authorized><plan>P</plan></status>`,
			`/application: property "application" is missing`},
		{"undeclared status", authorize, 201, xmlCT, "", "status is not supported"},
		{"wrong content type", authorize, 200, http.Header{"Content-Type": {"text/html"}}, "<html/>", `"text/html"`},
		{"bad limit header", authorize, 200, http.Header{"Content-Type": {"application/vnd.3scale-v2.0+xml"}, "3scale-Limit-Remaining": {"lots"}}, "",
			`"3scale-limit-remaining"`},
		{"unknown rejection reason", authorize, 409, http.Header{"Content-Type": {"application/vnd.3scale-v2.0+xml"}, "3scale-Rejection-Reason": {"tired"}}, "",
			`"3scale-rejection-reason" doesn't match schema`},
		{"report with a body", "/transactions.xml", 202, xmlCT, decl + `<status/>`, "maximum string length is 0"},
	}
	for _, tt := range tests {
		method := http.MethodGet
		if tt.target == "/transactions.xml" {
			method = http.MethodPost
		}
		u, _ := url.ParseRequestURI(tt.target)
		r := &http.Request{Method: method, URL: u, Header: http.Header{}}
		err := d.CheckResponse(r, tt.status, tt.header, []byte(tt.body))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: unexpected violation: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: violation %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}
