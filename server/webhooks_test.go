package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/store"
	"github.com/threescale-sandbox/threescale-sandbox/webhook"
)

// Webhooks against testdata/hooks.yaml: every event on, admin actions
// fire. Ids: account plans Default 1 and Premium 2; Hooked API's service
// plan 3, Basic 4, Pro 5; account Hook Co 1, user hook 1, Hook App 1.

const hk = "access_token=hooks-rw"

// receiver is a webhook endpoint on loopback that records what it gets
// and answers with the status it is told.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []delivery
	status int
	notify chan struct{}
}

type delivery struct {
	method, contentType, body string
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{status: 200, notify: make(chan struct{}, 1000)}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		r.got = append(r.got, delivery{req.Method, req.Header.Get("Content-Type"), string(b)})
		status := r.status
		r.mu.Unlock()
		w.WriteHeader(status)
		r.notify <- struct{}{}
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) answer(status int) {
	r.mu.Lock()
	r.status = status
	r.mu.Unlock()
}

// await waits until the receiver has had n requests in all.
func (r *receiver) await(t *testing.T, n int) []delivery {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		r.mu.Lock()
		got := append([]delivery(nil), r.got...)
		r.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-r.notify:
		case <-deadline:
			t.Fatalf("the receiver got %d deliveries, want %d", len(got), n)
		}
	}
}

// envelope is the event document porta sends for an object's XML.
func envelope(action, typ, object string) string {
	return xmlDecl + "<event><action>" + action + "</action><type>" + typ + "</type><object>" +
		strings.TrimPrefix(object, xmlDecl) + "</object></event>"
}

func hooksSandbox(t *testing.T, rcv *receiver) *sandbox {
	s := start(t, "testdata/hooks.yaml", day("10:15:00"))
	if rcv != nil {
		r := s.am("PUT", "/admin/api/webhooks.json", hk+"&url="+url.QueryEscape(rcv.URL+"/hook?secret=s"))
		if r.status != 200 {
			t.Fatalf("webhook url: %d %s", r.status, r.body)
		}
	}
	return s
}

// outbox reads /_sandbox/webhooks.
func (s *sandbox) outbox(query string) []map[string]any {
	s.t.Helper()
	r := s.get("/_sandbox/webhooks" + query)
	var out struct {
		Events []map[string]any `json:"events"`
	}
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		s.t.Fatalf("outbox: %v in %s", err, r.body)
	}
	return out.Events
}

