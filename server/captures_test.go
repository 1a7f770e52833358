package server

import (
	"fmt"
	"strings"
	"testing"
)

// The reference captures of the real backend, replayed in the order they
// were recorded, with the sandbox clock at the times they were recorded.
// Every expected body below is the real backend's, byte for byte.

// plan1Reports is service 1001's usage_reports as the real backend writes
// them; minute is the minute of the hour ("26"), the rest are counters.
func plan1Reports(minute int, hitsDay, hitsMinute, storage, search int) string {
	return fmt.Sprintf(`<usage_reports><usage_report metric="hits" period="day"><period_start>2026-11-22 00:00:00 +0000</period_start><period_end>2026-11-23 00:00:00 +0000</period_end><max_value>100</max_value><current_value>%d</current_value></usage_report><usage_report metric="hits" period="minute"><period_start>2026-11-22 07:%02d:00 +0000</period_start><period_end>2026-11-22 07:%02d:00 +0000</period_end><max_value>5</max_value><current_value>%d</current_value></usage_report><usage_report metric="storage" period="eternity"><max_value>0</max_value><current_value>%d</current_value></usage_report><usage_report metric="search" period="month"><period_start>2026-11-01 00:00:00 +0000</period_start><period_end>2026-12-01 00:00:00 +0000</period_end><max_value>1000</max_value><current_value>%d</current_value></usage_report></usage_reports>`,
		hitsDay, minute, minute+1, hitsMinute, storage, search)
}

func plan1(reason string, reports string) string {
	auth := `<authorized>true</authorized>`
	if reason != "" {
		auth = `<authorized>false</authorized><reason>` + reason + `</reason>`
	}
	return xmlDecl + `<status>` + auth + `<plan>Basic &amp; &lt;Pro&gt;</plan>` + reports + `</status>`
}

const (
	pk1  = "/transactions/authorize.xml?provider_key=pk1&service_id=1001"
	rep1 = "/transactions/authrep.xml?provider_key=pk1&service_id=1001"
)

