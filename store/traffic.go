package store

import "time"

type trafficKey struct {
	app int64
	day int64
}

// NoteTraffic records that an application reported traffic at a time, as
// porta learns it from the backend: first_traffic_at is the first time
// ever, first_daily_traffic_at the first time on the latest day with
// traffic. Only the first report of a day writes, and nobody waits for it:
// it never slows the report down.
func (s *Store) NoteTraffic(app *Application, at time.Time) {
	at = at.UTC()
	day := time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC)
	if app.FirstTrafficAt != nil && app.FirstDailyTrafficAt != nil && !app.FirstDailyTrafficAt.Before(day) {
		return
	}
	key := trafficKey{app.ID, day.Unix()}
	if _, busy := s.traffic.LoadOrStore(key, struct{}{}); busy {
		return
	}
	o := s.changeOp(func(t *Tx) error {
		_, err := t.exec("record traffic", `UPDATE applications SET first_traffic_at = COALESCE(first_traffic_at, ?),
			first_daily_traffic_at = CASE WHEN first_daily_traffic_at >= ? THEN first_daily_traffic_at ELSE ? END
			WHERE id = ?`, at.Unix(), day.Unix(), at.Unix(), app.ID)
		return err
	}, func() { s.traffic.Delete(key) })
	if err := s.submit(o); err != nil {
		s.traffic.Delete(key)
		s.log.Warn("traffic not recorded", "application", app.ID, "err", err)
	}
}