// Every event, in the order the changes make them, each as a POST of its
// envelope with Content-Type application/xml.
func TestWebhookEvents(t *testing.T) {
	rcv := newReceiver(t)
	s := hooksSandbox(t, rcv)
	s.dispatch(5, time.Minute)
	base := "/admin/api/accounts/1"
	calls := []struct {
		method, path, form string
		events             []string
	}{
		{"POST", "/admin/api/signup.xml", hk + "&org_name=New&username=newbie&email=n@new.test",
			[]string{"account created", "user created", "application created", "application key_created"}},
		{"PUT", base + ".xml", hk + "&org_name=Hook+Corp", []string{"account updated"}},
		{"PUT", base + "/approve.xml", hk, nil}, // already approved: refused, nothing fires
		{"PUT", base + "/change_plan.xml", hk + "&plan_id=2", []string{"account plan_changed"}},
		{"POST", base + "/users.xml", hk + "&username=temp&email=temp@hook.test", []string{"user created"}},
		{"PUT", base + "/users/3.xml", hk + "&email=tmp@hook.test", []string{"user updated"}},
		{"PUT", base + "/users/3/activate.xml", hk, []string{"user updated"}},
		{"DELETE", base + "/users/3.xml?" + hk, "", []string{"user deleted"}},
		{"POST", base + "/applications.xml", hk + "&plan_id=4&name=Second&application_id=second-app",
			[]string{"application created", "application key_created"}},
		{"PUT", base + "/applications/1.xml", hk + "&name=Renamed", []string{"application updated"}},
		{"PUT", base + "/applications/1/suspend.xml", hk, []string{"application suspended"}},
		{"PUT", base + "/applications/1/resume.xml", hk, []string{"application updated"}},
		{"PUT", base + "/applications/1/change_plan.xml", hk + "&plan_id=5", []string{"application plan_changed", "application updated"}},
		{"PUT", base + "/applications/1/customize_plan.xml", hk, []string{"application updated"}},
		{"PUT", base + "/applications/1/change_user_key.xml", hk, []string{"application user_key_updated", "application key_updated"}},
		{"POST", base + "/applications/1/keys.xml", hk + "&key=hook-key-2", []string{"application key_created"}},
		{"DELETE", base + "/applications/1/keys/hook-key-1.xml?" + hk, "", []string{"application key_deleted"}},
		{"DELETE", base + "/applications/3.xml?" + hk, "", []string{"application deleted"}},
		{"DELETE", base + "/applications/1.xml?" + hk, "", []string{"application deleted"}}, // on its custom plan
		{"DELETE", "/admin/api/accounts/2.xml?" + hk, "", []string{"application deleted", "user deleted", "account deleted"}},
	}
	var want []string
	var objects []string // what the API showed right after each call
	var firstEvent []int // the index of each call's first event
	for _, c := range calls {
		firstEvent = append(firstEvent, len(want))
		r := s.am(c.method, c.path, c.form)
		if len(c.events) > 0 && (r.status < 200 || r.status > 201) {
			t.Fatalf("%s %s: %d %s", c.method, c.path, r.status, r.body)
		}
		want = append(want, c.events...)
		objects = append(objects, r.body)
	}
	got := rcv.await(t, len(want))
	if len(got) != len(want) {
		t.Fatalf("got %d deliveries, want %d", len(got), len(want))
	}
	for i, d := range got {
		action, typ := want[i][strings.Index(want[i], " ")+1:], want[i][:strings.Index(want[i], " ")]
		prefix := xmlDecl + "<event><action>" + action + "</action><type>" + typ + "</type><object><" + typ + "><id>"
		if d.method != "POST" || d.contentType != "application/xml" || !strings.HasPrefix(d.body, prefix) ||
			!strings.HasSuffix(d.body, "</"+typ+"></object></event>") {
			t.Errorf("delivery %d: %s %s %s, want %s", i, d.method, d.contentType, d.body, want[i])
		}
	}
	// A deleted application's event shows the customized plan it was on,
	// deleted with it.
	if body := got[firstEvent[len(calls)-2]].body; !strings.Contains(body, `<plan custom="true" default="false">`) {
		t.Errorf("deleted application on a custom plan: %s", body)
	}
	// The envelopes hold the object as the API answered it.
	for _, c := range []struct {
		call        int
		action, typ string
	}{{1, "updated", "account"}, {10, "suspended", "application"}, {4, "created", "user"}} {
		if body := got[firstEvent[c.call]].body; body != envelope(c.action, c.typ, objects[c.call]) {
			t.Errorf("%s %s:\n got %s\nwant %s", c.typ, c.action, body, envelope(c.action, c.typ, objects[c.call]))
		}
	}
	// A deleted object is written as porta writes a destroyed record.
	last := got[len(got)-1].body
	if !strings.HasSuffix(last, `<state>created</state><annotations></annotations></account></object></event>`) ||
		strings.Contains(last, "<org_name>") {
		t.Errorf("account deleted: %s", last)
	}
	if !strings.Contains(got[len(got)-2].body, "<role>admin</role></user></object></event>") {
		t.Errorf("user deleted: %s", got[len(got)-2].body)
	}

	// The outbox lists them all, delivered, with their attempt.
	events := waitOutbox(t, s, "?provider_key=hooks-key&state=delivered", len(want))
	first := events[0]
	if first["event"] != "account_created" || first["url"] != rcv.URL+"/hook?secret=s" || first["next_attempt_at"] != nil {
		t.Errorf("outbox event: %v", first)
	}
	if a := first["attempts"].([]any); len(a) != 1 || a[0].(map[string]any)["status"] != 200.0 {
		t.Errorf("outbox attempts: %v", first["attempts"])
	}
	if n := len(s.outbox("?event=application_key_created")); n != 3 {
		t.Errorf("outbox filtered by event: %d, want 3", n)
	}
	expect(t, "outbox of an unknown provider", s.get("/_sandbox/webhooks?provider_key=nope"), 400,
		`{"error":"unknown provider_key \"nope\"","param":"provider_key"}`+"\n")
	expect(t, "an unknown filter", s.get("/_sandbox/webhooks?stat=pending"), 400,
		`{"error":"unknown parameter \"stat\": want provider_key, state, event","param":"stat","accepted":["provider_key","state","event"]}`+"\n")
	expect(t, "outbox of an unknown state", s.get("/_sandbox/webhooks?state=bogus"), 400,
		`{"error":"unknown state \"bogus\": want one of pending, delivered, failed","param":"state","accepted":["pending","delivered","failed"]}`+"\n")
	expect(t, "outbox of an unknown event", s.get("/_sandbox/webhooks?event=app_created"), 400,
		`{"error":"unknown event \"app_created\": want one of `+strings.Join(fixtures.Events, ", ")+
			`","param":"event","accepted":["`+strings.Join(fixtures.Events, `","`)+`"]}`+"\n")
	expect(t, "clear the outbox", s.call("DELETE", "/_sandbox/webhooks", ""), 204, "")
	if n := len(s.outbox("")); n != 0 {
		t.Errorf("outbox after clear: %d events", n)
	}
}

