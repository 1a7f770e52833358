package server

import (
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
)

// The behaviours of ../shared/research/apisonator-spec.md that the captures
// do not show, against testdata/spec.yaml at 2026-11-22 10:15:00 (a Sunday).

var bounds = map[string][2]string{
	"year":   {"2026-01-01 00:00:00 +0000", "2027-01-01 00:00:00 +0000"},
	"month":  {"2026-11-01 00:00:00 +0000", "2026-12-01 00:00:00 +0000"},
	"week":   {"2026-11-16 00:00:00 +0000", "2026-11-23 00:00:00 +0000"},
	"day":    {"2026-11-22 00:00:00 +0000", "2026-11-23 00:00:00 +0000"},
	"hour":   {"2026-11-22 10:00:00 +0000", "2026-11-22 11:00:00 +0000"},
	"minute": {"2026-11-22 10:15:00 +0000", "2026-11-22 10:16:00 +0000"},
}

// ur is one usage_report at 10:15:00; exceeded reflects the stored value.
func ur(metric, period string, max, cur int64, exceeded bool) string {
	x := ""
	if exceeded {
		x = ` exceeded="true"`
	}
	b := fmt.Sprintf(`<usage_report metric="%s" period="%s"%s>`, metric, period, x)
	if period != "eternity" {
		b += `<period_start>` + bounds[period][0] + `</period_start><period_end>` + bounds[period][1] + `</period_end>`
	}
	return b + fmt.Sprintf(`<max_value>%d</max_value><current_value>%d</current_value></usage_report>`, max, cur)
}

// tree is the Tree plan's usage_reports, with the counters as shown.
func tree(hits, search, deep, other int64) string {
	return `<usage_reports>` + ur("hits", "year", 1000, hits, false) + ur("hits", "week", 100, hits, false) +
		ur("hits", "day", 10, hits, hits > 10) + ur("search", "day", 5, search, search > 5) +
		ur("deep", "hour", 3, deep, deep > 3) + ur("other", "minute", 0, other, other > 0) + `</usage_reports>`
}

func status(reason, plan, rest string) string {
	auth := `<authorized>true</authorized>`
	if reason != "" {
		auth = `<authorized>false</authorized><reason>` + reason + `</reason>`
	}
	return xmlDecl + `<status>` + auth + plan + rest + `</status>`
}

const (
	treePlan = `<plan>Tree</plan>`
	auth     = "/transactions/authorize.xml?provider_key=spk&service_id=2001&app_id=tree&app_key=k1"
	authrep  = "/transactions/authrep.xml?provider_key=spk&service_id=2001&app_id=tree&app_key=k2"
	rrh      = "3scale-options: rejection_reason_header=1"
)

func specSandbox(t *testing.T) *sandbox { return start(t, "testdata/spec.yaml", day("10:15:00")) }

