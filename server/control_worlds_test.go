package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
)

// createWorld takes a world of the controls fixture.
func (s *sandbox) createWorld() worldReply {
	s.t.Helper()
	r := s.sendJSON("POST", "/_sandbox/worlds", "")
	if r.status != 201 {
		s.t.Fatalf("create a world: %d %s", r.status, r.body)
	}
	var w worldReply
	if err := json.Unmarshal([]byte(r.body), &w); err != nil {
		s.t.Fatal(err)
	}
	return w
}

// authrep of a world's Daily App.
func (w worldReply) authrep() string {
	svc := w.Services[0]
	app := svc.Applications[0]
	return fmt.Sprintf("/transactions/authrep.xml?service_token=%s&service_id=%s&app_id=%s&app_key=%s&usage%%5Bhits%%5D=1",
		svc.ServiceTokens[0], svc.ID, app.AppID, app.AppKeys[0])
}

// A world is a copy under new credentials, with every name kept; two
// worlds and the fixtures' own never share counters or changes.
func TestWorlds(t *testing.T) {
	s := controls(t)
	a, b := s.createWorld(), s.createWorld()
	if a.ID == b.ID || a.ProviderKey == b.ProviderKey || a.ProviderKey == "ctl-provider-key" || a.Provider != "Controls" ||
		len(a.Services) != 1 || a.Services[0].ID == "500" || a.Services[0].ID == b.Services[0].ID ||
		a.Services[0].SystemName != "daily_api" || a.Services[0].Name != "Daily API" {
		t.Fatalf("worlds:\n%+v\n%+v", a, b)
	}
	apps := a.Services[0].Applications
	if len(apps) != 2 || apps[0].Name != "Daily App" || apps[0].Account != "Daily Co" || apps[0].AppID == "daily-app" ||
		len(apps[0].AppKeys) != 1 || apps[0].AppKeys[0] == "daily-app-key-1234" || len(apps[0].AppID) != 8 {
		t.Errorf("applications: %+v", apps)
	}

	// The fixture's usage is in each world; each world's limit is its own.
	for range 2 {
		if r := s.get(a.authrep()); r.status != 200 {
			t.Fatalf("world a: %d %s", r.status, r.body)
		}
	}
	expectIn(t, "a is full", s.get(a.authrep()).body, "usage limits are exceeded")
	if r := s.get(b.authrep()); r.status != 200 {
		t.Errorf("world b shares a's counters: %d %s", r.status, r.body)
	}
	if got := s.dailyHits(); got != "1" {
		t.Errorf("the fixtures' own app: %s hits, want its 1", got)
	}

	// Changes through the Account Management API stay in their world.
	accounts := func(w worldReply) string {
		return s.am("GET", "/admin/api/accounts.xml", "access_token="+w.AccessToken).body
	}
	r := s.am("GET", "/admin/api/accounts.xml", "access_token="+a.AccessToken)
	id := between(r.body, "<id>", "</id>")
	s.am("PUT", "/admin/api/accounts/"+id+".xml", "access_token="+a.AccessToken+"&org_name=Only+In+A")
	expectIn(t, "a renamed", accounts(a), "<org_name>Only In A</org_name>")
	if strings.Contains(accounts(b), "Only In A") || strings.Contains(s.am("GET", "/admin/api/accounts.xml", ctlAM).body, "Only In A") {
		t.Error("a change of world a is seen elsewhere")
	}
	if r := s.am("GET", "/admin/api/accounts/"+id+".xml", "access_token="+b.AccessToken); r.status != 404 {
		t.Errorf("world b sees world a's account: %d", r.status)
	}

	// One world back as it was made: its credentials, the fixture's state.
	r = s.call("POST", "/_sandbox/worlds/"+a.ID+"/reset", "")
	if r.status != 200 || !strings.HasPrefix(r.body, `{"took_ms":`) {
		t.Fatalf("reset a: %d %s", r.status, r.body)
	}
	if r := s.get(a.authrep()); r.status != 200 {
		t.Errorf("after resetting a: %d %s", r.status, r.body)
	}
	expectIn(t, "a's name back", accounts(a), "<org_name>Daily Co</org_name>")

	var list struct{ Worlds []worldReply }
	json.Unmarshal([]byte(s.get("/_sandbox/worlds").body), &list)
	if len(list.Worlds) != 2 || list.Worlds[0].ID != a.ID || list.Worlds[1].ProviderKey != b.ProviderKey {
		t.Errorf("list: %+v", list.Worlds)
	}
	expectIn(t, "one", s.get("/_sandbox/worlds/"+b.ID).body, `"id":"`+b.ID+`"`, `"provider_key":"`+b.ProviderKey+`"`)

	expect(t, "drop", s.call("DELETE", "/_sandbox/worlds/"+a.ID, ""), 204, "")
	expectIn(t, "a's credentials are gone", s.get(a.authrep()).body, `<error code="service_token_invalid">`)
	expect(t, "gone", s.get("/_sandbox/worlds/"+a.ID), 404,
		`{"error":"no world \"`+a.ID+`\" (GET /_sandbox/worlds lists them; a reset drops them all)","field":"id"}`+"\n")
	expect(t, "drop again", s.call("DELETE", "/_sandbox/worlds/"+a.ID, ""), 404,
		`{"error":"no world \"`+a.ID+`\" (GET /_sandbox/worlds lists them; a reset drops them all)","field":"id"}`+"\n")

	// A reset of the sandbox drops every world.
	s.call("POST", "/_sandbox/reset", "")
	expect(t, "after a reset", s.get("/_sandbox/worlds"), 200, `{"worlds":[]}`+"\n")
	expectIn(t, "b is gone", s.get(b.authrep()).body, `<error code="service_token_invalid">`)

	for body, want := range map[string]string{
		`{"provider": "Nope"}`: `{"error":"no fixture provider \"Nope\" (the fixtures have \"Controls\")","field":"provider"}`,
		`{"provder": "x"}`:     `{"error":"unknown field \"provder\" (fields: provider)","field":"provder"}`,
		`{"provider": 1}`:      `{"error":"provider: want a string, not number","field":"provider"}`,
	} {
		expect(t, body, s.sendJSON("POST", "/_sandbox/worlds", body), 400, want+"\n")
	}
	if r := s.sendJSON("POST", "/_sandbox/worlds", `{"provider": "Controls"}`); r.status != 201 {
		t.Errorf("by name: %d %s", r.status, r.body)
	}
}

