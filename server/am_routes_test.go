package server

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
)

// Every Account Management API route refuses a caller without credentials
// with porta's 403, and answers an unknown id with 404.
func TestAMEveryRoute(t *testing.T) {
	s := amSandbox(t)
	_, h := seeded(t, "", mustWorld(t, "testdata/am.yaml"), s.clock)
	param := regexp.MustCompile(`:[a-z_]+`)
	seen := 0
	for _, r := range h.(*Server).Routes() {
		if !strings.HasPrefix(r.Path, "/admin/api/") || strings.HasSuffix(r.Path, ".:format") || r.Method == http.MethodPatch {
			continue
		}
		seen++
		path := param.ReplaceAllString(r.Path, "9999")
		denied, unknown := accessNo, ""
		if strings.Contains(path, "/service_subscriptions") { // JSON-only routes
			path += ".json"
			denied, unknown = `{"error":"Access denied"}`, `{"status":"Not found"}`
		} else {
			path += ".xml"
		}
		format := "xml"
		if strings.HasPrefix(r.Path, "/admin/api/settings") || r.Path == "/admin/api/webhooks" || r.Path == "/admin/api/webhooks.xml" {
			format = "json" // JSON-only endpoints refuse XML once the caller is known
		}
		if r.Method == http.MethodHead {
			denied = "" // Rack::Head keeps the status, not the body
		}
		expect(t, r.Method+" "+path+" without credentials", s.call(r.Method, path, ""), 403, denied)
		if !param.MatchString(r.Path) {
			continue
		}
		got := s.call(r.Method, path+"?"+rw, "")
		if format == "xml" {
			if r.Method == http.MethodHead {
				unknown = ""
			}
			expect(t, r.Method+" "+path+" unknown id", got, 404, unknown)
		}
	}
	if seen < 60 {
		t.Errorf("only %d routes under /admin/api", seen)
	}
	// XML of a JSON-only endpoint (every other endpoint answers both:
	// am_json_test.go).
	expect(t, "xml", s.get("/admin/api/webhooks.xml?"+rw), 406, xmlDecl+`<error>The server does not understand "xml" request.</error>`)
}

func mustWorld(t testing.TB, path string) *fixtures.World {
	t.Helper()
	w, err := fixtures.Load([]string{path}, zeroReader{})
	if err != nil {
		t.Fatal(err)
	}
	return w
}
