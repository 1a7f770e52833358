package porta

import (
	"context"
	"errors"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// The rules the Account Management API cannot reach: a developer's scope
// and the webhook rule of each actor. The API's own behaviour is proven by
// the server's tests.

const world = `version: 1
providers:
  - name: Acme
    provider_key: acme-key
    webhooks: {url: "http://127.0.0.1:1/hooks", active: true, provider_actions: false}
    services:
      - id: "100"
        name: Echo API
        application_plans:
          - {name: Basic, system_name: basic}
    accounts:
      - org_name: Dev Co
        users: [{username: john, email: john@dev.test}]
        applications: [{name: Mine, app_id: mine-app}]
      - org_name: Rival
        users: [{username: rita, email: rita@rival.test}]
        applications: [{name: Theirs, app_id: theirs-app}]
`

func domain(t *testing.T) (*Domain, *store.Store) {
	t.Helper()
	rnd := rand.NewChaCha8([32]byte{'p', 'o', 'r', 't', 'a'})
	w, err := fixtures.Parse("world.yaml", []byte(world), rnd)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenSeeded(context.Background(), "", w, clock.NewFake(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)),
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return New(st, rnd), st
}

// developer is john of Dev Co, with his application and the rival's.
func developer(t *testing.T, d *Domain) (a Actor, mine, theirs *store.Application) {
	t.Helper()
	cat := d.Catalog()
	prov := cat.Providers[0]
	for _, acc := range prov.Accounts {
		switch acc.OrgName {
		case "Dev Co":
			a, mine = ByDeveloper(prov, acc.Users[0]), acc.Applications[0]
		case "Rival":
			theirs = acc.Applications[0]
		}
	}
	return a, mine, theirs
}

func TestDeveloperSeesOnlyTheirAccount(t *testing.T) {
	d, _ := domain(t)
	a, mine, theirs := developer(t, d)
	cat := d.Catalog()
	if _, err := Application(cat, a, AppRef{ID: mine.ID}); err != nil {
		t.Errorf("own application: %v", err)
	}
	if _, err := Application(cat, a, AppRef{ID: theirs.ID}); !errors.Is(err, ErrNotFound) {
		t.Errorf("another account's application: %v, want ErrNotFound", err)
	}
	if _, err := Account(cat, a, theirs.AccountID); !errors.Is(err, ErrNotFound) {
		t.Errorf("another account: %v, want ErrNotFound", err)
	}
	if got := Applications(cat, a, ApplicationFilter{}); len(got) != 1 || got[0].ID != mine.ID {
		t.Errorf("applications: %d, want only their own", len(got))
	}
	name := "Renamed"
	if _, err := d.UpdateApplication(context.Background(), a, AppRef{ID: theirs.ID}, ApplicationInput{Name: &name}); !errors.Is(err, ErrNotFound) {
		t.Errorf("update another account's application: %v, want ErrNotFound", err)
	}
	if got := d.Catalog().Application(theirs.ID).Name; got != "Theirs" {
		t.Errorf("the other application is now %q", got)
	}
}

func TestDeveloperCannotRunProviderOperations(t *testing.T) {
	d, _ := domain(t)
	ctx := context.Background()
	a, mine, _ := developer(t, d)
	for name, op := range map[string]func() error{
		"suspend":   func() error { _, err := d.SuspendApplication(ctx, a, AppRef{ID: mine.ID}); return err },
		"customize": func() error { _, err := d.CustomizePlan(ctx, a, AppRef{ID: mine.ID}); return err },
		"approve":   func() error { _, err := d.ApproveAccount(ctx, a, mine.AccountID); return err },
		"service":   func() error { _, err := d.UpdateService(ctx, a, "100", ServiceInput{}); return err },
		"settings":  func() error { _, err := d.UpdateSettings(ctx, a, SettingsInput{}); return err },
	} {
		if err := op(); !errors.Is(err, ErrForbidden) {
			t.Errorf("%s: %v, want ErrForbidden", name, err)
		}
	}
	if got := d.Catalog().Application(mine.ID).State; got != "live" {
		t.Errorf("application is %s after a refused suspend", got)
	}
}

// porta-spec.md §1.3: provider_key fires none, a provider user fires only
// with provider actions on, a developer's own changes fire.
func TestWhoFiresWebhooks(t *testing.T) {
	d, st := domain(t)
	ctx := context.Background()
	dev, mine, _ := developer(t, d)
	prov := d.Catalog().Providers[0]
	name := "Changed"
	update := func(a Actor) {
		t.Helper()
		if _, err := d.UpdateApplication(ctx, a, AppRef{ID: mine.ID}, ApplicationInput{Name: &name}); err != nil {
			t.Fatal(err)
		}
	}
	events := func() int {
		t.Helper()
		evs, err := st.Outbox(ctx, prov.ID)
		if err != nil {
			t.Fatal(err)
		}
		return len(evs)
	}
	update(ByProviderKey(prov))
	update(ByProviderUser(prov))
	if n := events(); n != 0 {
		t.Errorf("provider key and provider user without provider actions: %d events, want 0", n)
	}
	update(dev)
	if n := events(); n != 1 {
		t.Errorf("developer: %d events, want 1", n)
	}
	on := true
	if _, err := d.UpdateWebhooks(ctx, ByProviderUser(prov), WebhooksInput{ProviderActions: &on}); err != nil {
		t.Fatal(err)
	}
	update(ByProviderUser(prov))
	update(ByProviderKey(prov))
	if n := events(); n != 2 {
		t.Errorf("provider user with provider actions: %d events, want 2", n)
	}
}

func TestValidationErrorOn(t *testing.T) {
	d, _ := domain(t)
	_, mine, _ := developer(t, d)
	prov := d.Catalog().Providers[0]
	_, err := d.SetUserRole(context.Background(), ByProviderUser(prov), UserRef{ID: d.Catalog().Account(mine.AccountID).Users[0].ID}, "owner")
	var v *ValidationError
	if !errors.As(err, &v) || !slices.Equal(v.On("role"), []string{"is not included in the list"}) || v.On("name") != nil {
		t.Errorf("unknown role: %v", err)
	}
}

func TestPaginate(t *testing.T) {
	items := []int{1, 2, 3, 4, 5}
	for _, tc := range []struct {
		pg   Page
		want []int
	}{
		{Page{1, 2}, []int{1, 2}},
		{Page{3, 2}, []int{5}},
		{Page{4, 2}, nil},
		{Page{1, 500}, items},
		{Page{1 << 62, 4}, nil}, // the offset does not fit an int64
		{Page{0, 2}, nil},
	} {
		if got := Paginate(items, tc.pg); !slices.Equal(got, tc.want) {
			t.Errorf("Paginate(%v) = %v, want %v", tc.pg, got, tc.want)
		}
	}
}

// The domain knows no wire format: the faces read and write those.
func TestKnowsNoWireFormat(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	const module = "github.com/threescale-sandbox/threescale-sandbox/"
	// Of porta's side, only the representations of webhook payloads.
	forbidden := []string{"net/http", "html/template", "encoding/xml", "encoding/json", module + "rackquery",
		module + "builderxml", module + "server", module + "portal"}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range file.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, no := range forbidden {
				if (path == no || strings.HasPrefix(path, no+"/")) && path != module+"portal/xmlrep" {
					t.Errorf("%s imports %s", f, path)
				}
			}
		}
	}
}
