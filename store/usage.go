package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/period"
)

// CounterKey names one usage counter: an application's usage of a metric in
// one instance of a period (identified by its start, in Unix seconds).
type CounterKey struct {
	App    int64
	Metric int64
	Period period.Period
	Start  int64

	live *live // the application's cell, when Key knew it
}

// Key returns the counter of app's metric in the period instance containing t.
func Key(app *Application, m *Metric, p period.Period, t time.Time) CounterKey {
	return CounterKey{App: app.ID, Metric: m.ID, Period: p, Start: p.Start(t).Unix(), live: app.live}
}

// KeyAt is Key for the period instance that starts at start (Unix seconds).
func KeyAt(app *Application, m *Metric, p period.Period, start int64) CounterKey {
	return CounterKey{App: app.ID, Metric: m.ID, Period: p, Start: start, live: app.live}
}

// bare is the key without its cell: what identifies the counter.
func (k CounterKey) bare() CounterKey { k.live = nil; return k }

// Counters reads usage counters.
type Counters interface {
	Get(k CounterKey) int64
}

// counters are one application's live counters, laid out for an authrep:
// a row per metric, each with a slot per period holding the latest instance
// of that period, found by a short scan of the metrics' ids and an index,
// never a hash. Older instances (reports stamped in the past, and the ones
// the slots moved on from) are kept apart, in older. Guarded by
// Store.usageMu.
type counters struct {
	// slots are rows of rowSlots: a row's first slot names its metric
	// (start holds the metric's id), then one slot per period.
	slots []slot
	older *cells // nil until there are some
}

// slot is the counter of a period's instance that starts at start: 16
// bytes and no pointers, so that the counters of 100,000 applications are
// small and the GC never scans them.
type slot struct {
	start int64
	value int64
}

// rowSlots is the length of a metric's row: its name, then its periods.
const rowSlots = 1 + len(period.All)

// noStart marks a slot no instance of its period holds.
const noStart = math.MinInt64

type cellKey struct {
	metric int64
	start  int64
	period period.Period
}

// row returns the index of metric's row, -1 if it has none.
func (c *counters) row(metric int64) int {
	for r := 0; r < len(c.slots); r += rowSlots {
		if c.slots[r].start == metric {
			return r
		}
	}
	return -1
}

// value returns the counter's value, nil if it has none.
func (c *counters) value(k cellKey) *int64 {
	if int(k.period) < len(period.All) {
		if r := c.row(k.metric); r >= 0 {
			if sl := &c.slots[r+1+int(k.period)]; sl.start == k.start {
				return &sl.value
			}
		}
	}
	if c.older != nil {
		if i := c.older.find(k); i >= 0 {
			return &c.older.cells[i].value
		}
	}
	return nil
}

// make returns the counter's value, made 0 if it had none: the latest
// instance of a period takes its slot, and moves the one there to older.
// The pointer is good until the next make.
func (c *counters) make(k cellKey) *int64 {
	if int(k.period) >= len(period.All) {
		return c.makeOlder(k)
	}
	r := c.row(k.metric)
	if r < 0 {
		// A metric's periods at a time: an application's first authrep of
		// two metrics fills 16 slots exactly.
		r = len(c.slots)
		c.slots = slices.Grow(c.slots, rowSlots)[:r+rowSlots]
		c.slots[r] = slot{start: k.metric}
		for i := r + 1; i < r+rowSlots; i++ {
			c.slots[i] = slot{start: noStart}
		}
	}
	sl := &c.slots[r+1+int(k.period)]
	switch {
	case sl.start == k.start:
	case sl.start == noStart:
		*sl = slot{start: k.start}
	case sl.start < k.start:
		if sl.start != noStart {
			*c.makeOlder(cellKey{k.metric, sl.start, k.period}) = sl.value
		}
		*sl = slot{start: k.start}
	default:
		return c.makeOlder(k)
	}
	return &sl.value
}

func (c *counters) makeOlder(k cellKey) *int64 {
	if c.older == nil {
		c.older = &cells{}
	}
	if i := c.older.find(k); i >= 0 {
		return &c.older.cells[i].value
	}
	return &c.older.cells[c.older.add(k)].value
}

