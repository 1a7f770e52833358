package api

import (
	"context"
	"net/http"
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
// they answer 406. Webhook failures are both.

func jsonOnly(c *Call) *Reply {
	if c.Format == "json" {
		return nil
	}
	return errorReply(c, http.StatusNotAcceptable, `The server does not understand "`+c.Format+`" request.`)
}

func jsonReply(status int, body []byte) *Reply {
	return &Reply{Status: status, ContentType: contentJSON, Body: body}
}

// jsonEndpoint answers a JSON-only endpoint.
func (p *API) jsonEndpoint(c *Call, fn func(a porta.Actor, cat *store.Catalog) *Reply) *Reply {
	return p.endpoint(c, jsonOnly, fn)
}

// anyFormat serves XML and JSON.
func anyFormat(*Call) *Reply { return nil }

// jsonAnswer is an operation's JSON reply: v written by write, or the
// error's reply.
func jsonAnswer[T any](p *API, c *Call, v T, err error, write func(T) []byte) *Reply {
	if err != nil {
		return p.replyError(c, err)
	}
	return jsonReply(200, write(v))
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

// ShowSettings is GET /admin/api/settings.json.
func (p *API) ShowSettings(ctx context.Context, c *Call) *Reply {
	return p.jsonEndpoint(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		return jsonReply(200, settingsJSON(porta.Provider(cat, a)))
	})
}

// UpdateSettings is PUT /admin/api/settings.json (settings[...] or flat).
// A switch given blank is left as it is.
func (p *API) UpdateSettings(ctx context.Context, c *Call) *Reply {
	return p.jsonEndpoint(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		given := false
		flag := func(name string) *bool {
			v := wrappedInput(c, "settings", name)
			if v == nil {
				return nil
			}
			given = true
			if strings.TrimSpace(*v) == "" {
				return nil
			}
			b := params.Cast(*v)
			return &b
		}
		text := func(name string) *string {
			v := wrappedInput(c, "settings", name)
			given = given || v != nil
			return v
		}
		in := porta.SettingsInput{UserAccountAreaEnabled: flag("useraccountarea_enabled"),
			HideService: flag("hide_service"), SignupsEnabled: flag("signups_enabled"),
			PublicSearch: flag("public_search"), AccountPlansUIVisible: flag("account_plans_ui_visible"),
			ServicePlansUIVisible: flag("service_plans_ui_visible"), EnforceSSO: flag("enforce_sso"),
			ChangeAccountPlanPermission: text("change_account_plan_permission"),
			ChangeServicePlanPermission: text("change_service_plan_permission"),
			AccountApprovalRequired:     flag("account_approval_required")}
		if !given {
			return missingParameter("settings")
		}
		prov, err := p.domain.UpdateSettings(ctx, a, in)
		return jsonAnswer(p, c, prov, err, settingsJSON)
	})
}

// webhookJSON is porta's WebHookRepresenter: its switches in the order of
// the web_hooks table's columns.
func webhookJSON(prov *store.Provider) []byte {
	w := prov.Webhooks
	var o orderedJSON
	if w.URL != "" {
		o = append(o, jsonField{"url", w.URL})
	}
	o = append(o, jsonField{"active", w.Active}, jsonField{"provider_actions", w.ProviderActions})
	for _, e := range porta.WebhookEvents {
		o = append(o, jsonField{e + "_on", slices.Contains(w.Events, e)})
	}
	return jsonObject("webhook", o)
}

// ShowWebhooks is GET /admin/api/webhooks.json, a sandbox addition: porta
// lets the settings be written through the API but not read.
func (p *API) ShowWebhooks(ctx context.Context, c *Call) *Reply {
	return p.jsonEndpoint(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		return jsonReply(200, webhookJSON(porta.Provider(cat, a)))
	})
}

// UpdateWebhooks is PUT /admin/api/webhooks.json (web_hook[...] or flat):
// url, active, provider_actions and the *_on switches.
func (p *API) UpdateWebhooks(ctx context.Context, c *Call) *Reply {
	return p.jsonEndpoint(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		in := porta.WebhooksInput{URL: wrappedInput(c, "web_hook", "url"),
			Active: wrappedBool(c, "web_hook", "active"), ProviderActions: wrappedBool(c, "web_hook", "provider_actions"),
			Events: map[string]bool{}}
		for _, e := range porta.WebhookEvents {
			if on := wrappedBool(c, "web_hook", e+"_on"); on != nil {
				in.Events[e] = *on
			}
		}
		if in.URL == nil && in.Active == nil && in.ProviderActions == nil && len(in.Events) == 0 {
			return missingParameter("web_hook")
		}
		prov, err := p.domain.UpdateWebhooks(ctx, a, in)
		return jsonAnswer(p, c, prov, err, webhookJSON)
	})
}

// ListFailures is GET /admin/api/webhooks/failures.xml (or .json): the
// deliveries that failed for good, oldest first; each event document is
// embedded as porta's Nokogiri re-prints it.
func (p *API) ListFailures(ctx context.Context, c *Call) *Reply {
	return p.endpoint(c, anyFormat, func(a porta.Actor, _ *store.Catalog) *Reply { return p.listFailures(ctx, c, a) })
}

func (p *API) listFailures(ctx context.Context, c *Call, a porta.Actor) *Reply {
	fs, err := p.domain.Failures(ctx, a)
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
	return p.endpoint(c, anyFormat, func(a porta.Actor, _ *store.Catalog) *Reply {
		var upTo *time.Time
		if v, given := c.Params.String("time"); given {
			t, ok := params.Time(v)
			if !ok {
				return errorReply(c, http.StatusBadRequest, "invalid time")
			}
			upTo = &t
		}
		return p.answerDeleted(c, p.domain.DeleteFailures(ctx, a, upTo))
	})
}
