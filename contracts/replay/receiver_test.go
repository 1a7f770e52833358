package replay_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/contracts/replay"
)

// The receiver keeps deliveries in order and hands them out, filtered by
// event and text, waiting for one that has not come yet.
func TestReceiver(t *testing.T) {
	srv := httptest.NewServer(&replay.Receiver{Wait: time.Second})
	defer srv.Close()
	post := func(body string) {
		resp, err := http.Post(srv.URL+"/hooks?x=1", "application/xml", strings.NewReader(body))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("post: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	next := func(query string) (int, string, http.Header) {
		resp, err := http.Get(srv.URL + "/deliveries/next" + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), resp.Header
	}
	a := `<?xml version="1.0" encoding="UTF-8"?><event><action>created</action><type>account</type><object>A</object></event>`
	b := `<?xml version="1.0" encoding="UTF-8"?><event><action>created</action><type>user</type><object>B</object></event>`
	c := `<?xml version="1.0" encoding="UTF-8"?><event><action>created</action><type>user</type><object>C</object></event>`
	post(a)
	post(b)
	post(c)
	if st, body, h := next("?event=user_created&contains=C"); st != 200 || body != c || h.Get("X-Delivery-Path") != "/hooks?x=1" ||
		h.Get("X-Delivery-Method") != "POST" || h.Get("Content-Type") != "application/xml" {
		t.Errorf("filtered: %d %s %v", st, body, h)
	}
	if st, body, _ := next(""); st != 200 || body != a {
		t.Errorf("in order: %d %s", st, body)
	}
	go func() { time.Sleep(50 * time.Millisecond); post(a) }()
	if st, body, _ := next("?event=account_created"); st != 200 || body != a {
		t.Errorf("waited: %d %s", st, body)
	}
	req, _ := http.NewRequest(http.MethodDelete, srv.URL+"/deliveries", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 204 {
		t.Fatalf("delete: %v %v", resp, err)
	}
	if st, body, _ := next("?wait=20ms"); st != 404 || body != "no delivery within 20ms\n" {
		t.Errorf("none: %d %q", st, body)
	}
}
