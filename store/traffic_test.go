package store

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
)

// world is a generated fixture of n applications, 2 per account.
func world(t testing.TB, n int) *fixtures.World {
	t.Helper()
	var b strings.Builder
	b.WriteString(`version: 1
providers:
  - name: Gen
    provider_key: gen-key
    access_token: gen-token
    services:
      - id: "1"
        name: Gen API
        metrics: [{name: hits}]
        application_plans: [{name: Basic, limits: {hits: {day: 1000}}}]
    accounts:
`)
	for a := 1; 2*a-1 <= n; a++ {
		fmt.Fprintf(&b, "      - org_name: Dev %d\n        users: [{username: dev%d, email: dev%d@gen.example.com, password: pw-%d}]\n        applications:\n", a, a, a, a)
		for i := 2*a - 1; i <= 2*a && i <= n; i++ {
			fmt.Fprintf(&b, "          - {name: App %d, app_id: app-%d, app_keys: [key-%d]}\n", i, i, i)
		}
	}
	w, err := fixtures.Parse("gen.yaml", []byte(b.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// First-traffic times are recorded once per application and day, without
// a new catalog, by concurrent reports; with a database file they are
// stored and survive a restart.
func TestTrafficOncePerApplicationPerDay(t *testing.T) {
	for _, mode := range []string{"memory", "file"} {
		t.Run(mode, func(t *testing.T) {
			path := ""
			if mode == "file" {
				path = filepath.Join(t.TempDir(), "s.db")
			}
			st := open(t, path)
			defer func() { st.Close() }()
			if err := st.Seed(context.Background(), world(t, 200)); err != nil {
				t.Fatal(err)
			}
			cat := st.Catalog()
			svc := cat.Service("1")
			day1 := now
			var wg sync.WaitGroup
			for g := range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 400 {
						st.NoteTraffic(svc.Applications[(g+i)%len(svc.Applications)], day1)
					}
				}()
			}
			wg.Wait()
			want := day1
			waitTraffic(t, st, svc, Traffic{First: &want, FirstDaily: &want}, false)
			if st.Catalog() != cat {
				t.Error("recording traffic made a new catalog")
			}
			// A later report the same day changes nothing; the next day's
			// first report moves first_daily_traffic_at only.
			for _, app := range svc.Applications {
				st.NoteTraffic(app, day1.Add(time.Hour))
			}
			day2 := day1.Add(24 * time.Hour)
			st.NoteTraffic(svc.Applications[0], day2)
			st.NoteTraffic(svc.Applications[0], day2.Add(time.Minute))
			waitTraffic(t, st, svc, Traffic{First: &want, FirstDaily: &want}, true)
			waitTraffic(t, st, &Service{Applications: svc.Applications[:1]}, Traffic{First: &want, FirstDaily: &day2}, false)
			if path == "" {
				return
			}
			st.Close()
			st = open(t, path)
			svc = st.Catalog().Service("1")
			if got := svc.Applications[0].Traffic(); !got.First.Equal(day1) || !got.FirstDaily.Equal(day2) {
				t.Errorf("application 1 after a restart: %v %v", got.First, got.FirstDaily)
			}
			if got := svc.Applications[1].Traffic(); !got.First.Equal(day1) || !got.FirstDaily.Equal(day1) {
				t.Errorf("application 2 after a restart: %v %v", got.First, got.FirstDaily)
			}
		})
	}
}

// waitTraffic waits until every application of svc (but the first, if
// skipFirst) shows want: with a file, times show once stored.
func waitTraffic(t *testing.T, st *Store, svc *Service, want Traffic, skipFirst bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for i, app := range svc.Applications {
		if i == 0 && skipFirst {
			continue
		}
		for {
			got := app.Traffic()
			if got.First != nil && got.FirstDaily != nil && got.First.Equal(*want.First) && got.FirstDaily.Equal(*want.FirstDaily) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("application %s: traffic %v %v, want %v %v", app.AppID, got.First, got.FirstDaily, *want.First, *want.FirstDaily)
			}
			time.Sleep(time.Millisecond)
		}
	}
}
