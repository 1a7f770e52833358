package admin_test

import (
	"crypto/rand"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/portaltest"
)

// The admin portal's forms over plain HTTP: porta's validation messages
// on the page again (422), refusals as porta's flash, unknown ids as 404
// pages, CSRF refused on every form, hostile names escaped, bulk
// operations with allowed and refused changes mixed.

// adminIn starts a sandbox on world with a signed-in admin client.
func adminIn(t *testing.T, world string) (*portaltest.Sandbox, *portaltest.Client) {
	t.Helper()
	s := start(t, world)
	c := s.AdminClient(t)
	if r := c.Login("admin", "admin"); r.Status != 200 {
		t.Fatalf("login: %d", r.Status)
	}
	return s, c
}

// submit reads page (for its form's token) and posts form to action.
func submit(c *portaltest.Client, page, action string, form url.Values) *portaltest.Response {
	c.Get(page)
	return c.Post(action, form)
}

// fieldError is the error the page shows beside the field of id.
func fieldError(r *portaltest.Response, id string) string {
	i := strings.Index(r.Body, `id="`+id+`_errors">`)
	if i < 0 {
		return ""
	}
	rest := r.Body[i+len(`id="`+id+`_errors">`):]
	return html.UnescapeString(rest[:strings.Index(rest, "</p>")])
}

