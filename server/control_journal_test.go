package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/journal"
)

// clockAt is a frozen sandbox clock.
func clockAt(t *testing.T, at string) *clock.Control {
	t.Helper()
	tm, err := clock.ParseInstant(at)
	if err != nil {
		t.Fatal(err)
	}
	return clock.NewFrozenControl(tm)
}

// requests reads GET /_sandbox/requests with the query.
func (s *sandbox) requests(query string) []map[string]any {
	s.t.Helper()
	r := s.get("/_sandbox/requests" + query)
	if r.status != 200 {
		s.t.Fatalf("requests%s: %d %s", query, r.status, r.body)
	}
	var out struct {
		Requests []map[string]any `json:"requests"`
	}
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		s.t.Fatalf("requests: %v in %s", err, r.body)
	}
	return out.Requests
}

// compactJSON is v as compact JSON, for comparing parts of an entry.
func compactJSON(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// sameJSON compares got with the JSON want, keys in any order.
func sameJSON(t *testing.T, name string, got any, want string) {
	t.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("%s: the wanted JSON: %v", name, err)
	}
	if g, ws := compactJSON(t, got), compactJSON(t, w); g != ws {
		t.Errorf("%s:\n got: %s\nwant: %s", name, g, ws)
	}
}

// The journal says which validator denied a request and why: the limit
// with its values, the application and service it resolved, and the
// parameters with the credentials masked.
func TestJournalSaysWhy(t *testing.T) {
	s := controls(t)
	for range 2 {
		s.get(dailyAuthrep)
	}
	r := s.get(dailyAuthrep + "&usage%5Bsearch%5D=1")
	expectIn(t, "denied", r.body, "<reason>usage limits are exceeded</reason>")

	got := s.requests("?limit=1")
	if len(got) != 1 {
		t.Fatalf("%d entries, want 1", len(got))
	}
	e := got[0]
	if e["id"] != 3.0 || e["method"] != "GET" || e["path"] != "/transactions/authrep.xml" || e["status"] != 409.0 ||
		e["error"] != "limits_exceeded" || e["message"] != "usage limits are exceeded" || e["time"] != "2026-11-22T10:15:00.000Z" ||
		e["face"] != "service_management" {
		t.Errorf("entry: %s", compactJSON(t, e))
	}
	// Parameters keep their order.
	expectIn(t, "params", s.get("/_sandbox/requests?limit=1").body,
		`"params":{"service_token":"ctl-…","service_id":"500","app_id":"daily-app","app_key":"dail…","usage":{"hits":"1","search":"1"}}`)
	sameJSON(t, "decision", e["decision"], `{"endpoint":"authrep","credentials":"service_token",`+
		`"provider":{"id":1,"name":"Controls"},"service":{"id":"500","system_name":"daily_api","backend_version":"2"},`+
		`"application":{"id":1,"app_id":"daily-app","name":"Daily App","plan":"small","state":"live"},`+
		`"validators":[{"name":"key","passed":true},{"name":"referrer","passed":true},{"name":"state","passed":true},`+
		`{"name":"service_state","passed":true},{"name":"limits","passed":false}],"validator":"limits",`+
		`"exceeded_limit":{"metric":"hits","period":"day","current":"3","requested":"5","max":3},"authorized":false,`+
		`"error":"limits_exceeded","message":"usage limits are exceeded"}`)

	// An authorized authrep says what it counted, the parent included.
	s.clock.Advance(24 * 60 * 60e9)
	s.get(dailyAuthrep[:strings.Index(dailyAuthrep, "&usage")] + "&usage%5Bsearch%5D=2")
	d := s.requests("?limit=1")[0]["decision"].(map[string]any)
	if got := compactJSON(t, d["usage"]); got != `[{"metric":"search","value":"2"},{"metric":"hits","value":"2"}]` || d["authorized"] != true {
		t.Errorf("authorized authrep: usage %s authorized %v", got, d["authorized"])
	}

	// The key validator, and an error before any validator.
	s.get(strings.Replace(dailyAuthrep, "daily-app-key-1234", "wrong-key", 1))
	d = s.requests("?limit=1")[0]["decision"].(map[string]any)
	if d["validator"] != "key" || d["error"] != "application_key_invalid" {
		t.Errorf("wrong key: %s", compactJSON(t, d))
	}
	s.get("/transactions/authorize.xml?service_token=nope&service_id=500&app_id=daily-app")
	e = s.requests("?limit=1")[0]
	if e["error"] != "service_token_invalid" || e["status"] != 403.0 {
		t.Errorf("bad token: %s", compactJSON(t, e))
	}
	sameJSON(t, "bad token", e["decision"],
		`{"endpoint":"authorize","error":"service_token_invalid","message":"service token \"nope\" or service id \"500\" is invalid"}`)
}