func (c *counters) get(k cellKey) int64 {
	if v := c.value(k); v != nil {
		return *v
	}
	return 0
}

// set gives a counter a value.
func (c *counters) set(k cellKey, v int64) { *c.make(k) = v }

// each calls fn for every counter.
func (c *counters) each(fn func(k cellKey, v int64)) {
	for r := 0; r < len(c.slots); r += rowSlots {
		for i, sl := range c.slots[r+1 : r+rowSlots] {
			if sl.start != noStart {
				fn(cellKey{c.slots[r].start, sl.start, period.Period(i)}, sl.value)
			}
		}
	}
	if c.older != nil {
		for _, cl := range c.older.cells {
			fn(cl.key(), cl.value)
		}
	}
}

// prune drops the counters of period instances older than live.
func (c *counters) prune(oldest *[len(period.All)]int64) {
	for r := 0; r < len(c.slots); r += rowSlots {
		for i := r + 1; i < r+rowSlots; i++ {
			if sl := &c.slots[i]; sl.start != noStart && sl.start < oldest[i-r-1] {
				*sl = slot{start: noStart}
			}
		}
	}
	if c.older != nil {
		c.older.prune(oldest)
		if len(c.older.cells) == 0 {
			c.older = nil
		}
	}
}

// cells are the older instances of an application's counters: a list
// searched in place while it is short, indexed once it is long (reports
// stamped over a day of minutes, say).
type cells struct {
	cells []cell
	index map[cellKey]int
}

// cell is one counter of cells: 32 bytes and no pointers. Its key's fields
// are laid out flat (a cellKey inside would pad it to 40).
type cell struct {
	metric int64
	start  int64
	value  int64
	period period.Period
}

func (cl *cell) key() cellKey { return cellKey{cl.metric, cl.start, cl.period} }

func (cl *cell) is(k cellKey) bool {
	return cl.metric == k.metric && cl.start == k.start && cl.period == k.period
}

// indexFrom is the number of cells beyond which they are indexed.
const indexFrom = 48

func (c *cells) find(k cellKey) int {
	if c.index != nil {
		if i, ok := c.index[k]; ok {
			return i
		}
		return -1
	}
	for i := range c.cells {
		if c.cells[i].is(k) {
			return i
		}
	}
	return -1
}

// add appends a counter of value 0 and returns its index.
func (c *cells) add(k cellKey) int {
	c.cells = append(c.cells, cell{metric: k.metric, start: k.start, period: k.period})
	switch {
	case c.index != nil:
		c.index[k] = len(c.cells) - 1
	case len(c.cells) > indexFrom:
		c.reindex()
	}
	return len(c.cells) - 1
}

func (c *cells) reindex() {
	if len(c.cells) <= indexFrom {
		c.index = nil
		return
	}
	c.index = make(map[cellKey]int, len(c.cells))
	for i := range c.cells {
		c.index[c.cells[i].key()] = i
	}
}

// prune drops the cells of period instances older than live.
func (c *cells) prune(oldest *[len(period.All)]int64) {
	kept := c.cells[:0]
	for _, cl := range c.cells {
		if int(cl.period) < len(oldest) && cl.start >= oldest[cl.period] {
			kept = append(kept, cl)
		}
	}
	if len(kept) == len(c.cells) {
		return
	}
	clear(c.cells[len(kept):])
	c.cells = kept
	c.reindex()
}

// counters returns the cell of k's application, nil if it has none and
// create is false.
func (s *Store) countersOf(k CounterKey, create bool) *counters {
	if k.live != nil {
		return &k.live.counters
	}
	l := s.cells.lookup(k.App, create)
	if l == nil {
		return nil
	}
	return &l.counters
}

func (s *Store) get(k CounterKey) int64 {
	if c := s.countersOf(k, false); c != nil {
		return c.get(cellKey{k.Metric, k.Start, k.Period})
	}
	return 0
}

// CounterWriter reads and writes usage counters inside UpdateUsage.
type CounterWriter struct {
	s *Store
	// changes are what each write of this update changed: what gets
	// stored (the writer adds up a batch's by counter), and what is taken
	// back if the commit fails. Only kept with a database file.
	changes []counterDelta
}

