// Package contracts holds the documented behaviour of the Service
// Management API as data: example files (examples/, format in README.md),
// the world they run in (world.yaml, a fixture) and the variables that name
// its credentials (vars.env). They are embedded in the binary, so that
// `threescale-sandbox contract` works anywhere; --dir reads an edited copy.
package contracts

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/contracts/example"
)

//go:embed README.md world.yaml vars.env examples
var embedded embed.FS

// Embedded is the contract set built into the binary.
func Embedded() fs.FS { return embedded }

// The files of a contract set.
const (
	ExamplesDir = "examples"
	WorldFile   = "world.yaml"
	VarsFile    = "vars.env"
)

// Set is a loaded contract set.
type Set struct {
	Files []*example.File
	// World is the fixture YAML the examples run in.
	World []byte
	// Vars are the variables' default values, those of World.
	Vars map[string]string
	// Paths maps a file's Name to its path in the set.
	Paths map[string]string
}

// Examples counts the examples of the set.
func (s *Set) Examples() int {
	n := 0
	for _, f := range s.Files {
		n += len(f.Examples)
	}
	return n
}

// Load reads a contract set: every examples/**/*.txt, in lexical order,
// world.yaml and vars.env. label prefixes the paths in error messages
// ("contracts/" or the folder given). Every problem is reported.
func Load(fsys fs.FS, label string) (*Set, error) {
	s := &Set{Paths: map[string]string{}}
	var errs []error
	var paths []string
	err := fs.WalkDir(fsys, ExamplesDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".txt") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("contract set %s: %w", label, err)
	}
	sort.Strings(paths)
	for _, p := range paths {
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		name := strings.TrimSuffix(strings.TrimPrefix(p, ExamplesDir+"/"), ".txt")
		f, err := example.Parse(label+p, name, data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s.Files = append(s.Files, f)
		s.Paths[name] = p
	}
	if s.World, err = fs.ReadFile(fsys, WorldFile); err != nil {
		errs = append(errs, fmt.Errorf("contract set %s: %w", label, err))
	}
	vars, err := fs.ReadFile(fsys, VarsFile)
	if err == nil {
		s.Vars, err = example.ParseVars(label+VarsFile, vars)
	}
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(s.Files) == 0 {
		return nil, fmt.Errorf("contract set %s: no %s", label, path.Join(ExamplesDir, "*.txt"))
	}
	return s, nil
}
