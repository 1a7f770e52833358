package mgmt

import (
	"math"
	"strings"
	"testing"
)

func TestSaneValue(t *testing.T) {
	good := []string{"0", "1", "#0", "#5", " 1 ", "\t#3\n", "007", "9223372036854775807",
		"9223372036854775808", "#99999999999999999999", strings.Repeat("9", 100000)} // Ruby's integers have no bound
	bad := []string{"", " ", "-1", "##3", "#", "-#55", "#.0", "1.5", "tons!", "+1", "1 2", "# 5", "1e3", "1_000"}
	for _, s := range good {
		if !saneValue(s) {
			t.Errorf("saneValue(%q) = false", s)
		}
	}
	for _, s := range bad {
		if saneValue(s) {
			t.Errorf("saneValue(%q) = true", s)
		}
	}
}

func TestRubyToI(t *testing.T) {
	tests := map[string]count{
		"": small(0), "5": small(5), " 5 ": small(5), "#5": small(0), " #5": small(0), "-3": small(-3), "+4": small(4),
		"1_000": small(1000), "1__0": small(1), "12abc": small(12),
		"9223372036854775807":           small(math.MaxInt64),
		"9223372036854775808":           bigCount("9223372036854775808"),
		" 0099999999999999999999x":      bigCount("99999999999999999999"),
		"1_0000_0000_0000_0000_0000":    bigCount("100000000000000000000"),
		"00000000000000000000000000042": small(42),
		"-99999999999999999999":         small(math.MinInt64),
	}
	for in, want := range tests {
		if got := rubyToI(in); got.huge() != want.huge() || string(appendCount(nil, got)) != string(appendCount(nil, want)) {
			t.Errorf("rubyToI(%q) = %s, want %s", in, appendCount(nil, got), appendCount(nil, want))
		}
	}
}

func TestCountPlus(t *testing.T) {
	tests := []struct {
		a, b count
		want string
	}{
		{small(2), small(3), "5"},
		{small(math.MaxInt64), small(1), "9223372036854775808"},
		{small(math.MaxInt64), small(math.MaxInt64), "18446744073709551614"},
		{bigCount("99999999999999999999"), small(1), "100000000000000000000"},
		{small(7), bigCount("99999999999999999999"), "100000000000000000006"},
		{bigCount("99999999999999999999"), bigCount("1" + strings.Repeat("0", 30)), "1000000000099999999999999999999"},
		{bigCount("9223372036854775808"), small(-1), "9223372036854775807"},
		{bigCount("9223372036854775808"), small(math.MinInt64), "0"},
		{bigCount("100000000000000000000"), small(-5), "99999999999999999995"},
	}
	for _, tt := range tests {
		got := tt.a.plus(tt.b)
		if s := string(appendCount(nil, got)); s != tt.want {
			t.Errorf("%s + %s = %s, want %s", appendCount(nil, tt.a), appendCount(nil, tt.b), s, tt.want)
		}
		if fits := len(tt.want) < 19 || tt.want <= "9223372036854775807" && len(tt.want) == 19; fits == got.huge() {
			t.Errorf("%s + %s: huge() = %v for %s", appendCount(nil, tt.a), appendCount(nil, tt.b), got.huge(), tt.want)
		}
	}
	if !(bigCount("9223372036854775808")).exceeds(math.MaxInt64) || small(5).exceeds(5) || !small(6).exceeds(5) {
		t.Error("exceeds")
	}
	if (bigCount("1" + strings.Repeat("0", 40))).saturated() != math.MaxInt64 {
		t.Error("saturated")
	}
}

func TestGetFrom(t *testing.T) {
	tests := []struct {
		v    *usageValue
		cur  int64
		want count
	}{
		{nil, 7, small(7)},
		{&usageValue{raw: "3"}, 7, small(10)},
		{&usageValue{raw: "#3"}, 7, small(3)},
		{&usageValue{raw: " #3"}, 7, small(7)}, // Ruby: not a set, and " #3".to_i is 0
		{&usageValue{raw: "#3 "}, 7, small(3)},
		{&usageValue{n: small(4)}, 7, small(11)},
		{&usageValue{raw: "99999999999999999999"}, 7, bigCount("100000000000000000006")},
		{&usageValue{raw: "#99999999999999999999"}, 7, bigCount("99999999999999999999")},
	}
	for _, tt := range tests {
		if got := getFrom(tt.v, small(tt.cur)); got.huge() != tt.want.huge() || string(appendCount(nil, got)) != string(appendCount(nil, tt.want)) {
			t.Errorf("getFrom(%+v, %d) = %s, want %s", tt.v, tt.cur, appendCount(nil, got), appendCount(nil, tt.want))
		}
	}
}

func TestReferrerMatches(t *testing.T) {
	tests := []struct {
		filter, ref string
		want        bool
	}{
		{"*.example.org", "foo.example.org", true},
		{"*.example.org", "example.org", false},
		{"*.example.org", "a.example.org.evil.com", false},
		{"example.org", "example.org", true},
		{"example.org", "exampleXorg", false}, // '.' is literal
		{"*", "", true},
		{"*", "anything at all", true},
		{"*", "line\nbreak", false}, // Ruby's '.' does not cross a line break
		{"a*b*c", "aXXbYYc", true},
		{"a*b*c", "aXXbYY", false},
		{"http://*.dev.test/*", "http://www.dev.test/path", true},
		{"", "", true},
		{"", "x", false},
	}
	for _, tt := range tests {
		if got := referrerMatches(tt.filter, tt.ref); got != tt.want {
			t.Errorf("referrerMatches(%q, %q) = %v, want %v", tt.filter, tt.ref, got, tt.want)
		}
	}
}
