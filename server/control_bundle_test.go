package server

import (
	"bytes"
	"context"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/bundle"
	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/journal"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// A bundle holds the state, the clock and the journal; a sandbox opened
// on it gives the same answers (serve --bundle, as testscripts/bundle.txtar
// runs it).
func TestBundle(t *testing.T) {
	s := controls(t)
	w := s.createWorld()
	s.get(dailyAuthrep)
	s.get(w.authrep())
	s.get("/transactions/authrep")
	r := s.get("/_sandbox/bundle")
	if r.status != 200 || r.header.Get("Content-Type") != "application/gzip" ||
		r.header.Get("Content-Disposition") != `attachment; filename="threescale-sandbox-bundle-20261122T101500Z.tar.gz"` {
		t.Fatalf("bundle: %d %v", r.status, r.header)
	}
	b, err := bundle.Read(strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if !b.Manifest.Clock.Equal(day("10:15:00")) || !b.Manifest.Frozen || b.Manifest.Requests != 3 || len(b.Journal) != 3 ||
		b.Journal[2].Path != "/transactions/authrep" || b.Baseline == nil || len(b.World.Providers) != 1 {
		t.Fatalf("manifest %+v, %d entries", b.Manifest, len(b.Journal))
	}

	// Opened again, as serve --bundle does.
	clk := clock.NewFrozenControl(b.Manifest.Clock)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(context.Background(), "", clk, log)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Import(context.Background(), b.State); err != nil {
		t.Fatal(err)
	}
	j := journal.New(DefaultJournalSize)
	j.Replace(b.Journal)
	srv := httptest.NewServer(NewServer(Options{Store: st, Clock: clk, Logger: log, Journal: j, Baseline: b.Baseline, World: fixtures.Hold(b.World)}))
	defer srv.Close()
	again := &sandbox{t: t, url: srv.URL, clock: clk, store: st}
	if got, want := again.dailyHits(), s.dailyHits(); got != want || got != "2" {
		t.Errorf("counters: %s, want %s", got, want)
	}
	if got, want := again.get(strings.Replace(w.authrep(), "authrep", "authorize", 1)).body,
		s.get(strings.Replace(w.authrep(), "authrep", "authorize", 1)).body; got != want {
		t.Errorf("the world's answer:\n got %s\nwant %s", got, want)
	}
	e := again.requests("?path=/transactions/authrep")
	if len(e) != 1 || e[0]["id"] != 3.0 || compactJSON(t, e[0]["did_you_mean"]) != `["/transactions/authrep.xml"]` {
		t.Errorf("journal: %s", compactJSON(t, e))
	}
	// The world is still a world: it can be reset, and a reset drops it.
	if r := again.call("POST", "/_sandbox/worlds/"+w.ID+"/reset", ""); r.status != 200 {
		t.Errorf("reset the world: %d %s", r.status, r.body)
	}
	again.call("POST", "/_sandbox/reset", "")
	if got := again.dailyHits(); got != "1" {
		t.Errorf("after a reset: %s", got)
	}
	if _, err := bundle.Read(bytes.NewReader([]byte("nope"))); err == nil {
		t.Error("read a bundle of nothing")
	}
}
