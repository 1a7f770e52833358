package api

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
	"github.com/threescale-sandbox/threescale-sandbox/portal/jsonrep"
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

// jsonAnswer is an operation's JSON reply: v written by write, or the
// error's reply.
func jsonAnswer[T any](p *API, c *Call, v T, err error, write func(T) []byte) *Reply {
	if err != nil {
		return p.replyError(c, err)
	}
	return jsonReply(200, write(v))
}

func settingsJSON(prov *store.Provider) []byte {
	return jsonrep.Settings(jsonrep.Links{}, nil, prov).Bytes()
}

// ShowSettings is GET /admin/api/settings.json.
func (p *API) ShowSettings(ctx context.Context, c *Call) *Reply {
	return p.jsonEndpoint(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		return jsonReply(200, settingsJSON(porta.Provider(cat, a)))
	})
}

// UpdateSettings is PUT /admin/api/settings.json
// (params.require(:settings)). A switch given blank is left as it is.
func (p *API) UpdateSettings(ctx context.Context, c *Call) *Reply {
	return p.jsonEndpoint(c, func(a porta.Actor, cat *store.Catalog) *Reply {
		ps, rep := settingsParams.of(c)
		if rep != nil {
			return rep
		}
		flag := func(name string) *bool {
			v := ps.Ptr(name)
			if v == nil || strings.TrimSpace(*v) == "" {
				return nil
			}
			b := params.Cast(*v)
			return &b
		}
		in := porta.SettingsInput{UserAccountAreaEnabled: flag("useraccountarea_enabled"),
			HideService: flag("hide_service"), SignupsEnabled: flag("signups_enabled"),
			PublicSearch: flag("public_search"), AccountPlansUIVisible: flag("account_plans_ui_visible"),
			ServicePlansUIVisible: flag("service_plans_ui_visible"), EnforceSSO: flag("enforce_sso"),
			ChangeAccountPlanPermission: ps.Ptr("change_account_plan_permission"),
			ChangeServicePlanPermission: ps.Ptr("change_service_plan_permission"),
			AccountApprovalRequired:     flag("account_approval_required")}
		prov, err := p.domain.UpdateSettings(ctx, a, in)
		return jsonAnswer(p, c, prov, err, settingsJSON)
	})
}

func webhookJSON(prov *store.Provider) []byte {
	return jsonrep.Webhook(jsonrep.Links{}, nil, prov, porta.WebhookEvents).Bytes()
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
		ps, rep := webHookParams.of(c)
		if rep != nil {
			return rep
		}
		in := porta.WebhooksInput{URL: ps.Ptr("url"), Active: boolParam(ps, "active"),
			ProviderActions: boolParam(ps, "provider_actions"), Events: map[string]bool{}}
		for _, e := range porta.WebhookEvents {
			if on := boolParam(ps, e+"_on"); on != nil {
				in.Events[e] = *on
			}
		}
		prov, err := p.domain.UpdateWebhooks(ctx, a, in)
		return jsonAnswer(p, c, prov, err, webhookJSON)
	})
}

// ListFailures is GET /admin/api/webhooks/failures.xml (or .json): the
// deliveries that failed for good, oldest first; each event document is
// embedded as porta's Nokogiri re-prints it.
func (p *API) ListFailures(ctx context.Context, c *Call) *Reply {
	return p.endpoint(c, xmlOrJSON, func(a porta.Actor, _ *store.Catalog) *Reply { return p.listFailures(ctx, c, a) })
}

func (p *API) listFailures(ctx context.Context, c *Call, a porta.Actor) *Reply {
	fs, err := p.domain.Failures(ctx, a)
	if err != nil {
		return p.replyError(c, err)
	}
	if c.Format == "json" {
		list := make([]jsonrep.Failure, 0, len(fs))
		for _, f := range fs {
			list = append(list, jsonrep.Failure{ID: f.UUID, Time: f.Time, Error: f.Error, URL: f.URL, Event: string(f.Event)})
		}
		return jsonReply(200, jsonrep.Failures(c.links(), nil, list).Bytes())
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
	return p.endpoint(c, xmlOrJSON, func(a porta.Actor, _ *store.Catalog) *Reply {
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
