package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/period"
)

// A commit appends its counters' increments to usage_log instead of
// upserting them into usage: upserts dirty one page of usage per distinct
// application, in a table that grows with the world (authrep over a
// random application of 100,000 fell to 0.15 of the bare handler), where
// appends dirty the last page or two of the log. The writer folds the log
// into usage off the requests' path, in transactions of foldChunk rows
// (about 50 to 100 ms each): whenever no op came for foldIdle, one chunk
// at a time while none waits; between two batches, one chunk, once the log
// holds foldAt rows (an authrep adds a row per counter: 14 in a plan of two
// metrics); and at close, for at most foldAtClose. A counter is its row of
// usage plus its rows of the log (loadUsage, storedLive); a fold moves
// rows from one to the other in one transaction, so that nothing is lost
// or counted twice by a kill at any moment.
const foldAtClose = 3 * time.Second

// foldAt, foldChunk and foldIdle are variables for the tests; a store
// reads foldIdle when it opens.
var (
	foldAt, foldChunk = 1_000_000, 10_000
	foldIdle          = 200 * time.Millisecond
)

// fold folds the log into usage, a chunk at a time, until it is empty,
// an op waits (if idle), or the deadline (if not zero) passed.
func (s *Store) fold(idle bool, deadline time.Time) {
	for s.logged > 0 {
		if idle && len(s.ops) > 0 || !deadline.IsZero() && time.Now().After(deadline) {
			return
		}
		if !s.foldChunk() {
			return
		}
	}
}

// foldChunk folds the oldest foldChunk rows of the log; it reports false
// if that failed.
func (s *Store) foldChunk() bool {
	n, err := s.foldOnce(context.Background())
	if err != nil {
		s.log.Warn("fold the usage log", "err", err)
		return false
	}
	if n < foldChunk {
		s.logged = 0
	} else {
		s.logged = max(0, s.logged-n)
	}
	return true
}

func (s *Store) foldOnce(ctx context.Context) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	n, err := foldLog(ctx, tx, foldChunk, s.upsertUsage, func(app int64) bool { return s.cells.lookup(app, false) != nil })
	if err != nil {
		tx.Rollback()
		return 0, err
	}
	return n, tx.Commit()
}

// foldLog adds the oldest limit rows of the log to usage and deletes them,
// dropping those of applications that are gone (keep says which exist).
// It returns how many rows it took from the log. prepared are upsert
// statements for tx's connection, or nil.
func foldLog(ctx context.Context, tx *sql.Tx, limit int, prepared map[int]*sql.Stmt, keep func(app int64) bool) (int, error) {
	var last sql.NullInt64
	if err := tx.QueryRowContext(ctx, `SELECT max(seq) FROM (SELECT seq FROM usage_log ORDER BY seq LIMIT ?)`, limit).Scan(&last); err != nil {
		return 0, fmt.Errorf("fold usage: %w", err)
	}
	if !last.Valid {
		return 0, nil
	}
	sum := make(map[CounterKey]int64)
	if _, err := scanLog(ctx, tx, `SELECT application_id, metric_id, period, start, value FROM usage_log
		WHERE seq <= ? ORDER BY seq`, func(k CounterKey, v int64) {
		if keep(k.App) {
			sum[k] = addSat(sum[k], v)
		}
	}, last.Int64); err != nil {
		return 0, fmt.Errorf("fold usage: %w", err)
	}
	if err := writeUsage(ctx, tx, sum, upsertQuery, prepared); err != nil {
		return 0, fmt.Errorf("fold usage: %w", err)
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM usage_log WHERE seq <= ?`, last.Int64)
	if err != nil {
		return 0, fmt.Errorf("fold usage: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// applications returns which applications the database holds, for
// foldLog on a database without a store.
func applications(ctx context.Context, tx *sql.Tx) (func(int64) bool, error) {
	ids := map[int64]bool{}
	err := scanAll(ctx, tx, `SELECT id FROM applications`, func(r *sql.Rows) error {
		var id int64
		err := r.Scan(&id)
		ids[id] = true
		return err
	})
	return func(app int64) bool { return ids[app] }, err
}

// logOfApplications selects the log's increments of applications that
// exist (an application's rows may be logged while it is deleted).
const logOfApplications = `SELECT application_id, metric_id, period, start, value FROM usage_log
	WHERE EXISTS (SELECT 1 FROM applications WHERE id = application_id)`

// scanLog calls fn for every counter increment query selects, as
// (application_id, metric_id, period, start, value), and returns how many
// there were.
func scanLog(ctx context.Context, q querier, query string, fn func(CounterKey, int64), args ...any) (int, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var k CounterKey
		var p uint8
		var v int64
		if err := rows.Scan(&k.App, &k.Metric, &p, &k.Start, &v); err != nil {
			return n, err
		}
		k.Period = period.Period(p)
		fn(k, v)
		n++
	}
	return n, rows.Err()
}
