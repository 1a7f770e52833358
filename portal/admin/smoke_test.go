package admin_test

import (
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
)

func TestSmoke(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.AdminClient(t)
	c.Login("admin", "admin")
	for _, path := range []string{"/site/usage_rules/edit", "/apiconfig/services/2555417735001/usage_rules", "/apiconfig/services/2555417735001/application_plans", "/apiconfig/application_plans/1/edit"} {
		r := c.Get(path)
		t.Logf("%s %d\n%s", path, r.Status, r.Text())
	}
}
