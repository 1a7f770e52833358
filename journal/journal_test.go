package journal

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
)

// The ring keeps the last entries, numbered on, and finds them by id.
func TestRing(t *testing.T) {
	j := New(3)
	for i := range 5 {
		j.Record(&Entry{Path: string(rune('a' + i))})
	}
	var paths []string
	for _, e := range j.Entries() {
		paths = append(paths, e.Path)
	}
	if got := strings.Join(paths, ""); got != "cde" {
		t.Errorf("kept %s", got)
	}
	if kept, dropped := j.Stats(); kept != 3 || dropped != 2 {
		t.Errorf("stats %d %d", kept, dropped)
	}
	if e := j.Get(4); e == nil || e.Path != "d" || j.Get(2) != nil || j.Get(6) != nil {
		t.Errorf("get")
	}
	if got := j.List(Filter{Limit: 2}); len(got) != 2 || got[0].ID != 5 || got[1].ID != 4 {
		t.Errorf("list %+v", got)
	}
	j.Clear()
	j.Record(&Entry{})
	if e := j.Entries(); len(e) != 1 || e[0].ID != 6 {
		t.Errorf("after clear: %+v", e)
	}
	j.Replace([]*Entry{{ID: 10}, {ID: 11}, {ID: 12}, {ID: 13}})
	if e := j.Entries(); len(e) != 3 || e[0].ID != 11 || j.Get(12) == nil {
		t.Errorf("replace: %+v", e)
	}
	j.Record(&Entry{})
	if e := j.Get(14); e == nil {
		t.Error("numbering after replace")
	}
	// A ring grows as entries come, also after a shorter Replace.
	j.Replace([]*Entry{{ID: 20, Path: "x"}, {ID: 21, Path: "y"}})
	j.Record(&Entry{Path: "z"})
	j.Record(&Entry{Path: "w"})
	paths = nil
	for _, e := range j.Entries() {
		paths = append(paths, e.Path)
	}
	if got := strings.Join(paths, ""); got != "yzw" || j.Get(23) == nil || j.Get(20) != nil {
		t.Errorf("after a short replace: kept %s", got)
	}
	if big := New(10_000); len(big.ring) != 0 {
		t.Errorf("a new journal holds %d slots", len(big.ring))
	}
	off := New(0)
	off.Record(&Entry{})
	if off.On() || off.Entries() != nil || off.Get(1) != nil {
		t.Error("a journal of size 0 keeps something")
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{"": "…", "short": "…", "echo-app-key": "echo…", "ünïcödé-long-key": "ünïc…"} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

// BenchmarkMiddleware is the journal's cost on one request: the entry,
// the Date header, the record (and the log line, to nowhere).
func BenchmarkMiddleware(b *testing.B) {
	body := []byte(strings.Repeat("x", 300))
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		w.Write(body)
	})
	clk := clock.NewFrozenControl(time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC))
	face := func(string) string { return FaceServiceManagement }
	for _, c := range []struct {
		name    string
		journal int
		level   slog.Level
	}{{"none", -1, 0}, {"off", 0, slog.LevelWarn}, {"journal", 10000, slog.LevelWarn}, {"journal+log", 10000, slog.LevelInfo}} {
		b.Run(c.name, func(b *testing.B) {
			h := http.Handler(next)
			if c.journal >= 0 {
				h = Middleware(Options{Journal: New(c.journal), Clock: clk, Face: face,
					Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: c.level}))})(next)
			}
			req := httptest.NewRequest("GET", "/transactions/authrep.xml?app_id=a&app_key=b&usage%5Bhits%5D=1", nil)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
			}
		})
	}
}
