package server

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/benchworld"
)

// An Account Management API write is what the very next authorize sees,
// whatever the size of the world: an application suspended, resumed, its
// plan's limit lowered, its account's key changed, a new application.
// (100,000 applications: make bench, BenchmarkAMUpdateAccount and the load
// test.)
func TestAMWriteSeenByNextAuthorize(t *testing.T) {
	sizes := []int{10, 1000, 10000}
	if testing.Short() {
		sizes = sizes[:2]
	}
	for _, n := range sizes {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "world.yaml")
			if err := os.WriteFile(path, []byte(benchworld.YAML(n)), 0o644); err != nil {
				t.Fatal(err)
			}
			s := start(t, path, day("10:15:00"))
			last := n // in the last account, far from the first rows
			acc := (n + 1) / 2
			app := fmt.Sprintf("/admin/api/accounts/%d/applications/%d", acc, last)
			keys := map[int]string{}
			auth := func(i int) string {
				key, ok := keys[i]
				if !ok {
					key = fmt.Sprintf("key-%d", i)
				}
				return fmt.Sprintf("/transactions/authorize.xml?provider_key=bench-key&service_id=1&app_id=app-%d&app_key=%s&usage%%5Bhits%%5D=1", i, key)
			}
			ok := func(name string, i int) {
				t.Helper()
				expectIn(t, name, s.get(auth(i)).body, "<authorized>true</authorized>")
			}
			denied := func(name string, i int, reason string) {
				t.Helper()
				r := s.get(auth(i))
				if r.status != 409 || !strings.Contains(r.body, "<reason>"+reason+"</reason>") {
					t.Errorf("%s: %d %s, want 409 %q", name, r.status, r.body, reason)
				}
			}
			ok("before", last)
			expect200(t, "suspend", s.am("PUT", app+"/suspend.xml", "provider_key=bench-key"))
			denied("suspended", last, "application is not active")
			ok("a sibling is untouched", last-1)
			expect200(t, "resume", s.am("PUT", app+"/resume.xml", "provider_key=bench-key"))
			ok("resumed", last)

			expect200(t, "new key", s.am("POST", app+"/keys.xml", "provider_key=bench-key&key=fresh-key-1"))
			expect200(t, "old key gone", s.am("DELETE", app+fmt.Sprintf("/keys/key-%d.xml", last), "provider_key=bench-key"))
			denied("old key", last, fmt.Sprintf("application key \"key-%d\" is invalid", last))
			keys[last] = "fresh-key-1"
			ok("new key", last)

			// The plan every application is on: one write, seen by all.
			plans := s.get("/admin/api/services/1/application_plans.xml?provider_key=bench-key").body
			planID := between(plans, "<id>", "</id>")
			limits := s.get("/admin/api/application_plans/" + planID + "/limits.xml?provider_key=bench-key").body
			limitID, metricID := between(limits, "<id>", "</id>"), between(limits, "<metric_id>", "</metric_id>")
			expect200(t, "limit", s.am("PUT", "/admin/api/application_plans/"+planID+"/metrics/"+metricID+"/limits/"+limitID+".xml",
				"provider_key=bench-key&value=0"))
			denied("limit 0, last", last, "usage limits are exceeded")
			denied("limit 0, first", 1, "usage limits are exceeded")

			expect200(t, "account renamed", s.am("PUT", fmt.Sprintf("/admin/api/accounts/%d.xml", acc), "provider_key=bench-key&org_name=Renamed"))
			expectIn(t, "renamed", s.get(fmt.Sprintf("/admin/api/accounts/%d.xml?provider_key=bench-key", acc)).body, "<org_name>Renamed</org_name>")
		})
	}
}

func expect200(t *testing.T, name string, r reply) {
	t.Helper()
	if r.status != 200 && r.status != 201 {
		t.Fatalf("%s: %d %s", name, r.status, r.body)
	}
}

// between is the text between the first from and the next to.
func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(rest, to)
	return v
}