// Every error document of the spec's table 6.2, with its status.
func TestSpecErrorDocuments(t *testing.T) {
	s := specSandbox(t)
	a := "/transactions/authorize.xml?"
	tests := []struct {
		name, path string
		status     int
		code, msg  string
	}{
		{"provider key of no service", a + "provider_key=bad&service_id=2001&app_id=tree", 403, "provider_key_invalid", `provider key "bad" is invalid`},
		{"no service and no default", a + "provider_key=bad&app_id=tree", 403, "provider_key_invalid_or_service_missing", `provider key "bad" invalid and/or service ID missing`},
		{"no credentials", a + "service_id=2001&app_id=tree", 403, "provider_key_or_service_token_required", "Provider key or service token are required"},
		{"empty token", a + "service_token=&service_id=2001&app_id=tree", 403, "provider_key_or_service_token_required", "Provider key or service token are required"},
		{"token of spaces is not blank", a + "service_token=%20&service_id=2001&app_id=tree", 403, "service_token_invalid", `service token " " or service id "2001" is invalid`},
		{"token of another service", a + "service_token=tree-token&service_id=2002&app_id=closed", 403, "service_token_invalid", `service token "tree-token" or service id "2002" is invalid`},
		{"token, blank service", a + "service_token=tree-token&service_id=&app_id=tree", 422, "service_id_missing", "Service ID is missing"},
		{"unknown service", a + "provider_key=spk&service_id=42&app_id=tree", 403, "service_id_invalid", `service id "42" is invalid`},
		{"service of another provider", a + "provider_key=spk&service_id=3001&app_id=tree", 403, "service_id_invalid", `service id "3001" is invalid`},
		{"legacy service id", a + "provider_key=spk&service_id=abc-2001&app_id=tree&app_key=k1", 200, "", ""},
		{"app of another service", a + "provider_key=spk&service_id=2001&app_id=closed", 404, "application_not_found", `application with id="closed" was not found`},
		{"app id with spaces", a + "provider_key=spk&app_id=%20tree%20", 404, "application_not_found", `application with id=" tree " was not found`},
		{"blank app id", a + "provider_key=spk&app_id=%20%20", 404, "application_not_found", "application id is missing"},
		{"user_key on an app_id service", a + "provider_key=spk&user_key=uk1", 404, "application_not_found", "application id is missing"},
		{"unknown user key", a + "provider_key=spk&service_id=2003&user_key=nope", 403, "user_key_invalid", `user key "nope" is invalid`},
		{"app_id on a user_key service", a + "provider_key=spk&service_id=2003&app_id=ukapp", 403, "user_key_invalid", "user key is missing"},
		{"both app_id and user_key", a + "provider_key=spk&app_id=tree&user_key=uk1", 403, "authentication_error", "either app_id or user_key is allowed, not both"},
		{"unknown metric", auth + "&usage[nope]=1", 404, "metric_invalid", `metric "nope" is invalid`},
		{"negative value", auth + "&usage[hits]=-1", 403, "usage_value_invalid", `usage value "-1" for metric "hits" is invalid`},
		{"double hash", auth + "&usage[hits]=%23%233", 403, "usage_value_invalid", `usage value "##3" for metric "hits" is invalid`},
		{"fraction", auth + "&usage[hits]=1.5", 403, "usage_value_invalid", `usage value "1.5" for metric "hits" is invalid`},
		{"blank value", auth + "&usage[hits]=%20", 403, "usage_value_invalid", `usage value for metric "hits" can not be empty`},
		{"bare usage key", auth + "&usage[hits]", 403, "usage_value_invalid", `usage value for metric "hits" can not be empty`},
		{"invalid UTF-8 in usage", auth + "&usage[%ff]=1", 422, "not_valid_data", "all data must be valid UTF8"},
		{"hash and array", auth + "&usage[]=1&usage[x]=1", 400, "bad_request", "request contains syntax errors, should not be repeated without modification"},
		{"bad %-encoding", auth + "&x=1%", 400, "bad_request", "Invalid query parameters: invalid %-encoding"},
		{"too many parameters", auth + strings.Repeat("&x=1", 4096), 400, "bad_request", "total number of query parameters (4100) exceeds limit (4096)"},
		{"user_id", a + "user_id=1&provider_key=nope", 400, "end_users_no_longer_supported", "End-users are no longer supported, do not specify the user_id parameter"},
	}
	for _, tt := range tests {
		r := s.get(tt.path)
		if tt.code == "" {
			if r.status != tt.status {
				t.Errorf("%s: status %d, want %d: %s", tt.name, r.status, tt.status, r.body)
			}
			continue
		}
		expect(t, tt.name, r, tt.status, errDoc(tt.code, tt.msg), "Content-Security-Policy:", "Access-Control-Allow-Origin: *")
	}
	// The 4 MiB limit, reached with a form body.
	big := "provider_key=spk&transactions[0][app_id]=tree&x=" + strings.Repeat("a", 4<<20)
	expect(t, "query size", s.form("/transactions.xml", big), 400, errDoc("bad_request", "total query size exceeds limit (4194304)"))
}

