package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"
)

// Live is the state that changes with traffic, beside the model: every
// live usage counter and every application's first-traffic times.
type Live struct {
	Usage   []CounterValue
	Traffic map[int64]Traffic // by application id; none for those without traffic
}

// Snapshot runs fn on the writer between two changes, with a consistent
// copy of everything: tx is the database as every change queued before
// the call left it (read it, or copy it whole with VACUUM INTO), and live
// the counters and first-traffic times that go with it. Without a database
// file these exist only in memory; with one, live is read from tx. Nothing
// changes while fn runs: keep it short.
func (s *Store) Snapshot(ctx context.Context, fn func(ctx context.Context, tx *sql.Tx, live Live) error) error {
	o := &op{done: make(chan error, 1), needsUsage: true}
	o.fn = func(ctx context.Context, tx *sql.Tx) error {
		var l Live
		var err error
		if s.onDisk {
			l, err = storedLive(ctx, tx, s.clk.Now())
		} else {
			l = s.memoryLive()
		}
		if err != nil {
			return err
		}
		return fn(ctx, tx, l)
	}
	if err := s.submit(o); err != nil {
		return err
	}
	select {
	case err := <-o.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// memoryLive copies the live state of memory mode, where no update waits
// for the writer: taking the counters' lock on the writer is safe there.
func (s *Store) memoryLive() Live {
	l := Live{Usage: s.ExportUsage(), Traffic: map[int64]Traffic{}}
	s.cells.each(func(c *live) {
		if tr := c.traffic.load(); tr != (Traffic{}) {
			l.Traffic[c.app] = tr
		}
	})
	return l
}

// storedLive reads the live state from the database: the counters of the
// period instances that can still change at now, and the first-traffic
// times.
func storedLive(ctx context.Context, tx querier, now time.Time) (Live, error) {
	l := Live{Traffic: map[int64]Traffic{}}
	oldest := oldestLive(now)
	// A counter is its row of usage plus its increments in the log.
	sum := make(map[CounterKey]int64)
	add := func(k CounterKey, v int64) {
		if int(k.Period) < len(oldest) && k.Start >= oldest[k.Period] {
			sum[k] = addSat(sum[k], v)
		}
	}
	if _, err := scanUsage(ctx, tx, `SELECT application_id, metric_id, period, start, value FROM usage`, add); err != nil {
		return Live{}, fmt.Errorf("snapshot usage: %w", err)
	}
	// The log's records of applications that exist (an application's may
	// be logged while it is deleted), its traffic applied after the rows'.
	keep, err := applications(ctx, tx)
	if err != nil {
		return Live{}, fmt.Errorf("snapshot usage: %w", err)
	}
	var traffic []trafficRecord
	if _, _, err := readLog(ctx, tx, math.MaxInt, logVisitor{
		counter: func(k CounterKey, v int64) {
			if keep(k.App) {
				add(k, v)
			}
		},
		traffic: func(r trafficRecord) {
			if keep(r.app) {
				traffic = append(traffic, r)
			}
		},
	}); err != nil {
		return Live{}, fmt.Errorf("snapshot usage: %w", err)
	}
	for k, v := range sum {
		l.Usage = append(l.Usage, CounterValue{k, v})
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, first_traffic_at, first_daily_traffic_at FROM applications
		WHERE first_traffic_at IS NOT NULL OR first_daily_traffic_at IS NOT NULL`)
	if err != nil {
		return Live{}, fmt.Errorf("snapshot traffic: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var first, daily sql.NullInt64
		if err := rows.Scan(&id, &first, &daily); err != nil {
			return Live{}, fmt.Errorf("snapshot traffic: %w", err)
		}
		l.Traffic[id] = Traffic{First: optTime(first), FirstDaily: optTime(daily)}
	}
	if err := rows.Err(); err != nil {
		return Live{}, fmt.Errorf("snapshot traffic: %w", err)
	}
	for _, r := range traffic {
		l.Traffic[r.app] = r.apply(l.Traffic[r.app])
	}
	return l, nil
}
