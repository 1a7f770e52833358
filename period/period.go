// Package period holds the limit periods of 3scale (minute to eternity) and
// their UTC boundaries, exactly as apisonator computes them: weeks start on
// Monday, a period's end is the next period's start, and eternity has no
// bounds.
package period

import (
	"fmt"
	"time"
)

// Period is a usage-limit period.
type Period uint8

// The periods, ordered from the longest to the shortest: the order in which
// apisonator lists a metric's usage reports.
const (
	Eternity Period = iota
	Year
	Month
	Week
	Day
	Hour
	Minute
)

// All lists every period, longest first.
var All = [...]Period{Eternity, Year, Month, Week, Day, Hour, Minute}

var names = [...]string{"eternity", "year", "month", "week", "day", "hour", "minute"}

// String returns the name 3scale uses in XML and URLs.
func (p Period) String() string {
	if int(p) < len(names) {
		return names[p]
	}
	return fmt.Sprintf("period(%d)", uint8(p))
}

// Parse returns the period with the given 3scale name.
func Parse(s string) (Period, bool) {
	for i, n := range names {
		if n == s {
			return Period(i), true
		}
	}
	return 0, false
}

// Start returns the start of the period instance that contains t, in UTC.
// Eternity starts at the Unix epoch (its bounds are never shown).
func (p Period) Start(t time.Time) time.Time {
	t = t.UTC()
	y, m, d := t.Date()
	switch p {
	case Minute:
		return t.Truncate(time.Minute)
	case Hour:
		return t.Truncate(time.Hour)
	case Day:
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	case Week:
		// Monday is day 0 of the week; Sunday belongs to the week that began
		// six days earlier.
		back := (int(t.Weekday()) + 6) % 7
		return time.Date(y, m, d-back, 0, 0, 0, 0, time.UTC)
	case Month:
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	case Year:
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	default:
		return time.Unix(0, 0).UTC()
	}
}

// End returns the exclusive end of the period instance that contains t: the
// start of the next one. Eternity ends at 9999-12-31, as in apisonator.
func (p Period) End(t time.Time) time.Time {
	s := p.Start(t)
	switch p {
	case Minute:
		return s.Add(time.Minute)
	case Hour:
		return s.Add(time.Hour)
	case Day:
		return s.AddDate(0, 0, 1)
	case Week:
		return s.AddDate(0, 0, 7)
	case Month:
		return s.AddDate(0, 1, 0)
	case Year:
		return s.AddDate(1, 0, 0)
	default:
		return time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	}
}
