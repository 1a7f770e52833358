package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/period"
)

// A commit appends one row to usage_log: its counters' increments and the
// first-traffic times it recorded, encoded in one blob, instead of
// upserting counters into usage and updating rows of applications. Upserts
// dirty one page of usage per distinct application, in a table that grows
// with the world (authrep over a random application of 100,000 fell to
// 0.15 of the bare handler); a row per increment cost the writer a
// statement's bind per counter (about 43 µs a request), and a first
// traffic's UPDATE about 42 µs more. The writer folds the log into usage
// and applications off the requests' path, in transactions of about
// foldChunk records (about 50 to 100 ms each): whenever no op came for
// foldIdle, one chunk at a time, each given up (rolled back) as soon as an
// op waits, so that the op waits for no chunk; between two batches, one
// chunk, once the log holds foldAt records (an authrep adds one per
// counter: 14 in a plan of two metrics); and at close, for at most
// foldAtClose. A counter is its row of usage plus its records in the log,
// and an application's first-traffic times are its row's with its log
// records applied in order (loadUsage, storedLive); a fold moves records
// from one to the other in one transaction, so that nothing is lost or
// counted twice by a kill at any moment.
const foldAtClose = 3 * time.Second

// foldAt, foldChunk and foldIdle are variables for the tests; a store
// reads them when it opens. foldAt trades a burst's speed for the log
// a restart after a kill adds up: at 1,000,000 records, 3.5 s of authreps
// over random applications reached it and folding between batches took
// 39% of the CPU (14 s over 10,000 applications: 16,900 authreps a second;
// at 4,000,000, 26,600 a second, and a restart after kill -9 that summed
// the 5,200,000 records took 607 ms instead of 347).
var (
	foldAt, foldChunk = 4_000_000, 10_000
	foldIdle          = 200 * time.Millisecond
)

// The kinds of records in a log row's blob. A counter is (application,
// metric, period, start, increment); a note is a report's time at, which
// sets first_traffic_at if there was none and first_daily_traffic_at if at
// is on a later day (next); a set is times given by the Account Management
// API (SetTraffic), which replace both.
const (
	recCounter byte = 1 + iota
	recNote
	recSet
)

// trafficRecord is a log record of an application's first-traffic times.
type trafficRecord struct {
	app   int64
	set   bool
	at    int64   // a note's time, Unix seconds
	times Traffic // a set's times
}

// apply returns times with the record applied.
func (r trafficRecord) apply(times Traffic) Traffic {
	if r.set {
		return r.times
	}
	upd, _ := next(times, unix(r.at))
	return upd
}

// logBatch is what a commit appends to the log, built by the writer.
type logBatch struct {
	buf     []byte
	records int
}

func (b *logBatch) reset() { b.buf, b.records = b.buf[:0], 0 }

func (b *logBatch) counter(k CounterKey, v int64) {
	b.buf = append(b.buf, recCounter)
	b.buf = binary.AppendVarint(b.buf, k.App)
	b.buf = binary.AppendVarint(b.buf, k.Metric)
	b.buf = append(b.buf, byte(k.Period))
	b.buf = binary.AppendVarint(b.buf, k.Start)
	b.buf = binary.AppendVarint(b.buf, v)
	b.records++
}

func (b *logBatch) traffic(r trafficRecord) {
	if !r.set {
		b.buf = append(b.buf, recNote)
		b.buf = binary.AppendVarint(b.buf, r.app)
		b.buf = binary.AppendVarint(b.buf, r.at)
		b.records++
		return
	}
	b.buf = append(b.buf, recSet)
	b.buf = binary.AppendVarint(b.buf, r.app)
	for _, t := range []*time.Time{r.times.First, r.times.FirstDaily} {
		if t == nil {
			b.buf = append(b.buf, 0)
			continue
		}
		b.buf = append(b.buf, 1)
		b.buf = binary.AppendVarint(b.buf, t.Unix())
	}
	b.records++
}

// logVisitor receives a log's records in the order they were committed;
// either function may be nil. stop, if set, is asked before each row: when
// it says so, the read ends with errFoldStopped.
type logVisitor struct {
	counter func(CounterKey, int64)
	traffic func(trafficRecord)
	stop    func() bool
}

var errBadLog = errors.New("a usage_log row is not a log blob")

// errFoldStopped ends an idle fold that a write came to wait for: its
// transaction is rolled back, and the write is not held up by the rest of
// the chunk.
var errFoldStopped = errors.New("fold stopped for a waiting write")

