package api

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/xmlrep"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Settings and webhook settings are JSON endpoints in porta; asked for XML
// they answer 406.

func jsonOnly(c *Call) *Reply {
	if c.Format == "json" {
		return nil
	}
	return errorReply(c, http.StatusNotAcceptable, `The server does not understand "`+c.Format+`" request.`)
}

func jsonReply(status int, body []byte) *Reply {
	return &Reply{Status: status, ContentType: contentJSON, Body: body}
}

// settingsJSON is porta's SettingsRepresenter: hide_service is null, and
// so left out, until it is set.
func settingsJSON(prov *store.Provider) []byte {
	st := prov.Settings
	o := orderedJSON{{"useraccountarea_enabled", st.UserAccountAreaEnabled}}
	if st.HideService {
		o = append(o, jsonField{"hide_service", true})
	}
	o = append(o, orderedJSON{
		{"signups_enabled", st.SignupsEnabled},
		{"account_approval_required", prov.AccountApprovalRequired()},
		{"public_search", st.PublicSearch},
		{"account_plans_ui_visible", st.AccountPlansUIVisible},
		{"change_account_plan_permission", st.ChangeAccountPlanPermission},
		{"service_plans_ui_visible", st.ServicePlansUIVisible},
		{"change_service_plan_permission", st.ChangeServicePlanPermission},
		{"enforce_sso", st.EnforceSSO},
	}...)
	return jsonObject("settings", o)
}

// jsonChange answers a write of a JSON-only endpoint: fn runs in one store
// transaction and returns the JSON to answer with.
func (p *API) jsonChange(ctx context.Context, c *Call, fn func(t *store.Tx, a porta.Actor, cat *store.Catalog) ([]byte, error)) *Reply {
	out, rep := transact(ctx, p, c, jsonOnly, fn)
	if rep != nil {
		return rep
	}
	return jsonReply(200, out)
}

// ShowSettings is GET /admin/api/settings.json.
func (p *API) ShowSettings(ctx context.Context, c *Call) *Reply {
	cat := p.store.Catalog()
	a, rep := authenticate(cat, c)
	if rep != nil {
		return rep
	}
	if r := jsonOnly(c); r != nil {
		return r
	}
	return jsonReply(200, settingsJSON(provider(cat, a)))
}

var planPermissions = []string{"request", "none", "credit_card", "request_credit_card", "direct"}

// UpdateSettings is PUT /admin/api/settings.json (settings[...] or flat).
// account_approval_required is the default account plan's approval.
func (p *API) UpdateSettings(ctx context.Context, c *Call) *Reply {
	return p.jsonChange(ctx, c, func(t *store.Tx, a porta.Actor, cat *store.Catalog) ([]byte, error) {
		prov := provider(cat, a)
		rec := prov.ProviderRecord
		st := &rec.Settings
		get := func(name string) (string, bool) { return c.Params.Wrapped("settings", name) }
		given := false
		for _, f := range []struct {
			name string
			to   *bool
		}{{"useraccountarea_enabled", &st.UserAccountAreaEnabled}, {"hide_service", &st.HideService},
			{"signups_enabled", &st.SignupsEnabled}, {"public_search", &st.PublicSearch},
			{"account_plans_ui_visible", &st.AccountPlansUIVisible}, {"service_plans_ui_visible", &st.ServicePlansUIVisible},
			{"enforce_sso", &st.EnforceSSO}} {
			if v, ok := get(f.name); ok {
				given = true
				if strings.TrimSpace(v) != "" {
					*f.to = params.Cast(v)
				}
			}
		}
		var errs problems
		for _, f := range []struct {
			name string
			to   *string
		}{{"change_account_plan_permission", &st.ChangeAccountPlanPermission},
			{"change_service_plan_permission", &st.ChangeServicePlanPermission}} {
			if v, ok := get(f.name); ok {
				given = true
				if !slices.Contains(planPermissions, v) {
					errs.add(f.name, "is not included in the list", "is not included in the list")
				}
				*f.to = v
			}
		}
		approval, setApproval := get("account_approval_required")
		if !given && !setApproval {
			return nil, missingParameter("settings")
		}
		if st.EnforceSSO {
			return nil, fail("enforce_sso", "Password-based authentication could not be disabled. No published authentication providers.",
				"Password-based authentication could not be disabled. No published authentication providers.")
		}
		if err := errs.err(); err != nil {
			return nil, err
		}
		if err := t.SaveProvider(&rec); err != nil {
			return nil, err
		}
		if setApproval && strings.TrimSpace(approval) != "" {
			if pl := prov.DefaultAccountPlan(); pl != nil {
				prec := pl.PlanRecord
				prec.ApprovalRequired = params.Cast(approval)
				if err := t.SavePlan(&prec); err != nil {
					return nil, err
				}
			}
		}
		cat, err := t.Catalog()
		if err != nil {
			return nil, err
		}
		return settingsJSON(provider(cat, a)), nil
	})
}

// webhookJSON is porta's WebHookRepresenter: its switches in the order of
// the web_hooks table's columns.
func webhookJSON(w store.Webhooks) []byte {
	var o orderedJSON
	if w.URL != "" {
		o = append(o, jsonField{"url", w.URL})
	}
	o = append(o, jsonField{"active", w.Active}, jsonField{"provider_actions", w.ProviderActions})
	for _, e := range webhookColumns {
		o = append(o, jsonField{e + "_on", slices.Contains(w.Events, e)})
	}
	return jsonObject("webhook", o)
}

