// Package timestamp reads the `timestamp` of a reported transaction as
// apisonator's Time.parse_to_utc does: first as a Ruby Integer() of UNIX
// seconds, then with Ruby's Date._parse, keeping what has a year, a month
// and a day, made a Time with Time.utc and moved by the zone's offset.
package timestamp

import (
	"math"
	"strings"
	"time"
)

// Parse returns the instant s names, to the second, and whether it could
// be read. A caller that gets false uses the processing time, as
// apisonator does (it rescues whatever Ruby raises and falls back to now).
func Parse(s string) (time.Time, bool) {
	if secs, ok := rubyInteger(s); ok {
		return time.Unix(secs, 0).UTC(), true
	}
	h, ok := dateParse(s)
	if !ok {
		return time.Time{}, false
	}
	return h.instant()
}

// maxYear bounds the years given to time.Date: Ruby's have no bound, and a
// year this far out is outside the accepted window either way.
const maxYear = 1_000_000_000

// instant is Time.utc(year, mon, mday, hour, min, sec, sec_fraction) minus
// the offset: nil for anything without a year, a month and a day, and for
// what Time.utc refuses (month 1..12, day 1..31, hour 0..24, minute 0..59,
// second 0..60, and at hour 24 nothing but 24:00:00). A day past the end
// of its month, second 60 and hour 24 roll over, as in Ruby. The fraction,
// which Ruby passes as microseconds, never reaches a whole second.
func (h *frags) instant() (time.Time, bool) {
	if !h.year.ok || !h.mon.ok || !h.mday.ok {
		return time.Time{}, false
	}
	hour, minute, sec := h.hour.v, h.min.v, h.sec.v // zero when absent
	maxMin, maxSec := int64(59), int64(60)
	if hour == 24 {
		maxMin, maxSec = 0, 0
	}
	if h.mon.v < 1 || h.mon.v > 12 || h.mday.v < 1 || h.mday.v > 31 || hour < 0 || hour > 24 ||
		minute < 0 || minute > maxMin || sec < 0 || sec > maxSec {
		return time.Time{}, false
	}
	year := max(min(h.year.v, maxYear), -maxYear)
	t := time.Date(int(year), time.Month(h.mon.v), int(h.mday.v), int(hour), int(minute), int(sec), 0, time.UTC)
	if h.hasOffset && h.offset.known {
		// den is a power of ten up to 10^5, so this is exact.
		t = t.Add(-time.Duration(h.offset.num) * (time.Second / time.Duration(h.offset.den)))
	}
	return t.Truncate(time.Second), true
}

// rubyInteger is Kernel#Integer on a string: surrounding whitespace, one
// sign, a 0x/0b/0o/0d or leading-0 (octal) prefix and single underscores
// between digits. Values beyond int64 saturate: they are far outside any
// accepted window either way.
func rubyInteger(s string) (int64, bool) {
	s = strings.Trim(s, " \t\n\v\f\r")
	if s == "" {
		return 0, false
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	base := 10
	if len(s) > 1 && s[0] == '0' {
		switch s[1] {
		case 'x', 'X':
			base, s = 16, s[2:]
		case 'b', 'B':
			base, s = 2, s[2:]
		case 'o', 'O':
			base, s = 8, s[2:]
		case 'd', 'D':
			base, s = 10, s[2:]
		case '_':
			base, s = 8, s[2:]
		default:
			base, s = 8, s[1:]
		}
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return 0, false
	}
	var n uint64
	overflow := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' {
			continue
		}
		d := digit(c)
		if d >= base {
			return 0, false
		}
		if n > (math.MaxUint64-uint64(d))/uint64(base) {
			overflow = true
		} else {
			n = n*uint64(base) + uint64(d)
		}
	}
	const limit = math.MaxInt64 / 2 // keeps time.Unix far from wrapping
	if overflow || n > limit {
		n = limit
	}
	if neg {
		return -int64(n), true
	}
	return int64(n), true
}

func digit(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'z':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'Z':
		return int(c-'A') + 10
	}
	return 99
}