// Every rejection reason of table 6.1: a 409 status document, and the code in
// 3scale-rejection-reason when asked.
func TestSpecRejectionReasons(t *testing.T) {
	s := specSandbox(t)
	oauth := `<plan>OAuth &amp; Co</plan><usage_reports>` + ur("hits", "month", 7, 0, false) + `</usage_reports>`
	app := func(redirect string) string {
		return `<application><id>oa</id><key>osecret</key>` + redirect + `</application>`
	}
	url := `<redirect_url>https://cb.example.com/x?a=1&amp;b=&lt;2&gt;</redirect_url>`
	tests := []struct {
		name, path, code, body string
	}{
		{"key missing", "/transactions/authorize.xml?provider_key=spk&app_id=tree", "application_key_invalid",
			status("application key is missing", treePlan, tree(0, 0, 0, 0))},
		{"key invalid", "/transactions/authorize.xml?provider_key=spk&app_id=tree&app_key=k3", "application_key_invalid",
			status(`application key "k3" is invalid`, treePlan, tree(0, 0, 0, 0))},
		{"referrer missing", "/transactions/authorize.xml?provider_key=spk&service_id=2005&app_id=strict", "referrer_not_allowed",
			status("referrer is missing", "<plan>Strict</plan>", "")},
		{"referrer refused, written unescaped", "/transactions/authorize.xml?provider_key=spk&service_id=2005&app_id=strict&referrer=a%26b%3Cc", "referrer_not_allowed",
			status(`referrer "a&b<c" is not allowed`, "<plan>Strict</plan>", "")},
		{"anchored filter", "/transactions/authorize.xml?provider_key=spk&service_id=2005&app_id=strict&referrer=a.example.org.evil.com", "referrer_not_allowed",
			status(`referrer "a.example.org.evil.com" is not allowed`, "<plan>Strict</plan>", "")},
		{"pending app", "/transactions/authorize.xml?provider_key=spk&app_id=pending", "application_not_active",
			status("application is not active", treePlan, tree(0, 0, 0, 0))},
		{"suspended service", "/transactions/authorize.xml?provider_key=spk&service_id=2002&app_id=closed", "service_not_active",
			status("service is not active", "<plan>Closed</plan>", "")},
		{"disabled metric", auth + "&usage[other]=1", "limits_exceeded",
			status("usage limits are exceeded", treePlan, tree(0, 0, 0, 0))},
		{"oauth on an app_id service", "/transactions/oauth_authorize.xml?provider_key=spk&service_id=2001&app_id=tree", "oauth_not_enabled",
			status("oauth is not enabled", `<application><id>tree</id><key>k1</key><redirect_url></redirect_url></application>`+treePlan, tree(0, 0, 0, 0))},
		{"redirect_url", "/transactions/oauth_authorize.xml?provider_key=spk&service_id=2004&app_id=oa&redirect_url=https://evil.test", "redirect_url_invalid",
			status(`redirect_url "https://evil.test" is invalid`, app(url), oauth)},
		{"redirect_uri", "/transactions/oauth_authorize.xml?provider_key=spk&service_id=2004&app_id=oa&redirect_uri=https://evil.test", "redirect_uri_invalid",
			status(`redirect_uri "https://evil.test" is invalid`, app(`<redirect_uri>https://cb.example.com/x?a=1&amp;b=&lt;2&gt;</redirect_uri>`), oauth)},
		{"oauth key invalid", "/transactions/oauth_authorize.xml?provider_key=spk&service_id=2004&app_id=oa&app_key=nope", "application_key_invalid",
			status(`application key "nope" is invalid`, app(url), oauth)},
		{"oauth empty key", "/transactions/oauth_authorize.xml?provider_key=spk&service_id=2004&app_id=oa&app_key=", "application_key_invalid",
			status("application key is missing", app(url), oauth)},
	}
	for _, tt := range tests {
		expect(t, tt.name, s.get(tt.path), 409, tt.body)
		expect(t, tt.name+" (header)", s.get(tt.path, rrh), 409, tt.body, "3scale-rejection-reason: "+tt.code,
			"Content-Type: application/vnd.3scale-v2.0+xml", "Content-Security-Policy: default-src 'self'")
	}
}

// The authentication modes of section 10 and the OAuth document of 5.3.
func TestSpecAuthModes(t *testing.T) {
	s := specSandbox(t)
	keys := func(cur int64) string {
		return `<plan>Keys</plan><usage_reports>` + ur("hits", "day", 3, cur, false) + `</usage_reports>`
	}
	expect(t, "user_key", s.get("/transactions/authrep.xml?provider_key=spk&service_id=2003&user_key=uk1&usage[hits]=1"), 200, status("", "", keys(1)))
	expect(t, "user_key, service token", s.get("/transactions/authorize.xml?service_token=tree-token&service_id=2001&app_id=tree&app_key=k2"), 200, status("", treePlan, tree(0, 0, 0, 0)))
	expect(t, "user_key, list_app_keys", s.get("/transactions/authorize.xml?provider_key=spk&service_id=2003&user_key=uk1", "3scale-options: list_app_keys=1"),
		200, status("", "", keys(1)+`<app_keys app="ukapp" svc="2003"></app_keys>`))
	// An app without keys accepts any key, or none.
	open := status("", "<plan>Open</plan>", "")
	expect(t, "keyless, any key", s.get("/transactions/authorize.xml?provider_key=spk&app_id=open&app_key=whatever"), 200, open)
	expect(t, "keyless, no key", s.get("/transactions/authorize.xml?provider_key=spk&app_id=open"), 200, open)
	// app_key is stripped; other credentials are not.
	expect(t, "key with spaces", s.get("/transactions/authorize.xml?provider_key=spk&app_id=tree&app_key=+k1+"), 200, status("", treePlan, tree(0, 0, 0, 0)))

	// OIDC: authorize.xml on an oauth service checks OauthKey (a missing key
	// passes) and has no <application> section.
	oauth := func(cur int64) string {
		return `<plan>OAuth &amp; Co</plan><usage_reports>` + ur("hits", "month", 7, cur, false) + `</usage_reports>`
	}
	expect(t, "oidc, no key", s.get("/transactions/authrep.xml?provider_key=spk&service_id=2004&app_id=oa&usage[hits]=2"), 200, status("", "", oauth(2)))
	expect(t, "oidc, second key", s.get("/transactions/authorize.xml?provider_key=spk&service_id=2004&app_id=oa&app_key=other"), 200, status("", "", oauth(2)))
	app := `<application><id>oa</id><key>osecret</key><redirect_url>https://cb.example.com/x?a=1&amp;b=&lt;2&gt;</redirect_url></application>`
	expect(t, "oauth_authrep", s.get("/transactions/oauth_authrep.xml?provider_key=spk&service_id=2004&app_id=oa&app_key=osecret&redirect_url=https://cb.example.com/x?a=1%26b=<2>&usage[hits]=1"),
		200, status("", app, oauth(3)))
	expect(t, "oauth_authorize, no app id", s.get("/transactions/oauth_authorize.xml?provider_key=spk&service_id=2004"),
		404, errDoc("application_not_found", "application id is missing"))
	expect(t, "oauth_authorize, user_key", s.get("/transactions/oauth_authorize.xml?provider_key=spk&service_id=2003&user_key=uk1"),
		404, errDoc("application_not_found", "application id is missing"))
}

