package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
)

func openErr(path string) error {
	st, err := Open(context.Background(), path, clock.NewFake(now), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err == nil {
		st.Close()
	}
	return err
}

// snapshot is every file of dir with the hash of its bytes.
func snapshot(t *testing.T, dir string) map[string][32]byte {
	t.Helper()
	m := map[string][32]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m[e.Name()] = sha256.Sum256(b)
	}
	return m
}

// sqliteFile makes a database with another program's statements.
func sqliteFile(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// Another program's database is refused with what it holds, and comes out
// byte for byte as it went in, with no file added beside it.
func TestForeignDatabaseUntouched(t *testing.T) {
	tests := []struct {
		name  string
		make  func(path string)
		want  string
		files []string
	}{
		{"tables", func(p string) {
			sqliteFile(t, p, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)", "CREATE TABLE tags (name TEXT)",
				"INSERT INTO notes (body) VALUES ('keep me')")
		}, "%s is not a threescale-sandbox database (it has tables: notes, tags); choose another --db", nil},
		{"wal", func(p string) {
			sqliteFile(t, p, "PRAGMA journal_mode = WAL", "CREATE TABLE notes (body TEXT)", "PRAGMA user_version = 7")
		}, "%s is not a threescale-sandbox database (it has tables: notes); choose another --db", nil},
		{"application id", func(p string) { sqliteFile(t, p, "PRAGMA application_id = 1234") },
			"%s is not a threescale-sandbox database (application_id 0x000004d2; no tables, user_version 0); choose another --db", nil},
		{"not sqlite", func(p string) {
			if err := os.WriteFile(p, []byte("name,value\nnot,a database at all, but long enough to have a header\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "%s is not a threescale-sandbox database (it is not an SQLite database); choose another --db", nil},
		{"newer sandbox", func(p string) {
			sqliteFile(t, p, "PRAGMA application_id = 861094488", fmt.Sprintf("PRAGMA user_version = %d", schemaVersion+1))
		}, fmt.Sprintf("%%s was written by a newer threescale-sandbox (schema version %d; this binary reads %d): use that version, or choose another --db",
			schemaVersion+1, schemaVersion), nil},
		{"older sandbox", func(p string) {
			sqliteFile(t, p, "PRAGMA application_id = 861094488", "PRAGMA user_version = 2",
				"CREATE TABLE providers (id INTEGER PRIMARY KEY)", "CREATE TABLE usage (x)", "CREATE TABLE errors (x)")
		}, fmt.Sprintf("%%s was written by an older threescale-sandbox (schema version 2; this binary reads %d): choose another --db",
			schemaVersion), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "other.db")
			tt.make(path)
			before := snapshot(t, dir)
			err := openErr(path)
			if err == nil || err.Error() != fmt.Sprintf(tt.want, path) {
				t.Errorf("Open = %v\nwant %s", err, fmt.Sprintf(tt.want, path))
			}
			if after := snapshot(t, dir); !maps.Equal(before, after) {
				t.Errorf("the folder changed: %d files before, %d after", len(before), len(after))
			}
		})
	}
}

// A database of the sandbox from before the application id (schema 2,
// the sandbox's tables) keeps its state and is stamped; an empty file is
// a new database.
func TestOwnDatabasesAccepted(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.db")
	st := open(t, path)
	seed(t, st)
	st.Close()
	sqliteFile(t, path, "PRAGMA application_id = 0")
	st = open(t, path)
	if !st.Seeded() {
		t.Error("the state of an unstamped sandbox database was lost")
	}
	st.Close()
	var id int32
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow("PRAGMA application_id").Scan(&id); err != nil || id != applicationID {
		t.Errorf("application_id = %d, %v; want %d", id, err, applicationID)
	}
	db.Close()

	empty := filepath.Join(dir, "empty.db")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := openErr(empty); err != nil {
		t.Errorf("an empty file: %v", err)
	}
}

// Every place the sandbox cannot keep a database gets a message that names
// it and says why.
func TestUnusablePaths(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ path, want string }{
		{dir, dir + " is a directory; --db takes a database file (e.g. " + filepath.Join(dir, "sandbox.db") + ")"},
		{filepath.Join(dir, "nope", "s.db"), "cannot create " + filepath.Join(dir, "nope", "s.db") + ": the directory " + filepath.Join(dir, "nope") + " does not exist"},
		{filepath.Join(file, "s.db"), "cannot create " + filepath.Join(file, "s.db") + ": " + file + " is not a directory"},
	} {
		if err := openErr(tt.path); err == nil || err.Error() != tt.want {
			t.Errorf("Open(%s) = %v\nwant %s", tt.path, err, tt.want)
		}
	}
}

// A read-only database, and a read-only directory for a new database or
// for the log of an existing one, are named as read-only, and the refused
// new database leaves no file.
func TestReadOnlyPaths(t *testing.T) {
	dir := t.TempDir()
	roFile := filepath.Join(dir, "ro.db")
	st := open(t, roFile)
	st.Close()
	makeReadOnly(t, roFile)
	err := openErr(roFile)
	if err == nil || !matches(`^`+regexp.QuoteMeta(roFile)+` is read-only \((permission denied|operation not permitted)\): the sandbox writes its state there; make it writable or choose another --db$`, err.Error()) {
		t.Errorf("read-only file: %v", err)
	}

	roDir := filepath.Join(dir, "ro")
	if err := os.Mkdir(roDir, 0o755); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(roDir, "s.db")
	st = open(t, existing)
	st.Close()
	makeReadOnly(t, roDir)
	err = openErr(existing)
	if err == nil || !matches(`^the directory `+regexp.QuoteMeta(roDir)+` of `+regexp.QuoteMeta(existing)+` is read-only \((permission denied|operation not permitted)\): SQLite writes its log s\.db-wal beside the database; make the directory writable or choose another --db$`, err.Error()) {
		t.Errorf("existing database in a read-only directory: %v", err)
	}
	fresh := filepath.Join(roDir, "new.db")
	err = openErr(fresh)
	if err == nil || !matches(`^cannot create `+regexp.QuoteMeta(fresh)+`: the directory `+regexp.QuoteMeta(roDir)+` is read-only \((permission denied|operation not permitted)\); make it writable or choose another --db$`, err.Error()) {
		t.Errorf("new database in a read-only directory: %v", err)
	}
	if _, err := os.Stat(fresh); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the refused database was created: %v", err)
	}
}

