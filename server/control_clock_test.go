package server

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

const dailyAuthrep = "/transactions/authrep.xml?service_token=ctl-service-token&service_id=500&app_id=daily-app&app_key=daily-app-key-1234&usage%5Bhits%5D=1"

// controls starts the sandbox of testdata/controls.yaml on a frozen clock.
func controls(t *testing.T) *sandbox {
	return start(t, "testdata/controls.yaml", day("10:15:00"))
}

// sendJSON sends a JSON body to a control route.
func (s *sandbox) sendJSON(method, path, body string, headers ...string) reply {
	s.t.Helper()
	return s.call(method, path, body, append([]string{"Content-Type: application/json"}, headers...)...)
}

// The clock frozen just before midnight: the day's limit is reached; moved
// past midnight, the limit is free again, and every answer (the Date
// header, the limit headers) follows the sandbox clock.
func TestClockMovesLimitsAndDate(t *testing.T) {
	s := controls(t)
	expect(t, "freeze", s.sendJSON("PUT", "/_sandbox/clock", `{"frozen": true, "time": "2026-03-31T23:59:50Z"}`), 200,
		`{"now":"2026-03-31T23:59:50.000Z","frozen":true}`+"\n", "Content-Type: application/json; charset=utf-8",
		"Cache-Control: no-store", "Access-Control-Allow-Origin:")
	expect(t, "get", s.get("/_sandbox/clock"), 200, `{"now":"2026-03-31T23:59:50.000Z","frozen":true}`+"\n")

	// The fixture's hit was counted on the day of the seed: this day's
	// counter starts at 0, and the limit of 3 allows three authreps.
	for i := range 3 {
		r := s.get(dailyAuthrep, "3scale-options: limit_headers=1")
		if r.status != 200 {
			t.Fatalf("authrep %d: %d %s", i+1, r.status, r.body)
		}
		if got := r.header.Get("Date"); got != "Tue, 31 Mar 2026 23:59:50 GMT" {
			t.Errorf("Date %q, want the sandbox clock's", got)
		}
		if got := r.header.Get("3scale-limit-reset"); got != "10" {
			t.Errorf("3scale-limit-reset %q, want 10 (seconds to midnight)", got)
		}
	}
	r := s.get(dailyAuthrep)
	expectIn(t, "over the limit", r.body, "<reason>usage limits are exceeded</reason>")

	expect(t, "advance", s.sendJSON("POST", "/_sandbox/clock/advance", `{"by": "15s"}`), 200,
		`{"now":"2026-04-01T00:00:05.000Z","frozen":true}`+"\n")
	r = s.get(dailyAuthrep, "3scale-options: limit_headers=1")
	if r.status != 200 || r.header.Get("Date") != "Wed, 01 Apr 2026 00:00:05 GMT" || r.header.Get("3scale-limit-remaining") != "2" {
		t.Errorf("after midnight: %d Date %q remaining %q, want 200, the new day, 2 left (%s)", r.status,
			r.header.Get("Date"), r.header.Get("3scale-limit-remaining"), r.body)
	}

	// To a time, and back: going backwards is allowed; counters stay.
	expect(t, "to", s.sendJSON("POST", "/_sandbox/clock/advance", `{"to": "2026-03-31T12:00:00Z"}`), 200,
		`{"now":"2026-03-31T12:00:00.000Z","frozen":true}`+"\n")
	expectIn(t, "back in the full day", s.get(dailyAuthrep).body, "<reason>usage limits are exceeded</reason>")
	expect(t, "days", s.sendJSON("POST", "/_sandbox/clock/advance", `{"by": "1d"}`), 200,
		`{"now":"2026-04-01T12:00:00.000Z","frozen":true}`+"\n")
}

// Let run from a time, the clock moves on from it; without one, it runs
// with the real time again; frozen without a time, it stops where it is.
func TestClockRuns(t *testing.T) {
	s := controls(t)
	s.sendJSON("PUT", "/_sandbox/clock", `{"frozen": false, "time": "2030-01-01T00:00:00Z"}`)
	time.Sleep(20 * time.Millisecond)
	if now := s.clock.Now(); s.clock.Frozen() || now.Before(time.Date(2030, 1, 1, 0, 0, 0, 10e6, time.UTC)) ||
		now.After(time.Date(2030, 1, 1, 0, 0, 5, 0, time.UTC)) {
		t.Errorf("running from 2030: %v frozen=%v", now, s.clock.Frozen())
	}
	r := s.sendJSON("PUT", "/_sandbox/clock", `{"frozen": false}`)
	expectIn(t, "real", r.body, `"now":"`+time.Now().UTC().Format("2006-01-02T"), `"frozen":false}`)
	if d := time.Since(s.clock.Now()); d < -time.Second || d > time.Second {
		t.Errorf("real time: the clock is %v away from it", d)
	}
	r = s.sendJSON("PUT", "/_sandbox/clock", `{"frozen": true}`)
	if !s.clock.Frozen() || r.status != 200 {
		t.Errorf("freeze where it is: %d %s", r.status, r.body)
	}
	// HEAD is not a route of the control API.
	expect(t, "HEAD clock", s.call(http.MethodHead, "/_sandbox/clock", ""), 404, "")
}

