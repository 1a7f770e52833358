package store

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/period"
)

// A second store on a database file in use is refused, also in the same
// process; once the first is closed, the file opens again.
func TestSecondStoreRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st := open(t, path)
	err := openErr(path)
	if err == nil || !strings.Contains(err.Error(), "in use by another process") {
		t.Errorf("second store on one database: %v", err)
	}
	st.Close()
	if err := openErr(path); err != nil {
		t.Errorf("after the first closed: %v", err)
	}
}

// Under steady commits, which never leave a checkpoint time to catch up,
// the log is still written from its beginning again once it is past
// restartFrames: it does not grow without bound.
func TestLogStaysBounded(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the writer checkpoints in its commits there")
	}
	defer func(n int64) { restartFrames = n }(restartFrames)
	restartFrames = 32
	path := filepath.Join(t.TempDir(), "s.db")
	st := open(t, path)
	defer st.Close()
	seed(t, st)
	svc := st.Catalog().Service("2555417735001")
	key := Key(svc.Application("echo-app-id"), svc.Metric("hits"), period.Day, now)
	var largest int64
	const commits = 1500 // about one page of log each: 6 MiB unbounded
	for range commits {
		if err := st.UpdateUsage(context.Background(), func(w *CounterWriter) error {
			w.Add(key, 1)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path + "-wal"); err == nil {
			largest = max(largest, fi.Size())
		}
		time.Sleep(time.Millisecond)
	}
	if largest > 3<<20 {
		t.Errorf("the log grew to %d bytes over %d commits", largest, commits)
	}
}

// A commit that finds the log past restartFrames while the checkpointer
// is copying it does not wait for it: its requests would wait too (after
// a burst such a copy took 100 ms and more). The restart is left to a
// later commit.
func TestCommitDoesNotWaitForCheckpointer(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the writer checkpoints in its commits there")
	}
	defer func(n int64) { restartFrames = n }(restartFrames)
	restartFrames = 0 // every commit finds the log past it
	st := open(t, filepath.Join(t.TempDir(), "s.db"))
	defer st.Close()
	seed(t, st)
	c := st.ckpt
	c.mu.Lock() // the checkpointer, busy
	done := make(chan error, 1)
	go func() {
		// The first commit's caller is answered before the writer looks
		// at the log; the second waits for the writer.
		for range 2 {
			if err := st.UpdateUsage(context.Background(), func(w *CounterWriter) error {
				w.Add(hitsToday(st), 1)
				return nil
			}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		c.mu.Unlock()
		t.Fatal("the commit waited for the checkpointer")
	}
	c.mu.Unlock()
}
