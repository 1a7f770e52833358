package main

import (
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

type summary struct {
	url, tls, db, seeded, frozen string
	validate                     bool
	admin, portal                string          // the portals' base URLs; "" when off
	world                        *fixtures.World // what was seeded; nil when the stored state was kept
}

// printSummary tells a person what is running and gives them requests to
// paste: one per auth mode, with real credentials.
func printSummary(w io.Writer, cat *store.Catalog, s summary) {
	fmt.Fprintf(w, "threescale-sandbox %s: 3scale Service Management API (apisonator %s) and Account Management API\n", currentBuild().Version, backendVersion)
	fmt.Fprintf(w, "  HTTP:     %s\n", s.url)
	if s.tls != "" {
		fmt.Fprintf(w, "  HTTPS:    %s\n", s.tls)
	}
	db := "in memory"
	if s.db != "" {
		db = s.db
	}
	fmt.Fprintf(w, "  Database: %s (%s)\n", db, s.seeded)
	if s.frozen != "" {
		fmt.Fprintf(w, "  Clock:    frozen at %s\n", s.frozen)
	}
	fmt.Fprintf(w, "  Errors:   %s/internal/services/SERVICE_ID/errors/\n", s.url)
	checked := ""
	if s.validate {
		checked = " (every request is checked against it; violations are logged)"
	}
	fmt.Fprintf(w, "  OpenAPI:  %s/openapi.yaml%s\n", s.url, checked)
	fmt.Fprintf(w, "  Admin:    %s/admin/api/ (Account Management API)\n", s.url)
	fmt.Fprintf(w, "  Webhooks: %s/_sandbox/webhooks (every event sent, with its attempts)\n", s.url)
	fmt.Fprintf(w, "  Health:   %s/_sandbox/health (status, version, uptime, fixtures, database, clock)\n", s.url)
	fmt.Fprintf(w, "  Emails:   %s/_sandbox/emails (every email, written instead of sent)\n", s.url)
	fmt.Fprintf(w, "  Controls: %s/_sandbox/openapi.yaml (reset, snapshots, clock, requests, faults, worlds, bundle)\n", s.url)
	if s.admin != "" {
		fmt.Fprintf(w, "  Admin portal:     %s/p/login\n", s.admin)
	}
	if s.portal != "" {
		fmt.Fprintf(w, "  Developer portal: %s/login\n", s.portal)
	}
	for i, p := range cat.Providers {
		fmt.Fprintf(w, "\nProvider %q  provider_key=%s\n", p.Name, p.ProviderKey)
		if s.admin != "" {
			fmt.Fprintf(w, "  admin portal login: %s\n", login(p.AdminUsername, adminPassword(s.world, i)))
		}
		if u, pw := developerLogin(cat, p, s.world, i); s.portal != "" && u != "" {
			fmt.Fprintf(w, "  developer portal login: %s\n", login(u, pw))
		}
		for _, t := range p.AccessTokens {
			fmt.Fprintf(w, "  access_token=%s (%s, %s: %s)\n", t.Value, t.Name, t.Permission, strings.Join(t.Scopes, " "))
		}
		for _, svc := range p.Services {
			mode := map[string]string{"1": "user_key", "2": "app_id + app_key", "oauth": "OAuth / OIDC"}[svc.BackendVersion]
			def := ""
			if svc.Default {
				def = ", default"
			}
			tokens := ""
			if len(svc.Tokens) > 0 {
				tokens = "  service_token=" + strings.Join(svc.Tokens, ",")
			}
			fmt.Fprintf(w, "  service %s %q (%s%s)%s\n", svc.ID, svc.Name, mode, def, tokens)
		}
	}
	if ex := examples(cat, s.url); len(ex) > 0 {
		fmt.Fprintf(w, "\nTry:\n")
		for _, e := range ex {
			fmt.Fprintf(w, "  curl -i '%s'\n", e)
		}
		if p := cat.Providers[0]; len(p.AccessTokens) > 0 {
			fmt.Fprintf(w, "  curl -i '%s/admin/api/applications.xml?access_token=%s'\n", s.url, url.QueryEscape(p.AccessTokens[0].Value))
		}
	}
	fmt.Fprintln(w)
}

// examples picks one live application per auth mode and builds an authrep
// URL for it.
func examples(cat *store.Catalog, base string) []string {
	var out []string
	seen := map[string]bool{}
	for _, p := range cat.Providers {
		for _, svc := range p.Services {
			if seen[svc.BackendVersion] {
				continue
			}
			for _, app := range svc.Applications {
				if !app.Live() {
					continue
				}
				q := url.Values{}
				q.Set("provider_key", p.ProviderKey)
				q.Set("service_id", svc.ID)
				if svc.BackendVersion == "1" {
					q.Set("user_key", app.UserKey)
				} else {
					q.Set("app_id", app.AppID)
					if len(app.Keys) > 0 {
						q.Set("app_key", app.Keys[0].Value)
					}
				}
				if svc.ReferrerFiltersRequired && len(app.ReferrerFilters) > 0 {
					q.Set("referrer", strings.ReplaceAll(app.ReferrerFilters[0].Value, "*", "www"))
				}
				q.Set("usage[hits]", "1")
				out = append(out, base+"/transactions/authrep.xml?"+q.Encode())
				seen[svc.BackendVersion] = true
				break
			}
		}
	}
	return out
}

// login writes a username and its password, or says where the password
// is when the stored state was kept.
func login(username, password string) string {
	if password == "" {
		return username + " (password: as seeded)"
	}
	return username + " / " + password
}

// adminPassword is the admin password of the i-th provider of the seeded
// world ("" when unknown).
func adminPassword(w *fixtures.World, i int) string {
	if w == nil || i >= len(w.Providers) {
		return ""
	}
	return w.Providers[i].Admin.Password
}

// developerLogin is a developer who can sign in to the developer portal
// (active, of an approved account), with the password seeded for them:
// an admin of an account first.
func developerLogin(cat *store.Catalog, p *store.Provider, w *fixtures.World, i int) (string, string) {
	var found *store.User
	for _, acc := range p.Accounts {
		for _, u := range acc.Users {
			if porta.CanLogin(cat, u) && (found == nil || (found.Role != porta.RoleAdmin && u.Role == porta.RoleAdmin)) {
				found = u
			}
		}
		if found != nil && found.Role == porta.RoleAdmin {
			break
		}
	}
	if found == nil {
		return "", ""
	}
	if w != nil && i < len(w.Providers) {
		for _, acc := range w.Providers[i].Accounts {
			for _, u := range acc.Users {
				if u.Username == found.Username {
					return found.Username, u.Password
				}
			}
		}
	}
	return found.Username, ""
}