type counterDelta struct {
	key CounterKey // bare
	d   int64
}

// Get returns the current value of a counter (0 if never written).
func (w *CounterWriter) Get(k CounterKey) int64 { return w.s.get(k) }

// Set gives a counter a new value, persisted when UpdateUsage returns.
func (w *CounterWriter) Set(k CounterKey, v int64) {
	w.move(w.s.countersOf(k, true).make(cellKey{k.Metric, k.Start, k.Period}), k, v)
}

// Add adds n to a counter (saturating), as Set(k, Get(k)+n) does.
func (w *CounterWriter) Add(k CounterKey, n int64) {
	c := w.s.countersOf(k, true).make(cellKey{k.Metric, k.Start, k.Period})
	w.move(c, k, addSat(*c, n))
}

// move gives the counter at c the value v, and keeps what it changed.
func (w *CounterWriter) move(c *int64, k CounterKey, v int64) {
	if w.s.onDisk {
		if d := addSat(v, -*c); d != 0 {
			w.changes = append(w.changes, counterDelta{k.bare(), d})
		}
	}
	*c = v
}

type readCounters struct{ s *Store }

func (r readCounters) Get(k CounterKey) int64 { return r.s.get(k) }

// ReadUsage calls fn with a consistent view of the counters. fn must not
// keep the Counters after it returns.
func (s *Store) ReadUsage(fn func(Counters)) {
	s.takeBackFailed()
	s.usageMu.RLock()
	defer s.usageMu.RUnlock()
	fn(readCounters{s})
}

// UpdateUsage calls fn with exclusive access to the counters, then, with a
// database file, commits every counter fn set and returns once that commit
// is durable. Without one nothing needs to last: the counters change in
// memory and UpdateUsage returns at once. If fn returns an error its writes
// are still applied: fn must decide before it writes.
//
// The new values are visible to the next caller at once, before the commit,
// so that concurrent callers cannot both take the last unit of a limit.
// What is stored is each update's increments, never absolute values: if a
// commit fails, its increments are taken back from the live counters (and
// the updates made on top of them keep theirs), so the counters never show
// usage that was not stored once the commit's outcome is known.
func (s *Store) UpdateUsage(ctx context.Context, fn func(*CounterWriter) error) error {
	w := &CounterWriter{s: s}
	s.usageMu.Lock()
	s.takeBackLocked()
	err := fn(w)
	delta := w.changes
	s.maybePrune()
	epoch := s.epoch.Load()
	s.usageMu.Unlock()
	if len(delta) == 0 {
		return err
	}
	// Increments add up in any order: the update need not be queued under
	// the lock. An import of a whole state queued before it drops them.
	o := &op{done: make(chan error, 1), usage: delta, epoch: epoch}
	o.failed = func() { s.failed(delta) }
	if serr := s.submit(o); serr != nil {
		s.failed(delta)
		return serr
	}
	if err != nil {
		return err
	}
	select {
	case cerr := <-o.done:
		return cerr
	case <-ctx.Done():
		return ctx.Err()
	}
}

// failedUsage holds the increments of updates whose commit failed, until
// they are taken back from the live counters by the next reader or writer
// of them: the writer goroutine never waits for the counters' lock.
type failedUsage struct {
	mu      sync.Mutex
	pending [][]counterDelta
}

func (s *Store) failed(delta []counterDelta) {
	s.undo.mu.Lock()
	s.undo.pending = append(s.undo.pending, delta)
	s.undo.mu.Unlock()
}

// takeBackFailed takes back failed increments, if any, before a read.
func (s *Store) takeBackFailed() {
	s.undo.mu.Lock()
	none := len(s.undo.pending) == 0
	s.undo.mu.Unlock()
	if none {
		return
	}
	s.usageMu.Lock()
	s.takeBackLocked()
	s.usageMu.Unlock()
}

