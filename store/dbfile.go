package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The checks of a --db file, made before SQLite opens it for writing: the
// switch to WAL and the schema are writes, and a file that is not the
// sandbox's must come out of a refused start byte for byte as it went in.

// dbFile is what a database file holds, as read without writing to it.
type dbFile struct {
	applicationID int32
	userVersion   int
	tables        []string // sorted, SQLite's own left out
}

// claimFile makes sure path can be the sandbox's database: a new file
// (which it creates), an empty one, or one the sandbox wrote, in a place
// it can write. Anything else is refused untouched, with the reason and
// the path. created reports that the file did not exist before.
func claimFile(ctx context.Context, path string) (created bool, err error) {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return true, createFile(path)
	case errors.Is(err, syscall.ENOTDIR):
		return false, fmt.Errorf("cannot create %s: %s is not a directory", path, filepath.Dir(path))
	case err != nil:
		return false, fmt.Errorf("database %s: %w", path, err)
	case fi.IsDir():
		return false, fmt.Errorf("%s is a directory; --db takes a database file (e.g. %s)", path, filepath.Join(path, "sandbox.db"))
	case !fi.Mode().IsRegular():
		return false, fmt.Errorf("%s is not a regular file; --db takes a database file", path)
	}
	r, err := os.Open(path)
	if err != nil {
		return false, fmt.Errorf("cannot read the database %s (%s)", path, cause(err))
	}
	r.Close()
	f, err := inspectFile(ctx, path)
	if err != nil {
		return false, err
	}
	if err := f.check(path); err != nil {
		return false, err
	}
	return false, writable(path)
}

// createFile creates the new database file, so that a place the sandbox
// cannot write is named before SQLite answers "unable to open database file".
func createFile(path string) error {
	dir := filepath.Dir(path)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	switch {
	case err == nil:
		return f.Close()
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("cannot create %s: the directory %s does not exist", path, dir)
	case errors.Is(err, syscall.ENOTDIR):
		return fmt.Errorf("cannot create %s: %s is not a directory", path, dir)
	case readOnly(err):
		return fmt.Errorf("cannot create %s: the directory %s is read-only (%s); make it writable or choose another --db", path, dir, cause(err))
	}
	return fmt.Errorf("cannot create %s: %w", path, err)
}

// writable checks that the sandbox can write the database and, beside it,
// SQLite's log (PATH-wal). The kernel answers, so that root, immutable
// files and read-only mounts are judged as the writes will be.
func writable(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		if readOnly(err) {
			return fmt.Errorf("%s is read-only (%s): the sandbox writes its state there; make it writable or choose another --db", path, cause(err))
		}
		return fmt.Errorf("open database %s: %w", path, err)
	}
	f.Close()
	return dirWritable(path)
}

func dirWritable(path string) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".threescale-sandbox-probe-*")
	if err != nil {
		if readOnly(err) {
			return fmt.Errorf("the directory %s of %s is read-only (%s): SQLite writes its log %s-wal beside the database; make the directory writable or choose another --db",
				dir, path, cause(err), filepath.Base(path))
		}
		return fmt.Errorf("database %s: cannot write in its directory: %w", path, err)
	}
	tmp.Close()
	return os.Remove(tmp.Name())
}

// inspectFile reads the file's identity and tables without writing to it.
// Without a log beside it the file is the whole database: it is opened
// immutable, which takes no lock and creates no side file. With a log
// (the database is in use, or its program died), the log must be read
// too: it is opened read-only.
func inspectFile(ctx context.Context, path string) (*dbFile, error) {
	query := "immutable=1"
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		query = "mode=ro"
		if _, err := os.Lstat(path + "-shm"); errors.Is(err, fs.ErrNotExist) {
			// The log of a database used in exclusive mode (the
			// sandbox's own, after a kill) has no index: the read makes
			// one, which nobody else uses; it goes again after.
			defer os.Remove(path + "-shm")
		}
	}
	db, err := sql.Open("sqlite", fileURI(path, query))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	defer db.Close()
	f := &dbFile{}
	err = db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&f.applicationID)
	if err == nil {
		err = db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&f.userVersion)
	}
	var rows *sql.Rows
	if err == nil {
		rows, err = db.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	}
	if err == nil {
		defer rows.Close()
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				return nil, fmt.Errorf("read the tables of %s: %w", path, err)
			}
			f.tables = append(f.tables, name)
		}
		err = rows.Err()
	}
	if err == nil {
		return f, nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB:
			return nil, fmt.Errorf("%s is not a threescale-sandbox database (it is not an SQLite database); choose another --db", path)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return nil, fmt.Errorf("the database %s is in use by another process (another sandbox on the same --db?): %w", path, err)
		case sqlite3.SQLITE_CANTOPEN:
			// Reading a log needs its index beside it: a read-only
			// directory is the likely cause, and is then named.
			if derr := dirWritable(path); derr != nil {
				return nil, derr
			}
		}
	}
	return nil, fmt.Errorf("read database %s: %w", path, err)
}

// sandboxTables are tables every version of the sandbox's schema has: with
// the schema version, they recognise a database written before the
// application id was stamped.
var sandboxTables = []string{"errors", "providers", "usage"}

// check accepts an empty database and one the sandbox wrote in the schema
// version this binary reads.
func (f *dbFile) check(path string) error {
	switch {
	case f.applicationID == applicationID:
	case f.applicationID == 0 && f.userVersion == 0 && len(f.tables) == 0:
		return nil // empty: a new database
	case f.applicationID == 0 && f.userVersion >= 1 && f.userVersion <= schemaVersion &&
		!slices.ContainsFunc(sandboxTables, func(t string) bool { return !slices.Contains(f.tables, t) }):
		// Written before the application id; init stamps it.
	default:
		return fmt.Errorf("%s is not a threescale-sandbox database (%s); choose another --db", path, f.describe())
	}
	switch {
	case f.userVersion > schemaVersion:
		return fmt.Errorf("%s was written by a newer threescale-sandbox (schema version %d; this binary reads %d): use that version, or choose another --db", path, f.userVersion, schemaVersion)
	case f.userVersion >= upgradable && f.userVersion < schemaVersion:
		// init's createSchema upgrades it.
	case f.userVersion != schemaVersion:
		return fmt.Errorf("%s was written by an older threescale-sandbox (schema version %d; this binary reads %d): choose another --db", path, f.userVersion, schemaVersion)
	}
	return nil
}

// describe says what a foreign database holds, for the refusal.
func (f *dbFile) describe() string {
	var parts []string
	if f.applicationID != 0 {
		parts = append(parts, fmt.Sprintf("application_id %#08x", uint32(f.applicationID)))
	}
	switch n := len(f.tables); {
	case n == 0:
		parts = append(parts, fmt.Sprintf("no tables, user_version %d", f.userVersion))
	case n <= 10:
		parts = append(parts, "it has tables: "+strings.Join(f.tables, ", "))
	default:
		parts = append(parts, fmt.Sprintf("it has %d tables: %s, …", n, strings.Join(f.tables[:10], ", ")))
	}
	return strings.Join(parts, "; ")
}

// fileURI is path as an SQLite URI with the given query: the characters
// that would end the path are escaped.
func fileURI(path, query string) string {
	uri := "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	if query != "" {
		uri += "?" + query
	}
	return uri
}

// readOnly reports whether err means the file system refuses the write:
// permissions (for root too: an immutable file), or a read-only mount.
func readOnly(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}

// cause is the system's reason without the path, which the caller names.
func cause(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
