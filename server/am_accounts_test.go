package server

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// The Account Management API against testdata/am.yaml at 2026-11-22
// 10:15:00. Ids follow the fixture's order: accounts Dev Co 1, Waiting Ltd
// 2 (and Other Dev 3 of the other provider); users john 1, jane 2, wait 3;
// plans: account plan 1, Echo API's service plan 2, Basic 3, Pro 4, Gold 5,
// Legacy API's service plan 6, Starter 7; metrics hits 1, search 2;
// applications Echo App 1, Legacy App 2.

const (
	rw       = "access_token=acme-rw"
	accessNo = xmlDecl + `<error>Access denied</error>`
	badPerms = xmlDecl + `<error>Your access token does not have the correct permissions</error>`
	stamp0   = "2026-11-22T10:15:00Z"
)

func amSandbox(t *testing.T) *sandbox { return start(t, "testdata/am.yaml", day("10:15:00")) }

// am sends an Account Management API call with a form body.
func (s *sandbox) am(method, path, form string) reply {
	s.t.Helper()
	if form == "" && method != http.MethodPost && method != http.MethodPut {
		return s.call(method, path, "")
	}
	return s.call(method, path, form, "Content-Type: application/x-www-form-urlencoded")
}

func plan(id int, name, typ, state string, custom, def bool, service string) string {
	attrs := ""
	switch {
	case typ == "application_plan":
		attrs = fmt.Sprintf(` custom="%t" default="%t"`, custom, def)
	case def:
		attrs = ` default="true"`
	}
	svc := ""
	if service != "" {
		svc = "<service_id>" + service + "</service_id>"
	}
	return fmt.Sprintf(`<plan%s><id>%d</id><name>%s</name><type>%s</type><state>%s</state><approval_required>%t</approval_required>`+
		`<setup_fee>0.0</setup_fee><cost_per_month>0.0</cost_per_month><trial_period_days/><cancellation_period>0</cancellation_period>%s</plan>`,
		attrs, id, name, typ, state, name == "Gold", svc)
}

var (
	accountPlan1 = plan(1, "Default", "account_plan", "published", false, true, "")
	servicePlan2 = plan(2, "Default", "service_plan", "published", false, true, "100")
	servicePlan6 = plan(6, "Default", "service_plan", "published", false, true, "200")
	basic3       = plan(3, "Basic", "application_plan", "published", false, true, "100")
	pro4         = plan(4, "Pro", "application_plan", "published", false, false, "100")
	gold5        = plan(5, "Gold", "application_plan", "published", false, false, "100")
	starter7     = plan(7, "Starter", "application_plan", "published", false, true, "200")

	john = `<user><id>1</id><created_at>` + stamp0 + `</created_at><updated_at>` + stamp0 + `</updated_at><account_id>1</account_id>` +
		`<state>active</state><role>admin</role><username>john</username><email>john@dev.test</email><first_name>John</first_name><extra_fields></extra_fields></user>`
	jane = `<user><id>2</id><created_at>` + stamp0 + `</created_at><updated_at>` + stamp0 + `</updated_at><account_id>1</account_id>` +
		`<state>active</state><role>member</role><username>jane</username><email>jane@dev.test</email><extra_fields></extra_fields></user>`

	devCo = `<account><id>1</id><created_at>` + stamp0 + `</created_at><updated_at>` + stamp0 + `</updated_at><state>approved</state>` +
		`<annotations></annotations><org_name>Dev Co</org_name><vat_code>VAT-1</vat_code><extra_fields><crm_id>C-7</crm_id></extra_fields>` +
		`<monthly_billing_enabled>true</monthly_billing_enabled><monthly_charging_enabled>true</monthly_charging_enabled><credit_card_stored>false</credit_card_stored>` +
		`<plans>` + accountPlan1 + servicePlan2 + servicePlan6 + basic3 + starter7 + `</plans><users>` + john + jane + `</users></account>`
	waiting = `<account><id>2</id><created_at>` + stamp0 + `</created_at><updated_at>` + stamp0 + `</updated_at><state>pending</state>` +
		`<annotations></annotations><org_name>Waiting Ltd</org_name><extra_fields></extra_fields>` +
		`<monthly_billing_enabled>true</monthly_billing_enabled><monthly_charging_enabled>true</monthly_charging_enabled><credit_card_stored>false</credit_card_stored>` +
		`<plans>` + accountPlan1 + `</plans><users><user><id>3</id><created_at>` + stamp0 + `</created_at><updated_at>` + stamp0 + `</updated_at>` +
		`<account_id>2</account_id><state>active</state><role>admin</role><username>wait</username><email>wait@waiting.test</email><extra_fields></extra_fields></user></users></account>`
)