// Predicted usage, a three-level hierarchy, set usage and limits (4.4, 4.5).
func TestSpecLimitsAndHierarchy(t *testing.T) {
	s := specSandbox(t)
	// authrep of a grandchild counts in its parent and grandparent.
	expect(t, "deep", s.get(authrep+"&usage[deep]=1"), 200, status("", treePlan, tree(1, 1, 1, 0)))
	// authorize shows stored values and stores nothing.
	expect(t, "predicted", s.get(auth+"&usage[search]=4"), 200, status("", treePlan, tree(1, 1, 1, 0)))
	expect(t, "predicted over", s.get(auth+"&usage[search]=5"), 409, status("usage limits are exceeded", treePlan, tree(1, 1, 1, 0)))
	// Descendants are not checked: deep may be over its hour limit while
	// hits is fine.
	expect(t, "deep limit", s.get(authrep+"&usage[deep]=3"), 409, status("usage limits are exceeded", treePlan, tree(1, 1, 1, 0)))
	expect(t, "parent not blocked by child", s.get(auth+"&usage[hits]=9"), 200, status("", treePlan, tree(1, 1, 1, 0)))
	// Set usage sets the metric and its ancestors.
	expect(t, "set", s.get(authrep+"&usage[deep]=%233"), 200, status("", treePlan, tree(3, 3, 3, 0)))
	// A set on a child sets every ancestor, and the last one processed wins
	// (process_parents): search's increment is overwritten by deep's #0.
	expect(t, "set after increment", s.get(authrep+"&usage[search]=1&usage[deep]=%230"), 200, status("", treePlan, tree(0, 0, 0, 0)))
	// Usage 0 checks only the metric and its parents.
	expect(t, "zero", s.get(authrep+"&usage[hits]=0"), 200, status("", treePlan, tree(0, 0, 0, 0)))
	// Exactly at the limit passes; one more does not.
	expect(t, "to the limit", s.get(authrep+"&usage[hits]=10"), 200, status("", treePlan, tree(10, 0, 0, 0)))
	expect(t, "at the limit, no usage", s.get(auth), 200, status("", treePlan, tree(10, 0, 0, 0)))
	expect(t, "over", s.get(auth+"&usage[hits]=1"), 409, status("usage limits are exceeded", treePlan, tree(10, 0, 0, 0)))
	expect(t, "set above the limit", s.get(authrep+"&usage[hits]=%2311"), 409, status("usage limits are exceeded", treePlan, tree(10, 0, 0, 0)))
	// Reports are not limited; exceeded="true" shows a stored value over
	// the limit, and the app is denied until the period ends.
	expect(t, "report over the limit", s.form("/transactions.xml", "provider_key=spk&transactions[0][app_id]=tree&transactions[0][usage][hits]=5"), 202, "")
	expect(t, "exceeded", s.get(auth), 409, status("usage limits are exceeded", treePlan, tree(15, 0, 0, 0)))
	// Other metrics are not blocked by the exceeded one... unless they are
	// its descendants.
	expect(t, "other metric", s.get(auth+"&usage[other]=0"), 200, status("", treePlan, tree(15, 0, 0, 0)))
	expect(t, "descendant", s.get(auth+"&usage[deep]=0"), 409, status("usage limits are exceeded", treePlan, tree(15, 0, 0, 0)))
	// flat_usage: no propagation to parents in the check and the store; the
	// displayed parents still add their children's usage (a quirk).
	s.clock.Set(day("23:59:59").Add(1e9)) // Monday: new day and week
	r := s.get(authrep+"&usage[deep]=1", "3scale-options: flat_usage=1&hierarchy=1")
	if r.status != 200 {
		t.Errorf("flat authrep: status %d", r.status)
	}
	expectIn(t, "flat authrep", r.body,
		`<usage_report metric="hits" period="day"><period_start>2026-11-23 00:00:00 +0000</period_start><period_end>2026-11-24 00:00:00 +0000</period_end><max_value>10</max_value><current_value>1</current_value>`,
		`<usage_report metric="search" period="day"><period_start>2026-11-23 00:00:00 +0000</period_start><period_end>2026-11-24 00:00:00 +0000</period_end><max_value>5</max_value><current_value>1</current_value>`,
		`<hierarchy><metric name="hits" children="search"/><metric name="hits" children="search"/><metric name="hits" children="search"/><metric name="search" children="deep"/><metric name="deep" children=""/><metric name="other" children=""/></hierarchy></status>`)
	expectIn(t, "after flat authrep", s.get(auth).body,
		`<usage_report metric="hits" period="day"><period_start>2026-11-23 00:00:00 +0000</period_start><period_end>2026-11-24 00:00:00 +0000</period_end><max_value>10</max_value><current_value>0</current_value>`,
		`<usage_report metric="search" period="day"><period_start>2026-11-23 00:00:00 +0000</period_start><period_end>2026-11-24 00:00:00 +0000</period_end><max_value>5</max_value><current_value>0</current_value>`,
		`<usage_report metric="deep" period="hour"><period_start>2026-11-23 00:00:00 +0000</period_start><period_end>2026-11-23 01:00:00 +0000</period_end><max_value>3</max_value><current_value>1</current_value>`)
}