// makeReadOnly makes path refuse writes for this process: by its mode, or
// for root (whom modes do not bind) with chattr +i. It checks that writes
// are refused indeed, and skips the test when it cannot make them so.
func makeReadOnly(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	mode := fi.Mode().Perm()
	os.Chmod(path, mode&^0o222)
	t.Cleanup(func() { os.Chmod(path, mode) })
	if writeRefused(path, fi.IsDir()) {
		return
	}
	if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
		t.Skipf("cannot make %s read-only for this user (uid %d): chmod does not bind and chattr +i failed: %v %s", path, os.Geteuid(), err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
	if !writeRefused(path, fi.IsDir()) {
		t.Skipf("cannot make %s read-only for this user (uid %d)", path, os.Geteuid())
	}
}

func matches(re, s string) bool { return regexp.MustCompile(re).MatchString(s) }

func writeRefused(path string, dir bool) bool {
	if dir {
		f, err := os.CreateTemp(path, "probe")
		if err == nil {
			f.Close()
			os.Remove(f.Name())
		}
		return err != nil
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err == nil {
		f.Close()
	}
	return err != nil
}

// A sandbox killed with its state in the log is reopened with it, and the
// read that recognised it leaves no file behind.
func TestReopenWithLog(t *testing.T) {
	if os.Getenv("STORE_TEST_HOLD") != "" {
		// The child: write, then die without closing.
		st := open(t, os.Getenv("STORE_TEST_HOLD"))
		seed(t, st)
		os.Exit(0)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "s.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestReopenWithLog$")
	cmd.Env = append(os.Environ(), "STORE_TEST_HOLD="+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v %s", err, out)
	}
	if fi, err := os.Stat(path + "-wal"); err != nil || fi.Size() == 0 {
		t.Fatalf("the child left no log: %v", err)
	}
	st := open(t, path)
	if !st.Seeded() {
		t.Error("the state in the log was lost")
	}
	st.Close()
	var names []string
	for name := range snapshot(t, dir) {
		names = append(names, name)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"s.db"}) {
		t.Errorf("files after a clean close: %v", names)
	}
}

// A database of schema version 4 (before the usage log) opens with its
// state and counters, and is stamped this version; so is a snapshot of it.
func TestUpgradeFromVersion4(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.db")
	st := open(t, path)
	seed(t, st)
	addHits(t, st, hitsToday(st), 3)
	want := st.get(hitsToday(st))
	st.Close() // folds the log into usage
	sqliteFile(t, path, "DROP TABLE usage_log", "PRAGMA user_version = 4")
	image, st := openUpgraded(t, path, want)
	addHits(t, st, hitsToday(st), 1)
	key := hitsToday(st).bare()
	st.Close()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	var version int
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != schemaVersion {
		t.Errorf("user_version = %d, %v; want %d", version, err, schemaVersion)
	}
	db.Close()

	importUpgraded(t, image, key, 4)
}

// A database of schema version 5 (a row of usage_log per increment) opens
// with its logged increments added to its counters once, and is stamped
// this version, its log of this version's shape; so does a snapshot of it.
func TestUpgradeFromVersion5(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s.db")
	st := open(t, path)
	seed(t, st)
	addHits(t, st, hitsToday(st), 3)
	key := hitsToday(st).bare()
	want := st.get(hitsToday(st)) + 5 + 2
	st.Close()             // folds the log into usage
	gone := int64(999_999) // an application that is not there: dropped
	sqliteFile(t, path, "DROP TABLE usage_log", `CREATE TABLE usage_log (
		seq INTEGER PRIMARY KEY, application_id INTEGER NOT NULL, metric_id INTEGER NOT NULL,
		period INTEGER NOT NULL, start INTEGER NOT NULL, value INTEGER NOT NULL)`,
		fmt.Sprintf(`INSERT INTO usage_log (application_id, metric_id, period, start, value)
			VALUES (%[1]d, %[2]d, %[3]d, %[4]d, 5), (%[1]d, %[2]d, %[3]d, %[4]d, 2), (%[5]d, %[2]d, %[3]d, %[4]d, 9)`,
			key.App, key.Metric, key.Period, key.Start, gone),
		"PRAGMA user_version = 5")
	image, st := openUpgraded(t, path, want)
	addHits(t, st, hitsToday(st), 1)
	st.Close()
	st = open(t, path)
	if got := st.get(hitsToday(st)); got != want+1 {
		t.Errorf("after the upgrade and a restart: hits %d, want %d", got, want+1)
	}
	st.Close()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	var version, legacy int
	if err := db.QueryRow("PRAGMA user_version").Scan(&version); err != nil || version != schemaVersion {
		t.Errorf("user_version = %d, %v; want %d", version, err, schemaVersion)
	}
	if err := db.QueryRow("SELECT count(*) FROM pragma_table_info('usage_log') WHERE name = 'value'").Scan(&legacy); err != nil || legacy != 0 {
		t.Errorf("usage_log still has its version 5 columns (%d, %v)", legacy, err)
	}
	db.Close()

	importUpgraded(t, image, key, 5)
	loaded, err := LoadState(context.Background(), path+".v5", now)
	if err == nil {
		t.Fatalf("LoadState of a missing file: %+v", loaded)
	}
	if err := os.WriteFile(path+".v5", image, 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, err = LoadState(context.Background(), path+".v5", now)
	if err != nil {
		t.Fatalf("LoadState of a version 5 file: %v", err)
	}
	var hits int64
	for _, cv := range loaded.Usage {
		if cv.CounterKey == key {
			hits = cv.Value
		}
	}
	if hits != want {
		t.Errorf("LoadState of a version 5 file: hits %d, want %d", hits, want)
	}
}

// openUpgraded opens the database at path, written by an older schema,
// after keeping its image: its hits today are want and it is seeded.
func openUpgraded(t *testing.T, path string, want int64) ([]byte, *Store) {
	t.Helper()
	image, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	st := open(t, path)
	if got := st.get(hitsToday(st)); got != want || !st.Seeded() {
		t.Errorf("after the upgrade: hits %d, seeded %v; want %d, true", got, st.Seeded(), want)
	}
	return image, st
}

// importUpgraded imports image, a state of schema version from, into a
// store in memory, with the counter key at 7.
func importUpgraded(t *testing.T, image []byte, key CounterKey, from int) {
	t.Helper()
	mem := open(t, "")
	defer mem.Close()
	if err := mem.Import(context.Background(), &State{DB: image, Usage: []CounterValue{{CounterKey: key, Value: 7}}}); err != nil {
		t.Fatalf("import a version %d state: %v", from, err)
	}
	if got := mem.get(key); got != 7 || !mem.Seeded() {
		t.Errorf("imported version %d state: hits %d, seeded %v; want 7, true", from, got, mem.Seeded())
	}
}
