package mgmt

import (
	"math"
	"strconv"
)

// A count is a Ruby Integer as apisonator's usage arithmetic makes it.
// Ruby's integers have no bound, so a usage of 20 digits is compared with
// the limits (and exceeds them) and shown in full. Every ordinary count
// fits in n; one above math.MaxInt64 keeps its decimal digits in *big
// instead, which keeps the common case small and free of allocations,
// and every operation on huge counts linear in their digits (a 4 MiB body
// can hold a usage value of four million digits).
//
// Counts come from usage values (never negative), stored counters and
// limits; the arithmetic here is the little apisonator does with them:
// sums, comparisons, and showing them.
type count struct {
	n   int64
	big *string // decimal digits, no leading zeros, when above MaxInt64
}

func small(n int64) count { return count{n: n} }

func bigCount(digits string) count { return count{big: &digits} }

// huge reports whether c does not fit in an int64.
func (c count) huge() bool { return c.big != nil }

// saturated is c, or math.MaxInt64 when it does not fit: what the store
// keeps of it.
func (c count) saturated() int64 {
	if c.huge() {
		return math.MaxInt64
	}
	return c.n
}

// exceeds reports whether c > limit.
func (c count) exceeds(limit int64) bool { return c.huge() || c.n > limit }

// plus is c + d.
func (c count) plus(d count) count {
	if !c.huge() && !d.huge() {
		s := c.n + d.n
		switch {
		case c.n > 0 && d.n > 0 && s < 0:
			return bigCount(strconv.FormatUint(uint64(c.n)+uint64(d.n), 10))
		case c.n < 0 && d.n < 0 && s >= 0:
			return small(math.MinInt64) // no negative count reaches here
		}
		return small(s)
	}
	if !c.huge() {
		c, d = d, c
	}
	// c is huge (> MaxInt64); d may be huge, small, or negative.
	switch {
	case d.huge():
		return bigCount(addDigits(*c.big, *d.big))
	case d.n >= 0:
		return bigCount(addDigits(*c.big, strconv.FormatInt(d.n, 10)))
	default:
		return normalized(subDigits(*c.big, strconv.FormatUint(uint64(-(d.n+1))+1, 10)))
	}
}

// appendCount writes c in decimal.
func appendCount(b []byte, c count) []byte {
	if c.huge() {
		return append(b, *c.big...)
	}
	return strconv.AppendInt(b, c.n, 10)
}

// normalized makes digits (no leading zeros) a count.
func normalized(digits string) count {
	if n, err := strconv.ParseInt(digits, 10, 64); err == nil {
		return small(n)
	}
	return bigCount(digits)
}

// addDigits adds two decimal numbers without leading zeros.
func addDigits(a, b string) string {
	if len(a) < len(b) {
		a, b = b, a
	}
	out := make([]byte, len(a)+1)
	carry := byte(0)
	for i := 0; i < len(a); i++ {
		d := a[len(a)-1-i] - '0' + carry
		if i < len(b) {
			d += b[len(b)-1-i] - '0'
		}
		carry = d / 10
		out[len(out)-1-i] = d%10 + '0'
	}
	if carry > 0 {
		out[0] = '1'
		return string(out)
	}
	return string(out[1:])
}

// subDigits is a - b for decimal numbers with a >= b, without leading
// zeros in the result ("0" for zero).
func subDigits(a, b string) string {
	out := make([]byte, len(a))
	borrow := byte(0)
	for i := 0; i < len(a); i++ {
		d := int(a[len(a)-1-i]-'0') - int(borrow)
		if i < len(b) {
			d -= int(b[len(b)-1-i] - '0')
		}
		borrow = 0
		if d < 0 {
			d += 10
			borrow = 1
		}
		out[len(out)-1-i] = byte(d) + '0'
	}
	i := 0
	for i < len(out)-1 && out[i] == '0' {
		i++
	}
	return string(out[i:])
}
