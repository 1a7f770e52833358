package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

const ctlAM = "access_token=ctl-access-token"

// dailyHits is the daily-app's day counter, as authorize reports it.
func (s *sandbox) dailyHits() string {
	s.t.Helper()
	r := s.get("/transactions/authorize.xml?service_token=ctl-service-token&service_id=500&app_id=daily-app&app_key=daily-app-key-1234")
	_, rest, ok := strings.Cut(r.body, "<current_value>")
	if !ok {
		s.t.Fatalf("authorize: %d %s", r.status, r.body)
	}
	v, _, _ := strings.Cut(rest, "<")
	return v
}

// After a reset the state is the fixtures': counters, the model changed
// through the Account Management API, the webhook and email outboxes, the
// error log and the journal.
func TestReset(t *testing.T) {
	s := controls(t)
	rcv := newReceiver(t)
	s.dispatch(0, 0)
	for range 2 {
		s.get(dailyAuthrep)
	}
	s.am("PUT", "/admin/api/webhooks.json", ctlAM+"&active=true&provider_actions=true&account_updated_on=true&url="+rcv.URL)
	s.am("PUT", "/admin/api/accounts/1.xml", ctlAM+"&org_name=Renamed")
	s.am("DELETE", "/admin/api/accounts/1/applications/2.xml", ctlAM)
	if r := s.am("POST", "/admin/api/accounts/1/messages.xml", ctlAM+"&subject=Hello&body=Welcome."); r.status != 201 {
		t.Fatalf("message: %d %s", r.status, r.body)
	}
	if r := s.get("/_sandbox/emails"); !strings.Contains(r.body, `"subject":"[msg] Hello"`) {
		t.Fatalf("before the reset, emails: %s", r.body)
	}
	s.get("/transactions/authorize.xml?service_token=ctl-service-token&service_id=500&app_id=daily-app&app_key=daily-app-key-1234&usage%5Bnope%5D=1")
	rcv.await(t, 1)
	if got := s.dailyHits(); got != "3" {
		t.Fatalf("before the reset: %s hits", got)
	}
	if n := len(s.outbox("")); n != 1 {
		t.Fatalf("before the reset: %d events", n)
	}

	r := s.call("POST", "/_sandbox/reset", "")
	if r.status != 200 || !strings.HasPrefix(r.body, `{"took_ms":`) {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	if got := s.dailyHits(); got != "1" {
		t.Errorf("after the reset: %s hits, want the fixture's 1", got)
	}
	expectIn(t, "account", s.am("GET", "/admin/api/accounts/1.xml", ctlAM).body, "<org_name>Daily Co</org_name>")
	if r := s.am("GET", "/admin/api/accounts/1/applications/2.xml", ctlAM); r.status != 200 {
		t.Errorf("the deleted application is not back: %d", r.status)
	}
	if n := len(s.outbox("")); n != 0 {
		t.Errorf("after the reset: %d events", n)
	}
	expectIn(t, "webhooks", s.am("GET", "/admin/api/webhooks.json", ctlAM).body, `"active":false`)
	expect(t, "emails", s.get("/_sandbox/emails"), 200, "{\"emails\":[]}\n")
	expect(t, "errors", s.get("/internal/services/500/errors"), 200, `{"status":"found","errors":[],"count":0}`)
	// The journal starts again: only the requests since the reset.
	if got := s.requests(""); len(got) != 5 {
		t.Errorf("journal after the reset: %d entries, want the 5 since", len(got))
	}
	// Changes and counting go on from the fixtures' state.
	s.get(dailyAuthrep)
	if got := s.dailyHits(); got != "2" {
		t.Errorf("after the reset and an authrep: %s hits", got)
	}
}

// With --db the reset is stored: a restart finds the fixtures' state.
func TestResetOnFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	world := mustWorld(t, "testdata/controls.yaml")
	clk := clock.NewFrozenControl(day("10:15:00"))
	st, h := seeded(t, path, world, clk)
	srv := httptest.NewServer(h)
	s := &sandbox{t: t, url: srv.URL, clock: clk, store: st}
	s.get(dailyAuthrep)
	s.am("PUT", "/admin/api/accounts/1.xml", ctlAM+"&org_name=Renamed")
	if r := s.call("POST", "/_sandbox/reset", ""); r.status != 200 {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	s.get(dailyAuthrep)
	srv.Close()
	st.Close()

	st, h = seeded(t, path, world, clk) // seeds nothing: the file holds state
	srv = httptest.NewServer(h)
	defer srv.Close()
	s = &sandbox{t: t, url: srv.URL, clock: clk, store: st}
	if got := s.dailyHits(); got != "2" {
		t.Errorf("after a restart: %s hits, want the fixture's 1 and the one after the reset", got)
	}
	expectIn(t, "account", s.am("GET", "/admin/api/accounts/1.xml", ctlAM).body, "<org_name>Daily Co</org_name>")
}

type snapshotList struct {
	Snapshots []snapshot `json:"snapshots"`
}

func (s *sandbox) snapshots() []snapshot {
	s.t.Helper()
	var out snapshotList
	r := s.get("/_sandbox/snapshots")
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		s.t.Fatalf("snapshots: %v in %s", err, r.body)
	}
	return out.Snapshots
}

