package timestamp

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file reads a date the way Ruby's Date._parse does (the date gem's
// date__parse, non-TIGHT build, as shipped with Ruby 3.3): the string is
// reduced to the characters dates are made of, then a fixed sequence of
// readers each looks for its form anywhere in it, takes the first
// (leftmost) occurrence and blanks it out, so that what one reader took is
// not seen by the next. Each reader below says which forms it takes; where
// Ruby's pattern would try several ways to match at one place, the reader
// tries them in the same order, so the same text is taken.
//
// After the reduction the text holds only ASCII letters and digits, the
// punctuation -+',./:@[], spaces, and non-ASCII letters and digits. Ruby's
// \d, \s and [a-z] are ASCII; its word boundaries and [[:alpha:]] are
// Unicode, and its case-insensitive matching folds ſ to s, K (Kelvin) to k
// and the ligatures ﬅ and ﬆ to st. The helpers here follow that.

// maxParseLen is the length above which Date._parse raises (its limit:
// keyword, 128 by default); apisonator then falls back to the current time.
const maxParseLen = 128

// satLimit bounds the integers a date is made of. Ruby's have no bound; a
// value this far out is outside every accepted window and every range
// check either way, so saturating changes no answer.
const satLimit = 1 << 62

// field is one Integer entry of Date._parse's hash.
type field struct {
	v  int64
	ok bool
}

func (f *field) set(v int64) { *f = field{v, true} }

// zoneOffset is the :offset entry: seconds east of UTC, as num/den (Ruby
// gives a Rational for fractional hours), or nil when the zone is unknown.
type zoneOffset struct {
	num, den int64
	known    bool
}

// frags is the hash Date._parse returns.
type frags struct {
	year, mon, mday, hour, min, sec, wday, yday, cwyear, cweek, cwday field

	fraction    string // digits of :sec_fraction (their value / 10^len)
	hasFraction bool
	zone        string
	hasZone     bool
	offset      zoneOffset
	hasOffset   bool
	// comp and bc are the internal _comp and _bc entries: complete a
	// two-digit year, and the year is "before Christ".
	comp, bc bool
}

// dateParser carries the text being read, shrinking as readers blank out
// what they took, and the hash being built.
type dateParser struct {
	s   string
	h   frags
	err bool // Ruby would raise
}

// dateParse is Date._parse(s). ok is false where Ruby raises.
func dateParse(s string) (frags, bool) {
	if len(s) > maxParseLen || !utf8.ValidString(s) {
		return frags{}, false
	}
	p := &dateParser{s: reduce(s)}
	p.h.comp = true
	p.run()
	if p.err {
		return frags{}, false
	}
	p.finish()
	return p.h, true
}

func (p *dateParser) run() {
	if p.has(hasAlpha) {
		p.day()
	}
	if p.has(hasDigit) {
		p.time()
	}
	switch {
	case p.has(hasAlpha|hasDigit) && (p.eu() || p.us()):
	case p.has(hasDigit|hasDash) && p.iso():
	case p.has(hasDigit|hasDot) && p.jis():
	case p.has(hasAlpha|hasDigit|hasDash) && (p.vms11() || p.vms12()):
	case p.has(hasDigit|hasSlash) && p.sla():
	case p.has(hasDigit|hasDot) && p.dot():
	case p.has(hasDigit) && p.iso2():
	case p.has(hasDigit) && p.apostropheYear():
	case p.has(hasAlpha) && p.monthAlone():
	case p.has(hasDigit) && p.ordinalDay():
	case p.has(hasDigit) && p.ddd():
	}
	if p.has(hasAlpha) {
		p.era()
	}
	if p.has(hasDigit) {
		p.fragment()
	}
}

// finish applies the era and the two-digit year completion, then reads the
// zone's offset.
func (p *dateParser) finish() {
	h := &p.h
	if h.bc {
		for _, f := range []*field{&h.cwyear, &h.year} {
			if f.ok && (f.v == satLimit || f.v == -satLimit) {
				f.set(-f.v) // still saturated
			} else if f.ok {
				f.set(1 - f.v)
			}
		}
	}
	if h.comp {
		for _, f := range []*field{&h.cwyear, &h.year} {
			if f.ok && f.v >= 0 && f.v <= 99 {
				if f.v >= 69 {
					f.set(f.v + 1900)
				} else {
					f.set(f.v + 2000)
				}
			}
		}
	}
	if h.hasZone && !h.hasOffset {
		h.offset, h.hasOffset = zoneToDiff(h.zone), true
	}
}

// reduce replaces every run of characters that cannot be part of a date
// with one space.
func reduce(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	gap := false
	for _, r := range s {
		if keptRune(r) {
			b.WriteRune(r)
			gap = false
		} else if !gap {
			b.WriteByte(' ')
			gap = true
		}
	}
	return b.String()
}

// keptRune is Ruby's [-+',./:@[:alnum:]\[\]]: alnum is Unicode's
// Alphabetic or a decimal digit.
func keptRune(r rune) bool {
	if r < utf8.RuneSelf {
		return isAlnum(byte(r)) || strings.IndexByte("-+',./:@[]", byte(r)) >= 0
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Nl, r) || unicode.Is(unicode.Other_Alphabetic, r)
}

// The classes of characters a reader needs before it looks (check_class):
// bytes, so non-ASCII letters and digits count as neither.
const (
	hasAlpha = 1 << iota
	hasDigit
	hasDash
	hasDot
	hasSlash
)

func (p *dateParser) has(want int) bool {
	got := 0
	for i := 0; i < len(p.s); i++ {
		c := p.s[i]
		switch {
		case isLetter(c):
			got |= hasAlpha
		case isDigit(c):
			got |= hasDigit
		case c == '-':
			got |= hasDash
		case c == '.':
			got |= hasDot
		case c == '/':
			got |= hasSlash
		}
	}
	return got&want == want
}