func TestAMAuthentication(t *testing.T) {
	s := amSandbox(t)
	basic := func(user, pass string) string {
		return "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
	}
	tests := []struct {
		name, method, path string
		headers            []string
		status             int
		body               string
	}{
		{"no credentials", "GET", "/admin/api/accounts/2.xml", nil, 403, accessNo},
		{"unknown token", "GET", "/admin/api/accounts/2.xml?access_token=nope", nil, 403, accessNo},
		{"blank token", "GET", "/admin/api/accounts/2.xml?access_token=", nil, 403, accessNo},
		{"unknown provider key", "GET", "/admin/api/accounts/2.xml?provider_key=nope", nil, 403, accessNo},
		{"token", "GET", "/admin/api/accounts/2.xml?" + rw, nil, 200, xmlDecl + waiting},
		{"provider key", "GET", "/admin/api/accounts/2.xml?provider_key=acme-key", nil, 200, xmlDecl + waiting},
		{"token as Basic user", "GET", "/admin/api/accounts/2.xml", []string{basic("acme-rw", "")}, 200, xmlDecl + waiting},
		{"token as Basic password", "GET", "/admin/api/accounts/2.xml", []string{basic("", "acme-rw")}, 200, xmlDecl + waiting},
		{"provider key as Basic", "GET", "/admin/api/accounts/2.xml", []string{basic("acme-key", "")}, 200, xmlDecl + waiting},
		{"Basic user wins over password", "GET", "/admin/api/accounts/2.xml", []string{basic("nope", "acme-rw")}, 403, accessNo},
		{"bad token, good provider key", "GET", "/admin/api/accounts/2.xml?access_token=nope&provider_key=acme-key", nil, 200, xmlDecl + waiting},
		{"read-only token reads", "GET", "/admin/api/accounts/2.xml?access_token=acme-ro", nil, 200, xmlDecl + waiting},
		{"read-only token cannot write", "PUT", "/admin/api/accounts/2/approve.xml?access_token=acme-ro", nil, 403, badPerms},
		{"token without the scope", "GET", "/admin/api/accounts/2.xml?access_token=acme-stats", nil, 403, badPerms},
		{"another provider's account", "GET", "/admin/api/accounts/3.xml?" + rw, nil, 404, ""},
		{"another provider's token", "GET", "/admin/api/accounts/2.xml?access_token=other-rw", nil, 404, ""},
		{"no extension is XML", "GET", "/admin/api/accounts/2?" + rw, nil, 200, xmlDecl + waiting},
	}
	for _, tc := range tests {
		r := s.call(tc.method, tc.path, "", tc.headers...)
		expect(t, tc.name, r, tc.status, tc.body)
	}
	// The refused write changed nothing.
	expect(t, "still pending", s.get("/admin/api/accounts/2.xml?"+rw), 200, xmlDecl+waiting,
		"Content-Type: application/xml; charset=utf-8")
	expect(t, "404 head", s.get("/admin/api/accounts/99.xml?"+rw), 404, "", "Content-Type: application/xml")
	expect(t, "JSON too", s.get("/admin/api/accounts/2.json?"+rw), 200, s.get("/admin/api/accounts/2.json?"+rw).body) // issue 13: am_json_test.go
}

