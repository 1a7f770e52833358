package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"unsafe"

	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/period"
)

// A seed serves its catalog before its rows are stored; a write made then,
// to a row of the seed, is stored after them and survives a restart, as do
// the rows and the fixtures' usage.
func TestSeedServingOrdersLaterWritesAfterTheRows(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	st := open(t, path)
	w := world(t, 3000)
	w.Providers[0].Accounts[0].Applications[0].Usage = append(w.Providers[0].Accounts[0].Applications[0].Usage,
		fixtures.Usage{Metric: "hits", Period: "day", Value: 7})
	sd, err := st.StartSeed(ctx, w, true)
	if err != nil {
		t.Fatal(err)
	}
	app := st.Catalog().Service("1").Application("app-2999")
	if app == nil {
		t.Fatal("the seeded catalog is not served once StartSeed returns")
	}
	if got := readUsage(st, st.Catalog().Service("1").Application("app-1"), period.Day); got != 7 {
		t.Fatalf("fixture usage once StartSeed returns: %d, want 7", got)
	}
	renamed := app.ApplicationRecord
	renamed.Name = "Renamed during the seed"
	if err := st.Change(ctx, func(tx *Tx) error { return tx.SaveApplication(&renamed) }); err != nil {
		t.Fatal(err)
	}
	<-sd.Done()
	if err := sd.Err(); err != nil {
		t.Fatal(err)
	}
	if sd.Baseline() == nil || len(sd.Baseline().DB) == 0 || len(sd.Baseline().Fixture) != 1 {
		t.Fatalf("baseline: %+v", sd.Baseline())
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st = open(t, path)
	defer st.Close()
	cat := st.Catalog()
	if n := cat.ApplicationCount(); n != 3000 {
		t.Fatalf("%d applications after the restart, want 3000", n)
	}
	if got := cat.Service("1").Application("app-2999").Name; got != "Renamed during the seed" {
		t.Fatalf("name after the restart: %q", got)
	}
	if got := readUsage(st, cat.Service("1").Application("app-1"), period.Day); got != 7 {
		t.Fatalf("fixture usage after the restart: %d, want 7", got)
	}
}

// A secret asked for while a seed's rows are being written is stored, and
// is the same after a restart.
func TestSecretDuringSeedIsStored(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "s.db")
	st := open(t, path)
	sd, err := st.StartSeed(ctx, world(t, 3000), false)
	if err != nil {
		t.Fatal(err)
	}
	secret, err := st.Secret(ctx, "portal-cookies", 32)
	if err != nil {
		t.Fatal(err)
	}
	<-sd.Done()
	if err := sd.Err(); err != nil {
		t.Fatal(err)
	}
	if again, err := st.Secret(ctx, "portal-cookies", 32); err != nil || !bytes.Equal(again, secret) {
		t.Fatalf("asked again: %x, %v; want %x", again, err, secret)
	}
	st.Close()
	st = open(t, path)
	defer st.Close()
	if again, err := st.Secret(ctx, "portal-cookies", 32); err != nil || !bytes.Equal(again, secret) {
		t.Fatalf("after a restart: %x, %v; want %x", again, err, secret)
	}
}

// readUsage is the application's hits of the current instance of p.
func readUsage(st *Store, app *Application, p period.Period) int64 {
	var n int64
	st.ReadUsage(func(c Counters) {
		n = c.Get(Key(app, st.Catalog().Service(app.ServiceID).Metric("hits"), p, st.clk.Now()))
	})
	return n
}

// A seed whose rows cannot be stored (a full disk: SQLite's page limit)
// says so through its Seeding, after the catalog was served.
func TestSeedServingReportsRowsNotStored(t *testing.T) {
	ctx := context.Background()
	st := open(t, filepath.Join(t.TempDir(), "s.db"))
	defer st.Close()
	err := st.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var pages int
		if err := tx.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages+2))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sd, err := st.StartSeed(ctx, world(t, 3000), true)
	if err != nil {
		t.Fatal(err)
	}
	if st.Catalog().ApplicationCount() != 3000 {
		t.Fatalf("%d applications served, want 3000", st.Catalog().ApplicationCount())
	}
	<-sd.Done()
	if err := sd.Err(); err == nil || !strings.Contains(err.Error(), "full") {
		t.Fatalf("seed outcome: %v, want a full database", err)
	}
}

// The users of a fixture who share a password share its hash, made once;
// each password still matches its users' hash alone.
func TestSeedSharesPasswordHashes(t *testing.T) {
	st := open(t, "")
	defer st.Close()
	w := world(t, 6)
	accs := w.Providers[0].Accounts
	accs[0].Users[0].Password, accs[1].Users[0].Password, accs[2].Users[0].Password = "same", "same", "other"
	if err := st.Seed(context.Background(), w); err != nil {
		t.Fatal(err)
	}
	cat := st.Catalog()
	var users []*User
	for _, acc := range cat.Provider(cat.ProviderByKey("gen-key").ID).Accounts {
		users = append(users, acc.Users...)
	}
	if len(users) != 3 {
		t.Fatalf("%d users, want 3", len(users))
	}
	a, b, c := users[0].PasswordHash, users[1].PasswordHash, users[2].PasswordHash
	if unsafe.StringData(a) != unsafe.StringData(b) {
		t.Errorf("users sharing a password have two hashes: %s, %s", a, b)
	}
	if !PasswordMatches(a, "same") || !PasswordMatches(b, "same") || !PasswordMatches(c, "other") || PasswordMatches(c, "same") {
		t.Error("a password does not match its users' hash alone")
	}
}
