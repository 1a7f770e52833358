package store

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// spilledBytes is the size of the unlinked files this process holds open:
// SQLite's temporary databases among them (on Linux, /var/tmp/#INODE).
func spilledBytes(t *testing.T) int64 {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	var n int64
	for _, fd := range fds {
		target, err := os.Readlink(filepath.Join("/proc/self/fd", fd.Name()))
		if err != nil || !strings.HasSuffix(target, " (deleted)") {
			continue
		}
		if fi, err := os.Stat(filepath.Join("/proc/self/fd", fd.Name())); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// fill writes about 8 MB into the store's database, past its page cache.
func fill(t *testing.T, st *Store) {
	t.Helper()
	_, err := st.db.ExecContext(context.Background(), `CREATE TABLE filler (b BLOB);
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
		INSERT INTO filler SELECT randomblob(4000) FROM n`)
	if err != nil {
		t.Fatal(err)
	}
}

// In memory mode the database's pages beyond its 2 MB cache are in a
// temporary file, not in the heap, and stay there after an import.
func TestMemoryModeSpills(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	before := spilledBytes(t)
	st := open(t, "")
	defer st.Close()
	if !st.spills {
		t.Fatal("memory mode does not spill where a temporary file can be written")
	}
	seed(t, st)
	fill(t, st)
	if got := spilledBytes(t) - before; got < 6<<20 {
		t.Fatalf("%d bytes spilled after writing 8 MB, want at least 6 MB", got)
	}
	ctx := context.Background()
	exportHitImport(t, st)
	var rows int
	if err := st.db.QueryRowContext(ctx, "SELECT count(*) FROM filler").Scan(&rows); err != nil || rows != 2000 {
		t.Errorf("filler after import: %d rows, %v", rows, err)
	}
	if got := spilledBytes(t) - before; got < 6<<20 {
		t.Errorf("%d bytes spilled after an import, want at least 6 MB", got)
	}
}

// Where no temporary file can be written, memory mode keeps its database
// in memory, and works as ever.
func TestMemoryModeWithoutTempDir(t *testing.T) {
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
	st := open(t, "")
	defer st.Close()
	if st.spills {
		t.Fatal("spills without a temporary directory")
	}
	seed(t, st)
	exportHitImport(t, st)
}

// exportHitImport exports the state after 8 hits and imports it after 100
// more: the counters are the export's.
func exportHitImport(t *testing.T, st *Store) {
	t.Helper()
	ctx := context.Background()
	hit(t, st, 8)
	saved, err := st.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	hit(t, st, 100)
	if err := st.Import(ctx, saved); err != nil {
		t.Fatal(err)
	}
	if got := echoHits(st); got != 50 {
		t.Errorf("counters after import: %d, want 50", got)
	}
}
