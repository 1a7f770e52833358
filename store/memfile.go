package store

import (
	"fmt"
	"os"
)

// memoryDSN is the database of memory mode. Where a temporary file can be
// written it is a private temporary database (SQLite's empty file name):
// SQLite keeps it in a small page cache and spills the rest to an unlinked
// file of the temporary directory, so that the pages of a large world
// (about 60 MB at 100,000 applications) are not resident. Where none can
// be written it is a database in memory, as before.
func memoryDSN() (dsn string, spills bool) {
	f, err := os.CreateTemp("", "threescale-sandbox-probe-*")
	if err != nil {
		return ":memory:", false
	}
	f.Close()
	os.Remove(f.Name())
	return "", true
}

// spillPragmas set up the spilling database of memory mode: nothing needs
// to last past the process, and 2 MB of cache keep the hot pages.
var spillPragmas = []string{"PRAGMA journal_mode = MEMORY", "PRAGMA synchronous = OFF", "PRAGMA cache_size = -2048"}

// restoreFromTemp readies an import of image into the spilling database:
// it is written to a temporary file that the backup API copies from (a
// deserialize would make the database an in-memory one again).
func restoreFromTemp(image []byte) (apply func(rawConn) error, cleanup func(), err error) {
	f, err := os.CreateTemp("", "threescale-sandbox-import-*.db")
	if err != nil {
		return nil, nil, fmt.Errorf("write the state to a temporary file: %w", err)
	}
	name := f.Name()
	cleanup = func() { os.Remove(name) }
	_, werr := f.Write(image)
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		cleanup()
		return nil, nil, fmt.Errorf("write the state to a temporary file: %w", werr)
	}
	apply = func(rc rawConn) error {
		b, err := rc.NewRestore(fileURI(name, "mode=ro"))
		if err != nil {
			return fmt.Errorf("restore from a temporary file: %w", err)
		}
		_, serr := b.Step(-1)
		ferr := b.Finish()
		if serr != nil {
			return fmt.Errorf("restore from a temporary file: %w", serr)
		}
		if ferr != nil {
			return fmt.Errorf("restore from a temporary file: %w", ferr)
		}
		return nil
	}
	return apply, cleanup, nil
}