// Periods are UTC and weeks start on Monday (9.1).
func TestSpecPeriods(t *testing.T) {
	s := specSandbox(t)
	s.get(authrep + "&usage[hits]=4")
	s.clock.Set(day("23:59:59"))
	expectIn(t, "Sunday is in the week of Monday the 16th", s.get(auth).body,
		`<usage_report metric="hits" period="week"><period_start>2026-11-16 00:00:00 +0000</period_start><period_end>2026-11-23 00:00:00 +0000</period_end><max_value>100</max_value><current_value>4</current_value>`)
	s.clock.Set(day("23:59:59").Add(1e9)) // Monday 2026-11-23 00:00:00
	expectIn(t, "on Monday", s.get(auth).body,
		`<usage_report metric="hits" period="year"><period_start>2026-01-01 00:00:00 +0000</period_start><period_end>2027-01-01 00:00:00 +0000</period_end><max_value>1000</max_value><current_value>4</current_value>`,
		`<usage_report metric="hits" period="week"><period_start>2026-11-23 00:00:00 +0000</period_start><period_end>2026-11-30 00:00:00 +0000</period_end><max_value>100</max_value><current_value>0</current_value>`,
		`<usage_report metric="hits" period="day"><period_start>2026-11-23 00:00:00 +0000</period_start><period_end>2026-11-24 00:00:00 +0000</period_end><max_value>10</max_value><current_value>0</current_value>`)
}