// Only changes made as a provider user fire, and only when the provider
// lets admin actions fire; each event has its own switch.
func TestWebhookWhoFires(t *testing.T) {
	rcv := newReceiver(t)
	s := hooksSandbox(t, rcv)
	update := func(creds string) { s.am("PUT", "/admin/api/accounts/1.xml", creds+"&org_name=X") }
	update("provider_key=hooks-key")
	s.am("PUT", "/admin/api/webhooks.json", hk+"&provider_actions=false")
	update(hk)
	s.am("PUT", "/admin/api/webhooks.json", hk+"&provider_actions=true&account_updated_on=false")
	update(hk)
	s.am("PUT", "/admin/api/webhooks.json", hk+"&account_updated_on=true&active=false")
	update(hk)
	if n := len(s.outbox("")); n != 0 {
		t.Fatalf("%d events queued; none should be", n)
	}
	s.am("PUT", "/admin/api/webhooks.json", hk+"&active=true")
	update(hk)
	if ev := s.outbox(""); len(ev) != 1 || ev[0]["event"] != "account_updated" || ev[0]["state"] != "pending" {
		t.Fatalf("outbox: %v", ev)
	}
	// The settings.
	expect(t, "webhook settings", s.get("/admin/api/webhooks.json?"+hk), 200, `{"webhook":{"url":"`+rcv.URL+`/hook?secret=s","active":true,`+
		`"provider_actions":true,"account_created_on":true,"account_updated_on":true,"account_deleted_on":true,"user_created_on":true,`+
		`"user_updated_on":true,"user_deleted_on":true,"application_created_on":true,"application_updated_on":true,"application_deleted_on":true,`+
		`"account_plan_changed_on":true,"application_plan_changed_on":true,"application_user_key_updated_on":true,"application_key_created_on":true,`+
		`"application_key_deleted_on":true,"application_suspended_on":true,"application_key_updated_on":true}}`)
	expect(t, "no URL", s.am("PUT", "/admin/api/webhooks.json", hk+"&web_hook[url]=ftp://x"), 422,
		`{"errors":{"url":["Must be a valid URL such as http://example.com"]}}`)
	// params.fetch(:web_hook): a form wraps into an empty hash, which
	// changes nothing; without a body there is none (issue 10 item 13).
	expect(t, "nothing given", s.call("PUT", "/admin/api/webhooks.json?"+hk, ""), 400, "Required parameter missing: web_hook")
	expect(t, "empty form", s.am("PUT", "/admin/api/webhooks.json", hk), 200, s.get("/admin/api/webhooks.json?"+hk).body)
	expect(t, "XML", s.am("PUT", "/admin/api/webhooks.xml", hk+"&active=true"), 406, xmlDecl+`<error>The server does not understand "xml" request.</error>`)
}