func TestCapturesAuthorize(t *testing.T) {
	s := start(t, "testdata/captures.yaml", day("07:26:30"))
	fresh := plan1Reports(26, 0, 0, 0, 0)
	cases := []struct {
		name, path string
		status     int
		body       string
	}{
		{"authorized with usage", pk1 + "&app_id=app1&app_key=secret1&usage%5Bhits%5D=1", 200, plan1("", fresh)},
		{"service token", "/transactions/authorize.xml?service_token=tok1&service_id=1001&app_id=app1&app_key=secret1", 200, plan1("", fresh)},
		{"key missing", pk1 + "&app_id=app1", 409, plan1("application key is missing", fresh)},
		{"key invalid", pk1 + "&app_id=app1&app_key=wrong", 409, plan1(`application key "wrong" is invalid`, fresh)},
		{"keyless app, referrer missing", pk1 + "&app_id=app2&app_key=anything", 409, plan1("referrer is missing", fresh)},
		{"referrer missing", pk1 + "&app_id=app2", 409, plan1("referrer is missing", fresh)},
		{"referrer matches", pk1 + "&app_id=app2&referrer=foo.example.org", 200, plan1("", fresh)},
		{"referrer refused", pk1 + "&app_id=app2&referrer=example.com", 409, plan1(`referrer "example.com" is not allowed`, fresh)},
		{"referrer bypass", pk1 + "&app_id=app2&referrer=*", 200, plan1("", fresh)},
		{"suspended app", pk1 + "&app_id=app3", 409, plan1("application is not active", fresh)},
		{"unknown app", pk1 + "&app_id=nope", 404, errDoc("application_not_found", `application with id="nope" was not found`)},
		{"no app", pk1, 404, errDoc("application_not_found", "application id is missing")},
		{"bad provider key", "/transactions/authorize.xml?provider_key=bad&service_id=1001&app_id=app1", 403, errDoc("provider_key_invalid", `provider key "bad" is invalid`)},
		{"bad provider key, no service", "/transactions/authorize.xml?provider_key=bad&app_id=app1", 403, errDoc("provider_key_invalid_or_service_missing", `provider key "bad" invalid and/or service ID missing`)},
		{"default service", "/transactions/authorize.xml?provider_key=pk1&app_id=app1", 409, plan1("application key is missing", fresh)},
		{"unknown service", "/transactions/authorize.xml?provider_key=pk1&service_id=9999&app_id=app1", 403, errDoc("service_id_invalid", `service id "9999" is invalid`)},
		{"no credentials", "/transactions/authorize.xml?app_id=app1", 403, errDoc("provider_key_or_service_token_required", "Provider key or service token are required")},
		{"token without service", "/transactions/authorize.xml?service_token=tok1&app_id=app1", 422, errDoc("service_id_missing", "Service ID is missing")},
		{"bad token", "/transactions/authorize.xml?service_token=bad&service_id=1001&app_id=app1", 403, errDoc("service_token_invalid", `service token "bad" or service id "1001" is invalid`)},
		{"unknown metric", pk1 + "&app_id=app1&app_key=secret1&usage%5Bnope%5D=1", 404, errDoc("metric_invalid", `metric "nope" is invalid`)},
		{"negative usage", pk1 + "&app_id=app1&app_key=secret1&usage%5Bhits%5D=-1", 403, errDoc("usage_value_invalid", `usage value "-1" for metric "hits" is invalid`)},
		{"empty usage", pk1 + "&app_id=app1&app_key=secret1&usage%5Bhits%5D=", 403, errDoc("usage_value_invalid", `usage value for metric "hits" can not be empty`)},
		{"usage not a hash", pk1 + "&app_id=app1&app_key=secret1&usage=5", 403, ""},
		{"over the minute limit", pk1 + "&app_id=app1&app_key=secret1&usage%5Bhits%5D=6", 409, plan1("usage limits are exceeded", fresh)},
		{"disabled metric", pk1 + "&app_id=app1&app_key=secret1&usage%5Bstorage%5D=1", 409, plan1("usage limits are exceeded", fresh)},
		{"user_id", pk1 + "&app_id=app1&app_key=secret1&user_id=u1", 400, errDoc("end_users_no_longer_supported", "End-users are no longer supported, do not specify the user_id parameter")},
		{"app_id and user_key", pk1 + "&app_id=app1&user_key=x", 403, errDoc("authentication_error", "either app_id or user_key is allowed, not both")},
		{"usage array", pk1 + "&app_id=app1&app_key=secret1&usage%5B%5D=1", 403, ""},
		{"invalid UTF-8", "/transactions/authorize.xml?provider_key=%ff%fe&app_id=app1", 422, errDoc("not_valid_data", "all data must be valid UTF8")},
	}
	for _, c := range cases {
		r := s.get(c.path)
		expect(t, c.name, r, c.status, c.body, "Content-Type: application/vnd.3scale-v2.0+xml", "Access-Control-Allow-Origin: *")
	}
}

