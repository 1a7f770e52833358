package admin_test

import (
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
)

func TestSmoke(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.AdminClient(t)
	c.Login("admin", "admin")
	for _, path := range []string{"/buyers/service_contracts", "/buyers/accounts/1/service_contracts", "/buyers/accounts/1/service_contracts/1/edit", "/buyers/service_contracts/bulk/change_plan/new?selected[]=1&selected[]=2", "/buyers/service_contracts/bulk/change_state/new?selected[]=1&selected[]=2"} {
		r := c.Get(path)
		t.Logf("%s %d\n%s", path, r.Status, r.Text())
	}
}
