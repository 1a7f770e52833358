// Package bundle is the sandbox's repro bundle: one file (a gzipped tar)
// holding a running sandbox's state, its fixtures' state and world (what a
// reset puts back and a new world copies), its clock and its request
// journal. GET /_sandbox/bundle writes one; serve --bundle FILE starts
// from it, at the same instant, with the requests that led there.
package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/journal"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Format names the file's format in its manifest; Version is bumped when
// the format changes.
const (
	Format  = "threescale-sandbox-bundle"
	Version = 1
)

// The files of the archive.
const (
	manifestFile = "manifest.json"
	stateFile    = "state.db"
	usageFile    = "usage.json"
	baselineFile = "baseline.db"
	fixtureFile  = "baseline-usage.json"
	worldFile    = "fixtures.json"
	journalFile  = "journal.json"
	readmeFile   = "README.txt"
)

// maxFile bounds one file of the archive when it is read.
const maxFile = 1 << 30

// Bundle is what a bundle holds.
type Bundle struct {
	Manifest Manifest
	// State is the sandbox's state; Baseline the fixtures' (nil when the
	// sandbox had none), World their world.
	State    *store.State
	Baseline *store.State
	World    *fixtures.World
	Journal  []*journal.Entry
}

// Manifest describes a bundle.
type Manifest struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// Sandbox is the version of the sandbox that wrote it.
	Sandbox string `json:"sandbox"`
	// CreatedAt is the real time it was written; Clock the sandbox clock
	// then, and whether it stood still.
	CreatedAt time.Time `json:"created_at"`
	Clock     time.Time `json:"clock"`
	Frozen    bool      `json:"frozen"`
	Requests  int       `json:"requests"`
}

const readme = `A threescale-sandbox repro bundle: the state of a sandbox, its clock and
the requests that led there.

  threescale-sandbox serve --bundle THIS_FILE

starts a sandbox in that state, at that instant (frozen if it was), with
GET /_sandbox/requests listing those requests. POST /_sandbox/reset puts
back the fixtures' state of the sandbox it was taken from.

The files: manifest.json (what and when), state.db (the SQLite database),
usage.json (the live counters), baseline.db and baseline-usage.json (the
fixtures' state), fixtures.json (the fixtures' providers), journal.json
(the request journal, oldest first).
`

// Write writes b as a gzipped tar.
func Write(w io.Writer, b *Bundle) error {
	b.Manifest.Format, b.Manifest.Version = Format, Version
	b.Manifest.Requests = len(b.Journal)
	files := []struct {
		name string
		data func() ([]byte, error)
	}{
		{readmeFile, func() ([]byte, error) { return []byte(readme), nil }},
		{manifestFile, func() ([]byte, error) { return json.MarshalIndent(b.Manifest, "", "  ") }},
		{stateFile, func() ([]byte, error) { return b.State.DB, nil }},
		{usageFile, func() ([]byte, error) { return json.Marshal(b.State.Usage) }},
		{worldFile, func() ([]byte, error) { return json.Marshal(b.World) }},
		{journalFile, func() ([]byte, error) { return json.Marshal(b.Journal) }},
	}
	if b.Baseline != nil {
		files = append(files, []struct {
			name string
			data func() ([]byte, error)
		}{
			{baselineFile, func() ([]byte, error) { return b.Baseline.DB, nil }},
			{fixtureFile, func() ([]byte, error) { return json.Marshal(b.Baseline.Fixture) }},
		}...)
	}
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	for _, f := range files {
		data, err := f.data()
		if err != nil {
			return fmt.Errorf("bundle %s: %w", f.name, err)
		}
		hdr := &tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(data)), ModTime: b.Manifest.CreatedAt,
			Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("bundle %s: %w", f.name, err)
		}
		if _, err := tw.Write(data); err != nil {
			return fmt.Errorf("bundle %s: %w", f.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	return gz.Close()
}

// Read reads a bundle Write wrote, checking its format.
func Read(r io.Reader) (*Bundle, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, errors.New("not a threescale-sandbox bundle (not gzipped; GET /_sandbox/bundle writes one)")
	}
	files := map[string][]byte{}
	tr := tar.NewReader(gz)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("not a threescale-sandbox bundle (a broken archive: %v)", err)
		}
		if hdr.Typeflag != tar.TypeReg {
			continue
		}
		var buf bytes.Buffer
		if _, err := io.Copy(&buf, io.LimitReader(tr, maxFile)); err != nil {
			return nil, fmt.Errorf("bundle %s: %w", hdr.Name, err)
		}
		files[hdr.Name] = buf.Bytes()
	}
	b := &Bundle{State: &store.State{}}
	if err := decode(files, manifestFile, &b.Manifest); err != nil {
		return nil, err
	}
	if b.Manifest.Format != Format {
		return nil, fmt.Errorf("not a threescale-sandbox bundle (its manifest says %q)", b.Manifest.Format)
	}
	if b.Manifest.Version != Version {
		return nil, fmt.Errorf("a bundle of format version %d: this sandbox reads version %d", b.Manifest.Version, Version)
	}
	var missing []string
	for _, name := range []string{stateFile, usageFile, worldFile, journalFile} {
		if _, ok := files[name]; !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the bundle lacks %s", strings.Join(missing, ", "))
	}
	b.State.DB = files[stateFile]
	if err := decode(files, usageFile, &b.State.Usage); err != nil {
		return nil, err
	}
	if b.State.Usage == nil {
		b.State.Usage = []store.CounterValue{}
	}
	if err := decode(files, worldFile, &b.World); err != nil {
		return nil, err
	}
	if err := decode(files, journalFile, &b.Journal); err != nil {
		return nil, err
	}
	if db, ok := files[baselineFile]; ok {
		b.Baseline = &store.State{DB: db}
		if err := decode(files, fixtureFile, &b.Baseline.Fixture); err != nil {
			return nil, err
		}
	}
	return b, nil
}

func decode(files map[string][]byte, name string, v any) error {
	data, ok := files[name]
	if !ok {
		return fmt.Errorf("the bundle lacks %s", name)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("the bundle's %s: %w", name, err)
	}
	return nil
}