// decode calls v for each record of a log row's blob.
func (v logVisitor) decode(data []byte) error {
	varint := func() int64 {
		x, n := binary.Varint(data)
		if n <= 0 {
			data = nil
			return 0
		}
		data = data[n:]
		return x
	}
	short := func() bool { return data == nil }
	for len(data) > 0 {
		kind := data[0]
		data = data[1:]
		switch kind {
		case recCounter:
			var k CounterKey
			k.App, k.Metric = varint(), varint()
			if len(data) == 0 {
				return errBadLog
			}
			k.Period, data = period.Period(data[0]), data[1:]
			k.Start = varint()
			val := varint()
			if short() {
				return errBadLog
			}
			if v.counter != nil {
				v.counter(k, val)
			}
		case recNote:
			r := trafficRecord{app: varint(), at: varint()}
			if short() {
				return errBadLog
			}
			if v.traffic != nil {
				v.traffic(r)
			}
		case recSet:
			r := trafficRecord{app: varint(), set: true}
			for _, t := range []**time.Time{&r.times.First, &r.times.FirstDaily} {
				if len(data) == 0 {
					return errBadLog
				}
				present := data[0] == 1
				data = data[1:]
				if present {
					at := unix(varint())
					*t = &at
				}
			}
			if short() {
				return errBadLog
			}
			if v.traffic != nil {
				v.traffic(r)
			}
		default:
			return errBadLog
		}
	}
	return nil
}