// blank replaces s[b:e], what a reader took, with a space.
func (p *dateParser) blank(b, e int) { p.s = p.s[:b] + " " + p.s[e:] }

// --- characters ---

func isDigit(c byte) bool  { return '0' <= c && c <= '9' }
func isLetter(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }
func isAlnum(c byte) bool  { return isDigit(c) || isLetter(c) }
func isSpace(c byte) bool  { return c == ' ' || '\t' <= c && c <= '\r' }
func isSign(c byte) bool   { return c == '-' || c == '+' }

// at returns s[i], or 0 past the end (no reader looks for a NUL: the
// reduction removed them).
func at(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func digitAt(s string, i int) bool { return i < len(s) && isDigit(s[i]) }

// digitsEnd is the end of the run of digits starting at i.
func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// hasDigits reports whether s[i:i+n] are n digits.
func hasDigits(s string, i, n int) bool { return i+n <= len(s) && digitsEnd(s, i) >= i+n }

func skipSpaces(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// Every non-ASCII character left after the reduction is a letter or a
// digit, and so a word character for Ruby's \b.
func wordAt(s string, i int) bool {
	return i < len(s) && (isAlnum(s[i]) || s[i] == '_' || s[i] >= utf8.RuneSelf)
}

func wordBefore(s string, i int) bool {
	return i > 0 && (isAlnum(s[i-1]) || s[i-1] == '_' || s[i-1] >= utf8.RuneSelf)
}

// boundary is \b at i.
func boundary(s string, i int) bool { return wordBefore(s, i) != wordAt(s, i) }

// alphaLen is the length of the [[:alpha:]] character at i, 0 if none.
func alphaLen(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	if s[i] < utf8.RuneSelf {
		if isLetter(s[i]) {
			return 1
		}
		return 0
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	if unicode.IsDigit(r) {
		return 0
	}
	return n
}

// runeLen is the length of the character at i.
func runeLen(s string, i int) int {
	if s[i] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return n
}

// Ruby's case folding, as far as it reaches the ASCII words dates use.
const (
	longS    = "ſ" // folds to s
	kelvin   = "K" // folds to k
	ligST1   = "ﬅ" // folds to st
	ligST2   = "ﬆ" // folds to st
	letterST = "st"
)

// word matches the lower-case ASCII word w at s[i:] without regard to
// case, and returns where the match ends.
func word(s string, i int, w string) (int, bool) {
	for k := 0; k < len(w); {
		c := w[k]
		switch {
		case i < len(s) && s[i]|0x20 == c && isLetter(s[i]) || i < len(s) && s[i] == c:
			i++
			k++
		case c == 's' && strings.HasPrefix(s[i:], longS):
			i += len(longS)
			k++
		case c == 'k' && strings.HasPrefix(s[i:], kelvin):
			i += len(kelvin)
			k++
		case strings.HasPrefix(w[k:], letterST) && (strings.HasPrefix(s[i:], ligST1) || strings.HasPrefix(s[i:], ligST2)):
			i += len(ligST1)
			k += 2
		default:
			return 0, false
		}
	}
	return i, true
}

// oneOf matches the first of words that matches at i.
func oneOf(s string, i int, words []string) (int, bool) {
	for _, w := range words {
		if e, ok := word(s, i, w); ok {
			return e, true
		}
	}
	return 0, false
}

var (
	abbrDays   = []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}
	abbrMonths = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
	ordinals   = []string{"st", "nd", "rd", "th"}
)

// index3 is day_num and mon_num: the position of the name whose three
// letters begin g, compared byte by byte (so "ſun" is none of them), or
// len(names) if none.
func index3(g string, names []string) int {
	for i, n := range names {
		if len(g) >= 3 && strings.EqualFold(g[:3], n) && isLetter(g[0]) && isLetter(g[1]) && isLetter(g[2]) {
			return i
		}
	}
	return len(names)
}

// num is Ruby's String#to_i of an optional sign and digits, saturated.
func num(s string) int64 {
	neg := false
	if s != "" && isSign(s[0]) {
		neg = s[0] == '-'
		s = s[1:]
	}
	var n int64
	for i := 0; i < len(s) && isDigit(s[i]); i++ {
		if n > (satLimit-9)/10 {
			n = satLimit
			break
		}
		n = n*10 + int64(s[i]-'0')
	}
	if neg {
		return -n
	}
	return n
}

func satAdd(a, b int64) int64 { return max(min(a+b, satLimit), -satLimit) }

// fixed is n2i: the number written by the w digits at s[i:].
func fixed(s string, i, w int) int64 {
	var n int64
	for _, c := range []byte(s[i : i+w]) {
		n = n*10 + int64(c-'0')
	}
	return n
}

// --- the readers, in the order Date._parse runs them ---

// day takes a weekday: "Mon", "monday", "Tue." (its three letters at a word
// start, and what follows up to a dash, slash, digit or space).
func (p *dateParser) day() bool {
	s := p.s
	for i := 0; i < len(s); i++ {
		if !boundary(s, i) {
			continue
		}
		e, ok := oneOf(s, i, abbrDays)
		if !ok {
			continue
		}
		j := e
		for j < len(s) && s[j] != '-' && s[j] != '/' && !isDigit(s[j]) && !isSpace(s[j]) {
			j++
		}
		p.h.wday.set(int64(index3(s[i:e], abbrDays)))
		p.blank(i, j)
		return true
	}
	return false
}

// time takes a time of day and the zone after it: "10:00", "10:00:00,5",
// "10h30m15s", "10h", "10am", "10 p.m.", "10:00 pm", each optionally
// followed by a zone: an offset ("+02", "-0530", "+02:00", "GMT+2",
// "UTC-5.5"), "Eastern Standard Time", or a word ("CET", "CET dst", "Z").
func (p *dateParser) time() bool {
	s := p.s
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) || (i > 0 && isDigit(s[i-1])) {
			continue
		}
		end, ok := clockEnd(s, i)
		if !ok {
			continue
		}
		match := end
		z := skipSpaces(s, end)
		if ze, ok := zoneEnd(s, z); ok {
			p.h.zone, p.h.hasZone = s[z:ze], true
			match = ze
		}
		p.clock(s[i:end])
		p.blank(i, match)
		return true
	}
	return false
}

