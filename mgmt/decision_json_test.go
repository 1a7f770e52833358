package mgmt

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

// marshal is what encoding/json writes of v, as the control API encodes
// it (no HTML escaping).
func marshal(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// The trail of real calls, written by hand, is what encoding/json writes.
func TestDecisionJSON(t *testing.T) {
	b := benchBackend(t)
	calls := []struct {
		ep    Endpoint
		query string
	}{
		{Authorize, benchAuth},
		{Authrep, benchAuth},
		{Authorize, "provider_key=pk&service_id=1&app_id=app&app_key=key&usage%5Bhits%5D=10000000000000"},
		{Authorize, "provider_key=pk&service_id=1&app_id=nope"},
		{Authorize, "provider_key=bad&app_id=app"},
		{Authrep, "provider_key=pk&service_id=1&app_id=app&app_key=key&usage%5Bb%5D=%235"},
	}
	for _, c := range calls {
		d := &Decision{}
		b.Auth(context.Background(), c.ep, &Request{Method: "GET", RawQuery: c.query, Decision: d})
		if got, want := string(d.AppendJSON(nil)), marshal(t, d); got != want {
			t.Errorf("%s:\n got %s\nwant %s", c.query, got, want)
		}
	}
	for _, body := range []string{
		"provider_key=pk&service_id=1&transactions[0][app_id]=app&transactions[0][usage][b]=1&transactions[1][app_id]=app&transactions[1][usage][a]=%232",
		"provider_key=pk&service_id=1&transactions[0][app_id]=nope&transactions[0][usage][b]=1",
		"provider_key=pk&service_id=1",
	} {
		d := &Decision{}
		b.Report(context.Background(), &Request{Method: "POST", Body: []byte(body), ContentType: "application/x-www-form-urlencoded", Decision: d})
		if got, want := string(d.AppendJSON(nil)), marshal(t, d); got != want {
			t.Errorf("%s:\n got %s\nwant %s", body, got, want)
		}
	}
}

// A trail taken from the pool after another request's was released holds
// nothing of it: each call writes what a new trail of its own writes.
func TestReleasedDecisionIsEmpty(t *testing.T) {
	b := benchBackend(t)
	queries := []string{
		"provider_key=pk&service_id=1&app_id=app&app_key=key&usage%5Bhits%5D=10000000000000", // denied: limits
		benchAuth,
		"provider_key=bad&app_id=app", // refused before any validator
	}
	var released *Decision
	for _, q := range queries {
		fresh := &Decision{}
		b.Auth(context.Background(), Authorize, &Request{Method: "GET", RawQuery: q, Decision: fresh})
		d := NewDecision()
		b.Auth(context.Background(), Authorize, &Request{Method: "GET", RawQuery: q, Decision: d})
		if got, want := string(d.AppendJSON(nil)), string(fresh.AppendJSON(nil)); got != want {
			t.Errorf("%s, after a released trail:\n got %s\nwant %s", q, got, want)
		}
		d.Release()
		released = d
	}
	if got, want := string(released.AppendJSON(nil)), string((&Decision{}).AppendJSON(nil)); got != want {
		t.Errorf("released trail: %s, want %s", got, want)
	}
	if released.Validators != nil || released.Application != nil || released.Mentions("app") {
		t.Errorf("released trail keeps %+v", released)
	}
}

// Any text in any field is written as encoding/json writes it.
func FuzzDecisionJSON(f *testing.F) {
	f.Add("authrep", "plain", int64(7), true, 2)
	f.Add("<&>", "q\"\\\n\u2028\xff", int64(-1), false, 0)
	f.Fuzz(func(t *testing.T, s1, s2 string, n int64, ok bool, parts int) {
		d := &Decision{Endpoint: s1, Credentials: s2, Code: s2, Message: s1, Validator: s1}
		if parts&1 != 0 {
			d.Provider = &DecidedProvider{ID: n, Name: s2}
			d.Service = &DecidedService{ID: s1, SystemName: s2, BackendVersion: s1}
			d.Application = &DecidedApp{ID: n, AppID: s1, Name: s2, Plan: s1, State: s2, userKey: s2}
			d.Validators = []Check{{Name: s1, Passed: ok}, {Name: s2}}
			d.Exceeded = &Exceeded{Metric: s1, Period: s2, Current: s1, Requested: s2, Max: n}
			d.Usage = []Applied{{Metric: s1, Value: s2}}
			d.setAuthorized(ok)
		}
		if parts&2 != 0 {
			d.Transactions = []DecidedTransaction{{Application: DecidedApp{AppID: s2}, Timestamp: s1, Usage: []Applied{{s2, s1}}},
				{Timestamp: s2}, {Usage: []Applied{}}}
			d.TransactionsOmitted = int(n)
			d.setStored(ok)
		}
		if got, want := string(d.AppendJSON(nil)), marshal(t, d); got != want {
			t.Errorf("\n got %s\nwant %s", got, want)
		}
	})
}
