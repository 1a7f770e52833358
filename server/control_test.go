package server

import "testing"

// With a control token, every /_sandbox route wants it; the APIs do not.
func TestControlToken(t *testing.T) {
	s := startWith(t, "testdata/controls.yaml", day("10:15:00"), func(o *Options) { o.ControlToken = "s3cret" })
	for _, path := range []string{"/_sandbox/clock", "/_sandbox/health", "/_sandbox/requests", "/_sandbox/webhooks", "/_sandbox/nothing"} {
		expect(t, path, s.get(path), 401,
			`{"error":"this sandbox's control API requires Authorization: Bearer TOKEN, with the token of --control-token","field":"Authorization"}`+"\n",
			`WWW-Authenticate: Bearer realm="threescale-sandbox control API"`, "Access-Control-Allow-Origin:")
	}
	expect(t, "wrong", s.get("/_sandbox/clock", "Authorization: Bearer s3cre"), 401,
		`{"error":"wrong control token in Authorization: want Bearer and the token of --control-token","field":"Authorization"}`+"\n")
	expect(t, "basic", s.call("POST", "/_sandbox/reset", "", "Authorization: Basic czNjcmV0"), 401,
		`{"error":"wrong control token in Authorization: want Bearer and the token of --control-token","field":"Authorization"}`+"\n")
	expect(t, "right", s.get("/_sandbox/clock", "Authorization: Bearer s3cret"), 200, `{"now":"2026-11-22T10:15:00.000Z","frozen":true}`+"\n")
	if r := s.call("POST", "/_sandbox/reset", "", "Authorization: Bearer s3cret"); r.status != 200 {
		t.Errorf("reset with the token: %d %s", r.status, r.body)
	}
	if r := s.get(dailyAuthrep); r.status != 200 {
		t.Errorf("the Service Management API wants no control token: %d", r.status)
	}
	if r := s.get("/admin/api/services.xml?" + ctlAM); r.status != 200 {
		t.Errorf("the Account Management API wants no control token: %d", r.status)
	}
}
