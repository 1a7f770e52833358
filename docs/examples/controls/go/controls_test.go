// A test that drives threescale-sandbox's control API: it resets the
// sandbox, freezes its clock before midnight, sees the day's limit deny
// an authrep and the journal say why, then moves the clock past midnight.
//
//	threescale-sandbox serve &
//	SANDBOX_URL=http://127.0.0.1:3000 go test ./...
package controls

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
)

var base = func() string {
	if u := os.Getenv("SANDBOX_URL"); u != "" {
		return strings.TrimRight(u, "/")
	}
	return "http://127.0.0.1:3000"
}()

// call sends a request with an optional JSON body and decodes a JSON answer into out.
func call(t *testing.T, method, path, body string, out any) int {
	t.Helper()
	req, err := http.NewRequest(method, base+path, bytes.NewBufferString(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token := os.Getenv("THREESCALE_SANDBOX_CONTROL_TOKEN"); token != "" && strings.HasPrefix(path, "/_sandbox/") {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

const authrep = "/transactions/authrep.xml?provider_key=acme-provider-key&app_id=echo-app-id" +
	"&app_key=echo-app-key&referrer=www.example.com&usage%5Bhits%5D="

func TestDailyLimit(t *testing.T) {
	// A clean sandbox, its clock ten seconds before midnight.
	if status := call(t, "POST", "/_sandbox/reset", "", nil); status != 200 {
		t.Fatalf("reset: %d", status)
	}
	var clock struct {
		Now    string `json:"now"`
		Frozen bool   `json:"frozen"`
	}
	call(t, "PUT", "/_sandbox/clock", `{"frozen": true, "time": "2026-03-31T23:59:50Z"}`, &clock)
	if clock.Now != "2026-03-31T23:59:50.000Z" || !clock.Frozen {
		t.Fatalf("clock: %+v", clock)
	}

	// The echo app's plan allows 1000 hits a day: 1001 are denied.
	if status := call(t, "GET", authrep+"1001", "", nil); status != 409 {
		t.Fatalf("1001 hits: %d, want 409", status)
	}
	var journal struct {
		Requests []struct {
			Status   int    `json:"status"`
			Error    string `json:"error"`
			Decision struct {
				Validator string `json:"validator"`
				Exceeded  struct {
					Metric, Period, Requested string
					Max                       int
				} `json:"exceeded_limit"`
			} `json:"decision"`
		} `json:"requests"`
	}
	call(t, "GET", "/_sandbox/requests?limit=1&path=/transactions/authrep.xml", "", &journal)
	last := journal.Requests[0]
	if last.Error != "limits_exceeded" || last.Decision.Validator != "limits" ||
		last.Decision.Exceeded.Metric != "hits" || last.Decision.Exceeded.Period != "day" || last.Decision.Exceeded.Max != 1000 {
		t.Fatalf("journal: %+v", last)
	}

	// Past midnight, a new day: 1000 hits fit again (the minute's 10 do not).
	call(t, "POST", "/_sandbox/clock/advance", `{"by": "15s"}`, &clock)
	if clock.Now != "2026-04-01T00:00:05.000Z" {
		t.Fatalf("advanced: %+v", clock)
	}
	if status := call(t, "GET", authrep+"5", "", nil); status != 200 {
		t.Fatalf("the next day: %d, want 200", status)
	}
}
