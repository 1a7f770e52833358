package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// The log of a database file (PATH-wal) is copied into the file by
// checkpoints, each with two fsyncs. SQLite's automatic checkpoint runs in
// the commit that takes the log past 1000 pages, while every request of
// that commit waits: it was most of the p99 of a durable authrep (20 to
// 44 ms where the bare handler's is 2 to 3 ms). Here a checkpointer copies
// the log on a connection of its own, beside the writer's, which a passive
// checkpoint never blocks. SQLite writes the log from its beginning again
// at the first commit after a checkpoint that caught up; under steady
// traffic none quite does, so past restartFrames the writer restarts the
// log itself, between two batches: one short wait per 64 MiB of log.
const checkpointEvery = 100 * time.Millisecond

// restartFrames is the size of the log, in pages of 4 KiB, past which the
// writer restarts it (a variable for the tests).
var restartFrames int64 = 16384

// checkpointer runs passive checkpoints while commits come, at most every
// checkpointEvery.
type checkpointer struct {
	db   *sql.DB
	log  *slog.Logger
	wake chan struct{} // a commit wrote to the log
	stop chan struct{}
	done chan struct{}
	// mu makes the checkpointer's checkpoints and the writer's restarts
	// take turns.
	mu sync.Mutex
	// frames is how many pages the log held at the last checkpoint.
	frames atomic.Int64
	// failing is set while checkpoints fail (a full disk), so that the
	// failure is logged once, not ten times a second.
	failing bool
}

func startCheckpointer(ctx context.Context, path string, log *slog.Logger) (*checkpointer, error) {
	db, err := sql.Open("sqlite", fileURI(path, ""))
	if err != nil {
		return nil, fmt.Errorf("open the checkpointer's connection: %w", err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	for _, p := range []string{"PRAGMA busy_timeout = 5000", "PRAGMA synchronous = NORMAL"} {
		if _, err := db.ExecContext(ctx, p); err != nil {
			db.Close()
			return nil, fmt.Errorf("checkpointer: %s: %w", p, err)
		}
	}
	c := &checkpointer{db: db, log: log, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.run()
	return c, nil
}

func (c *checkpointer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.stop:
			return
		case <-c.wake:
		}
		c.mu.Lock()
		frames, err := checkpoint(c.db, "PASSIVE")
		c.mu.Unlock()
		switch {
		case err != nil && !c.failing:
			c.log.Warn("checkpoint failed; commits go on into the log while it has room", "err", err)
		case err == nil && c.failing:
			c.log.Info("checkpoints work again")
		}
		c.failing = err != nil
		if err == nil {
			c.frames.Store(frames)
		}
		select {
		case <-c.stop:
			return
		case <-time.After(checkpointEvery):
		}
	}
}

// committed is called by the writer after a commit: it wakes the
// checkpointer, or restarts a log grown past restartFrames on the
// writer's connection db.
func (c *checkpointer) committed(db *sql.DB) {
	if c.frames.Load() < restartFrames {
		select {
		case c.wake <- struct{}{}:
		default:
		}
		return
	}
	// Never behind the checkpointer: while it copies a large log (after a
	// burst, 100 ms and more) the requests of the next commits would wait
	// with the writer. The restart waits for a commit when it is idle.
	if !c.mu.TryLock() {
		return
	}
	defer c.mu.Unlock()
	if _, err := checkpoint(db, "RESTART"); err != nil {
		c.log.Warn("checkpoint", "err", err)
		return
	}
	c.frames.Store(0)
}

// close stops the checkpointer and closes its connection; the writer's,
// closed last, checkpoints what is left and removes the log.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.db.Close()
}

// checkpoint runs a checkpoint of the given mode and returns how many
// pages the log holds.
func checkpoint(db *sql.DB, mode string) (int64, error) {
	var busy, frames, copied int64
	if err := db.QueryRow("PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &frames, &copied); err != nil {
		return 0, fmt.Errorf("%s checkpoint: %w", mode, err)
	}
	return frames, nil
}
