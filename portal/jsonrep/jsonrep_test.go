package jsonrep

import (
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Ruby's Float#to_s, as PlanRepresenter's to_f prices print.
func TestFloat(t *testing.T) {
	for in, want := range map[float64]string{0: "0.0", 9.9: "9.9", 25: "25.0", 10.5: "10.5", 1e20: "1.0e+20",
		0.00001: "1.0e-05", 123456789.25: "123456789.25", -3: "-3.0"} {
		if b, _ := Float(in).MarshalJSON(); string(b) != want {
			t.Errorf("%v: %s, want %s", in, b, want)
		}
	}
}

// An OAuth application renders its credentials, nil ones as null
// (CinstanceRepresenter's render_nil), and ActiveSupport's escapes.
func TestOAuthApplication(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)
	prov := &store.Provider{}
	acc := &store.Account{AccountRecord: store.AccountRecord{ID: 7, OrgName: "A&B"}, Provider: prov}
	svc := &store.Service{ServiceRecord: store.ServiceRecord{ID: "300", Name: "OAuth <API>", BackendVersion: "oauth"}}
	plan := &store.Plan{PlanRecord: store.PlanRecord{ID: 9, Name: "P"}}
	app := &store.Application{ApplicationRecord: store.ApplicationRecord{ID: 3, AccountID: 7, ServiceID: "300", PlanID: 9,
		State: "pending", AppID: "oauth-id", CreatedAt: at, UpdatedAt: at}, Account: acc, Service: svc, Plan: plan}
	want := `{"application":{"id":3,"state":"pending","enabled":false,"created_at":"2026-11-22T10:15:00Z",` +
		`"updated_at":"2026-11-22T10:15:00Z","service_id":300,"service_name":"OAuth \u003cAPI\u003e","plan_id":9,"plan_name":"P",` +
		`"account_id":7,"org_name":"A\u0026B","first_traffic_at":null,"first_daily_traffic_at":null,"application_id":"oauth-id",` +
		`"redirect_url":null,"client_id":"oauth-id","client_secret":null,"links":[` +
		`{"rel":"self","href":"https://h/admin/api/accounts/7/applications/3"},{"rel":"service","href":"https://h/admin/api/services/300"},` +
		`{"rel":"account","href":"https://h/admin/api/accounts/7"},{"rel":"plan","href":"https://h/admin/api/services/300/application_plans/9"},` +
		`{"rel":"keys","href":"https://h/admin/api/accounts/7/applications/3/keys"},` +
		`{"rel":"referrer_filters","href":"https://h/admin/api/accounts/7/applications/3/referrer_filters"}]}}`
	if got := string(Application(Links{Base: "https://h"}, app).Bytes()); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	app.Keys = []store.AppKey{{Value: "secret"}}
	app.RedirectURL = "https://cb"
	got := string(Application(Links{}, app).Bytes())
	for _, w := range []string{`"redirect_url":"https://cb"`, `"client_secret":"secret"`} {
		if !contains(got, w) {
			t.Errorf("no %s in %s", w, got)
		}
	}
	if serviceID("0100") != "0100" || serviceID("abc") != "abc" || serviceID("100") != int64(100) {
		t.Error("serviceID")
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