// readLog visits the log's rows in order, from the oldest, until they
// hold limit records or more. It returns how many records it visited
// and the last row's seq (0 when the log is empty).
func readLog(ctx context.Context, q querier, limit int, v logVisitor) (records int, last int64, err error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, n, data FROM usage_log ORDER BY seq`)
	if err != nil {
		return 0, 0, fmt.Errorf("read the usage log: %w", err)
	}
	defer rows.Close()
	var data []byte
	for records < limit && rows.Next() {
		if v.stop != nil && v.stop() {
			return records, last, errFoldStopped
		}
		var n int
		if err := rows.Scan(&last, &n, &data); err != nil {
			return records, last, fmt.Errorf("read the usage log: %w", err)
		}
		if err := v.decode(data); err != nil {
			return records, last, fmt.Errorf("read the usage log (seq %d): %w", last, err)
		}
		records += n
	}
	if err := rows.Err(); err != nil {
		return records, last, fmt.Errorf("read the usage log: %w", err)
	}
	return records, last, nil
}

// appendLogQuery appends one commit's records.
const appendLogQuery = `INSERT INTO usage_log (n, data) VALUES (?, ?)`

// logUsage appends a commit's counters and first-traffic records (those
// its ops queued in s.logTraffic) to usage_log, as one row.
func (s *Store) logUsage(ctx context.Context, tx *sql.Tx, usage map[CounterKey]int64) error {
	if len(usage) == 0 && len(s.logTraffic) == 0 {
		return nil
	}
	b := &s.logBuf
	b.reset()
	for k, v := range usage {
		b.counter(k, v)
	}
	for _, r := range s.logTraffic {
		b.traffic(r)
	}
	s.logTraffic = s.logTraffic[:0]
	if _, err := tx.StmtContext(ctx, s.appendLog).ExecContext(ctx, b.records, b.buf); err != nil {
		return fmt.Errorf("store usage: %w", err)
	}
	s.logged += b.records
	return nil
}

// fold folds the log into usage, a chunk at a time, until it is empty,
// an op waits (if idle), or the deadline (if not zero) passed. Idle, a
// chunk is given up (rolled back) as soon as an op waits: a chunk takes 40
// to 120 ms, which the first requests after a pause waited out (an open
// loop of authreps that began during a fold had a p99 of 86 to 132 ms).
// A chunk given up makes the next idle one half as long (down to
// foldMinChunk records), one folded doubles it again (up to foldChunk):
// writes that come every 100 ms, say, would otherwise stop every chunk.
func (s *Store) fold(idle bool, deadline time.Time) {
	if !idle {
		for s.logged > 0 && (deadline.IsZero() || time.Now().Before(deadline)) {
			if !s.foldChunk(s.foldSize, nil) {
				return
			}
		}
		return
	}
	stop := func() bool { return len(s.ops) > 0 }
	for s.logged > 0 && !stop() {
		if !s.foldChunk(s.idleChunk, stop) {
			return
		}
		s.idleChunk = min(s.foldSize, 2*s.idleChunk)
	}
}

// foldMinChunk is the fewest records an idle chunk is cut to.
const foldMinChunk = 500

// foldChunk folds the oldest limit records of the log, unless stop (if
// not nil) says to give up first; it reports false if the chunk was given
// up or failed.
func (s *Store) foldChunk(limit int, stop func() bool) bool {
	n, empty, err := s.foldOnce(context.Background(), limit, stop)
	if errors.Is(err, errFoldStopped) {
		s.idleChunk = max(foldMinChunk, min(s.idleChunk, s.logged)/2)
		return false
	}
	if err != nil {
		s.log.Warn("fold the usage log", "err", err)
		return false
	}
	if empty {
		s.logged = 0
	} else {
		s.logged = max(0, s.logged-n)
	}
	return true
}

func (s *Store) foldOnce(ctx context.Context, limit int, stop func() bool) (n int, empty bool, err error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, false, err
	}
	keep := func(app int64) bool { return s.cells.lookup(app, false) != nil }
	n, empty, err = foldLog(ctx, tx, limit, s.upsertUsage, keep, stop)
	if err != nil {
		tx.Rollback()
		return 0, false, err
	}
	return n, empty, tx.Commit()
}

// foldLog adds the oldest rows of the log, up to about limit records, to
// usage and applications and deletes them, dropping the records of
// applications that are gone (keep says which exist). It returns how many
// records it took from the log and whether the log is now empty.
// prepared are upsert statements for tx's connection, or nil. stop, if
// not nil, is asked between rows and statements: when it says so, foldLog
// gives up with errFoldStopped, and tx is to be rolled back.
func foldLog(ctx context.Context, tx *sql.Tx, limit int, prepared map[int]*sql.Stmt, keep func(app int64) bool,
	stop func() bool) (int, bool, error) {
	sum := make(map[CounterKey]int64)
	traffic := make(map[int64][]trafficRecord)
	var order []int64 // applications in the order of their first record
	n, last, err := readLog(ctx, tx, limit, logVisitor{
		counter: func(k CounterKey, v int64) {
			if keep(k.App) {
				sum[k] = addSat(sum[k], v)
			}
		},
		traffic: func(r trafficRecord) {
			if !keep(r.app) {
				return
			}
			if _, ok := traffic[r.app]; !ok {
				order = append(order, r.app)
			}
			traffic[r.app] = append(traffic[r.app], r)
		},
		stop: stop,
	})
	if err != nil {
		return 0, false, fmt.Errorf("fold usage: %w", err)
	}
	if last == 0 {
		return 0, true, nil
	}
	if err := writeUsage(ctx, tx, sum, upsertQuery, prepared, stop); err != nil {
		return 0, false, fmt.Errorf("fold usage: %w", err)
	}
	for _, app := range order {
		if stop != nil && stop() {
			return 0, false, errFoldStopped
		}
		if err := foldTraffic(ctx, tx, app, traffic[app]); err != nil {
			return 0, false, fmt.Errorf("fold usage: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM usage_log WHERE seq <= ?`, last); err != nil {
		return 0, false, fmt.Errorf("fold usage: %w", err)
	}
	var more bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM usage_log)`).Scan(&more); err != nil {
		return 0, false, fmt.Errorf("fold usage: %w", err)
	}
	return n, !more, nil
}

// foldTraffic applies an application's traffic records, in order, to its
// row of applications.
func foldTraffic(ctx context.Context, tx *sql.Tx, app int64, recs []trafficRecord) error {
	var first, daily sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT first_traffic_at, first_daily_traffic_at FROM applications WHERE id = ?`, app).Scan(&first, &daily)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("traffic of application %d: %w", app, err)
	}
	times := Traffic{First: optTime(first), FirstDaily: optTime(daily)}
	for _, r := range recs {
		times = r.apply(times)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE applications SET first_traffic_at = ?, first_daily_traffic_at = ? WHERE id = ?`,
		nullTime(times.First), nullTime(times.FirstDaily), app); err != nil {
		return fmt.Errorf("traffic of application %d: %w", app, err)
	}
	return nil
}

// foldAll folds the whole log of a database without a store.
func foldAll(ctx context.Context, tx *sql.Tx) error {
	keep, err := applications(ctx, tx)
	if err != nil {
		return err
	}
	_, _, err = foldLog(ctx, tx, math.MaxInt, nil, keep, nil)
	return err
}

// applications returns which applications the database holds, for
// foldLog on a database without a store.
func applications(ctx context.Context, q querier) (func(int64) bool, error) {
	ids := map[int64]bool{}
	err := scanAll(ctx, q, `SELECT id FROM applications`, func(r *sql.Rows) error {
		var id int64
		err := r.Scan(&id)
		ids[id] = true
		return err
	})
	return func(app int64) bool { return ids[app] }, err
}

// scanUsage calls fn for every counter query selects, as
// (application_id, metric_id, period, start, value), and returns how many
// there were.
func scanUsage(ctx context.Context, q querier, query string, fn func(CounterKey, int64), args ...any) (int, error) {
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

// upgradeLog converts a log of schema version 5 (a row per increment)
// into this version's, in tx: its increments are added to usage, where a
// fold would have put them, and the table is dropped for the schema to
// create again. It does nothing to a database of another version.
func upgradeLog(ctx context.Context, tx *sql.Tx) error {
	var version int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return fmt.Errorf("upgrade the usage log: %w", err)
	}
	if version != 5 {
		return nil
	}
	keep, err := applications(ctx, tx)
	if err != nil {
		return fmt.Errorf("upgrade the usage log: %w", err)
	}
	sum := make(map[CounterKey]int64)
	if _, err := scanUsage(ctx, tx, `SELECT application_id, metric_id, period, start, value FROM usage_log ORDER BY seq`,
		func(k CounterKey, v int64) {
			if keep(k.App) {
				sum[k] = addSat(sum[k], v)
			}
		}); err != nil {
		return fmt.Errorf("upgrade the usage log: %w", err)
	}
	if err := writeUsage(ctx, tx, sum, upsertQuery, nil, nil); err != nil {
		return fmt.Errorf("upgrade the usage log: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DROP TABLE usage_log`); err != nil {
		return fmt.Errorf("upgrade the usage log: %w", err)
	}
	return nil
}
