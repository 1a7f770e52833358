package mgmt

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/period"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

const sumWorld = `version: 1
providers:
  - name: B
    provider_key: pk
    services:
      - id: "1"
        name: S
        metrics: [{name: a, parent: hits}, {name: b, parent: a}, {name: c}]
        application_plans:
          - {name: P}
    accounts:
      - org_name: D
        applications:
          - {name: A, service: "1", app_id: one, app_keys: [key]}
          - {name: B, service: "1", app_id: two, app_keys: [key]}
`

var sumNow = time.Date(2026, 11, 22, 7, 26, 30, 0, time.UTC)

func sumBackend(t *testing.T) (*Backend, *store.Store) {
	t.Helper()
	clk := clock.NewFake(sumNow)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	w, err := fixtures.Parse("sum.yaml", []byte(sumWorld), bytes.NewReader(make([]byte, 4096)))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.OpenSeeded(context.Background(), "", w, clk, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return New(st, clk, log), st
}

// A batch's increments are summed before they reach the counters: every
// counter ends as it does when the same transactions are reported one by
// one, with several applications, metrics and timestamps, and with sets
// among them (whose order matters).
func TestReportSumsAsOneByOne(t *testing.T) {
	stamps := []string{"", "2026-11-22%2007:00:01%20UTC", "2026-11-22%2006:59:59%20UTC", "2026-11-21%2023:30:00%20UTC"}
	batches := map[string][]string{
		"increments": {"one|b=1", "two|a=2", "one|b=1&c=3", "one|hits=5", "two|b=7&a=1", "one|b=1"},
		"sets":       {"one|b=1", "one|a=%233", "two|b=2", "one|b=1", "two|hits=%230&c=1", "one|c=4"},
		"zeros":      {"one|b=0&c=1", "two|a=0", "one|b=2"},
	}
	for name, txs := range batches {
		t.Run(name, func(t *testing.T) {
			whole, wholeStore := sumBackend(t)
			single, singleStore := sumBackend(t)
			var body strings.Builder
			body.WriteString("provider_key=pk&service_id=1")
			for i, tx := range txs {
				app, usage, _ := strings.Cut(tx, "|")
				var one strings.Builder
				fmt.Fprintf(&one, "&transactions[0][app_id]=%s", app)
				for _, u := range strings.Split(usage, "&") {
					m, v, _ := strings.Cut(u, "=")
					fmt.Fprintf(&one, "&transactions[0][usage][%s]=%s", m, v)
				}
				if ts := stamps[i%len(stamps)]; ts != "" {
					fmt.Fprintf(&one, "&transactions[0][timestamp]=%s", ts)
				}
				body.WriteString(strings.ReplaceAll(one.String(), "[0]", fmt.Sprintf("[%d]", i)))
				report(t, single, "provider_key=pk&service_id=1"+one.String())
			}
			report(t, whole, body.String())
			if got, want := countersOf(wholeStore), countersOf(singleStore); got != want {
				t.Errorf("counters after one batch:\n%s\nafter one report per transaction:\n%s", got, want)
			}
		})
	}
}

func report(t *testing.T, b *Backend, body string) {
	t.Helper()
	r := &Request{Method: "POST", Body: []byte(body), ContentType: "application/x-www-form-urlencoded"}
	if resp := b.Report(context.Background(), r); resp.Status != 202 {
		t.Fatalf("%s: %d %s", body, resp.Status, resp.Body)
	}
}

// countersOf lists every counter of the world's applications the tests
// above can reach, with its value.
func countersOf(st *store.Store) string {
	cat := st.Catalog()
	svc := cat.Service("1")
	var out strings.Builder
	st.ReadUsage(func(cs store.Counters) {
		for _, id := range []string{"one", "two"} {
			app := svc.Application(id)
			for _, m := range []string{"hits", "a", "b", "c"} {
				for _, p := range period.All {
					for _, at := range []time.Time{sumNow, sumNow.Add(-27 * time.Minute), sumNow.Add(-8 * time.Hour)} {
						if n := cs.Get(store.Key(app, svc.Metric(m), p, at)); n != 0 {
							fmt.Fprintf(&out, "%s %s %s %s: %d\n", id, m, p, p.Start(at).Format(time.RFC3339), n)
						}
					}
				}
			}
		}
	})
	return out.String()
}

// A set in a batch replaces the counter at its place in the batch: what
// was added before it is lost, what comes after is added to it.
func TestReportSetInBatch(t *testing.T) {
	b, st := sumBackend(t)
	report(t, b, "provider_key=pk&service_id=1&transactions[0][app_id]=one&transactions[0][usage][b]=5")
	report(t, b, "provider_key=pk&service_id=1&transactions[0][app_id]=one&transactions[0][usage][b]=1"+
		"&transactions[1][app_id]=one&transactions[1][usage][a]=%233&transactions[2][app_id]=one&transactions[2][usage][b]=1"+
		"&transactions[3][app_id]=one&transactions[3][usage][c]=2")
	svc := st.Catalog().Service("1")
	app := svc.Application("one")
	want := map[string]int64{"hits": 4, "a": 4, "b": 7, "c": 2}
	st.ReadUsage(func(cs store.Counters) {
		for m, n := range want {
			for _, p := range period.All {
				if got := cs.Get(store.Key(app, svc.Metric(m), p, sumNow)); got != n {
					t.Errorf("%s/%s = %d, want %d", m, p, got, n)
				}
			}
		}
	})
}
