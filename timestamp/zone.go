package timestamp

import "strings"

// zoneToDiff is Ruby's date_zone_to_diff: the offset a zone names. A name
// of the zone table ("CET", "jst", "Eastern", "W. Europe"), optionally with
// " standard time", " daylight time" or " dst" (an hour more) after it; or
// an offset: +HH, +HHMM, +HHMMSS, +HH:MM[:SS], +HH.fraction, each with an
// optional GMT or UTC before it. Anything else is unknown (nil in Ruby).
func zoneToDiff(z string) zoneOffset {
	l := len(z)
	dst := false
	if w := endsWithWord(z[:l], "time"); w > 0 {
		if w2 := endsWithWord(z[:l-w], "standard"); w2 > 0 {
			l -= w + w2
		} else if w2 := endsWithWord(z[:l-w], "daylight"); w2 > 0 {
			l -= w + w2
			dst = true
		}
	} else if w := endsWithWord(z[:l], "dst"); w > 0 {
		l -= w
		dst = true
	}
	name := z[:l]
	if sh := shrinkSpaces(name); len(sh) < l && sh != "" {
		name = sh
	}
	if len(name) > 0 && len(name) <= 17 {
		if off, ok := zoneOffsets[strings.ToLower(name)]; ok && isASCII(name) {
			if dst {
				off += 3600
			}
			return zoneOffset{int64(off), 1, true}
		}
	}

	s := z[:l]
	if len(s) > 3 && (strings.EqualFold(s[:3], "gmt") || strings.EqualFold(s[:3], "utc")) {
		s = s[3:]
	}
	if s == "" || !isSign(s[0]) {
		return zoneOffset{}
	}
	neg := s[0] == '-'
	s = s[1:]
	// Ruby reads the hour with strtoul, which does not stop at the length
	// it was given: the rest of z is read too (only digits can follow).
	rest := z[len(z)-len(s):]
	hour, p := strtoul(rest)
	var sec int64
	switch at(rest, p) {
	case ':':
		if hour < 0 || hour > 23 {
			return zoneOffset{}
		}
		m, q := strtoul(rest[p+1:])
		if m < 0 || m > 59 {
			return zoneOffset{}
		}
		var sc int64
		if at(rest, p+1+q) == ':' {
			if sc, _ = strtoul(rest[p+1+q+1:]); sc < 0 || sc > 59 {
				return zoneOffset{}
			}
		}
		sec = sc + m*60 + hour*3600
	case ',', '.':
		if hour < 0 || hour > 23 {
			return zoneOffset{}
		}
		// A fraction of an hour, to 7 digits, rounded half to even on the
		// next digit.
		frac := s[min(p+1, len(s)):]
		n := min(len(frac), 7)
		n = min(n, digitsEnd(frac, 0))
		f := int64(0)
		for _, c := range []byte(frac[:n]) {
			f = f*10 + int64(c-'0')
		}
		if n < len(frac) {
			limit := byte('5')
			if f&1 == 0 {
				limit = '6'
			}
			if c := frac[n]; c >= limit && c <= '9' {
				f++
			}
		}
		f *= 36
		h := hour
		if neg {
			h, f = -h, -f
		}
		if n <= 2 {
			if n == 1 {
				f *= 10
			}
			return zoneOffset{f + h*3600, 1, true}
		}
		den := int64(1)
		for range n - 2 {
			den *= 10
		}
		return reduced(f+h*3600*den, den)
	default:
		if len(s) > 2 {
			w := 2 - len(s)%2
			hour = scanDigits(s, 0, w)
			m := scanDigits(s, w, 2)
			var sc int64
			if len(s) >= 5 {
				sc = scanDigits(s, w+2, 2)
			}
			sec = sc + m*60 + hour*3600
		} else {
			sec = hour * 3600
		}
	}
	if neg {
		sec = -sec
	}
	return zoneOffset{sec, 1, true}
}

// endsWithWord is str_end_with_word: if s ends with a space and w (in any
// case), the length of w and the spaces before it, else 0.
func endsWithWord(s, w string) int {
	n := len(w)
	l := len(s)
	if l <= n || !isSpace(s[l-n-1]) || !strings.EqualFold(s[l-n:], w) || !isASCII(s[l-n:]) {
		return 0
	}
	n++
	for l > n && isSpace(s[l-n-1]) {
		n++
	}
	return n
}

// shrinkSpaces turns every run of spaces into one and drops trailing ones.
func shrinkSpaces(s string) string {
	var b strings.Builder
	gap := false
	for i := 0; i < len(s); i++ {
		if isSpace(s[i]) {
			gap = true
			continue
		}
		if gap {
			b.WriteByte(' ')
		}
		gap = false
		b.WriteByte(s[i])
	}
	return b.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// strtoul is Ruby's ruby_strtoul in base 10: spaces, a sign, digits. It
// returns the value as the C caller's long sees it (negated by a minus; -1
// on overflow) and where it stopped (0 if it read no digits).
func strtoul(s string) (int64, int) {
	i := skipSpaces(s, 0)
	neg := false
	if i < len(s) && isSign(s[i]) {
		neg = s[i] == '-'
		i++
	}
	start := i
	e := digitsEnd(s, i)
	if e == start {
		return 0, 0
	}
	v := num(s[start:e])
	if v >= satLimit {
		return -1, e
	}
	if neg {
		v = -v
	}
	return v, e
}

// scanDigits is ruby_scan_digits: up to n digits at s[i:].
func scanDigits(s string, i, n int) int64 {
	var v int64
	for k := i; k < len(s) && k < i+n && isDigit(s[k]); k++ {
		v = v*10 + int64(s[k]-'0')
	}
	return v
}

func reduced(num, den int64) zoneOffset {
	a, b := num, den
	if a < 0 {
		a = -a
	}
	for b != 0 {
		a, b = b, a%b
	}
	return zoneOffset{num / a, den / a, true}
}