// A snapshot brings the whole state back exactly, counters included; it
// is listed with its size and times, and removed on request.
func TestSnapshots(t *testing.T) {
	s := controls(t)
	s.get(dailyAuthrep) // 2 hits
	r := s.sendJSON("POST", "/_sandbox/snapshots", `{"name": "before-test"}`)
	if r.status != 201 || !strings.HasPrefix(r.body, `{"name":"before-test","size":`) ||
		!strings.Contains(r.body, `"clock":"2026-11-22T10:15:00.000Z"}`) {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	s.get(dailyAuthrep)
	s.get(dailyAuthrep)
	s.am("PUT", "/admin/api/accounts/1.xml", ctlAM+"&org_name=Renamed")
	s.sendJSON("POST", "/_sandbox/snapshots", `{"name": "after"}`)

	r = s.call("POST", "/_sandbox/snapshots/before-test/restore", "")
	if r.status != 200 || !strings.HasPrefix(r.body, `{"name":"before-test","took_ms":`) {
		t.Fatalf("restore: %d %s", r.status, r.body)
	}
	if got := s.dailyHits(); got != "2" {
		t.Errorf("restored: %s hits, want 2", got)
	}
	expectIn(t, "account", s.am("GET", "/admin/api/accounts/1.xml", ctlAM).body, "<org_name>Daily Co</org_name>")
	s.call("POST", "/_sandbox/snapshots/after/restore", "")
	if got := s.dailyHits(); got != "3" {
		t.Errorf("restored after: %s hits, want 3 (the limit refused the fourth)", got)
	}
	expectIn(t, "account", s.am("GET", "/admin/api/accounts/1.xml", ctlAM).body, "<org_name>Renamed</org_name>")

	list := s.snapshots()
	if len(list) != 2 || list[0].Name != "before-test" || list[1].Name != "after" || list[0].Size < 4096 {
		t.Errorf("list: %+v", list)
	}
	// A reset keeps the snapshots.
	s.call("POST", "/_sandbox/reset", "")
	if len(s.snapshots()) != 2 {
		t.Error("the reset dropped the snapshots")
	}
	expect(t, "delete", s.call("DELETE", "/_sandbox/snapshots/after", ""), 204, "")
	expect(t, "deleted", s.call("POST", "/_sandbox/snapshots/after/restore", ""), 404,
		`{"error":"no snapshot \"after\" (there are: before-test)","field":"name"}`+"\n")
	expect(t, "delete again", s.call("DELETE", "/_sandbox/snapshots/after", ""), 404,
		`{"error":"no snapshot \"after\" (there are: before-test)","field":"name"}`+"\n")
	for body, want := range map[string]string{
		`{}`:              `{"error":"name is required, e.g. {\"name\": \"before-test\"}","field":"name"}`,
		`{"name": "a/b"}`: `{"error":"name \"a/b\": use letters, digits, '.', '_' and '-' (at most 100, starting with a letter or digit)","field":"name"}`,
		`{"name": ".."}`:  `{"error":"name \"..\": use letters, digits, '.', '_' and '-' (at most 100, starting with a letter or digit)","field":"name"}`,
		`{"name": 3}`:     `{"error":"name: want a string, not number","field":"name"}`,
		`{"nam": "x"}`:    `{"error":"unknown field \"nam\" (fields: name)","field":"nam"}`,
		`{"name": "x"`:    `{"error":"malformed JSON: the body ends in the middle of a value"}`,
	} {
		expect(t, body, s.sendJSON("POST", "/_sandbox/snapshots", body), 400, want+"\n")
	}
}

// The first-traffic times, which live beside the catalog (and without
// --db only in memory), come back with a snapshot and go with a reset;
// the Account Management API shows them. In memory, and with the
// snapshots saved as files.
func TestSnapshotsTraffic(t *testing.T) {
	for _, onDisk := range []bool{false, true} {
		t.Run(map[bool]string{false: "memory", true: "files"}[onDisk], func(t *testing.T) {
			s := startWith(t, "testdata/controls.yaml", day("10:15:00"), func(o *Options) {
				if onDisk {
					o.SnapshotDir = t.TempDir()
				}
			})
			app := func() string {
				return s.am("GET", "/admin/api/accounts/1/applications/1.xml", ctlAM).body
			}
			none := "<first_traffic_at/><first_daily_traffic_at/>"
			expectIn(t, "fixtures", app(), none)
			s.sendJSON("POST", "/_sandbox/snapshots", `{"name": "quiet"}`)
			s.get(dailyAuthrep)
			first := "<first_traffic_at>2026-11-22T10:15:00Z</first_traffic_at>"
			expectIn(t, "after an authrep", app(), first)
			s.sendJSON("POST", "/_sandbox/snapshots", `{"name": "busy"}`)
			s.clock.Advance(24 * time.Hour)
			s.get(dailyAuthrep)
			expectIn(t, "the next day", app(), first,
				"<first_daily_traffic_at>2026-11-23T10:15:00Z</first_daily_traffic_at>")

			if r := s.call("POST", "/_sandbox/snapshots/quiet/restore", ""); r.status != 200 {
				t.Fatalf("restore: %d %s", r.status, r.body)
			}
			expectIn(t, "quiet restored", app(), none)
			s.call("POST", "/_sandbox/snapshots/busy/restore", "")
			expectIn(t, "busy restored", app(), first,
				"<first_daily_traffic_at>2026-11-22T10:15:00Z</first_daily_traffic_at>")
			// The restored times go on: a report of a later day moves the
			// daily one only.
			s.clock.Advance(24 * time.Hour)
			s.get(dailyAuthrep)
			expectIn(t, "after a restore and an authrep", app(), first,
				"<first_daily_traffic_at>2026-11-24T10:15:00Z</first_daily_traffic_at>")
			s.call("POST", "/_sandbox/reset", "")
			expectIn(t, "reset", app(), none)
		})
	}
}

// With --db, snapshots are database files beside it, which a later start
// lists and restores; a damaged one is refused and the state stays.
func TestSnapshotsOnFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.db")
	world := mustWorld(t, "testdata/controls.yaml")
	clk := clock.NewFrozenControl(day("10:15:00"))
	snapDir := path + ".snapshots"
	st, h := seededWith(t, path, world, clk, func(o *Options) { o.SnapshotDir = snapDir })
	srv := httptest.NewServer(h)
	s := &sandbox{t: t, url: srv.URL, clock: clk, store: st}
	s.get(dailyAuthrep)
	if r := s.sendJSON("POST", "/_sandbox/snapshots", `{"name": "kept"}`); r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	s.sendJSON("POST", "/_sandbox/snapshots", `{"name": "damaged"}`)
	if _, err := os.Stat(filepath.Join(snapDir, "kept.db")); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	st.Close()

	st, h = seededWith(t, path, world, clk, func(o *Options) { o.SnapshotDir = snapDir })
	srv = httptest.NewServer(h)
	defer srv.Close()
	s = &sandbox{t: t, url: srv.URL, clock: clk, store: st}
	s.get(dailyAuthrep) // 3
	if list := s.snapshots(); len(list) != 2 || list[0].Name != "kept" || list[0].Clock != "2026-11-22T10:15:00.000Z" {
		t.Errorf("after a restart: %+v", list)
	}
	if err := os.WriteFile(filepath.Join(snapDir, "damaged.db"), []byte("SQLite format 3\x00 but not really"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := s.call("POST", "/_sandbox/snapshots/damaged/restore", "")
	if r.status != 500 || !strings.Contains(r.body, `the state is unchanged","field":"name"}`) {
		t.Errorf("damaged: %d %s", r.status, r.body)
	}
	if got := s.dailyHits(); got != "3" {
		t.Errorf("after a failed restore: %s hits, want 3", got)
	}
	if r := s.call("POST", "/_sandbox/snapshots/kept/restore", ""); r.status != 200 {
		t.Fatalf("restore: %d %s", r.status, r.body)
	}
	if got := s.dailyHits(); got != "2" {
		t.Errorf("restored from the file: %s hits, want 2", got)
	}
}

// Snapshots taken in the same millisecond are listed in the order they
// were taken, in memory and in a directory, whatever their names.
func TestSnapshotsSameMillisecond(t *testing.T) {
	const at = "2026-11-22T10:15:00.000Z"
	mem := newSnapshots("")
	for i, name := range []string{"zz", "aa", "mm"} {
		if _, err := mem.save(context.Background(), snapshot{Name: name, CreatedAt: at, taken: int64(i)}, &store.State{}, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	for i, name := range []string{"zz", "aa", "mm"} {
		meta := fmt.Sprintf(`{"name":%q,"size":1,"created_at":%q,"clock":%q,"taken_ns":%d}`, name, at, at, 100+i)
		if err := os.WriteFile(filepath.Join(dir, name+".db"), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".json"), []byte(meta), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for what, s := range map[string]*snapshots{"memory": mem, "directory": newSnapshots(dir)} {
		list, err := s.list()
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, sn := range list {
			names = append(names, sn.Name)
		}
		if want := []string{"zz", "aa", "mm"}; !slices.Equal(names, want) {
			t.Errorf("%s: listed %q, want %q", what, names, want)
		}
	}
}
