// Package example points the official Go client, github.com/3scale/3scale-go-client,
// at threescale-sandbox: the client is unchanged, only its backend URL differs.
//
// Against the default world (no variables needed):
//
//	threescale-sandbox serve &    # or: docker run -p 3000:3000 threescale-sandbox
//	go test ./...
//
// Against a world of your own, name its backend and credentials:
//
//	THREESCALE_BACKEND_URL=http://localhost:3000 THREESCALE_SERVICE_ID=1001 \
//	THREESCALE_SERVICE_TOKEN=example-service-token THREESCALE_APP_ID=example-app-id \
//	THREESCALE_APP_KEY=example-app-key go test ./...
package example

import (
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/3scale/3scale-go-client/threescale"
	"github.com/3scale/3scale-go-client/threescale/api"
	client "github.com/3scale/3scale-go-client/threescale/http"
)

// env reads a variable, with the default world's value as the default.
func env(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// call is one transaction of the application under test, authenticated
// with the service token.
func call(metrics api.Metrics) threescale.Request {
	return threescale.Request{
		Auth:    api.ClientAuth{Type: api.ServiceToken, Value: env("THREESCALE_SERVICE_TOKEN", "echo-service-token")},
		Service: api.Service(env("THREESCALE_SERVICE_ID", "2555417735001")),
		Transactions: []api.Transaction{{
			Params: api.Params{
				AppID:  env("THREESCALE_APP_ID", "echo-app-id"),
				AppKey: env("THREESCALE_APP_KEY", "echo-app-key"),
				// The default world's Echo API requires a referrer; an
				// application without referrer filters ignores it.
				Referrer: env("THREESCALE_REFERRER", "www.example.com"),
			},
			Metrics: metrics,
		}},
	}
}

// hitsToday is the daily usage report of hits: the plan must limit hits
// per day.
func hitsToday(t *testing.T, res *threescale.AuthorizeResult) api.UsageReport {
	t.Helper()
	for _, r := range res.UsageReports["hits"] {
		if r.PeriodWindow.Period == api.Day {
			return r
		}
	}
	t.Fatalf("no daily usage report of hits in %+v", res.UsageReports)
	return api.UsageReport{}
}

func TestSandbox(t *testing.T) {
	c, err := client.NewClient(env("THREESCALE_BACKEND_URL", "http://127.0.0.1:3000"), &http.Client{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}

	before, err := c.Authorize(call(nil))
	if err != nil {
		t.Fatal(err)
	}
	if !before.Authorized {
		t.Fatalf("authorize: %+v", before)
	}
	used := hitsToday(t, before).CurrentValue

	// authrep counts the hit at once; the sandbox stores a report's usage
	// before it answers 202 (the hosted backend applies it a little later).
	res, err := c.AuthRep(call(api.Metrics{"hits": 1}))
	if err != nil {
		t.Fatal(err)
	}
	if day := hitsToday(t, res); !res.Authorized || day.CurrentValue != used+1 {
		t.Errorf("authrep: authorized %v, hits today %d; want true, %d", res.Authorized, day.CurrentValue, used+1)
	}
	rep, err := c.Report(call(api.Metrics{"hits": 2}))
	if err != nil || !rep.Accepted {
		t.Fatalf("report: %+v, %v", rep, err)
	}
	res, err = c.Authorize(call(nil))
	if err != nil {
		t.Fatal(err)
	}
	if day := hitsToday(t, res); day.CurrentValue != used+3 || day.MaxValue != hitsToday(t, before).MaxValue {
		t.Errorf("after the report: hits today %d of %d; want %d of %d", day.CurrentValue, day.MaxValue, used+3, hitsToday(t, before).MaxValue)
	}

	// Denials and errors arrive as the real backend gives them.
	bad := call(nil)
	bad.Transactions[0].Params.AppKey = "wrong-key"
	if res, err := c.Authorize(bad); err != nil || res.Authorized || res.RejectionReason != `application key "wrong-key" is invalid` {
		t.Errorf("wrong key: %+v, %v", res, err)
	}
	unknown := call(nil)
	unknown.Transactions[0].Params.AppID = "no-such-app"
	if res, err := c.Authorize(unknown); err != nil || res.Authorized || res.ErrorCode != "application_not_found" {
		t.Errorf("unknown application: %+v, %v", res, err)
	}
	tooMuch := call(api.Metrics{"hits": hitsToday(t, before).MaxValue + 1})
	if res, err := c.Authorize(tooMuch); err != nil || res.Authorized || res.RejectionReason != "usage limits are exceeded" {
		t.Errorf("over the daily limit: %+v, %v", res, err)
	}

	if v, err := c.GetVersion(); err != nil || v == "" {
		t.Errorf("GetVersion = %q, %v", v, err)
	}
}
