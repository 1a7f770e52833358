package store

import (
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"testing"
)

// A spilled state reads back as it was, at every use, from a file that is
// not left in its folder; a folder that cannot hold it is an error.
func TestSpill(t *testing.T) {
	dir := t.TempDir()
	st := &State{DB: []byte("an image"), Usage: []CounterValue{{Value: 3}}, Fixture: []FixtureCount{{App: 1, Value: 2}}}
	s, err := NewSpill(st, dir)
	if err != nil {
		t.Fatal(err)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "*")); len(left) != 0 {
		t.Errorf("files left in the folder: %v", left)
	}
	for range 2 {
		got, err := s.State()
		if err != nil || !reflect.DeepEqual(got, st) {
			t.Fatalf("State() = %+v, %v; want %+v", got, err, st)
		}
		got.DB[0] = 'X'
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.State(); err == nil {
		t.Error("State after Close: no error")
	}
	if _, err := NewSpill(st, filepath.Join(dir, "missing")); err == nil || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("NewSpill in a missing folder: %v", err)
	}
}