// clockEnd is where the time starting with the digits at i ends.
func clockEnd(s string, i int) (int, bool) {
	k := skipSpaces(s, digitsEnd(s, i))
	var e int
	switch c := at(s, k); {
	case c == ':':
		m := skipSpaces(s, k+1)
		if !digitAt(s, m) {
			return 0, false
		}
		e = digitsEnd(s, m)
		if a := skipSpaces(s, e); at(s, a) == ':' {
			if b := skipSpaces(s, a+1); digitAt(s, b) {
				e = digitsEnd(s, b)
				if c := at(s, e); c == ',' || c == '.' {
					e = digitsEnd(s, e+1)
				}
			}
		}
	case c|0x20 == 'h':
		e = k + 1
		if a := skipSpaces(s, e); digitAt(s, a) {
			e = digitsEnd(s, a)
			if at(s, e)|0x20 == 'm' {
				e++
			}
			if b := skipSpaces(s, e); digitAt(s, b) {
				e = digitsEnd(s, b)
				if x, ok := word(s, e, "s"); ok {
					e = x
				}
			}
		}
	default:
		return meridianEnd(s, k)
	}
	if x, ok := meridianEnd(s, skipSpaces(s, e)); ok {
		e = x
	}
	return e, true
}

// meridianEnd matches "am", "pm", "a.m." or "p.m." at i.
func meridianEnd(s string, i int) (int, bool) {
	if c := at(s, i) | 0x20; c != 'a' && c != 'p' {
		return 0, false
	}
	if at(s, i+1)|0x20 == 'm' && boundary(s, i+2) {
		return i + 2, true
	}
	if at(s, i+1) == '.' && at(s, i+2)|0x20 == 'm' && at(s, i+3) == '.' {
		return i + 4, true
	}
	return 0, false
}

// zoneEnd matches the zone that may follow a time, at i.
func zoneEnd(s string, i int) (int, bool) {
	// An offset, with an optional GMT or UTC (or UT) before it.
	for _, pre := range []string{"gmt", "utc", "ut", ""} {
		q, ok := word(s, i, pre)
		if !ok || !isSign(at(s, q)) || !digitAt(s, q+1) {
			continue
		}
		e := digitsEnd(s, q+1)
		if c := at(s, e); (c == ',' || c == '.' || c == ':') && digitAt(s, e+1) {
			e = digitsEnd(s, e+1)
			if at(s, e) == ':' && digitAt(s, e+1) {
				e = digitsEnd(s, e+1)
			}
		}
		return e, true
	}
	// Letters, dots and spaces ending in "standard time" or "daylight
	// time": the last such ending.
	r := i
	for r < len(s) {
		if n := alphaLen(s, r); n > 0 {
			r += n
		} else if s[r] == '.' || isSpace(s[r]) {
			r++
		} else {
			break
		}
	}
	for q := r; q > i; q-- {
		if !utf8.RuneStart(at(s, q)) && q < len(s) {
			continue
		}
		e, ok := oneOf(s, q, []string{"standard", "daylight"})
		if !ok || !isSpace(at(s, e)) {
			continue
		}
		if e, ok = word(s, e+1, "time"); ok && boundary(s, e) {
			return e, true
		}
	}
	// A word, and " dst" after it. Letters are word characters, so no
	// shorter run of them ends at a word boundary.
	r = i
	for n := alphaLen(s, r); n > 0; n = alphaLen(s, r) {
		r += n
	}
	if r == i {
		return 0, false
	}
	if isSpace(at(s, r)) {
		if e, ok := word(s, r+1, "dst"); ok && boundary(s, e) {
			return e, true
		}
	}
	if boundary(s, r) {
		return r, true
	}
	return 0, false
}

// clock reads the time a time reader took: hour, minute, second, fraction
// and the meridian, which moves the hour into 0..23.
func (p *dateParser) clock(t string) {
	a := digitsEnd(t, 0)
	hour := t[:a]
	if at(t, a)|0x20 == 'h' {
		a++
	}
	var minute, sec, frac string
	hasFrac := false
	end := a
	if b := skipColon(t, a); digitAt(t, b) {
		e := digitsEnd(t, b)
		minute = t[b:e]
		if at(t, e)|0x20 == 'm' {
			e++
		}
		end = e
		if c := skipColon(t, e); digitAt(t, c) {
			e = digitsEnd(t, c)
			sec = t[c:e]
			if x := at(t, e); (x == ',' || x == '.') && digitAt(t, e+1) {
				f := digitsEnd(t, e+1)
				frac, hasFrac = t[e+1:f], true
				e = f
			}
			if x, ok := word(t, e, "s"); ok {
				e = x
			}
			end = e
		}
	}
	h := num(hour)
	if m := skipSpaces(t, end); at(t, m) != 0 {
		if _, ok := meridianEnd(t, m); ok {
			if h > 1<<31-1 { // NUM2INT raises
				p.err = true
				return
			}
			h %= 12
			if t[m]|0x20 == 'p' {
				h += 12
			}
		}
	}
	p.h.hour.set(h)
	if minute != "" {
		p.h.min.set(num(minute))
	}
	if sec != "" {
		p.h.sec.set(num(sec))
	}
	if hasFrac {
		p.h.fraction, p.h.hasFraction = frac, true
	}
}