func TestAMAccounts(t *testing.T) {
	s := amSandbox(t)
	expect(t, "list", s.get("/admin/api/accounts.xml?"+rw), 200, xmlDecl+`<accounts>`+devCo+waiting+`</accounts>`)
	expect(t, "state filter", s.get("/admin/api/accounts.xml?state=pending&"+rw), 200, xmlDecl+`<accounts>`+waiting+`</accounts>`)
	expect(t, "unknown state", s.get("/admin/api/accounts.xml?state=all&"+rw), 200, xmlDecl+`<accounts></accounts>`)
	expect(t, "page 2 of 1 per page", s.get("/admin/api/accounts.xml?per_page=1&page=2&"+rw), 200,
		xmlDecl+`<accounts per_page="1" total_entries="2" total_pages="2" current_page="2">`+waiting+`</accounts>`)
	expect(t, "per_page out of range is 500", s.get("/admin/api/accounts.xml?per_page=501&"+rw), 200,
		xmlDecl+`<accounts>`+devCo+waiting+`</accounts>`)
	expect(t, "page past the end", s.get("/admin/api/accounts.xml?per_page=1&page=9&"+rw), 200,
		xmlDecl+`<accounts per_page="1" total_entries="2" total_pages="2" current_page="9"></accounts>`)

	expect(t, "find by username", s.get("/admin/api/accounts/find.xml?username=jane&"+rw), 200, xmlDecl+devCo)
	expect(t, "find by email", s.get("/admin/api/accounts/find.xml?email=wait@waiting.test&"+rw), 200, xmlDecl+waiting)
	expect(t, "find by user_id", s.get("/admin/api/accounts/find.xml?user_id=3&"+rw), 200, xmlDecl+waiting)
	expect(t, "username wins over email", s.get("/admin/api/accounts/find.xml?username=nobody&email=wait@waiting.test&"+rw), 404, "")
	expect(t, "another provider's user", s.get("/admin/api/accounts/find.xml?username=otto&"+rw), 404, "")

	// Update: defined fields flat or as extra_fields, org_name's alias,
	// annotations, billing switches; anything else is ignored.
	r := s.am("PUT", "/admin/api/accounts/2.xml", rw+"&name=Waiting+%26+Co&vat_code=V2&extra_fields[crm_id]=C-9"+
		"&telephone_number=123&annotations[managed_by]=operator&monthly_billing_enabled=false&state=approved")
	want := xmlDecl + `<account><id>2</id><created_at>` + stamp0 + `</created_at><updated_at>` + stamp0 + `</updated_at><state>pending</state>` +
		`<annotations><managed_by>operator</managed_by></annotations><org_name>Waiting &amp; Co</org_name><vat_code>V2</vat_code>` +
		`<extra_fields><crm_id>C-9</crm_id></extra_fields><monthly_billing_enabled>false</monthly_billing_enabled>` +
		`<monthly_charging_enabled>true</monthly_charging_enabled><credit_card_stored>false</credit_card_stored><plans>` + accountPlan1 + `</plans>` +
		`<users><user><id>3</id><created_at>` + stamp0 + `</created_at><updated_at>` + stamp0 + `</updated_at><account_id>2</account_id>` +
		`<state>active</state><role>admin</role><username>wait</username><email>wait@waiting.test</email><extra_fields></extra_fields></user></users></account>`
	expect(t, "update", r, 200, want)
	expect(t, "update is stored", s.get("/admin/api/accounts/2.xml?"+rw), 200, want)
	expect(t, "blank org_name", s.am("PUT", "/admin/api/accounts/2.xml", rw+"&org_name=+"), 422,
		xmlDecl+`<errors><error>Organization/Group Name can't be blank</error></errors>`)
	expect(t, "unknown annotation", s.am("PUT", "/admin/api/accounts/2.xml", rw+"&annotations[colour]=red"), 422,
		xmlDecl+`<errors><error>Annotations name is not included in the list</error></errors>`)
	expect(t, "update of an unknown account", s.am("PUT", "/admin/api/accounts/9.xml", rw+"&org_name=x"), 404, "")

	// State transitions, each from every state.
	state := func(want string) {
		t.Helper()
		expectIn(t, "state", s.get("/admin/api/accounts/2.xml?"+rw).body, "<state>"+want+"</state>")
	}
	steps := []struct {
		event, from string
		status      int
	}{
		{"make_pending", "pending", 422}, {"approve", "pending", 200}, {"approve", "approved", 422},
		{"make_pending", "approved", 200}, {"reject", "pending", 200}, {"reject", "rejected", 422},
		{"approve", "rejected", 200}, {"reject", "approved", 200}, {"make_pending", "rejected", 200},
	}
	to := map[string]string{"approve": "approved", "reject": "rejected", "make_pending": "pending"}
	for _, st := range steps {
		state(st.from)
		r := s.am("PUT", "/admin/api/accounts/2/"+st.event+".xml", rw)
		if st.status == 422 {
			expect(t, st.event+" from "+st.from, r, 422, xmlDecl+`<errors><error>State cannot transition via "`+st.event+`"</error></errors>`)
			continue
		}
		expect(t, st.event+" from "+st.from, r, 200, strings.Replace(want, "<state>pending</state>", "<state>"+to[st.event]+"</state>", 1))
	}

	// Change of account plan: only account plans of the provider.
	expect(t, "change to the same plan", s.am("PUT", "/admin/api/accounts/1/change_plan.xml", rw+"&plan_id=1"), 200, xmlDecl+accountPlan1)
	expect(t, "change to an application plan", s.am("PUT", "/admin/api/accounts/1/change_plan.xml", rw+"&plan_id=3"), 404, "")
	expect(t, "change to another provider's plan", s.am("PUT", "/admin/api/accounts/1/change_plan.xml", rw+"&plan_id=8"), 404, "")

	// Delete: the account, its users and applications go; authorize no
	// longer finds them.
	auth := "/transactions/authorize.xml?provider_key=acme-key&service_id=100&app_id=echo-app&app_key=echo-key-1"
	expectIn(t, "authorized before", s.get(auth).body, "<authorized>true</authorized>")
	expect(t, "delete", s.am("DELETE", "/admin/api/accounts/1.xml?"+rw, ""), 200, "", "Content-Type: application/xml")
	expect(t, "deleted", s.get("/admin/api/accounts/1.xml?"+rw), 404, "")
	expect(t, "its app is gone", s.get(auth), 404, errDoc("application_not_found", `application with id="echo-app" was not found`))
	expect(t, "its user is gone", s.get("/admin/api/accounts/find.xml?username=john&"+rw), 404, "")
	expect(t, "delete again", s.am("DELETE", "/admin/api/accounts/1.xml?"+rw, ""), 404, "")
}

