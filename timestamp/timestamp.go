// Package timestamp reads the `timestamp` of a reported transaction as
// apisonator's Time.parse_to_utc does: first as a Ruby Integer() of UNIX
// seconds, then as a calendar date with an optional time and zone.
package timestamp

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Parse returns the instant s names and whether it could be read. A caller
// that gets false uses the processing time, as apisonator does.
func Parse(s string) (time.Time, bool) {
	if secs, ok := rubyInteger(s); ok {
		return time.Unix(secs, 0).UTC(), true
	}
	return parseDate(s)
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

const (
	timePart = `(?:(?:[ T]+|\s*,\s*)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?`
	zonePart = `(?:\s*(z|utc|gmt|ut|[ecmp][sd]t|(?:utc|gmt)?[-+]\d{1,2}(?::?\d{2})?))?`
)

var (
	// ISO 8601 and its common variants: 2026-11-22, 2026/11/22, with an
	// optional time (T or spaces) and zone.
	isoDate = regexp.MustCompile(`(?i)^\s*([-+]?\d{4,})[-/](\d{1,2})[-/](\d{1,2})` + timePart + zonePart + `\s*$`)
	// RFC 2822 and HTTP dates: [Sun, ]22 Nov 2026 [07:26:30] [+0000].
	rfcDate = regexp.MustCompile(`(?i)^\s*(?:[a-z]{3,9},?\s+)?(\d{1,2})[-\s]+([a-z]{3,9})\.?[-\s]+(\d{4})` + timePart + zonePart + `\s*$`)
)

var months = map[string]time.Month{
	"jan": time.January, "feb": time.February, "mar": time.March, "apr": time.April,
	"may": time.May, "jun": time.June, "jul": time.July, "aug": time.August,
	"sep": time.September, "oct": time.October, "nov": time.November, "dec": time.December,
}

var namedZones = map[string]int{
	"z": 0, "utc": 0, "gmt": 0, "ut": 0,
	"est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
}

func parseDate(s string) (time.Time, bool) {
	var year, mon, day, clock, zone []string
	if m := isoDate.FindStringSubmatch(s); m != nil {
		year, mon, day, clock, zone = m[1:2], m[2:3], m[3:4], m[4:7], m[7:8]
	} else if m := rfcDate.FindStringSubmatch(s); m != nil {
		mname := strings.ToLower(m[2])
		if len(mname) < 3 {
			return time.Time{}, false
		}
		mo, ok := months[mname[:3]]
		if !ok {
			return time.Time{}, false
		}
		year, mon, day, clock, zone = m[3:4], []string{strconv.Itoa(int(mo))}, m[1:2], m[4:7], m[7:8]
	} else {
		return time.Time{}, false
	}
	y, err := strconv.Atoi(year[0])
	if err != nil || y < -99999 || y > 99999 {
		return time.Time{}, false
	}
	mo, _ := strconv.Atoi(mon[0])
	d, _ := strconv.Atoi(day[0])
	h, _ := strconv.Atoi(clock[0])
	mi, _ := strconv.Atoi(clock[1])
	sec, _ := strconv.Atoi(clock[2])
	// Ruby's Time.utc rejects these; apisonator then falls back to now.
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60 ||
		(h == 24 && (mi != 0 || sec != 0)) {
		return time.Time{}, false
	}
	off, ok := offset(strings.ToLower(zone[0]))
	if !ok {
		return time.Time{}, false
	}
	// Time.utc rolls "Nov 31" over to "Dec 1", as time.Date does.
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, time.UTC)
	return t.Add(-time.Duration(off) * time.Second), true
}

// offset reads a zone as seconds east of UTC.
func offset(z string) (int, bool) {
	if z == "" {
		return 0, true
	}
	if h, ok := namedZones[z]; ok {
		return h * 3600, true
	}
	z = strings.TrimPrefix(strings.TrimPrefix(z, "utc"), "gmt")
	sign := 1
	if z[0] == '-' {
		sign = -1
	}
	digits := strings.ReplaceAll(z[1:], ":", "")
	var h, m int
	switch len(digits) {
	case 1, 2:
		h, _ = strconv.Atoi(digits)
	case 3, 4:
		h, _ = strconv.Atoi(digits[:len(digits)-2])
		m, _ = strconv.Atoi(digits[len(digits)-2:])
	default:
		return 0, false
	}
	if m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}