// skipColon skips spaces, an optional colon, and spaces.
func skipColon(t string, i int) int {
	i = skipSpaces(t, i)
	if at(t, i) == ':' {
		i++
	}
	return skipSpaces(t, i)
}

// numberStart is where a number with an optional leading apostrophe (and,
// with sign, minus) begins at i, if one does, and is not the middle of a
// longer run of digits.
func numberStart(s string, i int, sign bool) (int, bool) {
	a := i
	if at(s, a) == '\'' {
		a++
	}
	if sign && at(s, a) == '-' {
		a++
	}
	return a, digitAt(s, a) && (a == 0 || !isDigit(s[a-1]))
}

// quotedNumber matches '?-?\d+ (dash only with minus) at i and returns its
// end.
func quotedNumber(s string, i int, minus bool) (int, bool) {
	a := i
	if at(s, a) == '\'' {
		a++
	}
	if minus && at(s, a) == '-' && digitAt(s, a+1) {
		a++
	}
	if !digitAt(s, a) {
		return 0, false
	}
	return digitsEnd(s, a), true
}

// runEnd is the end of the run of characters starting at i that are none
// of the bytes in stop, digits (if digits) or spaces (if spaces).
func runEnd(s string, i int, stop string, digits, spaces bool) int {
	for i < len(s) {
		c := s[i]
		if strings.IndexByte(stop, c) >= 0 || digits && isDigit(c) || spaces && isSpace(c) {
			break
		}
		i++
	}
	return i
}

// eras are the era words in the order Ruby tries them.
var eras = []string{"ce", "c.e.", "bce", "b.c.e.", "ad", "a.d.", "bc", "b.c."}

// eraAt lists the ends of the era words that match at i, in Ruby's order.
func eraAt(s string, i int) []int {
	var ends []int
	for _, e := range eras {
		if x, ok := word(s, i, e); ok {
			ends = append(ends, x)
		}
	}
	return ends
}

// asciiLowerAt is Ruby's case-insensitive [a-z] at i.
func asciiLowerAt(s string, i int) bool {
	return isLetter(at(s, i)) || strings.HasPrefix(s[i:], longS) || strings.HasPrefix(s[i:], kelvin)
}

// eu takes day month [era] [year]: "22 Nov 2026", "22nd November, '26",
// "1 jan ad 2000", "5 sep" (the month after the day, anywhere in what
// follows it up to a dash, digit or space).
func (p *dateParser) eu() bool {
	s := p.s
	for i := 0; i < len(s); i++ {
		a, ok := numberStart(s, i, false)
		if !ok {
			continue
		}
		dEnd := digitsEnd(s, a)
		r := runEnd(s, dEnd, "-", true, true)
		monStart, monEnd := -1, 0
		for k := r; k >= dEnd; k-- {
			if k < len(s) && !utf8.RuneStart(s[k]) {
				continue
			}
			m := skipSpaces(s, k)
			if e, ok := oneOf(s, m, abbrMonths); ok {
				monStart, monEnd = m, e
				break
			}
		}
		if monStart < 0 {
			continue
		}
		t := runEnd(s, monEnd, "-'", true, true)
		match, year, bc := t, "", false
		u := skipSpaces(s, t)
		found := false
		if boundary(s, u) {
			for _, ee := range eraAt(s, u) {
				if s[ee-1] != '.' && asciiLowerAt(s, ee) {
					continue
				}
				v := skipSpaces(s, ee)
				if ye, ok := euYear(s, v); ok {
					match, year, bc, found = ye, s[v:ye], s[u]|0x20 == 'b', true
					break
				}
			}
		}
		if !found {
			if ye, ok := euYear(s, u); ok {
				match, year = ye, s[u:ye]
			}
		}
		p.s3e(year, strconv.Itoa(index3(s[monStart:monEnd], abbrMonths)+1), s[i:dEnd], bc)
		p.blank(i, match)
		return true
	}
	return false
}

// euYear matches '?-?\d+ and an ordinal suffix ending a word, at i.
func euYear(s string, i int) (int, bool) {
	e, ok := quotedNumber(s, i, true)
	if !ok {
		return 0, false
	}
	for _, o := range ordinals {
		if x, ok := word(s, e, o); ok && boundary(s, x) {
			return x, true
		}
	}
	return e, true
}

// us takes month day [era] [year]: "Nov 22 2026", "November 22nd, 2026",
// "Jan 5", "Jan 5 bc 200".
func (p *dateParser) us() bool {
	s := p.s
	for i := 0; i < len(s); i++ {
		if !boundary(s, i) {
			continue
		}
		monEnd, ok := oneOf(s, i, abbrMonths)
		if !ok {
			continue
		}
		a := skipSpaces(s, runEnd(s, monEnd, "-'", true, true))
		dEnd, ok := quotedNumber(s, a, false)
		if !ok {
			continue
		}
		t := runEnd(s, dEnd, "-'", true, true)
		match, year, bc := t, "", false
		u := skipSpaces(s, t)
		if at(s, u) == ',' {
			u = skipSpaces(s, u+1)
		}
		found := false
		for _, ee := range eraAt(s, u) {
			v := skipSpaces(s, ee)
			if ye, ok := quotedNumber(s, v, true); ok {
				match, year, bc, found = ye, s[v:ye], s[u]|0x20 == 'b', true
				break
			}
		}
		if !found {
			if ye, ok := quotedNumber(s, u, true); ok {
				match, year = ye, s[u:ye]
			}
		}
		p.s3e(year, strconv.Itoa(index3(s[i:monEnd], abbrMonths)+1), s[a:dEnd], bc)
		p.blank(i, match)
		return true
	}
	return false
}

