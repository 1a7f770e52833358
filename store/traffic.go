package store

import (
	"context"
	"database/sql"
	"sync/atomic"
	"time"
)

// Traffic is when an application reported traffic, as porta learns it from
// the backend: First is the first time ever, FirstDaily the first time on
// the latest day with traffic; nil when there was none.
type Traffic struct {
	First, FirstDaily *time.Time
}

// traffic is an application's Traffic, live: it sits outside the immutable
// catalog (every version of the application shares it), so that the first
// report of a day, which may come for thousands of applications in a few
// seconds, never rebuilds the catalog.
type traffic struct {
	times atomic.Pointer[Traffic] // nil: none yet
	// busy is set while a day's traffic is being stored, so that the
	// concurrent reports of that day queue one write.
	busy atomic.Bool
}

func (tr *traffic) load() Traffic {
	if t := tr.times.Load(); t != nil {
		return *t
	}
	return Traffic{}
}

// Traffic returns when the application reported traffic.
func (a *Application) Traffic() Traffic {
	if a.live == nil {
		return Traffic{}
	}
	return a.live.traffic.load()
}

// FirstTrafficAt is porta's first_traffic_at; nil before any traffic.
func (a *Application) FirstTrafficAt() *time.Time { return a.Traffic().First }

// FirstDailyTrafficAt is porta's first_daily_traffic_at; nil before any
// traffic.
func (a *Application) FirstDailyTrafficAt() *time.Time { return a.Traffic().FirstDaily }

// next is what a report at at makes of times: first_traffic_at if there
// was none, first_daily_traffic_at if at is on a later day. It reports
// false when nothing changes.
func next(times Traffic, at time.Time) (Traffic, bool) {
	at = at.UTC()
	day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
	out := times
	if out.First == nil {
		out.First = &at
	}
	if out.FirstDaily == nil || out.FirstDaily.Before(day) {
		out.FirstDaily = &at
	}
	return out, out != times
}

// sameDayOrLater reports whether the day (UTC) of t is that of at or later.
func sameDayOrLater(t, at time.Time) bool {
	ty, tm, td := t.UTC().Date()
	ay, am, ad := at.UTC().Date()
	if ty != ay {
		return ty > ay
	}
	if tm != am {
		return tm > am
	}
	return td >= ad
}

// NoteTraffic records that an application reported traffic at a time.
// Only the first report of a day writes, and nobody waits for it: it never
// slows the report down. Without a database file the times live only in
// memory; with one they are stored, and shown once stored.
func (s *Store) NoteTraffic(app *Application, at time.Time) {
	if app.live == nil {
		return
	}
	tr := &app.live.traffic
	cur := tr.times.Load()
	if cur != nil && cur.First != nil && cur.FirstDaily != nil && sameDayOrLater(*cur.FirstDaily, at) {
		return // every report after the first of the day
	}
	var times Traffic
	if cur != nil {
		times = *cur
	}
	upd, changed := next(times, at)
	if !changed {
		return
	}
	if !s.onDisk {
		// A lost race only means a concurrent report of the same day won.
		tr.times.CompareAndSwap(cur, &upd)
		return
	}
	if !tr.busy.CompareAndSwap(false, true) {
		return
	}
	err := s.submit(&op{
		// A record in the commit's row of the log, which the fold applies
		// to the application's row: no statement of its own.
		fn: func(ctx context.Context, tx *sql.Tx) error {
			if s.cells.lookup(app.ID, false) != app.live {
				return nil // an import of a whole state replaced the application's
			}
			s.logTraffic = append(s.logTraffic, trafficRecord{app: app.ID, at: at.Unix()})
			return nil
		},
		after: func() {
			// Only the writer stores times, in commit order; a SetTraffic
			// may have committed since cur.
			if upd, changed := next(tr.load(), at); changed {
				tr.times.Store(&upd)
			}
			tr.busy.Store(false)
		},
		failed: func() { tr.busy.Store(false) },
	})
	if err != nil {
		tr.busy.Store(false)
		s.log.Warn("traffic not recorded", "application", app.ID, "err", err)
	}
}

// SetTraffic gives an application first-traffic times (the Account
// Management API lets a caller set them). They are shown once the change
// committed.
func (t *Tx) SetTraffic(appID int64, times Traffic) error {
	if _, err := t.exec("set traffic", `UPDATE applications SET first_traffic_at = ?, first_daily_traffic_at = ?
		WHERE id = ?`, nullTime(times.First), nullTime(times.FirstDaily), appID); err != nil {
		return err
	}
	t.traffic = append(t.traffic, setTraffic{appID, times})
	// In the log too, after the records of earlier commits that the fold
	// has yet to apply to the row (and a restart to the cell): the times
	// set stay the last word.
	t.s.logTraffic = append(t.s.logTraffic, trafficRecord{app: appID, set: true, times: times})
	return nil
}

type setTraffic struct {
	app   int64
	times Traffic
}
