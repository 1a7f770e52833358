package store

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/period"
)

var now = time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)

func open(t *testing.T, path string) *Store {
	t.Helper()
	st, err := Open(context.Background(), path, clock.NewFake(now), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func seed(t *testing.T, st *Store) {
	t.Helper()
	w, err := fixtures.Default(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Seed(context.Background(), w); err != nil {
		t.Fatal(err)
	}
}

// Concurrent updates share commits; every increment is kept, in memory and
// on disk, and the seeded model comes back from the file.
func TestConcurrentUpdatesAreDurable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st := open(t, path)
	seed(t, st)
	svc := st.Catalog().Service("2555417735001")
	app := svc.Application("echo-app-id")
	hits := svc.Metric("hits")
	key := Key(app, hits, period.Day, now)
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				err := st.UpdateUsage(context.Background(), func(w *CounterWriter) error {
					w.Set(key, w.Get(key)+1)
					return nil
				})
				if err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	st.ReadUsage(func(c Counters) {
		if got := c.Get(key); got != 42+1000 {
			t.Errorf("in memory: %d, want 1042", got)
		}
	})
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st = open(t, path)
	defer st.Close()
	if !st.Seeded() {
		t.Fatal("the model did not survive a restart")
	}
	svc = st.Catalog().Service("2555417735001")
	key = Key(svc.Application("echo-app-id"), svc.Metric("hits"), period.Day, now)
	st.ReadUsage(func(c Counters) {
		if got := c.Get(key); got != 1042 {
			t.Errorf("after reopening: %d, want 1042", got)
		}
	})
	if err := st.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st.Seeded() {
		t.Error("Reset kept the model")
	}
}

// The error log keeps the newest 1000 per service, newest first, in pages.
func TestErrorLog(t *testing.T) {
	st := open(t, "")
	defer st.Close()
	seed(t, st)
	for i := range 1005 {
		st.RecordError("2555417735001", ErrorRecord{Code: "metric_invalid", Message: fmt.Sprint(i), Time: now})
	}
	ctx := context.Background()
	// RecordError does not wait: poll until the writer has caught up.
	var total int
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, total, _ = st.Errors(ctx, "2555417735001", 1, 1); total == 1000 {
			break
		}
	}
	recs, total, err := st.Errors(ctx, "2555417735001", 2, 3)
	if err != nil || total != 1000 || len(recs) != 3 || recs[0].Message != "1001" || recs[2].Message != "999" {
		t.Fatalf("page 2 = %+v, total %d, %v", recs, total, err)
	}
	if err := st.DeleteErrors(ctx, "2555417735001"); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := st.Errors(ctx, "2555417735001", 1, 10); total != 0 {
		t.Errorf("after delete: %d", total)
	}
}

// Updates whose commit fails leave no trace: concurrent updates, some of
// which the database refuses because it is full, end with the live
// counters equal to the stored ones, and every update that returned nil is
// among them.
func TestFailedCommitsTakeBackTheirUsage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st := open(t, path)
	defer st.Close()
	seed(t, st)
	ctx := context.Background()
	// A full disk, as SQLite sees one: no page beyond the current ones.
	err := st.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var pages int64
		if err := tx.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages+1))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := st.Catalog().Service("2555417735001")
	app := svc.Application("echo-app-id")
	hits := svc.Metric("hits")
	hot := Key(app, hits, period.Day, now)
	var acked, refused atomic.Int64
	var wg sync.WaitGroup
	for g := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				// A new row each time fills the pages; the hot counter rides along.
				fresh := CounterKey{App: app.ID, Metric: hits.ID, Period: period.Minute, Start: int64(g*1000 + i)}
				err := st.UpdateUsage(ctx, func(w *CounterWriter) error {
					w.Set(hot, w.Get(hot)+1)
					w.Set(fresh, w.Get(fresh)+1)
					return nil
				})
				if err != nil {
					refused.Add(1)
				} else {
					acked.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if refused.Load() == 0 || acked.Load() == 0 {
		t.Fatalf("%d updates stored, %d refused: the test wants both", acked.Load(), refused.Load())
	}
	// Stored: its row of usage plus its increments in the log.
	var stored int64
	err = st.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		l, err := storedLive(ctx, tx, now)
		for _, v := range l.Usage {
			if v.CounterKey == hot.bare() {
				stored = v.Value
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	st.ReadUsage(func(c Counters) {
		if got := c.Get(hot); got != stored || got != 42+acked.Load() {
			t.Errorf("live %d, stored %d, seeded 42 + acknowledged %d", got, stored, acked.Load())
		}
	})
}

// Fixture users log in with their fixture passwords; passwords set later
// are bcrypt's.
func TestSeededPasswords(t *testing.T) {
	st := open(t, "")
	defer st.Close()
	if err := st.Seed(context.Background(), world(t, 4)); err != nil {
		t.Fatal(err)
	}
	cat := st.Catalog()
	u1, u2 := cat.Account(1).Users[0], cat.Account(2).Users[0]
	if !PasswordMatches(u1.PasswordHash, "pw-1") || PasswordMatches(u1.PasswordHash, "pw-2") ||
		!PasswordMatches(u2.PasswordHash, "pw-2") || PasswordMatches(u2.PasswordHash, "") {
		t.Errorf("fixture passwords: %q %q", u1.PasswordHash, u2.PasswordHash)
	}
	if !PasswordMatches(cat.Providers[0].AdminPasswordHash, "admin") {
		t.Error("the admin's default password does not match")
	}
	h, err := HashPassword("secret")
	if err != nil || !strings.HasPrefix(h, "$2a$") || !PasswordMatches(h, "secret") || PasswordMatches(h, "Secret") {
		t.Errorf("HashPassword: %q, %v", h, err)
	}
	for _, bad := range []string{"sha256$", "sha256$zz$00", "sha256$00", ""} {
		if PasswordMatches(bad, "") {
			t.Errorf("%q matches", bad)
		}
	}
}

// A seeded catalog's developers' side is made of the rows as they are
// written, not read back: it is what reading them back makes, field for
// field, in a world with every kind of row and field.
func TestSeededCatalogIsAsStored(t *testing.T) {
	st := open(t, "")
	defer st.Close()
	if err := st.Seed(context.Background(), everyRowWorld(t)); err != nil {
		t.Fatal(err)
	}
	sameAsStored(t, st)
}

// A catalog opened from a file, read straight from the driver, is what
// database/sql reads.
func TestOpenedCatalogIsAsStored(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st := open(t, path)
	if err := st.Seed(context.Background(), everyRowWorld(t)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	st = open(t, path)
	defer st.Close()
	sameAsStored(t, st)
}

func everyRowWorld(t *testing.T) *fixtures.World {
	t.Helper()
	w, err := fixtures.Parse("all.yaml", []byte(`version: 1
providers:
  - name: First
    fields: {account: [vat, country, vat_code], user: [nickname, first_name], application: [repo]}
    services:
      - name: API
        metrics: [{name: search, parent: hits}]
        application_plans: [{name: Basic}]
      - name: Legacy
        backend_version: "1"
        application_plans: [{name: Old}]
    accounts:
      - org_name: Dev <1> & "co"
        fields: {vat: "FR 1", country: Spain, vat_code: "X"}
        users:
          - {username: dev1, password: pw, fields: {first_name: Ann, nickname: ann}}
          - {username: dev2, role: member, state: pending}
        applications:
          - {name: One, description: First app, app_keys: [k1, k2], referrer_filters: [a.example.com, "*.b.example.com"], fields: {repo: "git://x"}, usage: {hits: {day: 3}}}
          - {name: Two, service: legacy, state: suspended}
      - org_name: Empty
  - name: Second
    services: [{name: Other, application_plans: [{name: P}]}]
    accounts:
      - org_name: Dev 2
        users: [{username: dev1}]
        applications: [{name: Three, app_keys: [k3]}]
`), rand.NewChaCha8([32]byte{1}))
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// sameAsStored checks that the store's catalog has the developers' side
// that database/sql reads from its database.
func sameAsStored(t *testing.T, st *Store) {
	t.Helper()
	read, err := loadCatalog(context.Background(), st.db, &st.cells)
	if err != nil {
		t.Fatal(err)
	}
	made := st.Catalog()
	if len(made.Providers) != 2 || len(read.Providers) != 2 {
		t.Fatalf("providers: made %d, read %d", len(made.Providers), len(read.Providers))
	}
	apps := 0
	for i, p := range made.Providers {
		q := read.Providers[i]
		if len(p.Accounts) != len(q.Accounts) {
			t.Fatalf("provider %s: made %d accounts, read %d", p.Name, len(p.Accounts), len(q.Accounts))
		}
		for j, a := range p.Accounts {
			b := q.Accounts[j]
			for k := range a.Applications {
				if a.Applications[k].live != b.Applications[k].live {
					t.Errorf("application %d: another live state", a.Applications[k].ID)
				}
				apps++
			}
			if !reflect.DeepEqual(a, b) {
				t.Errorf("account %d:\nmade %#v\nread %#v", a.ID, a, b)
			}
			if made.Account(a.ID) != a {
				t.Errorf("account %d is not indexed", a.ID)
			}
		}
		for k, s := range p.Services {
			if len(s.Applications) != len(q.Services[k].Applications) {
				t.Errorf("service %s: made %d applications, read %d", s.ID, len(s.Applications), len(q.Services[k].Applications))
			}
		}
	}
	if apps != 3 {
		t.Errorf("%d applications compared, want 3", apps)
	}
}