func TestFormValidationErrors(t *testing.T) {
	s, c := adminIn(t, guideWorld)
	dev := named(t, s, "Developer Co")
	echo, legacy := app(t, s, "Echo App"), app(t, s, "Legacy App")
	accounts := len(s.Store.Catalog().Providers[0].Accounts)
	for _, f := range []struct {
		name, page, action string
		form               url.Values
		// errs are the errors beside fields, by field id; top those at
		// the top of the form.
		errs map[string]string
		top  []string
	}{
		{"new account", "/buyers/accounts/new", "/buyers/accounts", url.Values{"account[org_name]": {" "},
			"account[user][username]": {"x"}, "account[user][email]": {"JOHN@developer.example.com"},
			"account[user][password]": {"short"}},
			map[string]string{"account_org_name": "can't be blank",
				"account_user_username": "is too short (minimum is 3 characters), use only letters, numbers, and .-_@+ please.",
				"account_user_email":    "has already been taken",
				"account_user_password": "is too short (minimum is 15 characters)"}, nil},
		{"edit account", fmt.Sprintf("/buyers/accounts/%d/edit", dev.ID), fmt.Sprintf("/buyers/accounts/%d", dev.ID),
			url.Values{"_method": {"put"}, "account[org_name]": {""}}, map[string]string{"account_org_name": "can't be blank"}, nil},
		{"new application", fmt.Sprintf("/buyers/accounts/%d/applications/new", dev.ID),
			fmt.Sprintf("/buyers/accounts/%d/applications", dev.ID), url.Values{"cinstance[plan_id]": {fmt.Sprint(planNamed(t, s, "Pro").ID)},
				"cinstance[name]": {""}}, map[string]string{"cinstance_name": "can't be blank"}, nil},
		{"edit application", fmt.Sprintf("/p/admin/applications/%d/edit", echo.ID), fmt.Sprintf("/p/admin/applications/%d", echo.ID),
			url.Values{"_method": {"put"}, "cinstance[name]": {"  "}}, map[string]string{"cinstance_name": "can't be blank"}, nil},
		{"invitation, no email", fmt.Sprintf("/buyers/accounts/%d/invitations/new", dev.ID),
			fmt.Sprintf("/buyers/accounts/%d/invitations", dev.ID), url.Values{"invitation[email]": {"not an email"}},
			map[string]string{"invitation_email": "should look like an email address"}, nil},
		{"invitation, a user's", fmt.Sprintf("/buyers/accounts/%d/invitations/new", dev.ID),
			fmt.Sprintf("/buyers/accounts/%d/invitations", dev.ID), url.Values{"invitation[email]": {"john@developer.example.com"}},
			map[string]string{"invitation_email": "has been taken by another user"}, nil},
		{"custom user key", fmt.Sprintf("/p/admin/applications/%d/keys/legacy-user-key/edit", legacy.ID),
			fmt.Sprintf("/p/admin/applications/%d/keys/legacy-user-key", legacy.ID), url.Values{"_method": {"put"},
				"cinstance[user_key]": {"has spaces"}}, map[string]string{"cinstance_user_key": "is invalid"},
			[]string{"User key is invalid. Allowed characters: A-Z a-z 0-9 - _ . or Base64 format without forward slash (/), no spaces and up to 256 characters."}},
		{"blank user key", fmt.Sprintf("/p/admin/applications/%d/keys/legacy-user-key/edit", legacy.ID),
			fmt.Sprintf("/p/admin/applications/%d/keys/legacy-user-key", legacy.ID), url.Values{"_method": {"put"},
				"cinstance[user_key]": {""}}, map[string]string{"cinstance_user_key": "can't be blank"}, nil},
		{"custom key", fmt.Sprintf("/p/admin/applications/%d/keys/new", echo.ID), fmt.Sprintf("/p/admin/applications/%d/keys", echo.ID),
			url.Values{"key": {"abc"}}, map[string]string{"key": "Value is too short (minimum is 5 characters)"}, nil},
		{"usage rules", "/site/usage_rules/edit", "/site/usage_rules", url.Values{"_method": {"put"},
			"settings[change_account_plan_permission]": {"whenever"}},
			map[string]string{}, nil},
		{"plan", fmt.Sprintf("/apiconfig/application_plans/%d/edit", planNamed(t, s, "Pro").ID),
			fmt.Sprintf("/apiconfig/application_plans/%d", planNamed(t, s, "Pro").ID), url.Values{"_method": {"put"},
				"application_plan[name]": {""}, "application_plan[setup_fee]": {"lots"}},
			map[string]string{"application_plan_name": "can't be blank", "application_plan_setup_fee": "is not a number"}, nil},
		{"webhooks", "/p/admin/webhooks/edit", "/p/admin/webhooks", url.Values{"_method": {"put"}, "web_hook[active]": {"1"},
			"web_hook[url]": {"not a url"}}, map[string]string{"web_hook_url": "Must be a valid URL such as http://example.com"}, nil},
		{"message", fmt.Sprintf("/p/admin/messages/outbox/new?to=%d", dev.ID), "/p/admin/messages/outbox",
			url.Values{"to": {fmt.Sprint(dev.ID)}, "message[subject]": {""}, "message[body]": {"hello"}},
			map[string]string{"message_subject": "can't be blank"}, nil},
	} {
		t.Run(f.name, func(t *testing.T) {
			r := submit(c, f.page, f.action, f.form)
			if r.Status != 422 {
				t.Fatalf("%d, want 422: %s", r.Status, r.Text())
			}
			for id, want := range f.errs {
				if got := fieldError(r, id); got != want {
					t.Errorf("beside %s: %q, want %q", id, got, want)
				}
			}
			for _, want := range f.top {
				if !strings.Contains(r.Text(), want) {
					t.Errorf("no %q at the top: %s", want, r.Text())
				}
			}
			// The form is shown again with what was typed.
			for name, vs := range f.form {
				if name == "_method" || name == "to" || name == "authenticity_token" || strings.Contains(name, "password") ||
					strings.Contains(name, "permission") || strings.TrimSpace(vs[0]) == "" {
					continue
				}
				if !strings.Contains(r.Body, `value="`+strings.ReplaceAll(vs[0], `"`, "&#34;")+`"`) && !strings.Contains(r.Body, ">"+vs[0]+"<") {
					t.Errorf("the value of %s is not on the page again", name)
				}
			}
		})
	}
	if got := len(s.Store.Catalog().Providers[0].Accounts); got != accounts {
		t.Errorf("refused forms made accounts: %d, want %d", got, accounts)
	}
	if r := submit(c, "/site/usage_rules/edit", "/site/usage_rules", url.Values{"_method": {"put"},
		"settings[change_account_plan_permission]": {"whenever"}}); !strings.Contains(r.Text(), "is not included in the list") {
		t.Errorf("usage rules: %s", r.Text())
	}
	if r := submit(c, "/p/admin/webhooks/edit", "/p/admin/webhooks", url.Values{"_method": {"put"}, "web_hook[active]": {"1"},
		"web_hook[url]": {"nope"}}); !strings.Contains(strings.Join(r.Flash(), "|"), "error: Webhooks settings could not be updated") {
		t.Errorf("webhooks flash: %v", r.Flash())
	}
}