func TestCapturesSequence(t *testing.T) {
	s := start(t, "testdata/captures.yaml", day("07:26:36"))
	lh := "3scale-options: limit_headers=1&rejection_reason_header=1"

	// B. authrep sequence (minute limit hits=5).
	expect(t, "authrep hits=2", s.get(rep1+"&app_id=app1&app_key=secret1&usage%5Bhits%5D=2"),
		200, plan1("", plan1Reports(26, 2, 2, 0, 0)))
	expect(t, "authrep search=2 with headers", s.get(rep1+"&app_id=app1&app_key=secret1&usage%5Bsearch%5D=2&log%5Bcode%5D=200", lh),
		200, plan1("", plan1Reports(26, 4, 4, 0, 2)),
		"3scale-limit-remaining: 0", "3scale-limit-reset: 24", "3scale-limit-max-value: 5", "3scale-rejection-reason:")
	s.at("07:26:38")
	expect(t, "authrep over the limit", s.get(rep1+"&app_id=app1&app_key=secret1&usage%5Bhits%5D=2", lh),
		409, plan1("usage limits are exceeded", plan1Reports(26, 4, 4, 0, 2)),
		"3scale-rejection-reason: limits_exceeded", "3scale-limit-remaining: 0", "3scale-limit-reset: 22", "3scale-limit-max-value: 5")
	expect(t, "no_body authorize", s.get(pk1+"&app_id=app1&app_key=secret1", lh+"&no_body=1"),
		200, "", "3scale-limit-remaining: -1", "3scale-limit-reset: -1", "3scale-limit-max-value:")
	expect(t, "hierarchy and app keys", s.get(pk1+"&app_id=app1&app_key=secret1&usage%5Bsearch%5D=1", "3scale-options: hierarchy=1&list_app_keys=1"),
		200, xmlDecl+`<status><authorized>true</authorized><plan>Basic &amp; &lt;Pro&gt;</plan>`+plan1Reports(26, 4, 4, 0, 2)+
			`<app_keys app="app1" svc="1001"><key id="secret1"/></app_keys><hierarchy><metric name="hits" children="search"/><metric name="hits" children="search"/><metric name="storage" children=""/><metric name="search" children=""/></hierarchy></status>`)
	expect(t, "deprecated no_body param", s.get(rep1+"&app_id=app1&app_key=secret1&no_body=true&usage%5Bhits%5D=1"), 200, "")

	// C. report.
	s.at("07:26:47")
	ok := func(name string, r reply) { t.Helper(); expect(t, name, r, 202, "") }
	ok("report", s.form("/transactions.xml", "provider_key=pk1&service_id=1001&transactions[0][app_id]=app2&transactions[0][usage][hits]=3&transactions[1][app_id]=app2&transactions[1][usage][search]=1&transactions[1][timestamp]=2026-11-22%2006:30:00%20-01:00"))
	ok("report, unknown app", s.form("/transactions.xml", "service_token=tok1&service_id=1001&transactions[0][app_id]=app2&transactions[0][usage][hits]=1&transactions[1][app_id]=NOPE&transactions[1][usage][hits]=1"))
	ok("report, unknown metric", s.form("/transactions.xml", "provider_key=pk1&service_id=1001&transactions[0][app_id]=app2&transactions[0][usage][nometric]=1"))
	ok("report, too old", s.form("/transactions.xml", "provider_key=pk1&service_id=1001&transactions[0][app_id]=app2&transactions[0][usage][hits]=1&transactions[0][timestamp]=2020-01-01%2000:00:00"))
	expect(t, "report, no transactions", s.form("/transactions.xml", "provider_key=pk1&service_id=1001"),
		400, errDoc("transactions_is_blank", "transactions parameter is blank"))
	expect(t, "report, string transactions", s.form("/transactions.xml", "provider_key=pk1&service_id=1001&transactions=abc"),
		400, errDoc("transactions_format_invalid", "transactions format is invalid"))
	expect(t, "report, nil transaction", s.form("/transactions.xml", "provider_key=pk1&service_id=1001&transactions[0]"),
		400, errDoc("transactions_has_nil_transaction", "transactions has a nil transaction"))
	expect(t, "report, bad key", s.form("/transactions.xml", "provider_key=bad&transactions[0][app_id]=app2&transactions[0][usage][hits]=1"),
		403, errDoc("provider_key_invalid_or_service_missing", `provider key "bad" invalid and/or service ID missing`))
	expect(t, "report, JSON", s.call("POST", "/transactions.xml", `{"provider_key":"pk1"}`, "Content-Type: application/json"),
		400, errDoc("content_type_invalid", "invalid Content-Type: application/json"))
	ok("report, user_key", s.form("/transactions.xml", "provider_key=pk1&service_id=1002&transactions[0][user_key]=uk1&transactions[0][usage][hits]=2"))
	expect(t, "GET report", s.get("/transactions.xml"), 404, "", "X-Cascade: pass")

	// The report batches above that had an error were stored, newest first.
	r := s.get("/internal/services/1001/errors/")
	if r.status != 200 {
		t.Fatalf("errors: %d %s", r.status, r.body)
	}
	for _, want := range []string{
		`{"status":"found","errors":[{"code":"transaction_timestamp_too_old","message":"reporting transactions older than 86400 seconds is not allowed","timestamp":"2026-11-22 07:26:47 UTC","context_info":{}},`,
		`{"code":"metric_invalid","message":"metric \"nometric\" is invalid","timestamp":"2026-11-22 07:26:47 UTC","context_info":{}},`,
		`{"code":"application_not_found","message":"application with id=\"NOPE\" was not found","timestamp":"2026-11-22 07:26:47 UTC","context_info":{}}],"count":3}`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("errors: missing %s in\n%s", want, r.body)
		}
	}

	// D. OAuth (service 1003) and user_key (service 1002).
	s.at("07:27:01")
	oauth := func(reason, redirect string, week int) string {
		auth := `<authorized>true</authorized>`
		if reason != "" {
			auth = `<authorized>false</authorized><reason>` + reason + `</reason>`
		}
		return xmlDecl + `<status>` + auth + `<application><id>app31</id><key>oauthsecret</key>` + redirect +
			`</application><plan>OAuth plan</plan><usage_reports><usage_report metric="hits" period="week"><period_start>2026-11-16 00:00:00 +0000</period_start><period_end>2026-11-23 00:00:00 +0000</period_end><max_value>50</max_value><current_value>` +
			fmt.Sprint(week) + `</current_value></usage_report></usage_reports></status>`
	}
	url := `<redirect_url>https://client.example.com/cb</redirect_url>`
	o3 := "/transactions/oauth_authorize.xml?provider_key=pk1&service_id=1003"
	expect(t, "oauth", s.get(o3+"&app_id=app31"), 200, oauth("", url, 0))
	expect(t, "oauth redirect_uri", s.get(o3+"&app_id=app31&redirect_uri=https://client.example.com/cb"), 200,
		oauth("", `<redirect_uri>https://client.example.com/cb</redirect_uri>`, 0))
	expect(t, "oauth bad redirect", s.get(o3+"&app_id=app31&redirect_url=https://evil.example.com/"), 409,
		oauth(`redirect_url "https://evil.example.com/" is invalid`, url, 0))
	expect(t, "oauth empty key", s.get(o3+"&app_id=app31&app_key="), 409, oauth("application key is missing", url, 0))
	expect(t, "oauth bad key", s.get(o3+"&app_id=app31&app_key=bad"), 409, oauth(`application key "bad" is invalid`, url, 0))
	expect(t, "oauth no app", s.get(o3), 404, errDoc("application_not_found", "application id is missing"))
	expect(t, "oauth_authrep", s.get("/transactions/oauth_authrep.xml?provider_key=pk1&service_id=1003&app_id=app31&app_key=oauthsecret&usage%5Bhits%5D=3"),
		200, oauth("", url, 3))
	expect(t, "authrep on an OIDC service", s.get("/transactions/authrep.xml?provider_key=pk1&service_id=1003&app_id=app31&usage%5Bhits%5D=1"),
		200, xmlDecl+`<status><authorized>true</authorized><plan>OAuth plan</plan><usage_reports><usage_report metric="hits" period="week"><period_start>2026-11-16 00:00:00 +0000</period_start><period_end>2026-11-23 00:00:00 +0000</period_end><max_value>50</max_value><current_value>4</current_value></usage_report></usage_reports></status>`)
	expect(t, "oauth on a non-oauth service", s.get("/transactions/oauth_authorize.xml?provider_key=pk1&service_id=1001&app_id=app1&app_key=secret1"),
		409, xmlDecl+`<status><authorized>false</authorized><reason>oauth is not enabled</reason><application><id>app1</id><key>secret1</key><redirect_url></redirect_url></application><plan>Basic &amp; &lt;Pro&gt;</plan>`+plan1Reports(27, 5, 0, 0, 2)+`</status>`)
	uk := func(hour int) string {
		return xmlDecl + `<status><authorized>true</authorized><plan>UK plan</plan><usage_reports><usage_report metric="hits" period="hour"><period_start>2026-11-22 07:00:00 +0000</period_start><period_end>2026-11-22 08:00:00 +0000</period_end><max_value>10</max_value><current_value>` +
			fmt.Sprint(hour) + `</current_value></usage_report></usage_reports></status>`
	}
	expect(t, "user_key", s.get("/transactions/authorize.xml?provider_key=pk1&service_id=1002&user_key=uk1"), 200, uk(2))
	expect(t, "user_key authrep", s.get("/transactions/authrep.xml?provider_key=pk1&service_id=1002&user_key=uk1&usage%5Bhits%5D=1"), 200, uk(3))
	expect(t, "unknown user_key", s.get("/transactions/authorize.xml?provider_key=pk1&service_id=1002&user_key=nokey"),
		403, errDoc("user_key_invalid", `user key "nokey" is invalid`))
	expect(t, "app_id on a user_key service", s.get("/transactions/authorize.xml?provider_key=pk1&service_id=1002&app_id=app21"),
		403, errDoc("user_key_invalid", "user key is missing"))
	expect(t, "user_key on an app_id service", s.get("/transactions/authorize.xml?provider_key=pk1&service_id=1001&user_key=uk1"),
		404, errDoc("application_not_found", "application id is missing"))

	// E. extras.
	s.at("07:27:04")
	expect(t, "limit headers on authorize", s.get(pk1+"&app_id=app1&app_key=secret1&usage%5Bhits%5D=1", "3scale-options: limit_headers=1"),
		200, plan1("", plan1Reports(27, 5, 0, 0, 2)),
		"3scale-limit-remaining: 5", "3scale-limit-reset: 56", "3scale-limit-max-value: 5")
	expect(t, "flat_usage set", s.get(rep1+"&app_id=app1&app_key=secret1&usage%5Bsearch%5D=%235", "3scale-options: flat_usage=1"),
		200, plan1("", plan1Reports(27, 5, 5, 0, 5)))
	expect(t, "no_body error", s.get(pk1+"&app_id=nope", "3scale-options: no_body=1"), 404, "")
	expect(t, "no_body rejection header", s.get(pk1+"&app_id=app3", "3scale-options: rejection_reason_header=1&no_body=1"),
		409, "", "3scale-rejection-reason: application_not_active")

	// F. more edge cases.
	s.at("07:27:05")
	nb := "3scale-options: rejection_reason_header=1&no_body=1"
	expect(t, "unanchored suffix", s.get(pk1+"&app_id=app2&referrer=example.org&no_body=1"), 409, "")
	expect(t, "anchored match", s.get(pk1+"&app_id=app2&referrer=a.example.org.evil.com&no_body=1"), 409, "")
	expect(t, "no_body authorized", s.get(pk1+"&app_id=app1&app_key=secret1", nb), 200, "", "3scale-rejection-reason:")
	expect(t, "set to zero", s.get(pk1+"&app_id=app1&app_key=secret1&usage%5Bhits%5D=%230", nb), 200, "")
	expect(t, "zero on a disabled metric", s.get(pk1+"&app_id=app1&app_key=secret1&usage%5Bstorage%5D=0", nb), 200, "")
	expect(t, "spaces with no_body", s.get(pk1+"&app_id=app1&app_key=secret1&usage%5B%20hits%20%5D=%201%20", nb), 404, "")
	expect(t, "spaces", s.get(pk1+"&app_id=app1&app_key=secret1&usage%5B%20hits%20%5D=%201%20"),
		200, plan1("", plan1Reports(27, 5, 0, 0, 5)))
}
