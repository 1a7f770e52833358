package bundle

import (
	"bytes"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/journal"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// FuzzRead: no file makes Read panic; a bundle Write wrote reads back.
func FuzzRead(f *testing.F) {
	var good bytes.Buffer
	b := &Bundle{Manifest: Manifest{Sandbox: "test", CreatedAt: time.Unix(0, 0).UTC(), Clock: time.Unix(1, 0).UTC(), Frozen: true},
		State:   &store.State{DB: []byte("SQLite format 3\x00"), Usage: []store.CounterValue{}},
		Journal: []*journal.Entry{{ID: 1, Path: "/status"}}}
	if err := Write(&good, b); err != nil {
		f.Fatal(err)
	}
	f.Add(good.Bytes())
	f.Add([]byte("not gzip"))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := Read(bytes.NewReader(data))
		if err == nil && (got.Manifest.Format != Format || got.State == nil) {
			t.Fatalf("read %+v without an error", got.Manifest)
		}
	})
}

// A bundle reads back as it was written.
func TestWriteRead(t *testing.T) {
	var buf bytes.Buffer
	b := &Bundle{Manifest: Manifest{Sandbox: "v1", CreatedAt: time.Unix(10, 0).UTC(), Clock: time.Unix(20, 0).UTC()},
		State:    &store.State{DB: []byte("db"), Usage: []store.CounterValue{{Value: 3}}},
		Baseline: &store.State{DB: []byte("base"), Fixture: []store.FixtureCount{{App: 1, Value: 2}}},
		Journal:  []*journal.Entry{{ID: 7, Path: "/x", Status: 404, Suggestions: []string{"/y"}}}}
	if err := Write(&buf, b); err != nil {
		t.Fatal(err)
	}
	got, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got.Manifest.Sandbox != "v1" || !got.Manifest.Clock.Equal(b.Manifest.Clock) || got.Manifest.Requests != 1 ||
		string(got.State.DB) != "db" || got.State.Usage[0].Value != 3 || string(got.Baseline.DB) != "base" ||
		got.Baseline.Fixture[0].Value != 2 || got.Journal[0].ID != 7 || got.Journal[0].Suggestions[0] != "/y" {
		t.Errorf("read back: %+v %+v %+v", got.Manifest, got.State, got.Journal[0])
	}
}