// Refusals a page answers with porta's flash instead of a form: a state
// the change does not apply to, the last key a service requires, a reply
// without a subject, the invitation already sent.
func TestRefusalsAsFlash(t *testing.T) {
	s, c := adminIn(t, guideWorld)
	dev := named(t, s, "Developer Co")
	echo := app(t, s, "Echo App")
	for _, f := range []struct {
		name, page, action string
		form               url.Values
		want               string
	}{
		{"resume an approved account", fmt.Sprintf("/buyers/accounts/%d", dev.ID), fmt.Sprintf("/buyers/accounts/%d/resume", dev.ID),
			nil, "error: Cannot resume developer account"},
		{"approve an approved account", fmt.Sprintf("/buyers/accounts/%d", dev.ID), fmt.Sprintf("/buyers/accounts/%d/approve", dev.ID),
			nil, "error: Cannot approve developer account"},
		{"accept a live application", fmt.Sprintf("/p/admin/applications/%d", echo.ID), fmt.Sprintf("/p/admin/applications/%d/accept", echo.ID),
			url.Values{"_method": {"put"}}, `error: State cannot transition via "accept"`},
		{"reject a live application", fmt.Sprintf("/p/admin/applications/%d", echo.ID), fmt.Sprintf("/p/admin/applications/%d/reject", echo.ID),
			url.Values{"_method": {"delete"}}, `error: State cannot transition via "reject"`},
		{"the only key", fmt.Sprintf("/p/admin/applications/%d", echo.ID), fmt.Sprintf("/p/admin/applications/%d/keys/echo-app-key", echo.ID),
			url.Values{"_method": {"delete"}}, "error: At least one application key is required"},
		{"activate an active user", fmt.Sprintf("/buyers/accounts/%d/users", dev.ID),
			fmt.Sprintf("/buyers/accounts/%d/users/%d/unsuspend", dev.ID, dev.Users[0].ID), nil,
			`error: State cannot transition via "unsuspend"`},
	} {
		t.Run(f.name, func(t *testing.T) {
			r := submit(c, f.page, f.action, f.form)
			if r.Status != 200 || strings.Join(r.Flash(), "|") != f.want {
				t.Errorf("%d %v, want %q", r.Status, r.Flash(), f.want)
			}
		})
	}
	if a := app(t, s, "Echo App"); a.State != "live" || len(a.Keys) != 1 {
		t.Errorf("the refusals changed the application: %s %v", a.State, a.Keys)
	}
	// A reply with no subject, to a developer's message.
	d := porta.New(s.Store, rand.Reader)
	prov := s.Store.Catalog().Providers[0]
	if _, err := d.SendMessage(t.Context(), porta.ByDeveloper(prov, dev.Users[0]), dev.ID,
		porta.MessageInput{Subject: "Help", Body: "Our keys fail."}); err != nil {
		t.Fatal(err)
	}
	inbox, err := d.Inbox(t.Context(), porta.ByAdmin(prov), false)
	if err != nil || len(inbox) != 1 {
		t.Fatalf("inbox %v %v", err, inbox)
	}
	msg := fmt.Sprintf("/p/admin/messages/inbox/%d", inbox[0].RecipientID)
	r := submit(c, msg, msg+"/reply", url.Values{"message[subject]": {""}, "message[body]": {"> Our keys fail.\nLook again."}})
	if r.URL.Path != msg || strings.Join(r.Flash(), "|") != "error: Subject can't be blank" {
		t.Errorf("a reply without a subject: %s %v", r.URL.Path, r.Flash())
	}
	if sent, _ := d.SentMessages(t.Context(), porta.ByAdmin(prov), false); len(sent) != 0 {
		t.Errorf("the refused reply was sent: %+v", sent)
	}
}