// A report's trail names each transaction's own application and time,
// however they alternate in the batch (listed, as counted, by
// application).
func TestJournalReportTransactionsInTurn(t *testing.T) {
	s := controls(t)
	tx := func(i int, app, extra string) string {
		return fmt.Sprintf("&transactions[%d][app_id]=%s&transactions[%d][usage][search]=1%s", i, app, i, extra)
	}
	s.form("/transactions.xml", "service_token=ctl-service-token&service_id=500"+
		tx(0, "daily-app", "")+tx(1, "daily-app", "&transactions[1][timestamp]=2026-11-22%2009:00:00")+
		tx(2, "other-app", "&transactions[2][timestamp]=2026-11-22%2009:00:00")+tx(3, "daily-app", ""))
	e := s.requests("?path=/transactions.xml")[0]
	d, _ := e["decision"].(map[string]any)
	txs, _ := d["transactions"].([]any)
	var got []string
	for _, t := range txs {
		t := t.(map[string]any)
		got = append(got, t["application"].(map[string]any)["app_id"].(string)+" "+t["timestamp"].(string))
	}
	want := []string{"daily-app 2026-11-22T10:15:00Z", "daily-app 2026-11-22T09:00:00Z",
		"daily-app 2026-11-22T10:15:00Z", "other-app 2026-11-22T09:00:00Z"}
	if !slices.Equal(got, want) {
		t.Errorf("transactions: got %q, want %q (%s)", got, want, compactJSON(t, e))
	}
}