// iso takes y-m-d: "2026-11-22", "-0044-03-15", "'26-11-22", and, as Ruby
// does, "11-22-2026" read the same way and sorted out by s3e.
func (p *dateParser) iso() bool {
	s := p.s
	for i := 0; i < len(s); i++ {
		a := i
		if at(s, a) == '\'' {
			a++
		}
		if isSign(at(s, a)) {
			a++
		}
		if !digitAt(s, a) || (a > 0 && isDigit(s[a-1])) {
			continue
		}
		yEnd := digitsEnd(s, a)
		if at(s, yEnd) != '-' || !digitAt(s, yEnd+1) {
			continue
		}
		mEnd := digitsEnd(s, yEnd+1)
		if at(s, mEnd) != '-' {
			continue
		}
		dEnd, ok := quotedNumber(s, mEnd+1, true)
		if !ok {
			continue
		}
		p.s3e(s[i:yEnd], s[yEnd+1:mEnd], s[mEnd+1:dEnd], false)
		p.blank(i, dEnd)
		return true
	}
	return false
}

// jis takes JIS X 0301 dates: an era initial and y.m.d, "H31.04.30",
// "R1.5.1".
func (p *dateParser) jis() bool {
	s := p.s
	for i := 0; i < len(s); i++ {
		if !boundary(s, i) {
			continue
		}
		e := 0
		for _, c := range "mtshr" {
			if x, ok := word(s, i, string(c)); ok {
				e = x
				break
			}
		}
		if e == 0 || !digitAt(s, e) {
			continue
		}
		yEnd := digitsEnd(s, e)
		if at(s, yEnd) != '.' || !digitAt(s, yEnd+1) {
			continue
		}
		mEnd := digitsEnd(s, yEnd+1)
		if at(s, mEnd) != '.' || !digitAt(s, mEnd+1) {
			continue
		}
		dEnd := digitsEnd(s, mEnd+1)
		var base int64
		switch s[i] | 0x20 {
		case 'm':
			base = 1867
		case 't':
			base = 1911
		case 's':
			base = 1925
		case 'h':
			base = 1988
		case 'r':
			base = 2018
		}
		p.h.year.set(satAdd(num(s[e:yEnd]), base))
		p.h.mon.set(num(s[yEnd+1 : mEnd]))
		p.h.mday.set(num(s[mEnd+1 : dEnd]))
		p.blank(i, dEnd)
		return true
	}
	return false
}

// vms11 takes d-mon-y: "22-Nov-2026", "22-november-26".
func (p *dateParser) vms11() bool {
	s := p.s
	for i := 0; i < len(s); i++ {
		a, ok := numberStart(s, i, true)
		if !ok {
			continue
		}
		dEnd := digitsEnd(s, a)
		if at(s, dEnd) != '-' {
			continue
		}
		monEnd, ok := oneOf(s, dEnd+1, abbrMonths)
		if !ok {
			continue
		}
		r := runEnd(s, monEnd, "-/.", false, false)
		if at(s, r) != '-' {
			continue
		}
		yEnd, ok := quotedNumber(s, r+1, true)
		if !ok {
			continue
		}
		p.s3e(s[r+1:yEnd], strconv.Itoa(index3(s[dEnd+1:monEnd], abbrMonths)+1), s[i:dEnd], false)
		p.blank(i, yEnd)
		return true
	}
	return false
}

// vms12 takes mon-d[-y]: "Nov-22-2026", "Nov-22".
func (p *dateParser) vms12() bool {
	s := p.s
	for i := 0; i < len(s); i++ {
		if !boundary(s, i) {
			continue
		}
		monEnd, ok := oneOf(s, i, abbrMonths)
		if !ok {
			continue
		}
		r := runEnd(s, monEnd, "-/.", false, false)
		if at(s, r) != '-' {
			continue
		}
		dEnd, ok := quotedNumber(s, r+1, true)
		if !ok {
			continue
		}
		match, year := dEnd, ""
		if at(s, dEnd) == '-' {
			if yEnd, ok := quotedNumber(s, dEnd+1, true); ok {
				match, year = yEnd, s[dEnd+1:yEnd]
			}
		}
		p.s3e(year, strconv.Itoa(index3(s[i:monEnd], abbrMonths)+1), s[r+1:dEnd], false)
		p.blank(i, match)
		return true
	}
	return false
}

// sla takes slashed dates: "2026/11/22", "11/22/2026", "22/11/2026",
// "11/22" (sorted out by s3e: Ruby reads a/b/c as y/m/d unless a field
// says otherwise, so 01/02/2024 is the 2nd of January... of year 2001,
// completed from "01").
func (p *dateParser) sla() bool {
	s := p.s
	for i := 0; i < len(s); i++ {
		a, ok := numberStart(s, i, true)
		if !ok {
			continue
		}
		yEnd := digitsEnd(s, a)
		if at(s, yEnd) != '/' {
			continue
		}
		b := skipSpaces(s, yEnd+1)
		mEnd, ok := quotedNumber(s, b, false)
		if !ok {
			continue
		}
		match, day := mEnd, ""
		if mEnd < len(s) && !isDigit(s[mEnd]) {
			c := skipSpaces(s, mEnd+runeLen(s, mEnd))
			if dEnd, ok := quotedNumber(s, c, true); ok {
				match, day = dEnd, s[c:dEnd]
			}
		}
		p.s3e(s[i:yEnd], s[b:mEnd], day, false)
		p.blank(i, match)
		return true
	}
	return false
}

