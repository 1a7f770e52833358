package server

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A delay makes a client with a shorter timeout give up; the journal and
// the listing say which rule fired; other paths answer at once.
func TestFaultDelay(t *testing.T) {
	s := controls(t)
	r := s.sendJSON("PUT", "/_sandbox/faults", `[{"path": "/transactions/authrep.xml", "delay_ms": 400}]`)
	if r.status != 200 || !strings.HasPrefix(r.body, `{"rules":[{"path":"/transactions/authrep.xml","delay_ms":400,"fired":0}],"seed":`) {
		t.Fatalf("set: %d %s", r.status, r.body)
	}
	client := &http.Client{Timeout: 100 * time.Millisecond}
	_, err := client.Get(s.url + dailyAuthrep)
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("a delayed authrep: %v, want the client's timeout", err)
	}
	start := time.Now()
	if r := s.get("/transactions/authorize.xml?service_token=ctl-service-token&service_id=500&app_id=daily-app&app_key=daily-app-key-1234"); r.status != 200 {
		t.Errorf("authorize: %d", r.status)
	}
	if d := time.Since(start); d > 300*time.Millisecond {
		t.Errorf("authorize took %v: the rule is authrep's", d)
	}
	start = time.Now()
	if r := s.get(dailyAuthrep); r.status != 200 {
		t.Errorf("a patient client: %d %s", r.status, r.body)
	}
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Errorf("the answer came after %v, before the delay", d)
	}
	expectIn(t, "fired", s.get("/_sandbox/faults").body, `"delay_ms":400,"fired":2}`)
	e := s.requests("?path=/transactions/authrep.xml")
	if len(e) == 0 || e[0]["fault"] != "rules[0]: delay_ms=400" || e[0]["status"] != 200.0 {
		t.Errorf("journal: %s", compactJSON(t, e))
	}
	expect(t, "clear", s.call("DELETE", "/_sandbox/faults", ""), 204, "")
	expect(t, "none", s.get("/_sandbox/faults"), 200, `{"rules":[]}`+"\n")
}

// A status answers for the backend; times limits it to the first
// requests, as a retry test wants; service_id and app_id narrow it.
func TestFaultStatusTimesAndMatch(t *testing.T) {
	s := controls(t)
	s.sendJSON("PUT", "/_sandbox/faults", `{"rules": [
		{"path": "/transactions/authrep.xml", "app_id": "daily-app", "status": 503, "body": "busy", "headers": {"Retry-After": "1"}, "times": 2},
		{"path": "/transactions.xml", "service_id": "500", "app_id": "other-app", "status": 500}
	]}`)
	for range 2 {
		expect(t, "fault", s.get(dailyAuthrep), 503, "busy", "Retry-After: 1")
	}
	if r := s.get(dailyAuthrep); r.status != 200 {
		t.Errorf("the third authrep: %d %s, want the real answer", r.status, r.body)
	}
	if r := s.get(strings.Replace(dailyAuthrep, "daily-app-key-1234", "other-app-key", 1)); r.status != 409 {
		t.Errorf("another app: %d, want the real answer (a wrong key)", r.status)
	}
	report := "service_token=ctl-service-token&service_id=500&transactions[0][app_id]=daily-app&transactions[0][usage][hits]=1"
	if r := s.form("/transactions.xml", report); r.status != 202 {
		t.Errorf("daily-app's report: %d", r.status)
	}
	expect(t, "other-app's report", s.form("/transactions.xml", report+"&transactions[1][app_id]=other-app&transactions[1][usage][hits]=1"), 500, "")
	expectIn(t, "listing", s.get("/_sandbox/faults").body, `"times":2,"status":503,"body":"busy","headers":{"Retry-After":"1"},"fired":2}`,
		`"app_id":"other-app","status":500,"fired":1}`)
}

// drop closes the connection without an answer; trickle sends the real
// answer slowly.
func TestFaultDropAndTrickle(t *testing.T) {
	s := controls(t)
	authorize := "/transactions/authorize.xml?service_token=ctl-service-token&service_id=500&app_id=daily-app&app_key=daily-app-key-1234"
	want := s.get(authorize)
	s.sendJSON("PUT", "/_sandbox/faults", `[{"path": "/transactions/authrep.xml", "drop": true}, {"path": "/transactions/authorize.xml", "trickle_bytes_per_s": 2000}]`)
	_, err := http.Get(s.url + dailyAuthrep)
	if err == nil || !(errors.Is(err, io.EOF) || strings.Contains(err.Error(), "EOF") || strings.Contains(err.Error(), "reset")) {
		t.Errorf("a dropped authrep: %v, want the connection closed", err)
	}
	start := time.Now()
	got := s.get(authorize)
	took := time.Since(start)
	if got.status != 200 || got.body != want.body || got.header.Get("Content-Length") != "" && got.header.Get("Content-Length") != strconv.Itoa(len(want.body)) {
		t.Errorf("trickled: %d %q, want the real answer", got.status, got.body)
	}
	if min := time.Duration(len(want.body)-200) * time.Second / 2000; took < min {
		t.Errorf("%d bytes at 2000/s took %v, want at least %v", len(want.body), took, min)
	}
	e := s.requests("?path=/transactions/authrep.xml")[0]
	if e["status"] != 0.0 || e["fault"] != "rules[0]: drop" {
		t.Errorf("journal of the drop: %s", compactJSON(t, e))
	}
}

