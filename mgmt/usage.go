package mgmt

import (
	"math"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// usageValue is one metric's usage as apisonator carries it: the raw string
// a caller sent ("5", "#3", " 2 "), or, for a parent that summed its
// children's increments, an integer (n, with no raw string: no value sent
// is empty, and "" would read as 0 anyway). The difference matters: Ruby
// reads "#3" as "set to 3" but " #3" as "add 0".
type usageValue struct {
	raw string
	n   count
}

// isSet is Usage.is_set?: a raw value whose first character is '#'.
func (v usageValue) isSet() bool { return len(v.raw) > 0 && v.raw[0] == '#' }

func (v usageValue) toI() count {
	if v.raw == "" {
		return v.n
	}
	return rubyToI(v.raw)
}

// getFrom is Usage.get_from: a set replaces the current value, anything
// else is added to it. A nil value leaves cur alone.
func getFrom(v *usageValue, cur count) count {
	if v == nil {
		return cur
	}
	if v.isSet() {
		return rubyToI(v.raw[1:])
	}
	return cur.plus(v.toI())
}

// metricUsage pairs a metric with its usage.
type metricUsage struct {
	metric *store.Metric
	value  usageValue
}

// usage is an ordered map from metric to usage, like the Ruby Hash it
// mirrors: a key that is set again keeps its first position.
type usage []metricUsage

func (u usage) get(m *store.Metric) *usageValue {
	for i := range u {
		if u[i].metric == m {
			return &u[i].value
		}
	}
	return nil
}

func (u *usage) put(m *store.Metric, v usageValue) {
	for i := range *u {
		if (*u)[i].metric == m {
			(*u)[i].value = v
			return
		}
	}
	*u = append(*u, metricUsage{m, v})
}

// parseUsage is Metric::Collection#parse_usage: names are stripped, each
// value is checked before its metric is looked up, in the order given.
func parseUsage(svc *store.Service, raw *rackquery.Hash) (usage, *Error) {
	u := make(usage, 0, raw.Len())
	for _, key := range raw.Keys() {
		name := rubyStrip(key)
		v, _ := raw.Get(key)
		s, isStr := v.(rackquery.String)
		if !isStr || !saneValue(string(s)) {
			return nil, errUsageValueInvalid(name, string(s), isStr)
		}
		m := svc.Metric(name)
		if m == nil {
			return nil, errMetricInvalid(name)
		}
		u.put(m, usageValue{raw: string(s)})
	}
	return u, nil
}

// withParents is process_parents: every ancestor of a metric gets its usage
// too. Increments add up; a set ("#N") on a child sets each ancestor to N.
func withParents(u usage, flat bool) usage {
	if flat {
		return u
	}
	ancestors := 0
	for _, mu := range u {
		for p := mu.metric.Parent; p != nil; p = p.Parent {
			ancestors++
		}
	}
	memo := append(make(usage, 0, len(u)+ancestors), u...)
	for _, mu := range u {
		for p := mu.metric.Parent; p != nil; p = p.Parent {
			if mu.value.isSet() {
				memo.put(p, mu.value)
				continue
			}
			var cur count
			if v := memo.get(p); v != nil {
				cur = v.toI()
			}
			memo.put(p, usageValue{n: cur.plus(mu.value.toI())})
		}
	}
	return memo
}

// processUsage parses a raw usage hash and propagates it to parents.
func processUsage(svc *store.Service, raw *rackquery.Hash, flat bool) (usage, *Error) {
	u, err := parseUsage(svc, raw)
	if err != nil {
		return nil, err
	}
	return withParents(u, flat), nil
}

// saneValue is apisonator's /\A\s*#?\d+\s*\Z/: digits, as many as sent
// (Ruby's integers have no bound).
func saneValue(s string) bool {
	i := 0
	for i < len(s) && isRubySpace(s[i]) {
		i++
	}
	if i < len(s) && s[i] == '#' {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == start {
		return false
	}
	for i < len(s) && isRubySpace(s[i]) {
		i++
	}
	return i == len(s)
}

// rubyToI is Ruby's String#to_i: leading whitespace, an optional sign, then
// digits (single underscores allowed between them) up to the first other
// character; 0 if there are none. A value beyond int64 keeps its digits;
// a negative one saturates (usage values have no sign, so none reaches it).
func rubyToI(s string) count {
	i := 0
	for i < len(s) && isRubySpace(s[i]) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	start := i
	var n int64
	prevDigit := false
	for ; i < len(s); i++ {
		c := s[i]
		if c == '_' && prevDigit && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
			prevDigit = false
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		prevDigit = true
		if n > (math.MaxInt64-int64(c-'0'))/10 {
			if neg {
				return small(math.MinInt64)
			}
			return hugeToI(s[start:])
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		return small(-n)
	}
	return small(n)
}

// hugeToI is rubyToI's digits for a number known to exceed int64.
func hugeToI(s string) count {
	var b strings.Builder
	prevDigit := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '_' && prevDigit && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
			prevDigit = false
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		prevDigit = true
		if c == '0' && b.Len() == 0 {
			continue
		}
		b.WriteByte(c)
	}
	return bigCount(b.String())
}

func addSat(a, b int64) int64 {
	s := a + b
	if a > 0 && b > 0 && s < 0 {
		return math.MaxInt64
	}
	if a < 0 && b < 0 && s >= 0 {
		return math.MinInt64
	}
	return s
}
