package admin_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// What the admin portal's tests share: a world for the guide's chapters,
// and what a test checks besides the page (authorize through the
// Service Management API, the email outbox, the webhook outbox).

// guideWorld is a provider whose account plan requires approval, with a
// second account plan, two services (app_id and user_key), three
// developer accounts (one approved, two waiting) and applications
// live and waiting on a plan that requires approval.
const guideWorld = `version: 1
providers:
  - name: Acme Inc
    provider_key: acme-provider-key
    access_token: acme-access-token
    admin: {username: admin, email: admin@acme.example.com, password: admin}
    developer_portal: {signup_enabled: false, account_approval_required: true}
    account_plans:
      - {name: Default, system_name: default, default: true, state: published}
      - {name: Gold, system_name: gold, state: published}
    services:
      - id: "2555417735001"
        name: Echo API
        system_name: echo
        default: true
        backend_version: "2"
        service_tokens: [echo-service-token]
        metrics: [{name: hits, friendly_name: Hits, unit: hit}]
        application_plans:
          - {name: Basic, system_name: basic, default: true, limits: {hits: {day: 1000}}}
          - {name: Pro, system_name: pro, limits: {hits: {day: 100000}}}
          - {name: Partner, system_name: partner, approval_required: true}
      - id: "2555417735002"
        name: Legacy API
        system_name: legacy
        backend_version: "1"
        service_tokens: [legacy-service-token]
        metrics: [{name: hits, friendly_name: Hits, unit: hit}]
        application_plans:
          - {name: Starter, system_name: starter, default: true}
    accounts:
      - org_name: Developer Co
        state: approved
        users:
          - {username: john, email: john@developer.example.com, password: john, role: admin}
        applications:
          - {name: Echo App, service: echo, plan: basic, app_id: echo-app-id, app_keys: [echo-app-key]}
          - {name: Legacy App, service: legacy, plan: starter, app_id: legacy-app-id, user_key: legacy-user-key}
      - org_name: Pending Ltd
        state: pending
        users: [{username: pat, email: pat@pending.example.com, password: pat}]
        applications:
          - {name: Waiting App, service: echo, plan: partner, app_id: pending-app-id, app_keys: [pending-app-key]}
          - {name: Doubtful App, service: echo, plan: partner, app_id: doubtful-app-id, app_keys: [doubtful-app-key]}
      - org_name: Queue Co
        state: pending
        users: [{username: quinn, email: quinn@queue.example.com, password: quinn}]
      - org_name: Later Inc
        state: pending
        users: [{username: lara, email: lara@later.example.com, password: lara}]
`

const (
	echoService   = "2555417735001"
	legacyService = "2555417735002"
	providerKey   = "acme-provider-key"
)

// start starts a sandbox on world ("" is the default world).
func start(t *testing.T, world string) *portaltest.Sandbox {
	t.Helper()
	return portaltest.Start(t, portaltest.Options{Fixture: world})
}

// authorize calls the Service Management API's authorize with the
// provider key and params; it returns the status and the body.
func authorize(t *testing.T, s *portaltest.Sandbox, params ...string) (int, string) {
	t.Helper()
	q := url.Values{"provider_key": {providerKey}}
	for i := 0; i+1 < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	resp, err := http.Get(s.API + "/transactions/authorize.xml?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

var planRE = regexp.MustCompile(`<plan>([^<]*)</plan>`)

// authorizedPlan is authorize's answer for an application: "" when not
// authorized, else the plan its status names.
func authorizedPlan(t *testing.T, s *portaltest.Sandbox, params ...string) string {
	t.Helper()
	status, body := authorize(t, s, params...)
	if status != 200 || !strings.Contains(body, "<authorized>true</authorized>") {
		return ""
	}
	if m := planRE.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return "?"
}

// emails are the outbox's emails to one address (all with ""), oldest
// first.
func emails(t *testing.T, s *portaltest.Sandbox, to string) []store.Email {
	t.Helper()
	return s.Emails(t, store.EmailFilter{To: to})
}

// subjects are the emails' subjects.
func subjects(es []store.Email) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Subject)
	}
	return out
}

// hookEvents are the webhook outbox's events, "type action", oldest first.
func hookEvents(t *testing.T, s *portaltest.Sandbox) []string {
	t.Helper()
	evs, err := s.Store.Outbox(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		out = append(out, e.Type+" "+e.Action)
	}
	return out
}

// named finds a developer account by its organization name.
func named(t *testing.T, s *portaltest.Sandbox, org string) *store.Account {
	t.Helper()
	for _, p := range s.Store.Catalog().Providers {
		for _, acc := range p.Accounts {
			if acc.OrgName == org {
				return acc
			}
		}
	}
	t.Fatalf("no account %q", org)
	return nil
}

// app finds an application by its name.
func app(t *testing.T, s *portaltest.Sandbox, name string) *store.Application {
	t.Helper()
	for _, p := range s.Store.Catalog().Providers {
		for _, a := range porta.Applications(s.Store.Catalog(), porta.ByAdmin(p), porta.ApplicationFilter{}) {
			if a.Name == name {
				return a
			}
		}
	}
	t.Fatalf("no application %q", name)
	return nil
}

// planNamed finds a plan of any type by name.
func planNamed(t *testing.T, s *portaltest.Sandbox, name string) *store.Plan {
	t.Helper()
	prov := s.Store.Catalog().Providers[0]
	for _, pl := range prov.AccountPlans {
		if pl.Name == name {
			return pl
		}
	}
	for _, svc := range prov.Services {
		for _, pl := range append(append([]*store.Plan(nil), svc.Plans...), svc.ServicePlans...) {
			if pl.Name == name {
				return pl
			}
		}
	}
	t.Fatalf("no plan %q", name)
	return nil
}

// addServicePlan gives a service a second service plan (the fixtures
// give each one "Default"), and subscribes accounts to it when asked:
// what the Account Management API's service plans will do.
func addServicePlan(t *testing.T, s *portaltest.Sandbox, serviceID, name string, approval bool, subscribe ...int64) *store.Plan {
	t.Helper()
	rec := store.PlanRecord{ProviderID: s.Store.Catalog().Providers[0].ID, ServiceID: serviceID, Type: store.ServicePlan,
		Name: name, SystemName: strings.ToLower(name), State: "published", ApprovalRequired: approval}
	err := s.Store.Change(context.Background(), func(tx *store.Tx) error {
		if err := tx.SavePlan(&rec); err != nil {
			return err
		}
		for _, acc := range subscribe {
			state := "live"
			if approval {
				state = "pending"
			}
			if err := tx.SaveContract(&store.ServiceContractRecord{AccountID: acc, ServiceID: serviceID, PlanID: rec.ID,
				State: state}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s.Store.Catalog().Plan(rec.ID)
}

// flash is the tab's flash messages joined.
func flash(b *portaltest.Tab) string { return strings.Join(b.Flash(), " | ") }

// storeFilter is an email filter by recipient ("" for all).
func storeFilter(to string) store.EmailFilter { return store.EmailFilter{To: to} }