// takeBackLocked takes back failed increments; called with usageMu held.
// A counter pruned meanwhile is left alone: nothing reads it any more.
func (s *Store) takeBackLocked() {
	s.undo.mu.Lock()
	pending := s.undo.pending
	s.undo.pending = nil
	s.undo.mu.Unlock()
	for _, delta := range pending {
		for _, d := range delta {
			c := s.countersOf(d.key, false)
			if c == nil {
				continue
			}
			if v := c.value(cellKey{d.key.Metric, d.key.Start, d.key.Period}); v != nil {
				*v = addSat(*v, -d.d)
			}
		}
	}
}

// addSat adds without wrapping around: counters saturate at the int64
// bounds, as the Service Management API's usage values do.
func addSat(a, b int64) int64 {
	sum := a + b
	switch {
	case a > 0 && b > 0 && sum < 0:
		return math.MaxInt64
	case a < 0 && b < 0 && sum >= 0:
		return math.MinInt64
	}
	return sum
}

// oldestLive returns, per period, the start of the oldest period instance a
// report can still change: reports may be stamped up to 24 hours back.
func oldestLive(now time.Time) [len(period.All)]int64 {
	var out [len(period.All)]int64
	back := now.Add(-24 * time.Hour)
	for _, p := range period.All {
		out[p] = p.Start(back).Unix()
	}
	return out
}

// maybePrune forgets, at most once a minute, the counters of period
// instances that nothing can read or change any more. With a file they stay
// in SQLite. Called with usageMu held.
func (s *Store) maybePrune() {
	now := s.clk.Now()
	if now.Sub(s.lastPrune) < time.Minute && !now.Before(s.lastPrune) {
		return
	}
	s.lastPrune = now
	oldest := oldestLive(now)
	s.cells.each(func(l *live) { l.counters.prune(&oldest) })
}

// CounterValue is one counter and its value.
type CounterValue struct {
	CounterKey
	Value int64
}

// ExportUsage returns every live counter (those of the period instances a
// request can still read or change), in no particular order.
func (s *Store) ExportUsage() []CounterValue {
	s.takeBackFailed()
	s.usageMu.RLock()
	defer s.usageMu.RUnlock()
	var out []CounterValue
	s.cells.each(func(l *live) {
		l.counters.each(func(k cellKey, v int64) {
			out = append(out, CounterValue{CounterKey{App: l.app, Metric: k.metric, Period: k.period, Start: k.start}, v})
		})
	})
	return out
}

// ImportUsage replaces every counter with vs (an ExportUsage of this or
// another store on the same model). With a database file the stored
// counters are replaced too, in one commit; updates wait meanwhile.
func (s *Store) ImportUsage(ctx context.Context, vs []CounterValue) error {
	s.usageMu.Lock()
	defer s.usageMu.Unlock()
	if s.onDisk {
		// The writer never takes usageMu: holding it while waiting is safe,
		// and keeps every update either before the import or after it.
		err := s.exec(ctx, func(ctx context.Context, tx *sql.Tx) error {
			// The log holds first-traffic times too: folded, they stay.
			if err := foldAll(ctx, tx); err != nil {
				return fmt.Errorf("import usage: %w", err)
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM usage"); err != nil {
				return fmt.Errorf("import usage: %w", err)
			}
			s.logged = 0
			sum := make(map[CounterKey]int64, len(vs))
			for _, v := range vs {
				sum[v.bare()] = v.Value
			}
			return s.storeUsage(ctx, tx, sum)
		})
		if err != nil {
			return err
		}
	}
	// Updates that failed before the import refer to counters it replaced.
	s.undo.mu.Lock()
	s.undo.pending = nil
	s.undo.mu.Unlock()
	s.cells.each(func(l *live) { l.counters = counters{} })
	for _, v := range vs {
		s.countersOf(v.CounterKey, true).set(cellKey{v.Metric, v.Start, v.Period}, v.Value)
	}
	return nil
}

// statementRows is how many counters one statement of writeUsage writes.
var statementRows = []int{100, 10, 1}

const usageColumns = `(application_id, metric_id, period, start, value) VALUES `

func valuesOf(n int) string { return strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?),", n), ",") }

// upsertQuery adds n increments to the counters of usage.
func upsertQuery(n int) string {
	return `INSERT INTO usage ` + usageColumns + valuesOf(n) +
		` ON CONFLICT DO UPDATE SET value = min(value + excluded.value, 9223372036854775807)`
}