// A refused delivery is tried again after the delay, on the sandbox
// clock, and after the last retry becomes a failure the failures API lists
// and deletes.
func TestWebhookRetriesAndFailures(t *testing.T) {
	rcv := newReceiver(t)
	rcv.answer(500)
	s := hooksSandbox(t, rcv)
	s.dispatch(2, time.Minute)
	failures := "/admin/api/webhooks/failures.xml?" + hk
	expect(t, "no failures", s.get(failures), 200, xmlDecl+`<webhooks-failures></webhooks-failures>`)

	s.am("PUT", "/admin/api/accounts/1/applications/1/suspend.xml", hk)
	event := rcv.await(t, 1)[0].body
	ev := []map[string]any{waitAttempts(t, s, 1)}
	if len(ev) != 1 || ev[0]["state"] != "pending" || ev[0]["next_attempt_at"] != "2026-11-22T10:16:00.000Z" {
		t.Fatalf("after one attempt: %v", ev)
	}
	s.clock.Advance(59 * time.Second)
	if ev := s.outbox(""); len(ev[0]["attempts"].([]any)) != 1 {
		t.Fatalf("retried before the delay: %v", ev)
	}
	s.clock.Advance(time.Second)
	rcv.await(t, 2)
	waitAttempts(t, s, 2)
	s.clock.Advance(time.Minute)
	rcv.await(t, 3)
	deadline := time.Now().Add(10 * time.Second)
	for s.outbox("")[0]["state"] != "failed" {
		if time.Now().After(deadline) {
			t.Fatalf("never failed: %v", s.outbox(""))
		}
		time.Sleep(10 * time.Millisecond)
	}
	a := s.outbox("")[0]["attempts"].([]any)
	if len(a) != 3 || a[2].(map[string]any)["status"] != 500.0 || a[2].(map[string]any)["error"] != "HTTP 500" {
		t.Errorf("attempts: %v", a)
	}

	// porta keeps the event as Nokogiri prints it, inside the failure.
	r := s.get(failures)
	id := s.outbox("")[0]["id"].(string)
	wantHead := xmlDecl + `<webhooks-failures><webhooks-failure><id>` + id + `</id><time>2026-11-22T10:17:00Z</time>` +
		`<error>WebHookWorker::ClientError</error><url>` + rcv.URL + `/hook?secret=s</url><event>` + "\n" +
		"  <action>suspended</action>\n  <type>application</type>\n  <object>\n    <application>\n      <id>1</id>\n"
	if r.status != 200 || !strings.HasPrefix(r.body, wantHead) ||
		!strings.HasSuffix(r.body, "    </application>\n  </object>\n</event></webhooks-failure></webhooks-failures>") {
		t.Errorf("failures:\n got %s\nwant %s…", r.body, wantHead)
	}
	expectIn(t, "failure keeps the object", r.body, "      <state>suspended</state>\n", "      <first_traffic_at/>\n",
		"      <keys>\n        <key>hook-key-1</key>\n      </keys>\n")
	j := s.get("/admin/api/webhooks/failures.json?" + hk)
	expect(t, "failures as JSON", j, 200, `{"webhooks-failures":[{"webhooks-failure":{"id":"`+id+`","time":"2026-11-22T10:17:00Z",`+
		`"error":"WebHookWorker::ClientError","url":"`+rcv.URL+`/hook?secret=s","event":`+string(mustMarshal(t, event))+`}}]}`)

	expect(t, "invalid time", s.call("DELETE", failures+"&time=soon", ""), 400, xmlDecl+`<error>invalid time</error>`)
	expect(t, "delete older ones", s.call("DELETE", failures+"&time=2026-11-22T10:16:59Z", ""), 200, "")
	if !strings.Contains(s.get(failures).body, id) {
		t.Error("a failure newer than time was deleted")
	}
	expect(t, "delete up to its time", s.call("DELETE", failures+"&time=2026-11-22+10:17:00", ""), 200, "")
	expect(t, "deleted", s.get(failures), 200, xmlDecl+`<webhooks-failures></webhooks-failures>`)
	expect(t, "failures need credentials", s.get("/admin/api/webhooks/failures.xml"), 403, accessNo)
}

