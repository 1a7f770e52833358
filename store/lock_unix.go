//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// ownFile locks the database file for this process, for as long as the
// returned file stays open: a second sandbox on the same file is refused.
// The lock is flock's, which SQLite's own (POSIX) locks neither see nor
// disturb, so that the checkpointer can open a second connection beside
// the writer's (checkpoint.go).
func ownFile(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("the database %s is in use by another process (another sandbox on the same --db?)", path)
		}
		return nil, fmt.Errorf("lock database %s: %w", path, err)
	}
	return f, nil
}