func TestAMUsers(t *testing.T) {
	s := amSandbox(t)
	users := "/admin/api/accounts/1/users"
	expect(t, "list", s.get(users+".xml?"+rw), 200, xmlDecl+`<users>`+john+jane+`</users>`)
	expect(t, "role filter", s.get(users+".xml?role=member&"+rw), 200, xmlDecl+`<users>`+jane+`</users>`)
	expect(t, "state filter", s.get(users+".xml?state=pending&"+rw), 200, xmlDecl+`<users></users>`)
	expect(t, "show", s.get(users+"/1.xml?"+rw), 200, xmlDecl+john)
	expect(t, "user of another account", s.get(users+"/3.xml?"+rw), 404, "")
	expect(t, "users of an unknown account", s.get("/admin/api/accounts/9/users.xml?"+rw), 404, "")

	// Create: always a pending member; role and state are ignored.
	created := func(id int, state, role, extra string) string {
		return fmt.Sprintf(`<user><id>%d</id><created_at>`+stamp0+`</created_at><updated_at>`+stamp0+`</updated_at><account_id>1</account_id>`+
			`<state>%s</state><role>%s</role><username>kim</username><email>kim@dev.test</email>%s</user>`, id, state, role, extra)
	}
	r := s.am("POST", users+".xml", rw+"&username=kim&email=kim@dev.test&password=a-very-long-password&role=admin&state=active"+
		"&first_name=Kim&nickname=K&last_name=ignored")
	expect(t, "create", r, 201, xmlDecl+created(5, "pending", "member", `<first_name>Kim</first_name><extra_fields><nickname>K</nickname></extra_fields>`))
	expect(t, "invalid user", s.am("POST", users+".xml", rw+"&username=k&email=nope&password=short&password_confirmation=other"), 422,
		xmlDecl+`<errors><error>Password confirmation doesn't match Password</error><error>Password is too short (minimum is 15 characters)</error>`+
			`<error>Username is too short (minimum is 3 characters)</error><error>Username use only letters, numbers, and .-_@+ please.</error>`+
			`<error>Email is too short (minimum is 6 characters)</error><error>Email should look like an email address</error></errors>`)
	expect(t, "taken", s.am("POST", users+".xml", rw+"&username=JANE&email=wait@waiting.test"), 422,
		xmlDecl+`<errors><error>Email has already been taken</error><error>Username has already been taken</error></errors>`)
	expect(t, "bad username", s.am("POST", users+".xml", rw+"&username=a+b&email=ab@dev.test"), 422,
		xmlDecl+`<errors><error>Username use only letters, numbers, and .-_@+ please.</error></errors>`)

	// Transitions: activate and suspend are bang events.
	u := users + "/5"
	badActivate := "<error>\n  <from>suspended</from>\n  <event>activate</event>\n  <error>State cannot transition via \"activate\"</error>\n" +
		"  <user>\n    <id>5</id>\n    <created_at>" + stamp0 + "</created_at>\n    <updated_at>" + stamp0 + "</updated_at>\n    <account_id>1</account_id>\n" +
		"    <state>suspended</state>\n    <role>member</role>\n    <username>kim</username>\n    <email>kim@dev.test</email>\n" +
		"    <first_name>Kim</first_name>\n    <extra_fields>\n      <nickname>K</nickname>\n    </extra_fields>\n  </user>\n</error>"
	badSuspend := strings.NewReplacer("<from>suspended", "<from>pending", "<event>activate", "<event>suspend",
		`via "activate"`, `via "suspend"`, "<state>suspended", "<state>pending").Replace(badActivate)
	withExtra := `<first_name>Kim</first_name><extra_fields><nickname>K</nickname></extra_fields>`
	steps := []struct {
		event  string
		status int
		body   string
	}{
		{"suspend", 422, badSuspend},
		{"unsuspend", 422, xmlDecl + `<errors><error>State cannot transition via "unsuspend"</error></errors>`},
		{"activate", 200, xmlDecl + created(5, "active", "member", withExtra)},
		{"activate", 200, xmlDecl + created(5, "active", "member", withExtra)},
		{"suspend", 200, xmlDecl + created(5, "suspended", "member", withExtra)},
		{"suspend", 200, xmlDecl + created(5, "suspended", "member", withExtra)},
		{"activate", 422, badActivate},
		{"unsuspend", 200, xmlDecl + created(5, "active", "member", withExtra)},
		{"admin", 200, xmlDecl + created(5, "active", "admin", withExtra)},
		{"member", 200, xmlDecl + created(5, "active", "member", withExtra)},
	}
	for i, st := range steps {
		expect(t, fmt.Sprintf("%d %s", i, st.event), s.am("PUT", u+"/"+st.event+".xml", rw), st.status, st.body)
	}
	expect(t, "update", s.am("PUT", u+".xml", rw+"&email=kim@new.test&role=admin"), 200,
		xmlDecl+strings.Replace(created(5, "active", "member", withExtra), "kim@dev.test", "kim@new.test", 1))

	// The last admin stays; a member goes.
	expect(t, "delete last admin", s.am("DELETE", users+"/1.xml?"+rw, ""), 403, xmlDecl+`<errors><error>Can't delete last admin</error></errors>`)
	expect(t, "delete member", s.am("DELETE", u+".xml?"+rw, ""), 200, "")
	expect(t, "deleted", s.get(u+".xml?"+rw), 404, "")
	expect(t, "promote jane", s.am("PUT", users+"/2/admin.xml", rw), 200, xmlDecl+strings.Replace(jane, "member", "admin", 1))
	expect(t, "delete an admin of two", s.am("DELETE", users+"/1.xml?"+rw, ""), 200, "")
}