// Every extension of section 7.
func TestSpecExtensions(t *testing.T) {
	s := specSandbox(t)
	// no_body: empty body, same status, also for error documents...
	expect(t, "no_body", s.get(auth, "3scale-options: no_body=1"), 200, "")
	expect(t, "no_body denial", s.get(auth+"&usage[other]=1", "3scale-options: no_body=true&rejection_reason_header=1"), 409, "", "3scale-rejection-reason: limits_exceeded")
	expect(t, "no_body error", s.get("/transactions/authorize.xml?provider_key=spk&app_id=nope", "3scale-options: no_body=yes"), 404, "")
	expect(t, "no_body=0", s.get("/transactions/authorize.xml?provider_key=spk&app_id=nope", "3scale-options: no_body=0"), 404, errDoc("application_not_found", `application with id="nope" was not found`))
	expect(t, "no_body param", s.get("/transactions/authorize.xml?provider_key=spk&app_id=nope&no_body=1"), 404, "")
	// ...but not for bad UTF-8 or malformed parameters.
	expect(t, "no_body, bad UTF-8", s.get(auth+"&x=%ff", "3scale-options: no_body=1"), 422, errDoc("not_valid_data", "all data must be valid UTF8"))
	expect(t, "no_body, bad encoding", s.get(auth+"&x=%", "3scale-options: no_body=1"), 400, errDoc("bad_request", "Invalid query parameters: invalid %-encoding"))
	// no_body checks metrics before the validators, unstripped.
	expect(t, "no_body metric first", s.get("/transactions/authorize.xml?provider_key=spk&app_id=tree&app_key=bad&usage[nope]=1", "3scale-options: no_body=1"), 404, "")
	expect(t, "no_body metric unstripped", s.get(auth+"&usage[+hits+]=1", "3scale-options: no_body=1"), 404, "")
	expect(t, "metric stripped", s.get(auth+"&usage[+hits+]=1"), 200, status("", treePlan, tree(0, 0, 0, 0)))

	// rejection_reason_header is not set on success nor on error documents.
	expect(t, "reason header on success", s.get(auth, rrh), 200, status("", treePlan, tree(0, 0, 0, 0)), "3scale-rejection-reason:")
	expect(t, "reason header on error", s.get("/transactions/authorize.xml?provider_key=spk&app_id=nope", rrh), 404,
		errDoc("application_not_found", `application with id="nope" was not found`), "3scale-rejection-reason:")

	// limit_headers: the most constrained report.
	lh := "3scale-options: limit_headers=1"
	expect(t, "limit headers, predicted", s.get(auth+"&usage[search]=2", lh), 200, status("", treePlan, tree(0, 0, 0, 0)),
		"3scale-limit-remaining: 2", "3scale-limit-reset: 49500", "3scale-limit-max-value: 5")
	expect(t, "limit headers, authrep", s.get(authrep+"&usage[hits]=3", lh), 200, status("", treePlan, tree(3, 0, 0, 0)),
		"3scale-limit-remaining: 2", "3scale-limit-reset: 49500", "3scale-limit-max-value: 10")
	// Without usage every report counts, and the disabled metric (limit 0)
	// has no calls left.
	expect(t, "limit headers, no usage", s.get(auth, lh), 200, status("", treePlan, tree(3, 0, 0, 0)),
		"3scale-limit-remaining: 0", "3scale-limit-reset: 60", "3scale-limit-max-value: 0")
	expect(t, "limit headers, no limits", s.get("/transactions/authorize.xml?provider_key=spk&app_id=open", lh), 200, status("", "<plan>Open</plan>", ""),
		"3scale-limit-remaining: -1", "3scale-limit-reset: -1", "3scale-limit-max-value:")
	expect(t, "limit headers, key denial", s.get("/transactions/authorize.xml?provider_key=spk&app_id=tree&usage[hits]=1", lh), 409,
		status("application key is missing", treePlan, tree(3, 0, 0, 0)), "3scale-limit-remaining:", "3scale-limit-reset:")
	expect(t, "limit headers, limits denial", s.get(auth+"&usage[hits]=8", lh), 409, status("usage limits are exceeded", treePlan, tree(3, 0, 0, 0)),
		"3scale-limit-remaining: 0", "3scale-limit-reset: 49500", "3scale-limit-max-value: 10")

	// hierarchy and list_app_keys, after the usage reports.
	expect(t, "hierarchy", s.get("/transactions/authorize.xml?provider_key=spk&app_id=open", "3scale-options: hierarchy=1&list_app_keys=1"), 200,
		status("", "<plan>Open</plan>", `<app_keys app="open" svc="2001"></app_keys><hierarchy></hierarchy>`))
	expect(t, "app keys", s.get(auth, "3scale-options: list_app_keys=1"), 200,
		status("", treePlan, tree(3, 0, 0, 0)+`<app_keys app="tree" svc="2001"><key id="k1"/><key id="k2"/></app_keys>`))
	// Only "1" enables the others.
	expect(t, "list_app_keys=true", s.get(auth, "3scale-options: list_app_keys=true"), 200, status("", treePlan, tree(3, 0, 0, 0)))
}

