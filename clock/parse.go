package clock

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// InstantForms are the forms ParseInstant reads, in its error.
const InstantForms = "want RFC 3339 (2026-03-29T10:00:00Z, 2026-03-29T12:00:00+02:00), " +
	"a date (2026-03-29: midnight UTC) or a date and time without a zone (2026-03-29T10:00 or 2026-03-29 10:00:00: UTC)"

// instantLayouts are read in order; those without a zone are UTC.
var instantLayouts = []string{
	time.RFC3339, time.DateOnly,
	"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02 15:04", time.DateTime, "2006-01-02 15:04:05Z07:00",
}

// ParseInstant reads a time the clock is set to (serve --frozen-time, the
// control API). A text in the shape of a layout but out of range
// (2026-02-30) is refused with the reason.
func ParseInstant(s string) (time.Time, error) {
	reason := ""
	for _, layout := range instantLayouts {
		t, err := time.Parse(layout, s)
		if err == nil {
			return t.UTC(), nil
		}
		var pe *time.ParseError
		if errors.As(err, &pe) && pe.Message != "" && reason == "" {
			reason = strings.TrimPrefix(pe.Message, ": ") + "; "
		}
	}
	return time.Time{}, errors.New(reason + InstantForms)
}

// DurationForms are the forms ParseDuration reads, in its error.
const DurationForms = "want a duration such as 90s, 1h30m, 24h, 1d or 1d12h (days are 24h; a leading - goes back)"

// ParseDuration reads how far to move the clock: Go's durations, with
// whole days in front (1d, 2d6h), as limits have daily periods.
func ParseDuration(s string) (time.Duration, error) {
	neg := strings.HasPrefix(s, "-")
	rest := strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	var days int64
	if i := strings.IndexByte(rest, 'd'); i > 0 {
		n, err := strconv.ParseInt(rest[:i], 10, 64)
		if err != nil || n > 106_000 { // beyond ±290 years a Duration overflows
			return 0, fmt.Errorf("%q: %s", s, DurationForms)
		}
		days, rest = n, rest[i+1:]
	}
	var d time.Duration
	if rest != "" {
		var err error
		if d, err = time.ParseDuration(rest); err != nil || strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "+") {
			return 0, fmt.Errorf("%q: %s", s, DurationForms)
		}
	} else if days == 0 {
		return 0, fmt.Errorf("%q: %s", s, DurationForms)
	}
	total := time.Duration(days)*24*time.Hour + d
	if total < 0 { // overflow
		return 0, fmt.Errorf("%q: too far (at most about 290 years)", s)
	}
	if neg {
		total = -total
	}
	return total, nil
}
