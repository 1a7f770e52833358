package admin_test

import (
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
)

func TestSmoke(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	c := s.AdminClient(t)
	c.Login("admin", "admin")
	for _, path := range []string{"/p/admin/webhooks/edit", "/p/admin/webhooks", "/p/admin/messages", "/p/admin/messages/outbox", "/p/admin/messages/outbox/new?to=1", "/p/admin/messages/outbox/new", "/p/admin/messages/trash"} {
		r := c.Get(path)
		t.Logf("%s %d\n%s", path, r.Status, r.Text())
	}
}