// dot takes dotted dates: "2026.11.22", "22.11.2026".
func (p *dateParser) dot() bool {
	s := p.s
	for i := 0; i < len(s); i++ {
		a, ok := numberStart(s, i, true)
		if !ok {
			continue
		}
		yEnd := digitsEnd(s, a)
		if at(s, yEnd) != '.' {
			continue
		}
		b := skipSpaces(s, yEnd+1)
		mEnd, ok := quotedNumber(s, b, false)
		if !ok || at(s, mEnd) != '.' {
			continue
		}
		c := skipSpaces(s, mEnd+1)
		dEnd, ok := quotedNumber(s, c, true)
		if !ok {
			continue
		}
		p.s3e(s[i:yEnd], s[b:mEnd], s[c:dEnd], false)
		p.blank(i, dEnd)
		return true
	}
	return false
}

// iso2 takes the ISO 8601 forms without a month and day pair: week dates
// ("2026-W47-7", "2026W477", "W47"), "-W-7", "--11-22", "--1122", ordinal
// dates ("2026-326") and "-326". None gives a calendar date, so apisonator
// never takes them; they still keep the text from the readers after.
func (p *dateParser) iso2() bool {
	return p.isoWeek() || p.isoWeekday() || p.isoMonthDay() || p.isoMonthDay2() || p.isoOrdinal() || p.isoDayOfYear()
}

func (p *dateParser) isoWeek() bool {
	s := p.s
	for i := 0; i < len(s); i++ {
		if !boundary(s, i) {
			continue
		}
		for _, yl := range []int{2, 4, 0} {
			if yl > 0 && !hasDigits(s, i, yl) {
				continue
			}
			q0 := i + yl
			dashes := []int{q0}
			if at(s, q0) == '-' {
				dashes = []int{q0 + 1, q0}
			}
			for _, q := range dashes {
				if at(s, q)|0x20 != 'w' || !hasDigits(s, q+1, 2) {
					continue
				}
				w := q + 3
				type opt struct{ end, d int }
				var opts []opt
				if at(s, w) == '-' && digitAt(s, w+1) {
					opts = append(opts, opt{w + 2, w + 1})
				}
				if digitAt(s, w) {
					opts = append(opts, opt{w + 1, w})
				}
				opts = append(opts, opt{w, -1})
				for _, o := range opts {
					if !boundary(s, o.end) {
						continue
					}
					if yl > 0 {
						p.h.cwyear.set(num(s[i : i+yl]))
					}
					p.h.cweek.set(num(s[q+1 : q+3]))
					if o.d >= 0 {
						p.h.cwday.set(num(s[o.d : o.d+1]))
					}
					p.blank(i, o.end)
					return true
				}
			}
		}
	}
	return false
}

func (p *dateParser) isoWeekday() bool {
	s := p.s
	for i := 0; i+4 <= len(s); i++ {
		if s[i] == '-' && s[i+1]|0x20 == 'w' && s[i+2] == '-' && isDigit(s[i+3]) && boundary(s, i+4) {
			p.h.cwday.set(num(s[i+3 : i+4]))
			p.blank(i, i+4)
			return true
		}
	}
	return false
}

func (p *dateParser) isoMonthDay() bool {
	s := p.s
	for i := 0; i+2 <= len(s); i++ {
		if s[i] != '-' || s[i+1] != '-' {
			continue
		}
		if hasDigits(s, i+2, 2) && at(s, i+4) == '-' && hasDigits(s, i+5, 2) && boundary(s, i+7) {
			p.h.mon.set(num(s[i+2 : i+4]))
			p.h.mday.set(num(s[i+5 : i+7]))
			p.blank(i, i+7)
			return true
		}
		if at(s, i+2) == '-' && hasDigits(s, i+3, 2) && boundary(s, i+5) {
			p.h.mday.set(num(s[i+3 : i+5]))
			p.blank(i, i+5)
			return true
		}
	}
	return false
}

func (p *dateParser) isoMonthDay2() bool {
	s := p.s
	for i := 0; i+2 <= len(s); i++ {
		if s[i] != '-' || s[i+1] != '-' || !hasDigits(s, i+2, 2) {
			continue
		}
		end := -1
		if hasDigits(s, i+4, 2) && boundary(s, i+6) {
			end = i + 6
		} else if boundary(s, i+4) {
			end = i + 4
		}
		if end < 0 {
			continue
		}
		p.h.mon.set(num(s[i+2 : i+4]))
		if end == i+6 {
			p.h.mday.set(num(s[i+4 : i+6]))
		}
		p.blank(i, end)
		return true
	}
	return false
}

// ordinalAt matches (\d{2}|\d{4})-\d{3}\b at i, Ruby's way round.
func ordinalAt(s string, i int) (yearLen int, ok bool) {
	for _, yl := range []int{2, 4} {
		if hasDigits(s, i, yl) && at(s, i+yl) == '-' && hasDigits(s, i+yl+1, 3) && boundary(s, i+yl+4) {
			return yl, true
		}
	}
	return 0, false
}

func (p *dateParser) isoOrdinal() bool {
	s := p.s
	for j := 0; j < len(s); j++ {
		if c := s[j]; c == ',' || c == '.' {
			if _, ok := ordinalAt(s, j+1); ok {
				return false // a fraction, not a date
			}
		}
	}
	for i := 0; i < len(s); i++ {
		if !boundary(s, i) {
			continue
		}
		yl, ok := ordinalAt(s, i)
		if !ok {
			continue
		}
		p.h.year.set(num(s[i : i+yl]))
		p.h.yday.set(num(s[i+yl+1 : i+yl+4]))
		p.blank(i, i+yl+4)
		return true
	}
	return false
}