// webhookColumns are the event switches in porta's column order.
var webhookColumns = []string{"account_created", "account_updated", "account_deleted", "user_created",
	"user_updated", "user_deleted", "application_created", "application_updated", "application_deleted",
	"account_plan_changed", "application_plan_changed", "application_user_key_updated",
	"application_key_created", "application_key_deleted", "application_suspended", "application_key_updated"}

// webhookURL is what porta's URI regexp for http and https accepts: the
// URL need only contain one.
var webhookURL = regexp.MustCompile(`(?i)https?://[^\s/?#]+`)

// ShowWebhooks is GET /admin/api/webhooks.json, a sandbox addition: porta
// lets the settings be written through the API but not read.
func (p *API) ShowWebhooks(ctx context.Context, c *Call) *Reply {
	cat := p.store.Catalog()
	a, rep := authenticate(cat, c)
	if rep != nil {
		return rep
	}
	if r := jsonOnly(c); r != nil {
		return r
	}
	return jsonReply(200, webhookJSON(provider(cat, a).Webhooks))
}

// UpdateWebhooks is PUT /admin/api/webhooks.json (web_hook[...] or flat):
// url, active, provider_actions and the *_on switches. An active webhook
// needs an http or https URL.
func (p *API) UpdateWebhooks(ctx context.Context, c *Call) *Reply {
	return p.jsonChange(ctx, c, func(t *store.Tx, a porta.Actor, cat *store.Catalog) ([]byte, error) {
		rec := provider(cat, a).ProviderRecord
		w := &rec.Webhooks
		get := func(name string) (string, bool) { return c.Params.Wrapped("web_hook", name) }
		given := false
		if v, ok := get("url"); ok {
			given, w.URL = true, strings.TrimSpace(v)
		}
		for _, f := range []struct {
			name string
			to   *bool
		}{{"active", &w.Active}, {"provider_actions", &w.ProviderActions}} {
			if v, ok := get(f.name); ok {
				given, *f.to = true, params.Cast(v)
			}
		}
		events := slices.Clone(w.Events)
		for _, e := range webhookColumns {
			v, ok := get(e + "_on")
			if !ok {
				continue
			}
			given = true
			events = slices.DeleteFunc(events, func(x string) bool { return x == e })
			if params.Cast(v) {
				events = append(events, e)
			}
		}
		// Keep porta's column order, whatever order they were switched on in.
		w.Events = nil
		for _, e := range webhookColumns {
			if slices.Contains(events, e) {
				w.Events = append(w.Events, e)
			}
		}
		if !given {
			return nil, missingParameter("web_hook")
		}
		if w.Active && !webhookURL.MatchString(w.URL) {
			return nil, fail("url", "Must be a valid URL such as http://example.com", "Url Must be a valid URL such as http://example.com")
		}
		if len(w.URL) > 255 {
			return nil, fail("url", "is too long (maximum is 255 characters)", "Url is too long (maximum is 255 characters)")
		}
		if err := t.SaveProvider(&rec); err != nil {
			return nil, err
		}
		return webhookJSON(rec.Webhooks), nil
	})
}

// ListFailures is GET /admin/api/webhooks/failures.xml (or .json): the
// deliveries that failed for good, oldest first; each event document is
// embedded as porta's Nokogiri re-prints it.
func (p *API) ListFailures(ctx context.Context, c *Call) *Reply {
	cat := p.store.Catalog()
	a, rep := authenticate(cat, c)
	if rep != nil {
		return rep
	}
	fs, err := p.store.Failures(ctx, a.Provider.ID)
	if err != nil {
		return p.replyError(c, err)
	}
	if c.Format == "json" {
		list := make([]any, 0, len(fs))
		for _, f := range fs {
			list = append(list, orderedJSON{{"webhooks-failure", orderedJSON{{"id", f.UUID}, {"time", xmlrep.Time(f.Time)},
				{"error", f.Error}, {"url", f.URL}, {"event", string(f.Event)}}}})
		}
		return jsonReply(200, jsonObject("webhooks-failures", list))
	}
	d := builderxml.New().Open("webhooks-failures")
	for _, f := range fs {
		event, err := xmlrep.Nokogiri(f.Event)
		if err != nil {
			return p.replyError(c, err)
		}
		d.Open("webhooks-failure").Text("id", f.UUID).Text("time", xmlrep.Time(f.Time)).Text("error", f.Error).
			Text("url", f.URL).Raw(event).Close("webhooks-failure")
	}
	return ok(d.Close("webhooks-failures"))
}

// DeleteFailures is DELETE /admin/api/webhooks/failures.xml: all of them,
// or with time, the oldest ones up to that time.
func (p *API) DeleteFailures(ctx context.Context, c *Call) *Reply {
	cat := p.store.Catalog()
	a, rep := authenticate(cat, c)
	if rep != nil {
		return rep
	}
	var upTo *time.Time
	if v, given := c.Params.String("time"); given {
		t, ok := params.Time(v)
		if !ok {
			return errorReply(c, http.StatusBadRequest, "invalid time")
		}
		upTo = &t
	}
	if err := p.store.DeleteFailures(ctx, a.Provider.ID, upTo); err != nil {
		return p.replyError(c, err)
	}
	return deleted(c)
}
