package report

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/contracts/replay"
)

func summary() *replay.Summary {
	ok := &replay.Result{ID: "authorize/spec/a/ok", Endpoint: "authorize", File: "spec/a", Name: "ok", Line: 3, Status: replay.Passed, Duration: time.Millisecond}
	bad := &replay.Result{ID: "report/spec/a/bad", Endpoint: "report", File: "spec/a", Name: "bad", Line: 9, Source: "spec §8",
		Status: replay.Failed, Duration: 2 * time.Millisecond, Problems: []string{"status: want 202, got 400", `body: want empty, got "<x/>"`},
		Notes: []string{"sent 2 times (--retry)"}, Request: "POST /transactions.xml\n\nprovider_key=pk\n", Expected: "HTTP 202\n", Actual: "HTTP 400\n\n<x/>\n"}
	return &replay.Summary{Target: "http://127.0.0.1:1", Results: []*replay.Result{ok, bad}, Passed: 1, Failed: 1, Duration: 3 * time.Millisecond,
		Endpoints: []replay.EndpointSummary{{Name: "authorize", Examples: 1, Passed: 1, Duration: time.Millisecond}, {Name: "report", Examples: 1, Failed: 1, Duration: 2 * time.Millisecond}}}
}

func TestProgressAndTable(t *testing.T) {
	var b bytes.Buffer
	p := &Progress{W: &b, Verbose: true}
	s := summary()
	for _, r := range s.Results {
		p.Result(r)
	}
	p.Done()
	Table(&b, s)
	want := `    PASS   authorize/spec/a/ok (1.0ms)
--- FAIL report/spec/a/bad (spec/a.txt:9)
    source: spec §8
    status: want 202, got 400
    body: want empty, got "<x/>"
    note: sent 2 times (--retry)
  request:
    | POST /transactions.xml
    | 
    | provider_key=pk
  expected:
    | HTTP 202
  actual:
    | HTTP 400
    | 
    | <x/>
FAIL  spec/a.txt                       1 of 2 examples failed, 3.0ms

endpoint           examples   passed   failed
authorize                 1        1        0
report                    1        0        1
total                     2        1        1

1 passed, 1 failed (3ms, against http://127.0.0.1:1)
`
	if b.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestJSON(t *testing.T) {
	var b bytes.Buffer
	if err := JSON(&b, summary()); err != nil {
		t.Fatal(err)
	}
	var back replay.Summary
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Failed != 1 || len(back.Results) != 2 || back.Results[1].Problems[0] != "status: want 202, got 400" || back.Endpoints[1].Name != "report" {
		t.Errorf("JSON round trip: %+v", back)
	}
	if !strings.Contains(b.String(), `"status": "failed"`) {
		t.Errorf("JSON: %s", b.String())
	}
}
