package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
)

// Spill is a State whose database waits in a temporary file and is read
// back at each use. The reset baseline of a world of 100,000 applications
// is a 26 MB image that stays in the heap for the sandbox's life (and
// the garbage collector's goal doubles it) to be read at a reset; a file
// costs the sandbox nothing between resets.
type Spill struct {
	mu      sync.Mutex // guards f against Close
	f       *os.File
	name    string // to remove at Close where an open file cannot be (Windows)
	size    int64
	usage   []CounterValue
	fixture []FixtureCount
}

// NewSpill writes st's database into a new file in dir (os.TempDir when
// ""), removed at once where the system allows it, at Close otherwise.
func NewSpill(st *State, dir string) (*Spill, error) {
	f, err := os.CreateTemp(dir, "threescale-sandbox-baseline-*.db")
	if err != nil {
		return nil, fmt.Errorf("spill the state: %w", err)
	}
	s := &Spill{f: f, size: int64(len(st.DB)), usage: slices.Clone(st.Usage), fixture: slices.Clone(st.Fixture)}
	if err := os.Remove(f.Name()); err != nil {
		s.name = f.Name()
	}
	if _, err := f.Write(st.DB); err != nil {
		s.Close()
		return nil, fmt.Errorf("spill the state: %w", err)
	}
	return s, nil
}

// State reads the state back: a new one at each call.
func (s *Spill) State() (*State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil, errors.New("read the spilled state: closed")
	}
	db := make([]byte, s.size)
	if _, err := s.f.ReadAt(db, 0); err != nil && !(errors.Is(err, io.EOF) && s.size == 0) {
		return nil, fmt.Errorf("read the spilled state: %w", err)
	}
	return &State{DB: db, Usage: slices.Clone(s.usage), Fixture: slices.Clone(s.fixture)}, nil
}

// Close removes the file.
func (s *Spill) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	if s.name != "" {
		if rerr := os.Remove(s.name); err == nil {
			err = rerr
		}
	}
	return err
}
