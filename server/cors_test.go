package server

import "testing"

// The backend's CORS headers belong to the Service Management API only: a
// web page in the user's browser must not reach porta's API or the
// sandbox's own routes (issue: OPTIONS on /admin/api allowed PUT and
// DELETE from any origin).
func TestCORSOnlyOnTheServiceManagementAPI(t *testing.T) {
	s := amSandbox(t)
	noCORS := []string{"Access-Control-Allow-Origin:", "Access-Control-Allow-Methods:", "Access-Control-Allow-Headers:",
		"Access-Control-Expose-Headers:", "Access-Control-Max-Age:"}
	for _, path := range []string{"/admin/api/accounts.xml", "/admin/api/accounts/1/applications/1/suspend.xml",
		"/admin/api", "/admin/api/nope"} {
		expect(t, "OPTIONS "+path, s.call("OPTIONS", path, "", "Origin: https://evil.example",
			"Access-Control-Request-Method: PUT"), 404, "", append(noCORS, "Content-Type: application/xml", "X-Cascade:")...)
	}
	// The control API's 404 is JSON, naming the routes there are.
	for path, want := range map[string]string{
		"/_sandbox/webhooks": `{"error":"no control route OPTIONS /_sandbox/webhooks (did you mean DELETE /_sandbox/webhooks or GET /_sandbox/webhooks?); GET /_sandbox/openapi.yaml describes them"}`,
		"/_sandbox/nope":     `{"error":"no control route OPTIONS /_sandbox/nope; GET /_sandbox/openapi.yaml describes them"}`,
	} {
		expect(t, "OPTIONS "+path, s.call("OPTIONS", path, "", "Origin: https://evil.example",
			"Access-Control-Request-Method: PUT"), 404, want+"\n", append(noCORS, "Content-Type: application/json; charset=utf-8", "X-Cascade:")...)
	}
	if r := s.get("/admin/api/accounts/1.xml?"+rw, "Origin: https://evil.example"); r.status != 200 {
		t.Errorf("an API answer: %d %s", r.status, r.body)
	} else {
		expect(t, "an API answer", r, 200, r.body, noCORS...)
	}
	expect(t, "an API 404", s.get("/admin/api/nope.xml?"+rw), 404, "", noCORS...)
	expect(t, "the outbox", s.get("/_sandbox/webhooks"), 200, `{"events":[]}`+"\n", noCORS...)
	// The backend keeps its headers, on every path of its own.
	expect(t, "OPTIONS on the backend", s.call("OPTIONS", "/transactions/authrep.xml", ""), 204, "",
		"Access-Control-Allow-Origin: *", "Access-Control-Allow-Methods: GET, POST, PATCH, PUT, DELETE")
	expect(t, "OPTIONS on an unknown path", s.call("OPTIONS", "/administration", ""), 204, "", "Access-Control-Allow-Origin: *")
}