// Reports (section 8) in the shapes real clients send them.
func TestSpecReports(t *testing.T) {
	s := specSandbox(t)
	hits := func(name string, want int64) {
		t.Helper()
		expectIn(t, name, s.get(auth).body, ur("hits", "day", 10, want, want > 10))
	}
	// The Go client: every parameter in the query, an empty body, no Content-Type.
	expect(t, "query report", s.call("POST", "/transactions.xml?provider_key=spk&service_id=2001&transactions[0][app_id]=tree&transactions[0][usage][hits]=1", ""), 202, "")
	hits("query report", 1)
	// Multipart, as some HTTP libraries post forms.
	mp := "--XX\r\nContent-Disposition: form-data; name=\"provider_key\"\r\n\r\nspk\r\n" +
		"--XX\r\nContent-Disposition: form-data; name=\"transactions[0][app_id]\"\r\n\r\ntree\r\n" +
		"--XX\r\nContent-Disposition: form-data; name=\"transactions[0][usage][hits]\"\r\n\r\n2\r\n--XX--\r\n"
	expect(t, "multipart", s.call("POST", "/transactions.xml", mp, "Content-Type: multipart/form-data; boundary=XX"), 202, "")
	hits("multipart", 3)
	// Unencoded brackets, && and a charset.
	expect(t, "raw brackets", s.call("POST", "/transactions.xml", "provider_key=spk&&transactions[0][app_id]=tree&transactions[0][usage][hits]=1&", "Content-Type: Application/X-WWW-Form-Urlencoded; charset=UTF-8"), 202, "")
	hits("raw brackets", 4)
	// The .NET client's empty provider_key beside a service token.
	expect(t, "empty provider_key", s.form("/transactions.xml", "provider_key=&service_token=tree-token&service_id=2001&transactions[0][app_id]=tree&transactions[0][usage][hits]=1"),
		403, errDoc("service_token_invalid", `service token "tree-token" or service id "2001" is invalid`))
	// The Ruby client's leading-bracket keys are ignored: nothing is reported.
	expect(t, "leading brackets", s.get("/transactions/authrep.xml?provider_key=spk&app_id=tree&app_key=k1&%5Busage%5D%5Bhits%5D=1"), 200, status("", treePlan, tree(4, 0, 0, 0)))
	hits("leading brackets", 4)
	// All or nothing: one bad transaction drops the batch.
	expect(t, "bad batch", s.form("/transactions.xml", "provider_key=spk&transactions[0][app_id]=tree&transactions[0][usage][hits]=1&transactions[1][app_id]=tree&transactions[1][usage][nope]=1"), 202, "")
	hits("bad batch", 4)
	// Only-zero usage is skipped; log[code] is accepted; suspended and
	// pending apps are accepted and limits are not checked.
	expect(t, "zeros", s.form("/transactions.xml", "provider_key=spk&transactions[0][app_id]=tree&transactions[0][usage][hits]=0&transactions[0][log][code]=200"), 202, "")
	expect(t, "over limits", s.form("/transactions.xml", "provider_key=spk&transactions[0][app_id]=tree&transactions[0][usage][hits]=20&transactions[1][app_id]=pending&transactions[1][usage][hits]=1"), 202, "")
	hits("over limits", 24)
	// Timestamps: yesterday's counter, not today's; the window is -24 h..+1 h.
	expect(t, "yesterday", s.form("/transactions.xml", "provider_key=spk&transactions[0][app_id]=open&transactions[0][usage][hits]=1&transactions[0][timestamp]=2026-11-21%2012:00:00&transactions[1][app_id]=tree&transactions[1][usage][hits]=1&transactions[1][timestamp]=2026-11-21T12:00:00Z"), 202, "")
	hits("yesterday", 24)
	expectIn(t, "yesterday counts in the week", s.get(auth).body, ur("hits", "week", 100, 25, false))
	expect(t, "unix and zone", s.form("/transactions.xml", "provider_key=spk&transactions[0][app_id]=tree&transactions[0][usage][hits]=1&transactions[0][timestamp]=1795342500&transactions[1][app_id]=tree&transactions[1][usage][hits]=1&transactions[1][timestamp]=2026-11-22%2012:15:00%20%2B0200"), 202, "")
	hits("unix and zone", 26)
	expect(t, "too new", s.form("/transactions.xml", "provider_key=spk&transactions[0][app_id]=tree&transactions[0][usage][hits]=1&transactions[0][timestamp]=2026-11-22%2011:15:01"), 202, "")
	expect(t, "too old", s.form("/transactions.xml", "provider_key=spk&transactions[0][app_id]=tree&transactions[0][usage][hits]=1&transactions[0][timestamp]=0"), 202, "")
	hits("too new and too old", 26)
	// Format errors are synchronous.
	expect(t, "array transactions", s.form("/transactions.xml", "provider_key=spk&transactions[][app_id]=tree"), 400, errDoc("transactions_format_invalid", "transactions format is invalid"))
	expect(t, "user_id in a transaction", s.form("/transactions.xml", "provider_key=spk&transactions[0][app_id]=tree&transactions[0][user_id]=u"), 400,
		errDoc("end_users_no_longer_supported", "End-users are no longer supported, do not specify the user_id parameter"))
	expect(t, "usage not a hash", s.form("/transactions.xml", "provider_key=spk&transactions[0][app_id]=tree&transactions[0][usage]=5"), 400,
		errDoc("bad_request", "request contains syntax errors, should not be repeated without modification"))
	expect(t, "bad encoding in a body", s.form("/transactions.xml", "provider_key=spk&transactions[0][app_id]=%zz"), 400,
		errDoc("bad_request", "Invalid query parameters: invalid %-encoding"))
	expect(t, "unknown service", s.form("/transactions.xml", "provider_key=spk&service_id=9&transactions[0][app_id]=tree"), 403, errDoc("service_id_invalid", `service id "9" is invalid`))

	// The failed batches, newest first.
	r := s.get("/internal/services/2001/errors/")
	var codes []string
	for _, c := range []string{"transaction_timestamp_too_old", "transaction_timestamp_too_new", "metric_invalid"} {
		if i := strings.Index(r.body, `"code":"`+c+`"`); i >= 0 {
			codes = append(codes, c)
		}
	}
	if r.status != 200 || len(codes) != 3 || strings.Index(r.body, "too_old") > strings.Index(r.body, "too_new") {
		t.Errorf("errors: %d %s", r.status, r.body)
	}
	expect(t, "delete errors", s.call("DELETE", "/internal/services/2001/errors/", ""), 200, `{"status":"deleted"}`)
	expect(t, "no errors", s.get("/internal/services/2001/errors/"), 200, `{"status":"found","errors":[],"count":0}`, "Content-Type: application/json")
	expect(t, "errors of an unknown service", s.get("/internal/services/9/errors/"), 404, `{"status":"not_found","error":"service not found"}`)
}

