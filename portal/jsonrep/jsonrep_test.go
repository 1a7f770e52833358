package jsonrep

import (
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
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

const oauthWorld = `version: 1
providers:
  - name: Acme
    provider_key: acme-key
    services:
      - id: "300"
        name: OAuth <API>
        backend_version: oauth
        application_plans:
          - {name: P, system_name: p}
    accounts:
      - org_name: A&B
        users: [{username: john, email: john@dev.test}]
        applications:
          - {name: Bare, app_id: oauth-id, state: pending}
          - {name: Full, app_id: full-id, app_keys: [secret], redirect_url: "https://cb"}
`

// An OAuth application renders its credentials, nil ones as null
// (CinstanceRepresenter's render_nil), and ActiveSupport's escapes.
func TestOAuthApplication(t *testing.T) {
	rnd := rand.NewChaCha8([32]byte{'j', 's', 'o', 'n'})
	w, err := fixtures.Parse("world.yaml", []byte(oauthWorld), rnd)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenSeeded(context.Background(), "", w, clock.NewFake(time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)),
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cat := st.Catalog()
	acc := cat.Providers[0].Accounts[0]
	app := acc.Applications[0]
	stamp := app.CreatedAt.UTC().Format(time.RFC3339)
	ids := func(s string) string {
		r := strings.NewReplacer("{app}", strconv.FormatInt(app.ID, 10), "{acc}", strconv.FormatInt(acc.ID, 10),
			"{plan}", strconv.FormatInt(app.PlanID, 10), "{at}", stamp, "{upd}", app.UpdatedAt.UTC().Format(time.RFC3339))
		return r.Replace(s)
	}
	want := ids(`{"application":{"id":{app},"state":"pending","enabled":false,"created_at":"{at}",` +
		`"updated_at":"{upd}","service_id":300,"service_name":"OAuth \u003cAPI\u003e","plan_id":{plan},"plan_name":"P",` +
		`"account_id":{acc},"org_name":"A\u0026B","first_traffic_at":null,"first_daily_traffic_at":null,"application_id":"oauth-id",` +
		`"redirect_url":null,"client_id":"oauth-id","client_secret":null,"links":[` +
		`{"rel":"self","href":"https://h/admin/api/accounts/{acc}/applications/{app}"},{"rel":"service","href":"https://h/admin/api/services/300"},` +
		`{"rel":"account","href":"https://h/admin/api/accounts/{acc}"},{"rel":"plan","href":"https://h/admin/api/services/300/application_plans/{plan}"},` +
		`{"rel":"keys","href":"https://h/admin/api/accounts/{acc}/applications/{app}/keys"},` +
		`{"rel":"referrer_filters","href":"https://h/admin/api/accounts/{acc}/applications/{app}/referrer_filters"}],"name":"Bare"}}`)
	if got := string(Application(Links{Base: "https://h"}, cat, app).Bytes()); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	got := string(Application(Links{}, cat, acc.Applications[1]).Bytes())
	for _, w := range []string{`"redirect_url":"https://cb"`, `"client_secret":"secret"`} {
		if !strings.Contains(got, w) {
			t.Errorf("no %s in %s", w, got)
		}
	}
	if serviceID("0100") != "0100" || serviceID("abc") != "abc" || serviceID("100") != int64(100) {
		t.Error("serviceID")
	}
}