func (p *dateParser) isoDayOfYear() bool {
	s := p.s
	for j := 0; j+5 <= len(s); j++ {
		if isDigit(s[j]) && s[j+1] == '-' && hasDigits(s, j+2, 3) && boundary(s, j+5) {
			return false
		}
	}
	for i := 0; i+4 <= len(s); i++ {
		if s[i] == '-' && boundary(s, i) && hasDigits(s, i+1, 3) && boundary(s, i+4) {
			p.h.yday.set(num(s[i+1 : i+4]))
			p.blank(i, i+4)
			return true
		}
	}
	return false
}

// apostropheYear takes a year alone: "'26".
func (p *dateParser) apostropheYear() bool {
	s := p.s
	for i := 0; i < len(s); i++ {
		if s[i] != '\'' || !digitAt(s, i+1) {
			continue
		}
		e := digitsEnd(s, i+1)
		if !boundary(s, e) {
			continue
		}
		p.h.year.set(num(s[i+1 : e]))
		p.blank(i, e)
		return true
	}
	return false
}

// monthAlone takes a month name alone: "November".
func (p *dateParser) monthAlone() bool {
	s := p.s
	for i := 0; i < len(s); i++ {
		if !boundary(s, i) {
			continue
		}
		e, ok := oneOf(s, i, abbrMonths)
		if !ok {
			continue
		}
		j := e
		for j < len(s) && !isSpace(s[j]) {
			j++
		}
		p.h.mon.set(int64(index3(s[i:e], abbrMonths) + 1))
		p.blank(i, j)
		return true
	}
	return false
}

// ordinalDay takes a day alone: "22nd".
func (p *dateParser) ordinalDay() bool {
	s := p.s
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) || (i > 0 && isDigit(s[i-1])) {
			continue
		}
		e := digitsEnd(s, i)
		for _, o := range ordinals {
			if x, ok := word(s, e, o); ok && boundary(s, x) {
				p.h.mday.set(num(s[i:e]))
				p.blank(i, x)
				return true
			}
		}
	}
	return false
}

// ddd takes runs of digits: "20261122", "20261122T072630", "261122",
// "20261122 072630.5 +0200", "072630" after a date read elsewhere…, each
// split by its length (Ruby's parse_ddd).
func (p *dateParser) ddd() bool {
	s := p.s
	for i := 0; i < len(s); i++ {
		a := i
		if isSign(s[i]) && digitAt(s, i+1) {
			a = i + 1
		} else if !isDigit(s[i]) || (i > 0 && isDigit(s[i-1])) {
			continue
		}
		n := digitsEnd(s, a) - a
		if n < 2 {
			continue
		}
		n = min(n, 14)
		s2 := s[a : a+n]
		e := skipSpaces(s, a+n)
		if at(s, e)|0x20 == 't' {
			e++
		}
		e = skipSpaces(s, e)
		var s3, s4 string
		has3, has4 := false, false
		if k := digitsEnd(s, e) - e; k >= 2 {
			k = min(k, 6)
			s3, has3 = s[e:e+k], true
			e += k
		}
		if c := at(s, e); c == ',' || c == '.' {
			f := digitsEnd(s, e+1)
			s4, has4 = s[e+1:f], true
			e = f
		}
		match := e
		var s5 string
		q := skipSpaces(s, e)
		switch c := at(s, q); {
		case c|0x20 == 'z' && boundary(s, q+1):
			s5, match = s[q:q+1], q+1
		case isSign(c) && digitAt(s, q+1):
			if k := digitsEnd(s, q+1); k-(q+1) <= 4 && boundary(s, k) {
				s5, match = s[q:k], k
			}
		case c == '[':
			b := q + 1
			if isSign(at(s, b)) && digitAt(s, b+1) {
				b++
			}
			if digitAt(s, b) {
				if k := strings.IndexByte(s[b:], ']'); k >= 0 {
					s5, match = s[q:b+k+1], b+k+1
				}
			}
		}
		p.digitRun(s[i:a], s2, s3, s4, s5, has3, has4)
		p.blank(i, match)
		return true
	}
	return false
}