// A report's trail lists its first 100 transactions and counts the
// others; the app_id filter still finds an application resolved only in
// those (a user_key application, found by its app_id).
func TestJournalReportTrailBounded(t *testing.T) {
	world := filepath.Join(t.TempDir(), "keys.yaml")
	if err := os.WriteFile(world, []byte(`version: 1
providers:
  - name: Keys
    provider_key: kpk
    services:
      - id: "700"
        name: Keys API
        backend_version: "1"
        metrics: [{name: hits}]
        application_plans: [{name: Keys, default: true}]
    accounts:
      - org_name: Keys Co
        applications:
          - {name: First, app_id: first-app, user_key: uk-first}
          - {name: Second, app_id: second-app, user_key: uk-second}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	s := start(t, world, day("10:15:00"))
	var body strings.Builder
	body.WriteString("provider_key=kpk&service_id=700")
	for i := range 150 {
		key := "uk-first"
		if i >= 120 {
			key = "uk-second" // only past the 100th
		}
		fmt.Fprintf(&body, "&transactions[%d][user_key]=%s&transactions[%d][usage][hits]=1", i, key, i)
	}
	if r := s.form("/transactions.xml", body.String()); r.status != 202 {
		t.Fatalf("report: %d %s", r.status, r.body)
	}
	e := s.requests("?path=/transactions.xml")[0]
	d, _ := e["decision"].(map[string]any)
	txs, _ := d["transactions"].([]any)
	if len(txs) != 100 || d["transactions_omitted"] != 50.0 {
		t.Errorf("listed %d transactions, omitted %v; want 100 and 50", len(txs), d["transactions_omitted"])
	}
	for _, app := range []string{"first-app", "second-app"} {
		if got := s.requests("?path=/transactions.xml&app_id=" + app); len(got) != 1 {
			t.Errorf("app_id=%s: %d entries, want the report's", app, len(got))
		}
	}
}

// A report's entry lists its transactions, applications and usage; the
// Account Management API's keeps the start of porta's error.
func TestJournalReportAndAccountManagement(t *testing.T) {
	s := controls(t)
	s.form("/transactions.xml", "service_token=ctl-service-token&service_id=500&transactions[0][app_id]=daily-app"+
		"&transactions[0][usage][search]=1&transactions[1][app_id]=other-app&transactions[1][usage][hits]=%232")
	e := s.requests("?path=/transactions.xml")[0]
	if e["status"] != 202.0 || e["body_size"] != 181.0 {
		t.Errorf("report: %s", compactJSON(t, e))
	}
	sameJSON(t, "report", e["decision"], `{"endpoint":"report","credentials":"service_token","provider":{"id":1,"name":"Controls"},`+
		`"service":{"id":"500","system_name":"daily_api","backend_version":"2"},"stored":true,"transactions":[`+
		`{"application":{"id":1,"app_id":"daily-app","name":"Daily App","plan":"small","state":"live"},"timestamp":"2026-11-22T10:15:00Z",`+
		`"usage":[{"metric":"search","value":"1"},{"metric":"hits","value":"1"}]},`+
		`{"application":{"id":2,"app_id":"other-app","name":"Other App","plan":"small","state":"live"},"timestamp":"2026-11-22T10:15:00Z",`+
		`"usage":[{"metric":"hits","value":"#2"}]}]}`)
	expectIn(t, "report params", s.get("/_sandbox/requests?limit=1").body, `"params":{"service_token":"ctl-…","service_id":"500",`+
		`"transactions":{"0":{"app_id":"daily-app","usage":{"search":"1"}},"1":{"app_id":"other-app","usage":{"hits":"#2"}}}}`,
		`"headers":{"content-type":"application/x-www-form-urlencoded","user-agent":"Go-http-client/1.1"}`)

	s.call("PUT", "/admin/api/accounts/1.xml?access_token=ctl-access-token", "org_name=",
		"Content-Type: application/x-www-form-urlencoded")
	e = s.requests("?limit=1")[0]
	if e["face"] != "account_management" || e["status"] != 422.0 || e["method"] != "PUT" ||
		e["response"] != xmlDecl+"<errors><error>Organization/Group Name can't be blank</error></errors>" {
		t.Errorf("account management: %s", compactJSON(t, e))
	}
	sameJSON(t, "account management params", e["params"], `{"access_token":"ctl-…","org_name":""}`)
}

// A 404 names the closest routes, in the journal and in the log; the
// answer itself stays the real backend's empty 404.
func TestJournalDidYouMean(t *testing.T) {
	var logs syncBuffer
	s := startWith(t, "testdata/controls.yaml", day("10:15:00"), func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	for _, tt := range []struct{ method, path, want string }{
		{"GET", "/transactions/authorise.xml", `["/transactions/authorize.xml"]`},
		{"GET", "/transactions/authrep", `["/transactions/authrep.xml"]`},
		{"POST", "/transactions/authrep.xml", `["GET /transactions/authrep.xml"]`},
		{"GET", "/admin/api/acounts/7.xml", `["/admin/api/accounts/7.xml"]`},
		{"GET", "/nothing/like/it", `null`},
	} {
		r := s.call(tt.method, tt.path, "")
		if r.status != 404 || r.body != "" {
			t.Errorf("%s %s: %d %q", tt.method, tt.path, r.status, r.body)
		}
		if got := compactJSON(t, s.requests("?limit=1")[0]["did_you_mean"]); got != tt.want {
			t.Errorf("%s %s: did you mean %s, want %s", tt.method, tt.path, got, tt.want)
		}
	}
	expectIn(t, "log", logs.String(),
		"level=INFO msg=request method=GET path=/transactions/authorise.xml status=404 duration=",
		" did_you_mean=/transactions/authorize.xml journal_id=1\n")
}

// One line per request at info: method, path, status, duration, the error
// or rejection reason; at debug with the decision trail; JSON on request.
func TestRequestLog(t *testing.T) {
	var text, js syncBuffer
	s := startWith(t, "testdata/controls.yaml", day("10:15:00"), func(o *Options) {
		o.Logger = slog.New(slog.NewTextHandler(&text, nil))
	})
	for range 4 {
		s.get(dailyAuthrep)
	}
	lines := strings.Split(strings.TrimSpace(text.String()), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines for 4 requests:\n%s", len(lines), text.String())
	}
	expectIn(t, "denied", lines[3], "level=INFO msg=request method=GET path=/transactions/authrep.xml status=409 duration=",
		" error=limits_exceeded journal_id=4")
	s.get("/_sandbox/requests") // the control API is not logged at info
	if n := strings.Count(text.String(), "\n"); n != 4 {
		t.Errorf("%d lines after a control request, want 4", n)
	}

	d := startWith(t, "testdata/controls.yaml", day("10:15:00"), func(o *Options) {
		o.Logger = slog.New(slog.NewJSONHandler(&js, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	d.get(dailyAuthrep)
	var line map[string]any
	if err := json.Unmarshal([]byte(js.String()), &line); err != nil {
		t.Fatalf("%v: %s", err, js.String())
	}
	if line["msg"] != "request" || line["status"] != 200.0 || line["level"] != "INFO" {
		t.Errorf("debug line: %s", js.String())
	}
	sameJSON(t, "debug decision", line["decision"], `{"endpoint":"authrep","service":"500","application":"daily-app",`+
		`"validators":"key,referrer,state,service_state,limits","usage":"hits=1","authorized":true}`)
}

// Filters, one entry, clearing; bad filters are refused naming them.
func TestJournalFilters(t *testing.T) {
	s := controls(t)
	s.get(dailyAuthrep)                                               // 1: 200
	s.get("/transactions/authorize.xml?provider_key=x&app_id=z")      // 2: 403
	s.clock.Advance(60e9)                                             // a minute later
	s.get(strings.Replace(dailyAuthrep, "daily-app", "other-app", 1)) // 3: 409 (key)
	s.get("/admin/api/services.xml?access_token=ctl-access-token")    // 4: 200
	ids := func(query string) string {
		var out []string
		for _, e := range s.requests(query) {
			out = append(out, compactJSON(t, e["id"]))
		}
		return strings.Join(out, ",")
	}
	for query, want := range map[string]string{
		"":                                       "4,3,2,1",
		"?limit=2":                               "4,3",
		"?path=/transactions/authrep.xml":        "3,1",
		"?path=/transactions/*":                  "3,2,1",
		"?status=200":                            "4,1",
		"?status=4xx":                            "3,2",
		"?app_id=other-app":                      "3",
		"?app_id=daily-app":                      "1",
		"?method=get&since=2026-11-22T10:16:00Z": "4,3",
	} {
		if got := ids(query); got != want {
			t.Errorf("%q: ids %s, want %s", query, got, want)
		}
	}
	r := s.get("/_sandbox/requests/2")
	if r.status != 200 || !strings.HasPrefix(r.body, `{"id":2,"time":"2026-11-22T10:15:00.000Z","face":"service_management","method":"GET","path":"/transactions/authorize.xml","params":{"provider_key":"…","app_id":"z"}`) {
		t.Errorf("one entry: %d %s", r.status, r.body)
	}
	for path, want := range map[string]string{
		"?stat=200":        `{"error":"unknown filter \"stat\" (filters: path, method, status, app_id, since, limit)","field":"stat"}`,
		"?status=2000":     `{"error":"status \"2000\": want a status such as 409, or a class such as 4xx","field":"status"}`,
		"?status=9xx":      `{"error":"status \"9xx\": want a status such as 409, or a class such as 4xx","field":"status"}`,
		"?limit=0":         `{"error":"limit \"0\": want a whole number of at least 1","field":"limit"}`,
		"?since=noon":      `{"error":"since \"noon\": ` + jsonText(instantWant) + `","field":"since"}`,
		"?path=x":          `{"error":"path \"x\": want a path such as /transactions/authrep.xml, or a prefix such as /admin/api/*","field":"path"}`,
		"?limit=1&limit=2": `{"error":"limit is given 2 times; give it once","field":"limit"}`,
		"/abc":             `{"error":"request id \"abc\": want a whole number, as GET /_sandbox/requests lists them","field":"id"}`,
	} {
		expect(t, path, s.get("/_sandbox/requests"+path), 400, want+"\n")
	}
	expect(t, "gone", s.get("/_sandbox/requests/99"), 404, `{"error":"no request 99 in the journal (it keeps the last 10000)","field":"id"}`+"\n")
	expect(t, "clear", s.call("DELETE", "/_sandbox/requests", ""), 204, "")
	if got := ids(""); got != "" {
		t.Errorf("after clearing: %s", got)
	}
	s.get(dailyAuthrep)
	if got := ids(""); got != "5" {
		t.Errorf("numbering goes on: %s", got)
	}
}

// The journal keeps the last --journal-size requests.
func TestJournalBounded(t *testing.T) {
	s := startWith(t, "testdata/controls.yaml", day("10:15:00"), func(o *Options) { o.Journal = journal.New(3) })
	for range 5 {
		s.get("/status")
	}
	r := s.get("/_sandbox/requests")
	expectIn(t, "bounded", r.body, `"kept":3,"size":3,"dropped":2}`)
	if got := s.requests(""); len(got) != 3 || got[0]["id"] != 5.0 || got[2]["id"] != 3.0 {
		t.Errorf("kept %s", compactJSON(t, got))
	}
	expect(t, "dropped one", s.get("/_sandbox/requests/2"), 404, `{"error":"no request 2 in the journal (it keeps the last 3)","field":"id"}`+"\n")

	off := startWith(t, "testdata/controls.yaml", day("10:15:00"), func(o *Options) {
		o.Journal = journal.New(0)
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	})
	off.get("/status")
	expectIn(t, "off", off.get("/_sandbox/requests").body, `{"requests":[],"kept":0,"size":0,"dropped":0}`)
}

// The portals' requests are journaled and logged as the APIs' are, and
// their Date header is the sandbox clock's.
func TestJournalPortals(t *testing.T) {
	world := mustWorld(t, "testdata/controls.yaml")
	clk := clockAt(t, "2026-03-31T23:59:50Z")
	st, _ := seeded(t, "", world, clk)
	faces, err := NewFaces(context.Background(), Options{Store: st, Clock: clk, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	api, admin, dev := httptest.NewServer(faces.API), httptest.NewServer(faces.Admin), httptest.NewServer(faces.Developer)
	defer api.Close()
	defer admin.Close()
	defer dev.Close()
	for _, u := range []string{admin.URL + "/p/login", dev.URL + "/login"} {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Date") != "Tue, 31 Mar 2026 23:59:50 GMT" {
			t.Errorf("%s: %d, Date %q", u, resp.StatusCode, resp.Header.Get("Date"))
		}
	}
	s := &sandbox{t: t, url: api.URL}
	got := s.requests("")
	if len(got) != 2 || got[0]["face"] != "developer_portal" || got[0]["path"] != "/login" ||
		got[1]["face"] != "admin_portal" || got[1]["path"] != "/p/login" {
		t.Errorf("journal: %s", compactJSON(t, got))
	}
}