func TestAMSignup(t *testing.T) {
	s := amSandbox(t)
	// With a password and no approval: active user, approved account, an
	// application on each service's default plan.
	r := s.am("POST", "/admin/api/signup.xml", rw+"&org_name=New+Co&username=newbie&email=newbie@new.test&password=a-very-long-password&crm_id=N1")
	if r.status != 201 {
		t.Fatalf("signup: %d %s", r.status, r.body)
	}
	expectIn(t, "signup", r.body,
		`<account><id>4</id><created_at>`+stamp0+`</created_at><updated_at>`+stamp0+`</updated_at><state>approved</state><annotations></annotations>`+
			`<org_name>New Co</org_name><extra_fields><crm_id>N1</crm_id></extra_fields>`,
		`<plans>`+accountPlan1+servicePlan2+servicePlan6+basic3+starter7+`</plans>`,
		`<users><user><id>5</id><created_at>`+stamp0+`</created_at><updated_at>`+stamp0+`</updated_at><account_id>4</account_id><state>active</state>`+
			`<role>admin</role><username>newbie</username><email>newbie@new.test</email><extra_fields></extra_fields></user></users><applications><application><id>3</id>`,
		`<state>live</state><user_account_id>4</user_account_id>`, `<name>API signup</name><description>API signup</description>`,
		`</application><application><id>4</id>`, `</application></applications></account>`)
	if n := strings.Count(r.body, "<application>"); n != 2 {
		t.Errorf("signup made %d applications, want 2 (one per service)", n)
	}

	// Without a password: a pending user and a created account; the given
	// plan replaces its service's default.
	r = s.am("POST", "/admin/api/signup.xml", rw+"&org_name=Slow&username=slow&email=slow@new.test&application_plan_id=5")
	expectIn(t, "signup without password", r.body, `<id>5</id><created_at>`, `<state>created</state>`, `<state>pending</state><role>admin</role>`,
		gold5, `<state>pending</state><user_account_id>5</user_account_id>`)
	// A signup's email is not checked for its form, only its length.
	expect(t, "invalid signup", s.am("POST", "/admin/api/signup.xml", rw+"&username=ab&email=x"), 422,
		xmlDecl+`<errors><error>Organization/Group Name can't be blank</error><error>Users invalid</error>`+
			`<error>Username is too short (minimum is 3 characters)</error><error>Email is too short (minimum is 6 characters)</error></errors>`)
	expect(t, "username taken", s.am("POST", "/admin/api/signup.xml", rw+"&org_name=X&username=john"), 422,
		xmlDecl+`<errors><error>Users invalid</error><error>Username has already been taken</error></errors>`)
	// Activating the first admin brings the account in.
	expectIn(t, "activate", s.am("PUT", "/admin/api/accounts/5/users/6/activate.xml", rw).body, "<state>active</state>")
	expectIn(t, "account approved", s.get("/admin/api/accounts/5.xml?"+rw).body, "<state>approved</state><annotations>")
}