// digitRun is parse_ddd_cb: a run of digits read by its length, with the
// time, fraction and zone that may follow it. A fraction right after the
// run (no time) makes the run a time, read from its end.
func (p *dateParser) digitRun(sign, s2, s3, s4, s5 string, has3, has4 bool) {
	h := &p.h
	neg := sign == "-"
	year := func(v int64) {
		if neg {
			v = -v
		}
		h.year.set(v)
	}
	l := len(s2)
	asTime := !has3 && has4
	switch l {
	case 2:
		if asTime {
			h.sec.set(fixed(s2, l-2, 2))
		} else {
			h.mday.set(fixed(s2, 0, 2))
		}
	case 4:
		if asTime {
			h.sec.set(fixed(s2, l-2, 2))
			h.min.set(fixed(s2, l-4, 2))
		} else {
			h.mon.set(fixed(s2, 0, 2))
			h.mday.set(fixed(s2, 2, 2))
		}
	case 6:
		if asTime {
			h.sec.set(fixed(s2, l-2, 2))
			h.min.set(fixed(s2, l-4, 2))
			h.hour.set(fixed(s2, l-6, 2))
		} else {
			year(fixed(s2, 0, 2))
			h.mon.set(fixed(s2, 2, 2))
			h.mday.set(fixed(s2, 4, 2))
		}
	case 8, 10, 12, 14:
		if asTime {
			h.sec.set(fixed(s2, l-2, 2))
			h.min.set(fixed(s2, l-4, 2))
			h.hour.set(fixed(s2, l-6, 2))
			h.mday.set(fixed(s2, l-8, 2))
			if l >= 10 {
				h.mon.set(fixed(s2, l-10, 2))
			}
			if l == 12 {
				year(fixed(s2, l-12, 2))
			}
			if l == 14 {
				year(fixed(s2, l-14, 4))
				h.comp = false
			}
		} else {
			year(fixed(s2, 0, 4))
			h.mon.set(fixed(s2, 4, 2))
			h.mday.set(fixed(s2, 6, 2))
			if l >= 10 {
				h.hour.set(fixed(s2, 8, 2))
			}
			if l >= 12 {
				h.min.set(fixed(s2, 10, 2))
			}
			if l >= 14 {
				h.sec.set(fixed(s2, 12, 2))
			}
			h.comp = false
		}
	case 3:
		if asTime {
			h.sec.set(fixed(s2, l-2, 2))
			h.min.set(fixed(s2, l-3, 1))
		} else {
			h.yday.set(fixed(s2, 0, 3))
		}
	case 5:
		if asTime {
			h.sec.set(fixed(s2, l-2, 2))
			h.min.set(fixed(s2, l-4, 2))
			h.hour.set(fixed(s2, l-5, 1))
		} else {
			year(fixed(s2, 0, 2))
			h.yday.set(fixed(s2, 2, 3))
		}
	case 7:
		if asTime {
			h.sec.set(fixed(s2, l-2, 2))
			h.min.set(fixed(s2, l-4, 2))
			h.hour.set(fixed(s2, l-6, 2))
			h.mday.set(fixed(s2, l-7, 1))
		} else {
			year(fixed(s2, 0, 4))
			h.yday.set(fixed(s2, 4, 3))
		}
	}
	if has3 {
		l3 := len(s3)
		if l3 == 2 || l3 == 4 || l3 == 6 {
			if has4 {
				h.sec.set(fixed(s3, l3-2, 2))
				if l3 >= 4 {
					h.min.set(fixed(s3, l3-4, 2))
				}
				if l3 >= 6 {
					h.hour.set(fixed(s3, l3-6, 2))
				}
			} else {
				h.hour.set(fixed(s3, 0, 2))
				if l3 >= 4 {
					h.min.set(fixed(s3, 2, 2))
				}
				if l3 >= 6 {
					h.sec.set(fixed(s3, 4, 2))
				}
			}
		}
	}
	if has4 {
		h.fraction, h.hasFraction = s4, true
	}
	if s5 != "" {
		h.zone, h.hasZone = s5, true
		if s5[0] == '[' {
			inner := s5[1 : len(s5)-1]
			var offset string
			if c := strings.IndexByte(inner, ':'); c >= 0 {
				h.zone, offset = inner[c+1:], inner[:c+1]
			} else {
				h.zone, offset = inner, inner
				if isDigit(inner[0]) {
					offset = "+" + inner
				}
			}
			h.offset, h.hasOffset = zoneToDiff(offset), true
		}
	}
}

// era takes BC after the date: "bc", "bce", "b.c.", "b.c.e.".
func (p *dateParser) era() bool {
	s := p.s
	for i := 0; i < len(s); i++ {
		if !boundary(s, i) {
			continue
		}
		for _, w := range []string{"bc", "bce", "b.c.", "b.c.e."} {
			e, ok := word(s, i, w)
			if !ok || (w[len(w)-1] != '.' && !boundary(s, e)) {
				continue
			}
			p.h.bc = true
			p.blank(i, e)
			return true
		}
	}
	return false
}

// fragment reads one or two digits left alone: a day when only a time was
// read, an hour when only a day was.
func (p *dateParser) fragment() bool {
	s := p.s
	i := skipSpaces(s, 0)
	e := digitsEnd(s, i)
	if e-i < 1 || e-i > 2 || skipSpaces(s, e) != len(s) {
		return false
	}
	n := num(s[i:e])
	h := &p.h
	if h.hour.ok && !h.mday.ok && n >= 1 && n <= 31 {
		h.mday.set(n)
	}
	if h.mday.ok && !h.hour.ok && n <= 24 {
		h.hour.set(n)
	}
	p.blank(0, len(s))
	return true
}

// s3e sorts three fields read in some order into year, month and day, the
// way Ruby's s3e does: a field of more than two digits, or with an
// apostrophe, is the year; a year with something after its digits was the
// day. y, m and d are "" when absent.
func (p *dateParser) s3e(y, m, d string, bc bool) {
	if y != "" && m != "" && d == "" {
		y, m, d = "", y, m
	}
	if y == "" {
		if d != "" && len(d) > 2 {
			y, d = d, ""
		}
		if d != "" && d[0] == '\'' {
			y, d = d, ""
		}
	}
	if y != "" {
		i := 0
		for i < len(y) && !isSign(y[i]) && !isDigit(y[i]) {
			i++
		}
		if i < len(y) {
			b := i
			if isSign(y[i]) {
				i++
			}
			if e := digitsEnd(y, i); e < len(y) {
				y, d = d, y[b:e]
			}
		}
	}
	if m != "" && (m[0] == '\'' || len(m) > 2) {
		y, m, d = m, d, y
	}
	if d != "" && (d[0] == '\'' || len(d) > 2) {
		y, d = d, y
	}
	complete := true
	if y != "" {
		i := 0
		for i < len(y) && !isSign(y[i]) && !isDigit(y[i]) {
			i++
		}
		if i < len(y) {
			b := i
			if isSign(y[i]) {
				i++
				complete = false
			}
			e := digitsEnd(y, i)
			if e-i > 2 {
				complete = false
			}
			p.h.year.set(num(y[b:e]))
		}
	}
	if bc {
		p.h.bc = true
	}
	for _, f := range []struct {
		s  string
		to *field
	}{{m, &p.h.mon}, {d, &p.h.mday}} {
		i := 0
		for i < len(f.s) && !isDigit(f.s[i]) {
			i++
		}
		if i < len(f.s) {
			f.to.set(num(f.s[i:digitsEnd(f.s, i)]))
		}
	}
	if !complete {
		p.h.comp = false
	}
}