// mustMarshal writes JSON as Ruby does, without escaping < and >.
// mustMarshal writes v as ActiveSupport's JSON encoder does: <, > and &
// escaped (as Go's json escapes them).
func mustMarshal(t *testing.T, v any) []byte {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return []byte(strings.TrimSuffix(b.String(), "\n"))
}

// waitOutbox waits until the outbox query lists n events.
func waitOutbox(t *testing.T, s *sandbox, query string, n int) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ev := s.outbox(query)
		if len(ev) == n {
			return ev
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox %s: %d events, want %d", query, len(ev), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The outbox is in SQLite: a sandbox stopped in the middle of retries
// resumes them when it starts again on the same database.
func TestWebhookRestartResumesRetries(t *testing.T) {
	rcv := newReceiver(t)
	rcv.answer(503)
	path := filepath.Join(t.TempDir(), "hooks.db")
	clk := clock.NewFrozenControl(day("10:15:00"))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	world, err := fixtures.Load([]string{"testdata/hooks.yaml"}, zeroReader{})
	if err != nil {
		t.Fatal(err)
	}

	// First life: the change commits, one attempt fails, the process stops.
	st, h := seeded(t, path, world, clk)
	srv := httptest.NewServer(h)
	s := &sandbox{t: t, url: srv.URL, clock: clk, store: st}
	s.am("PUT", "/admin/api/webhooks.json", hk+"&url="+url.QueryEscape(rcv.URL))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		webhook.New(webhook.Options{Store: st, Clock: clk, Logger: log, Retries: 5, Delay: time.Minute}).Run(ctx)
	}()
	s.am("PUT", "/admin/api/accounts/1.xml", hk+"&org_name=Before+Restart")
	rcv.await(t, 1)
	waitAttempts(t, s, 1)
	cancel()
	<-done
	srv.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	// Second life: the pending retry is still there and goes out when due.
	rcv.answer(200)
	st2, err := store.Open(context.Background(), path, clk, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	srv2 := httptest.NewServer(NewServer(Options{Store: st2, Clock: clk, Logger: log}))
	t.Cleanup(srv2.Close)
	s2 := &sandbox{t: t, url: srv2.URL, clock: clk, store: st2}
	s2.dispatch(5, time.Minute)
	clk.Advance(time.Minute)
	got := rcv.await(t, 2)
	if got[0].body != got[1].body || !strings.Contains(got[1].body, "<org_name>Before Restart</org_name>") {
		t.Errorf("redelivered a different event:\n%s\n%s", got[0].body, got[1].body)
	}
	ev := waitAttempts(t, s2, 2)
	if ev["state"] != "delivered" {
		t.Errorf("after restart: %v", ev)
	}
}

// waitAttempts waits until the only outbox event has n attempts recorded.
func waitAttempts(t *testing.T, s *sandbox, n int) map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ev := s.outbox("")
		if len(ev) == 1 && len(ev[0]["attempts"].([]any)) == n {
			return ev[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("outbox never had %d attempts: %v", n, ev)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