func TestAMMessagesAndSettings(t *testing.T) {
	s := amSandbox(t)
	expect(t, "message", s.am("POST", "/admin/api/accounts/1/messages.xml", rw+"&subject=Hi+%3C3&body=Welcome"), 201,
		xmlDecl+`<message><id>1</id><body>Welcome</body><subject>Hi &lt;3</subject><state>sent</state></message>`)
	expect(t, "wrapped message", s.am("POST", "/admin/api/accounts/1/messages.xml", rw+"&message[subject]=S"), 201,
		xmlDecl+`<message><id>2</id><body/><subject>S</subject><state>sent</state></message>`)
	expect(t, "message without subject", s.am("POST", "/admin/api/accounts/1/messages.xml", rw+"&body=B"), 422,
		"<error>\n  <from>unsent</from>\n  <event>deliver</event>\n  <error>Subject can't be blank</error>\n  <message>\n    <id/>\n"+
			"    <body>B</body>\n    <subject/>\n    <state>unsent</state>\n  </message>\n</error>")
	expect(t, "message of the wrong type", s.am("POST", "/admin/api/accounts/1/messages.xml", rw+"&message=hello"), 422,
		"Wrong type for parameter: message")
	expect(t, "message to another provider's account", s.am("POST", "/admin/api/accounts/3/messages.xml", rw+"&subject=S"), 404, "")

	settings := `{"settings":{"useraccountarea_enabled":true,"signups_enabled":true,"account_approval_required":false,"public_search":false,` +
		`"account_plans_ui_visible":false,"change_account_plan_permission":"request","service_plans_ui_visible":false,` +
		`"change_service_plan_permission":"request","enforce_sso":false}}`
	expect(t, "settings", s.get("/admin/api/settings.json?"+rw), 200, settings, "Content-Type: application/json; charset=utf-8")
	expect(t, "settings as XML", s.get("/admin/api/settings.xml?"+rw), 406, xmlDecl+`<error>The server does not understand "xml" request.</error>`)
	expect(t, "no settings given", s.am("PUT", "/admin/api/settings.json", rw), 400, "Required parameter missing: settings")
	expect(t, "bad permission", s.am("PUT", "/admin/api/settings.json", rw+"&change_account_plan_permission=always"), 422,
		`{"errors":{"change_account_plan_permission":["is not included in the list"]}}`)
	expect(t, "enforce_sso", s.am("PUT", "/admin/api/settings.json", rw+"&enforce_sso=true"), 422,
		`{"errors":{"enforce_sso":["Password-based authentication could not be disabled. No published authentication providers."]}}`)
	want := strings.NewReplacer(`"signups_enabled":true`, `"signups_enabled":false`, `"account_approval_required":false`,
		`"account_approval_required":true`, `"useraccountarea_enabled":true`, `"useraccountarea_enabled":true,"hide_service":true`).Replace(settings)
	expect(t, "update settings", s.am("PUT", "/admin/api/settings.json", rw+"&settings[signups_enabled]=0&settings[account_approval_required]=1&settings[hide_service]=true"), 200, want)
	expect(t, "settings stored", s.get("/admin/api/settings.json?"+rw), 200, want)
	// Account approval is the default account plan's.
	expectIn(t, "account plan", s.get("/admin/api/accounts/2.xml?"+rw).body,
		strings.Replace(accountPlan1, "<approval_required>false", "<approval_required>true", 1))
}