// A webhook retry due later is delivered when the clock is moved past it.
func TestClockDeliversDueRetries(t *testing.T) {
	rcv := newReceiver(t)
	rcv.answer(503)
	s := hooksSandbox(t, rcv)
	s.dispatch(2, time.Hour)
	s.am("PUT", "/admin/api/accounts/1.xml", hk+"&org_name=Moved")
	rcv.await(t, 1)
	rcv.answer(200)
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		ev := s.outbox("?state=pending")
		if len(ev) == 1 && len(ev[0]["attempts"].([]any)) == 1 {
			if got := ev[0]["next_attempt_at"]; got != "2026-11-22T11:15:00.000Z" {
				t.Fatalf("next attempt at %v, want an hour after the first", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the failed attempt was not recorded")
		}
	}
	// An hour of the sandbox clock: not a second of real time.
	expect(t, "advance", s.sendJSON("POST", "/_sandbox/clock/advance", `{"by": "59m"}`), 200,
		`{"now":"2026-11-22T11:14:00.000Z","frozen":true}`+"\n")
	time.Sleep(50 * time.Millisecond)
	if n := len(rcv.await(t, 1)); n != 1 {
		t.Fatalf("%d deliveries before the retry is due, want 1", n)
	}
	s.sendJSON("POST", "/_sandbox/clock/advance", `{"by": "1m"}`)
	rcv.await(t, 2)
	waitOutbox(t, s, "?state=delivered", 1)
}

// Every refusal is a 400 naming the field.
func TestClockBadInput(t *testing.T) {
	s := controls(t)
	for _, tt := range []struct{ method, path, body, want string }{
		{"PUT", "/_sandbox/clock", ``, `{"error":"a JSON body is required (fields: frozen, time)"}`},
		{"PUT", "/_sandbox/clock", `{`, `{"error":"malformed JSON: the body ends in the middle of a value"}`},
		{"PUT", "/_sandbox/clock", `{"frozen": tru}`, `{"error":"malformed JSON at byte 15: invalid character '}' in literal true (expecting 'e')"}`},
		{"PUT", "/_sandbox/clock", `[]`, `{"error":"the body must be a JSON an object, not array"}`},
		{"PUT", "/_sandbox/clock", `{"frozen": true, "tim": "2026-01-01"}`, `{"error":"unknown field \"tim\" (fields: frozen, time)","field":"tim"}`},
		{"PUT", "/_sandbox/clock", `{"frozen": "yes"}`, `{"error":"frozen: want true or false, not string","field":"frozen"}`},
		{"PUT", "/_sandbox/clock", `{}`, `{"error":"frozen is required: true stops the clock, false lets it run","field":"frozen"}`},
		{"PUT", "/_sandbox/clock", `{"frozen": true, "time": "tomorrow"}`, `{"error":"time \"tomorrow\": ` + jsonText(instantWant) + `","field":"time"}`},
		{"PUT", "/_sandbox/clock", `{"frozen": true} {}`, `{"error":"malformed JSON: more than one value in the body"}`},
		{"POST", "/_sandbox/clock/advance", `{}`, `{"error":"by (a duration, e.g. \"1h30m\") or to (a time) is required","field":"by"}`},
		{"POST", "/_sandbox/clock/advance", `{"by": "soon"}`, `{"error":"by \"soon\": want a duration such as 90s, 1h30m, 24h, 1d or 1d12h (days are 24h; a leading - goes back)","field":"by"}`},
		{"POST", "/_sandbox/clock/advance", `{"by": 60}`, `{"error":"by: want a string, not number","field":"by"}`},
		{"POST", "/_sandbox/clock/advance", `{"by": "1h", "to": "2026-01-01"}`, `{"error":"give by or to, not both","field":"by"}`},
		{"POST", "/_sandbox/clock/advance", `{"to": "2026-02-30"}`, `{"error":"to \"2026-02-30\": day out of range; ` + jsonText(instantWant) + `","field":"to"}`},
	} {
		expect(t, tt.method+" "+tt.body, s.sendJSON(tt.method, tt.path, tt.body), 400, tt.want+"\n")
	}
	expect(t, "unchanged", s.get("/_sandbox/clock"), 200, `{"now":"2026-11-22T10:15:00.000Z","frozen":true}`+"\n")
}

const instantWant = "want RFC 3339 (2026-03-29T10:00:00Z, 2026-03-29T12:00:00+02:00), a date (2026-03-29: midnight UTC) or a date and time without a zone (2026-03-29T10:00 or 2026-03-29 10:00:00: UTC)"

func jsonText(s string) string { return strings.ReplaceAll(s, `"`, `\"`) }
