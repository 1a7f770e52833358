package contracts

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/threescale-sandbox/threescale-sandbox/contracts/example"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
)

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// The built-in set loads, its world is a valid fixture, and every variable
// the examples use is defined.
func TestEmbeddedSet(t *testing.T) {
	set, err := Load(Embedded(), "contracts/")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fixtures.Parse(WorldFile, set.World, zeroReader{}); err != nil {
		t.Fatalf("world.yaml: %v", err)
	}
	if set.Examples() < 300 {
		t.Errorf("%d examples", set.Examples())
	}
	used := map[string]bool{}
	for _, f := range set.Files {
		vars, captured := f.Variables()
		for _, v := range vars {
			used[v] = true
			if slices.Contains(captured, v) || slices.Contains(example.Builtins, v) {
				continue
			}
			if _, ok := set.Vars[v]; !ok {
				t.Errorf("%s: {{%s}} is not in vars.env", f.Name, v)
			}
		}
	}
	for v := range set.Vars {
		if !used[v] {
			t.Errorf("vars.env: %s is used by no example", v)
		}
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	fsys := fstest.MapFS{
		"examples/a.txt":   {Data: []byte("=== x\nGET /\nHTTP 200\n")},
		"examples/b.txt":   {Data: []byte("junk\n")},
		"examples/c/d.txt": {Data: []byte("=== y\nGET /\n")},
		"examples/e.md":    {Data: []byte("not an example")},
		"vars.env":         {Data: []byte("bad line\n")},
	}
	_, err := Load(fsys, "dir/")
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{
		`dir/examples/b.txt:1: text before the first example`,
		`dir/examples/c/d.txt:2: example "y" has no response`,
		`contract set dir/: open world.yaml: file does not exist`,
		`dir/vars.env:1: want NAME=value, got "bad line"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("want %q in\n%v", want, err)
		}
	}
	set, err := Load(fstest.MapFS{"examples/a.txt": {Data: []byte("=== x\nGET /\nHTTP 200\n")}, "world.yaml": {Data: []byte("version: 1\n")}, "vars.env": {}}, "")
	if err != nil || len(set.Files) != 1 || set.Paths["a"] != "examples/a.txt" {
		t.Errorf("minimal set: %v %v", set, err)
	}
}
