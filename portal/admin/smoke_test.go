package admin_test

import (
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
)

func TestSmoke(t *testing.T) {
	s := portaltest.Start(t, portaltest.Options{})
	b := s.Tab(t)
	b.LoginAdmin("admin", "admin")
	for name, path := range map[string]string{"accounts": "/buyers/accounts", "account": "/buyers/accounts/1", "app": "/p/admin/applications/1",
		"apps": "/p/admin/applications", "legacy": "/p/admin/applications/2", "pending": "/p/admin/applications/5",
		"rules": "/site/usage_rules/edit", "svc": "/apiconfig/services/2555417735001/usage_rules", "hooks": "/p/admin/webhooks/edit",
		"subs": "/buyers/service_contracts", "compose": "/p/admin/messages/outbox/new?to=1", "new": "/buyers/accounts/new",
		"bulk": "/buyers/accounts/bulk/change_state/new?selected[]=1&selected[]=2", "users": "/buyers/accounts/1/users",
		"invs": "/buyers/accounts/1/invitations", "edit": "/buyers/accounts/1/edit"} {
		b.Open(s.Admin + path)
		b.Screenshot(name)
	}
}
