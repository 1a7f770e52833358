package server

import (
	"strings"
	"testing"
	"time"
)

// A recorded event is sent again: as a new event of the outbox, to the
// provider's webhook URL as it is now.
func TestWebhookRedeliver(t *testing.T) {
	down := newReceiver(t)
	down.answer(503)
	s := hooksSandbox(t, down)
	s.dispatch(0, time.Minute)
	s.am("PUT", "/admin/api/accounts/1.xml", hk+"&org_name=Redelivered")
	failed := waitOutbox(t, s, "?state=failed", 1)[0]
	up := newReceiver(t)
	s.am("PUT", "/admin/api/webhooks.json", hk+"&url="+up.URL)

	r := s.call("POST", "/_sandbox/webhooks/"+failed["id"].(string)+"/redeliver", "")
	if r.status != 202 || !strings.Contains(r.body, `"event":"account_updated"`) || !strings.Contains(r.body, `"url":"`+up.URL+`"`) ||
		strings.Contains(r.body, `"id":"`+failed["id"].(string)+`"`) {
		t.Fatalf("redeliver: %d %s", r.status, r.body)
	}
	got := up.await(t, 1)
	if got[0].body != failed["body"] {
		t.Errorf("redelivered %s, want the recorded document", got[0].body)
	}
	waitOutbox(t, s, "?state=delivered", 1)
	waitOutbox(t, s, "?state=failed", 1) // the first stays as it was
	expect(t, "unknown", s.call("POST", "/_sandbox/webhooks/nope/redeliver", ""), 404,
		`{"error":"no webhook event \"nope\" in the outbox (GET /_sandbox/webhooks lists them)","field":"id"}`+"\n")
}
