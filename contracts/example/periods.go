package example

import "time"

// The period boundaries of apisonator-spec.md §9.1, computed here from the
// spec and not with the sandbox's own package period: the examples are the
// oracle the sandbox is checked against, so they must not share its code.
var periods = map[string]bool{"minute": true, "hour": true, "day": true, "week": true, "month": true, "year": true}

// bounds returns the start and the exclusive end (the next start) of the
// period p that contains t, in UTC. Weeks start on Monday.
func bounds(p string, t time.Time) (time.Time, time.Time) {
	t = t.UTC()
	y, m, d := t.Date()
	switch p {
	case "minute":
		s := time.Date(y, m, d, t.Hour(), t.Minute(), 0, 0, time.UTC)
		return s, s.Add(time.Minute)
	case "hour":
		s := time.Date(y, m, d, t.Hour(), 0, 0, 0, time.UTC)
		return s, s.Add(time.Hour)
	case "day":
		s := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		return s, s.AddDate(0, 0, 1)
	case "week":
		sinceMonday := (int(t.Weekday()) + 6) % 7 // Sunday is the week's seventh day
		s := time.Date(y, m, d-sinceMonday, 0, 0, 0, 0, time.UTC)
		return s, s.AddDate(0, 0, 7)
	case "month":
		s := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
		return s, s.AddDate(0, 1, 0)
	default: // year
		s := time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
		return s, s.AddDate(1, 0, 0)
	}
}

// formatTime is apisonator's TIME_FORMAT, '%Y-%m-%d %H:%M:%S %z' in UTC.
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 -0700") }
