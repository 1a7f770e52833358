package admin_test

import (
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
)

func TestSmoke(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.AdminClient(t)
	c.Login("admin", "admin")
	for _, path := range []string{"/p/admin/applications/1", "/p/admin/applications/2", "/p/admin/applications/3", "/p/admin/applications/5",
		"/p/admin/applications/1/edit", "/p/admin/applications/2/keys/legacy-user-key/edit", "/p/admin/applications/1/keys/new",
		"/buyers/applications/bulk/change_plan/new?selected[]=1&selected[]=2", "/buyers/applications/bulk/change_plan/new?selected[]=1&selected[]=4"} {
		r := c.Get(path)
		t.Logf("%s %d\n%s", path, r.Status, r.Text())
	}
}