// Ten tests in parallel, each on a world of its own, in one sandbox: each
// sees only its own counters and webhooks.
func TestWorldsInParallel(t *testing.T) {
	s := controls(t)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := s.call("POST", "/_sandbox/worlds", "")
			var w worldReply
			if err := json.Unmarshal([]byte(r.body), &w); err != nil || r.status != 201 {
				t.Errorf("world %d: %d %s", i, r.status, r.body)
				return
			}
			n := 1 + i%2 // within the limit of 3, with the fixture's 1
			for range n {
				if r := s.call("GET", w.authrep(), ""); r.status != 200 {
					t.Errorf("world %d: %d %s", i, r.status, r.body)
				}
			}
			svc, app := w.Services[0], w.Services[0].Applications[0]
			r = s.call("GET", fmt.Sprintf("/transactions/authorize.xml?service_token=%s&service_id=%s&app_id=%s&app_key=%s",
				svc.ServiceTokens[0], svc.ID, app.AppID, app.AppKeys[0]), "")
			if want := fmt.Sprintf("<current_value>%d</current_value>", 1+n); !strings.Contains(r.body, want) {
				t.Errorf("world %d: want %s in %s", i, want, r.body)
			}
		}()
	}
	wg.Wait()
	if got := s.dailyHits(); got != "1" {
		t.Errorf("the fixtures' own app: %s hits", got)
	}
}