// prepareUsage prepares query for every size of statementRows.
func prepareUsage(ctx context.Context, db *sql.DB, query func(int) string) (map[int]*sql.Stmt, error) {
	out := make(map[int]*sql.Stmt, len(statementRows))
	for _, n := range statementRows {
		stmt, err := db.PrepareContext(ctx, query(n))
		if err != nil {
			return nil, fmt.Errorf("prepare usage writes: %w", err)
		}
		out[n] = stmt
	}
	return out, nil
}

// storeUsage adds increments to the counters of usage.
func (s *Store) storeUsage(ctx context.Context, tx *sql.Tx, usage map[CounterKey]int64) error {
	return writeUsage(ctx, tx, usage, upsertQuery, s.upsertUsage, nil)
}

func compareKeys(a, b CounterKey) int {
	return cmp.Or(cmp.Compare(a.App, b.App), cmp.Compare(a.Metric, b.Metric), cmp.Compare(a.Period, b.Period), cmp.Compare(a.Start, b.Start))
}

// writeUsage writes counters with query, up to 100 rows per statement,
// through the prepared statements when there are some (nil: unprepared).
// stop, if not nil, is asked before each statement: when it says so,
// writeUsage gives up with errFoldStopped.
func writeUsage(ctx context.Context, tx *sql.Tx, usage map[CounterKey]int64, query func(int) string, prepared map[int]*sql.Stmt,
	stop func() bool) error {
	args := make([]any, 0, 5*statementRows[0])
	flush := func(rows int) error {
		if stop != nil && stop() {
			return errFoldStopped
		}
		var err error
		if prepared != nil {
			_, err = tx.StmtContext(ctx, prepared[rows]).ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, query(rows), args...)
		}
		args = args[:0]
		if err != nil {
			return fmt.Errorf("store usage: %w", err)
		}
		return nil
	}
	// In key order: each page of usage is met once, in a row.
	keys := slices.SortedFunc(maps.Keys(usage), compareKeys)
	left := len(usage)
	size := 0 // rows of the statement being filled
	for _, k := range keys {
		v := usage[k]
		if size == 0 {
			for _, n := range statementRows {
				if n <= left {
					size = n
					break
				}
			}
		}
		args = append(args, k.App, k.Metric, uint8(k.Period), k.Start, v)
		left--
		if len(args) == 5*size {
			if err := flush(size); err != nil {
				return err
			}
			size = 0
		}
	}
	return nil
}

// loadUsage reads the counters of the live period instances.
func (s *Store) loadUsage(ctx context.Context) error {
	live := oldestLive(s.clk.Now())
	for _, p := range period.All {
		rows, err := s.db.QueryContext(ctx, `SELECT application_id, metric_id, start, value FROM usage
			WHERE period = ? AND start >= ?`, uint8(p), live[p])
		if err != nil {
			return fmt.Errorf("load %s usage: %w", p, err)
		}
		for rows.Next() {
			k := CounterKey{Period: p}
			var v int64
			if err := rows.Scan(&k.App, &k.Metric, &k.Start, &v); err != nil {
				rows.Close()
				return fmt.Errorf("load %s usage: %w", p, err)
			}
			s.countersOf(k, true).set(cellKey{k.Metric, k.Start, k.Period}, v)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("load %s usage: %w", p, err)
		}
	}
	// The records not folded yet: those of applications that are gone
	// are left for the fold to drop.
	n, _, err := readLog(ctx, s.db, math.MaxInt, logVisitor{
		counter: func(k CounterKey, v int64) {
			if int(k.Period) >= len(live) || k.Start < live[k.Period] {
				return
			}
			if l := s.cells.lookup(k.App, false); l != nil {
				c := l.counters.make(cellKey{k.Metric, k.Start, k.Period})
				*c = addSat(*c, v)
			}
		},
		traffic: func(r trafficRecord) {
			if l := s.cells.lookup(r.app, false); l != nil {
				times := r.apply(l.traffic.load())
				l.traffic.times.Store(&times)
			}
		},
	})
	if err != nil {
		return fmt.Errorf("load usage: %w", err)
	}
	s.logged = n
	return nil
}