// The other endpoints of section 2, and the 404s.
func TestSpecEndpoints(t *testing.T) {
	s := specSandbox(t)
	expect(t, "OPTIONS", s.call("OPTIONS", "/transactions/authorize.xml", ""), 204, "",
		"Access-Control-Allow-Origin: *", "Access-Control-Max-Age: 86400", "Access-Control-Allow-Methods: GET, POST, PATCH, PUT, DELETE",
		"Access-Control-Allow-Headers: Authorization, Accept-Encoding, Content-Type, Cache-Control, Accept, If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since, X-Requested-With, X-HTTP-Method-Override, 3scale-options")
	expect(t, "OPTIONS anywhere", s.call("OPTIONS", "/whatever", ""), 204, "")
	expect(t, "check.txt", s.get("/check.txt"), 200, "ok", "Content-Type: text/plain;charset=utf-8")
	expect(t, "status", s.get("/status"), 200, `{"status":"ok","version":{"backend":"3.4.3"}}`, "Content-Type: application/json")
	expect(t, "available", s.call("HEAD", "/available", ""), 200, "")
	expect(t, "HEAD authorize", s.call("HEAD", auth, ""), 200, "")
	for _, c := range []struct{ method, path string }{
		{"GET", "/"}, {"GET", "/nope"}, {"GET", "/transactions.xml"}, {"POST", "/transactions/authorize.xml"},
		{"PUT", "/transactions.xml"}, {"GET", "/transactions/authorize"}, {"DELETE", "/transactions/authrep.xml"},
	} {
		expect(t, c.method+" "+c.path, s.call(c.method, c.path, ""), 404, "", "X-Cascade: pass",
			"Content-Type: application/vnd.3scale-v2.0+xml", "Access-Control-Allow-Origin: *")
	}
	expect(t, "headers", s.get(auth), 200, status("", treePlan, tree(0, 0, 0, 0)),
		"Access-Control-Expose-Headers: ETag, Link, 3scale-rejection-reason", "Content-Security-Policy: default-src 'self'")
	// The real backend answers 500 here; the sandbox says what is wrong.
	expect(t, "bad options header", s.get(auth, "3scale-options: a=%"), 400, errDoc("bad_request", "invalid 3scale-options header: invalid %-encoding (%)"))
}

// On the wire, header names are lower-case as Rack 3 sends them, and there
// is exactly one Content-Type.
func TestSpecWireHeaders(t *testing.T) {
	s := specSandbox(t)
	conn, err := net.Dial("tcp", strings.TrimPrefix(s.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: x\r\n3scale-options: rejection_reason_header=1&limit_headers=1\r\nConnection: close\r\n\r\n",
		"/transactions/authorize.xml?provider_key=spk&app_id=tree&app_key=k1&usage[other]=1")
	raw, err := io.ReadAll(conn)
	if err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(string(raw), "\r\n\r\n")
	for _, want := range []string{
		"HTTP/1.1 409 Conflict", "\r\nContent-Type: application/vnd.3scale-v2.0+xml\r\n",
		"\r\naccess-control-allow-origin: *\r\n", "\r\naccess-control-expose-headers: ETag, Link, 3scale-rejection-reason\r\n",
		"\r\ncontent-security-policy: default-src 'self'\r\n", "\r\n3scale-rejection-reason: limits_exceeded\r\n",
		"\r\n3scale-limit-remaining: 0\r\n", "\r\n3scale-limit-reset: 60\r\n", "\r\n3scale-limit-max-value: 0\r\n",
	} {
		if !strings.Contains(head, want) {
			t.Errorf("want %q in\n%s", want, head)
		}
	}
	if n := strings.Count(strings.ToLower(head), "content-type:"); n != 1 {
		t.Errorf("%d Content-Type headers in\n%s", n, head)
	}
}
