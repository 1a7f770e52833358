package server

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/threescale-sandbox/threescale-sandbox/contracts/openapi"
)

// Every route under /_sandbox is an operation of the control API's
// description, and every operation a route.
func TestControlRoutesAreDescribed(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(openapi.SandboxYAML())
	if err != nil {
		t.Fatal(err)
	}
	var described []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			described = append(described, method+" "+path)
		}
	}
	s := controls(t)
	_, h := seeded(t, "", mustWorld(t, "testdata/controls.yaml"), s.clock)
	param := regexp.MustCompile(`:([a-z_]+)`)
	var routed []string
	for _, r := range h.(*Server).Routes() {
		if !strings.HasPrefix(r.Path, "/_sandbox/") || r.Method == http.MethodHead {
			continue
		}
		routed = append(routed, r.Method+" "+param.ReplaceAllString(r.Path, "{$1}"))
	}
	slices.Sort(described)
	slices.Sort(routed)
	if !slices.Equal(described, slices.Compact(routed)) {
		t.Errorf("routes and the description differ:\nrouted:    %v\ndescribed: %v", routed, described)
	}
	r := s.get("/_sandbox/openapi.yaml")
	if r.status != 200 || r.header.Get("Content-Type") != "application/yaml" || !strings.HasPrefix(r.body, "openapi: 3.0.3") ||
		r.header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("GET /_sandbox/openapi.yaml: %d %v", r.status, r.header)
	}
}

// describedServer checks every request (but those the test sends wrong on
// purpose, marked by the X-Test-Bad header) and every answer of the
// control API against its description.
func describedServer(t *testing.T, h http.Handler) string {
	d, err := openapi.LoadSandbox()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/_sandbox/") {
			h.ServeHTTP(w, r)
			return
		}
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if r.Header.Get("X-Test-Bad") == "" {
			if err := d.CheckJSONRequest(r, body); err != nil {
				mu.Lock()
				t.Errorf("%s %s %s: the request violates the description: %v", r.Method, r.URL, body, err)
				mu.Unlock()
			}
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		if err := d.CheckResponse(r, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
			mu.Lock()
			t.Errorf("%s %s: the answer %d %.300s violates the description: %v", r.Method, r.URL, rec.Code, rec.Body, err)
			mu.Unlock()
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// A tour of every operation, the refusals included, through a server that
// holds each answer to the description.
func TestControlAnswersMatchTheDescription(t *testing.T) {
	s := controls(t)
	var h http.Handler
	s.store, h = seeded(t, "", mustWorld(t, "testdata/controls.yaml"), s.clock)
	s.url = describedServer(t, h)
	bad := "X-Test-Bad: 1"
	rcv := newReceiver(t)
	rcv.answer(500)
	s.dispatch(0, time.Minute)

	s.get("/_sandbox/health")
	s.get("/_sandbox/openapi.yaml")
	s.get("/_sandbox/clock")
	s.sendJSON("PUT", "/_sandbox/clock", `{"frozen": true, "time": "2026-03-31T23:59:50Z"}`)
	s.sendJSON("PUT", "/_sandbox/clock", `{"frozen": "no"}`, bad)
	s.sendJSON("POST", "/_sandbox/clock/advance", `{"by": "1h"}`)
	s.sendJSON("POST", "/_sandbox/clock/advance", `{"by": "soon"}`, bad)

	s.get(dailyAuthrep)
	s.get(dailyAuthrep + "&usage%5Bsearch%5D=9")
	s.form("/transactions.xml", "service_token=ctl-service-token&service_id=500&transactions[0][app_id]=daily-app&transactions[0][usage][hits]=1")
	s.get("/transactions/authorise.xml")
	s.am("PUT", "/admin/api/accounts/1.xml", ctlAM+"&org_name=")
	s.get("/_sandbox/requests")
	s.get("/_sandbox/requests?status=4xx&limit=2&path=/transactions/*")
	s.get("/_sandbox/requests?stat=1", bad)
	s.get("/_sandbox/requests/1")
	s.get("/_sandbox/requests/999")
	s.get("/_sandbox/requests/x")

	s.sendJSON("PUT", "/_sandbox/faults", `[{"path": "/status", "status": 503, "times": 1}]`)
	s.sendJSON("PUT", "/_sandbox/faults", `{"seed": 7, "rules": [{"path": "/status", "delay_ms": 1, "probability": 0.5}]}`)
	s.sendJSON("PUT", "/_sandbox/faults", `[{"path": "/status"}]`, bad)
	s.get("/status")
	s.get("/_sandbox/faults")
	s.call("DELETE", "/_sandbox/faults", "")

	s.sendJSON("POST", "/_sandbox/snapshots", `{"name": "tour"}`)
	s.sendJSON("POST", "/_sandbox/snapshots", `{"name": "a/b"}`, bad)
	s.get("/_sandbox/snapshots")
	s.call("POST", "/_sandbox/snapshots/tour/restore", "")
	s.call("POST", "/_sandbox/snapshots/none/restore", "")
	s.call("DELETE", "/_sandbox/snapshots/tour", "")
	s.call("DELETE", "/_sandbox/snapshots/tour", "")

	w := s.createWorld()
	s.sendJSON("POST", "/_sandbox/worlds", `{"provider": "Controls"}`)
	s.sendJSON("POST", "/_sandbox/worlds", `{"provider": "None"}`)
	s.get("/_sandbox/worlds")
	s.get("/_sandbox/worlds/" + w.ID)
	s.call("POST", "/_sandbox/worlds/"+w.ID+"/reset", "")
	s.call("DELETE", "/_sandbox/worlds/"+w.ID, "")
	s.get("/_sandbox/worlds/" + w.ID)
	s.call("POST", "/_sandbox/worlds/nope/reset", "")

	s.am("PUT", "/admin/api/webhooks.json", ctlAM+"&active=true&provider_actions=true&account_updated_on=true&url="+rcv.URL)
	s.am("PUT", "/admin/api/accounts/1.xml", ctlAM+"&org_name=Toured")
	ev := waitOutbox(t, s, "?state=failed", 1)
	s.get("/_sandbox/webhooks?event=account_updated")
	s.get("/_sandbox/webhooks?state=lost", bad)
	s.get("/_sandbox/webhooks?provider_key=nope", bad)
	s.call("POST", "/_sandbox/webhooks/"+ev[0]["id"].(string)+"/redeliver", "")
	s.call("POST", "/_sandbox/webhooks/nope/redeliver", "")
	s.call("DELETE", "/_sandbox/webhooks", "")
	s.get("/_sandbox/emails")
	s.get("/_sandbox/emails?to=x", bad)
	s.call("DELETE", "/_sandbox/emails", "")

	s.get("/_sandbox/bundle")
	s.call("POST", "/_sandbox/reset", "")
	s.call("DELETE", "/_sandbox/requests", "")
}

// With a token, the 401 of every route matches the description too.
func TestControlUnauthorizedMatchesTheDescription(t *testing.T) {
	s := controls(t)
	_, h := seededWith(t, "", mustWorld(t, "testdata/controls.yaml"), s.clock, func(o *Options) { o.ControlToken = "t" })
	s.url = describedServer(t, h)
	for _, path := range []string{"/_sandbox/clock", "/_sandbox/requests", "/_sandbox/worlds", "/_sandbox/bundle"} {
		if r := s.get(path, "X-Test-Bad: 1"); r.status != 401 {
			t.Errorf("%s: %d", path, r.status)
		}
	}
}
