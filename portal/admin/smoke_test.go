package admin_test

import (
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
)

func TestSmoke(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.AdminClient(t)
	c.Login("admin", "admin")
	for _, path := range []string{"/buyers/accounts", "/buyers/accounts/new", "/buyers/accounts/1", "/buyers/accounts/1/edit",
		"/buyers/accounts/1/applications", "/buyers/accounts/1/applications/new", "/buyers/accounts/1/users",
		"/buyers/accounts/1/users/1", "/buyers/accounts/1/invitations", "/buyers/accounts/1/invitations/new",
		"/p/admin/applications", "/buyers/accounts/bulk/change_state/new?selected[]=1&selected[]=2"} {
		r := c.Get(path)
		t.Logf("%s %d\n%s", path, r.Status, r.Text())
	}
}
