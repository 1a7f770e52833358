package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
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

// trafficLogged counts the first-traffic records (notes, sets) in st's log.
func trafficLogged(t *testing.T, st *Store) (notes, sets int) {
	t.Helper()
	err := st.exec(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
		_, _, err := readLog(ctx, tx, math.MaxInt, logVisitor{traffic: func(r trafficRecord) {
			if r.set {
				sets++
			} else {
				notes++
			}
		}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return notes, sets
}

// With a database file, a first traffic of the day is one record in its
// commit's row of the log (one per application and day, however many
// reports race), not an update of the application's row; the times survive
// a kill before any fold, and times set by the Account Management API stay
// the last word over the notes logged before them, before and after a
// fold.
func TestTrafficLogged(t *testing.T) {
	path := os.Getenv("STORE_TEST_TRAFFIC")
	child := path != ""
	if !child {
		path = filepath.Join(t.TempDir(), "s.db")
	}
	idle := foldIdle
	defer func() { foldIdle = idle }()
	foldIdle = time.Hour // the log stays as the commits left it
	st := open(t, path)
	if child {
		// Died without Close: the log is not folded.
		svc := st.Catalog().Service("1")
		st.NoteTraffic(svc.Applications[2], now.Add(48*time.Hour))
		day3 := now.Add(48 * time.Hour)
		waitTraffic(t, st, &Service{Applications: svc.Applications[2:3]}, Traffic{First: &now, FirstDaily: &day3}, false)
		os.Exit(0)
	}
	if err := st.Seed(context.Background(), world(t, 20)); err != nil {
		t.Fatal(err)
	}
	svc := st.Catalog().Service("1")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 100 {
				st.NoteTraffic(svc.Applications[(g+i)%len(svc.Applications)], now)
			}
		}()
	}
	wg.Wait()
	waitTraffic(t, st, svc, Traffic{First: &now, FirstDaily: &now}, false)
	if notes, sets := trafficLogged(t, st); notes != 20 || sets != 0 {
		t.Errorf("log after a day's reports: %d notes, %d sets; want 20, 0", notes, sets)
	}
	var stored int
	err := st.exec(context.Background(), func(ctx context.Context, tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM applications WHERE first_traffic_at IS NOT NULL`).Scan(&stored)
	})
	if err != nil || stored != 0 {
		t.Errorf("rows of applications written before a fold: %d (%v)", stored, err)
	}
	// Set after a note still in the log: the set wins, here and later.
	app0, app1 := svc.Applications[0], svc.Applications[1]
	set := now.Add(-72 * time.Hour)
	if err := st.Change(context.Background(), func(tx *Tx) error {
		return errors.Join(tx.SetTraffic(app0.ID, Traffic{}), tx.SetTraffic(app1.ID, Traffic{First: &set, FirstDaily: &set}))
	}); err != nil {
		t.Fatal(err)
	}
	if notes, sets := trafficLogged(t, st); notes != 20 || sets != 2 {
		t.Errorf("log after two sets: %d notes, %d sets; want 20, 2", notes, sets)
	}
	st.Close() // folds
	cmd := exec.Command(os.Args[0], "-test.run=^TestTrafficLogged$")
	cmd.Env = append(os.Environ(), "STORE_TEST_TRAFFIC="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v %s", err, out)
	}
	day3 := now.Add(48 * time.Hour)
	for _, when := range []string{"after a kill", "after a kill and a close"} {
		st = open(t, path)
		if notes, _ := trafficLogged(t, st); when == "after a kill" && notes != 1 {
			t.Errorf("%s: %d notes in the log, want the child's 1", when, notes)
		}
		apps := st.Catalog().Service("1").Applications
		if got := apps[0].Traffic(); got != (Traffic{}) {
			t.Errorf("%s: application 1 (set to none): %v %v", when, got.First, got.FirstDaily)
		}
		if got := apps[1].Traffic(); got.First == nil || !got.First.Equal(set) || !got.FirstDaily.Equal(set) {
			t.Errorf("%s: application 2: %v %v, want %v", when, got.First, got.FirstDaily, set)
		}
		if got := apps[2].Traffic(); got.First == nil || !got.First.Equal(now) || !got.FirstDaily.Equal(day3) {
			t.Errorf("%s: application 3: %v %v, want %v %v", when, got.First, got.FirstDaily, now, day3)
		}
		st.Close()
	}
}
