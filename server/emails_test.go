package server

import (
	"encoding/json"
	"testing"
)

// GET /_sandbox/emails lists the emails the operations wrote, newest
// last, with porta's subjects and bodies; to and subject filter them;
// DELETE forgets them. The API's changes write them too (the outbox is
// the domain's, not the portals').
func TestSandboxEmails(t *testing.T) {
	s := amSandbox(t)
	if r := s.get("/_sandbox/emails"); r.status != 200 || r.body != "{\"emails\":[]}\n" ||
		r.header.Get("Content-Type") != "application/json; charset=utf-8" || r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("empty outbox: %d %q %v", r.status, r.body, r.header)
	}
	if r := s.am("PUT", "/admin/api/accounts/1/applications/1/suspend.xml", rw); r.status != 200 {
		t.Fatalf("suspend: %d %s", r.status, r.body)
	}
	if r := s.am("POST", "/admin/api/accounts/1/messages.xml", rw+"&subject=Hello&body=Welcome."); r.status != 201 {
		t.Fatalf("message: %d %s", r.status, r.body)
	}
	type email struct {
		ID        int64    `json:"id"`
		To        string   `json:"to"`
		From      string   `json:"from"`
		Subject   string   `json:"subject"`
		Body      string   `json:"body"`
		Links     []string `json:"links"`
		Kind      string   `json:"kind"`
		AccountID *int64   `json:"account_id"`
		CreatedAt string   `json:"created_at"`
	}
	list := func(query string) []email {
		t.Helper()
		r := s.get("/_sandbox/emails" + query)
		if r.status != 200 {
			t.Fatalf("GET %s: %d %s", query, r.status, r.body)
		}
		var out struct{ Emails []email }
		if err := json.Unmarshal([]byte(r.body), &out); err != nil {
			t.Fatal(err)
		}
		return out.Emails
	}
	all := list("")
	if len(all) != 2 {
		t.Fatalf("emails = %+v", all)
	}
	sus, msg := all[0], all[1]
	if sus.To != "john@dev.test" || sus.Subject != "API System: Application has been suspended" ||
		sus.Body != "Dear Dev Co,\n\nAcme has suspended your application for the API.\n\nThe API Team\n" ||
		sus.From != "no-reply@acme.test" || sus.Kind != "system_message" || sus.AccountID == nil || *sus.AccountID != 1 ||
		sus.CreatedAt != "2026-11-22T10:15:00.000Z" || len(sus.Links) != 0 {
		t.Errorf("suspended email = %+v", sus)
	}
	if msg.Subject != "[msg] Hello" || msg.Kind != "message" || len(msg.Links) != 1 || msg.ID <= sus.ID {
		t.Errorf("message email = %+v", msg)
	}
	if got := list("?subject=SUSPENDED"); len(got) != 1 || got[0].ID != sus.ID {
		t.Errorf("subject filter: %+v", got)
	}
	if got := list("?to=JOHN@dev.test&subject=hello"); len(got) != 1 || got[0].ID != msg.ID {
		t.Errorf("to and subject: %+v", got)
	}
	if got := list("?to=jane@dev.test"); len(got) != 0 {
		t.Errorf("a member gets the account's emails: %+v", got)
	}
	if r := s.get("/_sandbox/emails?provider_key=nope"); r.status != 400 {
		t.Errorf("unknown provider_key: %d", r.status)
	}
	if r := s.call("DELETE", "/_sandbox/emails", ""); r.status != 204 {
		t.Errorf("DELETE: %d", r.status)
	}
	if got := list(""); len(got) != 0 {
		t.Errorf("after DELETE: %+v", got)
	}
	if r := s.call("OPTIONS", "/_sandbox/emails", ""); r.status != 404 {
		t.Errorf("OPTIONS: %d (no CORS on the sandbox's routes)", r.status)
	}
}