// A page whose offset is past what an int64 holds is an empty page, not a
// crash.
// porta's Pagination filter keeps page in 1.. (String#to_i, of any size)
// and per_page in 1..500, else their defaults; will_paginate refuses an
// offset past SQL's BIGINT as InvalidPage, which porta answers 404
// (ErrorHandling#handle_not_found). Issue 10 item 4: this panicked.
func TestAMPageFarPastTheEnd(t *testing.T) {
	s := amSandbox(t)
	for _, path := range []string{"/admin/api/accounts.xml", "/admin/api/applications.xml", "/admin/api/services.xml",
		"/admin/api/application_plans/3/limits.xml"} {
		root := strings.TrimSuffix(path[strings.LastIndexByte(path, '/')+1:], ".xml")
		empty := xmlDecl + `<` + root + `></` + root + `>`
		for _, q := range []string{"per_page=500&page=9223372036854775807", "per_page=2&page=4611686018427387905",
			"page=99999999999999999999999", "per_page=1&page=9223372036854775809"} {
			expect(t, path+"?"+q, s.get(path+"?"+q+"&"+rw), 404, "", "Content-Type: application/xml")
		}
		// The largest offsets that fit are empty pages.
		expect(t, path+" last offset", s.get(path+"?per_page=2&page=4611686018427387904&"+rw), 200, empty)
		// Out of range or not a number: page 1, 500 per page.
		for _, q := range []string{"page=0", "page=-3", "page=abc", "per_page=0", "per_page=501", "per_page=x",
			"per_page=99999999999999999999"} {
			r := s.get(path + "?" + q + "&" + rw)
			if r.status != 200 || strings.Contains(r.body, "current_page") || r.body == empty {
				t.Errorf("%s?%s: %d %s, want the whole list on one page", path, q, r.status, r.body)
			}
		}
	}
	expect(t, "current page as given", s.get("/admin/api/accounts.xml?per_page=1&page=9223372036854775808&"+rw), 200,
		xmlDecl+`<accounts per_page="1" total_entries="2" total_pages="2" current_page="9223372036854775808"></accounts>`)
}
