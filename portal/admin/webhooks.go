package admin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
	"github.com/threescale-sandbox/threescale-sandbox/webhook"
)

// The webhooks page (Account Settings › Integrate › Webhooks): porta's
// Provider::Admin::WebhooksController (guide, chapter 10).

// webhookGroups are the page's four groups of switches, in porta's
// order, with porta's labels.
var webhookGroups = []struct {
	Title  string
	Events [][2]string // event, label
}{
	{"Accounts", [][2]string{{"account_created", "Account created"}, {"account_updated", "Account updated"},
		{"account_plan_changed", "Account Plan changed"}, {"account_deleted", "Account deleted"}}},
	{"Users", [][2]string{{"user_created", "User created"}, {"user_updated", "User updated"}, {"user_deleted", "User deleted"}}},
	{"Applications", [][2]string{{"application_created", "Application created"}, {"application_updated", "Application updated"},
		{"application_suspended", "Application suspended"}, {"application_plan_changed", "Application Plan changed"},
		{"application_user_key_updated", "API Key changed"}, {"application_deleted", "Application deleted"}}},
	{"Keys", [][2]string{{"application_key_created", "Application Key created"},
		{"application_key_deleted", "Application Key deleted"}, {"application_key_updated", "Application Key updated"}}},
}

// webhooksView is the form.
type webhooksView struct {
	store.Webhooks
	Groups []webhookGroup
	// CanPing is porta's: the URL is saved.
	CanPing bool
}

type webhookGroup struct {
	Title    string
	Switches []webhookSwitch
}

type webhookSwitch struct {
	Name, Label string
	On          bool
}

func newWebhooksView(prov *store.Provider) webhooksView {
	v := webhooksView{Webhooks: prov.Webhooks, CanPing: prov.Webhooks.URL != ""}
	for _, g := range webhookGroups {
		wg := webhookGroup{Title: g.Title}
		for _, e := range g.Events {
			wg.Switches = append(wg.Switches, webhookSwitch{Name: "web_hook[" + e[0] + "_on]", Label: e[1],
				On: slices.Contains(prov.Webhooks.Events, e[0])})
		}
		v.Groups = append(v.Groups, wg)
	}
	return v
}

// webhooksEdit is GET /p/admin/webhooks/edit (and /new, which porta sends
// here once the provider has webhooks: the sandbox's always has).
func (pg *pages) webhooksEdit(p *web.Page) error {
	return p.Render("webhooks", newWebhooksView(p.Provider()))
}

func (pg *pages) webhooksNew(p *web.Page) error { return p.Redirect("/p/admin/webhooks/edit") }

// webhooksUpdate is PUT (and POST) /p/admin/webhooks: web_hook[url],
// web_hook[active], web_hook[provider_actions] and the 16
// web_hook[TYPE_EVENT_on].
func (pg *pages) webhooksUpdate(p *web.Page) error {
	f := p.Form
	in := porta.WebhooksInput{URL: f.Ptr("web_hook[url]"), Active: f.Bool("web_hook[active]"),
		ProviderActions: f.Bool("web_hook[provider_actions]"), Events: map[string]bool{}}
	for _, e := range porta.WebhookEvents {
		if on := f.Bool("web_hook[" + e + "_on]"); on != nil {
			in.Events[e] = *on
		}
	}
	_, err := p.Domain().UpdateWebhooks(p.Context(), p.Actor(), in)
	if f.Invalid(err, fieldErrors("web_hook", "url")) {
		p.Flash(web.Error("Webhooks settings could not be updated"))
		return p.RenderStatus(http.StatusUnprocessableEntity, "webhooks", newWebhooksView(p.Provider()))
	}
	if err != nil {
		return err
	}
	return p.Redirect("/p/admin/webhooks/edit", web.Notice("Webhooks settings were successfully updated"))
}

// ping pings the provider's webhook URL and says what came back, as
// porta's show: success, or the failure's message (as JSON writes it).
func ping(ctx context.Context, prov *store.Provider) (ok bool, msg string) {
	url := prov.Webhooks.URL
	if strings.TrimSpace(url) == "" {
		return false, "Nowhere to ping"
	}
	status, err := webhook.Ping(ctx, nil, url)
	if err != nil {
		quoted, _ := json.Marshal(err.Error())
		return false, "Ping failed: " + string(quoted)
	}
	return true, fmt.Sprintf("%s responded with %d", url, status)
}

// webhooksPing is GET /p/admin/webhooks: the "Ping!" button, back to the
// form with what the URL answered.
func (pg *pages) webhooksPing(p *web.Page) error {
	ok, msg := ping(p.Context(), p.Provider())
	if !ok {
		return p.Redirect("/p/admin/webhooks/edit", web.Error(msg))
	}
	return p.Redirect("/p/admin/webhooks/edit", web.Notice(msg))
}

// webhooksPingJSON is GET /p/admin/webhooks.json, porta's Ping: {"type":
// "success"|"danger", "message": …}.
func (pg *pages) webhooksPingJSON(p *web.Page) error {
	ok, msg := ping(p.Context(), p.Provider())
	kind := "success"
	if !ok {
		kind = "danger"
	}
	return p.JSON(http.StatusOK, map[string]string{"type": kind, "message": msg})
}