// With a seed, a probability fires on the same requests every run.
func TestFaultProbabilitySeeded(t *testing.T) {
	run := func() string {
		s := controls(t)
		s.sendJSON("PUT", "/_sandbox/faults", `{"seed": 42, "rules": [{"path": "/status", "probability": 0.5, "status": 503}]}`)
		var out strings.Builder
		for range 24 {
			out.WriteString(map[int]string{200: ".", 503: "x"}[s.get("/status").status])
		}
		return out.String()
	}
	first, second := run(), run()
	if first != second || !strings.Contains(first, ".") || !strings.Contains(first, "x") {
		t.Errorf("seeded runs: %s and %s, want the same mix", first, second)
	}
}

// Rules that could not work are refused, naming the field.
func TestFaultBadInput(t *testing.T) {
	s := controls(t)
	for body, want := range map[string]string{
		``:                               `{"error":"a JSON body is required: a list of rules, e.g. [{\"path\": \"/transactions/authrep.xml\", \"delay_ms\": 1500}]"}`,
		`[{`:                             `{"error":"malformed JSON: the body ends in the middle of a value"}`,
		`{}`:                             `{"error":"rules is required: a list of rules","field":"rules"}`,
		`[{"path": "/x", "delay": 5}]`:   `{"error":"unknown field \"delay\" (fields: app_id, body, delay_ms, drop, headers, method, path, probability, service_id, status, times, trickle_bytes_per_s)","field":"delay"}`,
		`[{"delay_ms": 5}]`:              `{"error":"rules[0].path is required: the path to match, e.g. /transactions/authrep.xml, or a prefix such as /admin/api/*","field":"rules[0].path"}`,
		`[{"path": "x", "delay_ms": 5}]`: `{"error":"rules[0].path \"x\": want a path starting with /","field":"rules[0].path"}`,
		`[{"path": "/_sandbox/*", "drop": true}]`:                  `{"error":"rules[0].path \"/_sandbox/*\": the control API cannot be given faults (it is how they are taken away)","field":"rules[0].path"}`,
		`[{"path": "/x"}]`:                                         `{"error":"rules[0] does nothing: give delay_ms, status, drop or trickle_bytes_per_s","field":"rules[0].delay_ms"}`,
		`[{"path": "/x", "delay_ms": -1}]`:                         `{"error":"rules[0].delay_ms -1: want from 0 to 50000 (the listener cuts answers off after 60s)","field":"rules[0].delay_ms"}`,
		`[{"path": "/x", "delay_ms": "1s"}]`:                       `{"error":"delay_ms: want a whole number, not string","field":"delay_ms"}`,
		`[{"path": "/x", "status": 99}]`:                           `{"error":"rules[0].status 99: want a status from 200 to 599","field":"rules[0].status"}`,
		`[{"path": "/x", "status": 500, "drop": true}]`:            `{"error":"rules[0]: give one of status, drop and trickle_bytes_per_s (delay_ms goes with any)","field":"rules[0].status"}`,
		`[{"path": "/x", "drop": true, "body": "b"}]`:              `{"error":"rules[0]: body and headers go with status","field":"rules[0].body"}`,
		`[{"path": "/x", "drop": true, "probability": 2}]`:         `{"error":"rules[0].probability 2: want a number from 0 to 1","field":"rules[0].probability"}`,
		`[{"path": "/x", "drop": true, "times": 0}]`:               `{"error":"rules[0].times 0: want at least 1 (leave it out for every matching request)","field":"rules[0].times"}`,
		`[{"path": "/x", "drop": true, "method": "FETCH"}]`:        `{"error":"rules[0].method \"FETCH\": want GET, HEAD, POST, PUT, PATCH or DELETE","field":"rules[0].method"}`,
		`[{"path": "/x", "trickle_bytes_per_s": 0}]`:               `{"error":"rules[0].trickle_bytes_per_s 0: want from 1 to 1073741824 bytes a second","field":"rules[0].trickle_bytes_per_s"}`,
		`[{"path": "/x", "status": 500, "headers": {"a b": "c"}}]`: `{"error":"rules[0].headers: \"a b\" is not a header name","field":"rules[0].headers"}`,
	} {
		expect(t, body, s.sendJSON("PUT", "/_sandbox/faults", body), 400, want+"\n")
	}
	expect(t, "none set", s.get("/_sandbox/faults"), 200, `{"rules":[]}`+"\n")
}
