package mgmt

import (
	"math"
	"testing"
)

func TestSaneValue(t *testing.T) {
	good := []string{"0", "1", "#0", "#5", " 1 ", "\t#3\n", "007", "9223372036854775807"}
	bad := []string{"", " ", "-1", "##3", "#", "-#55", "#.0", "1.5", "tons!", "+1", "1 2", "# 5", "9223372036854775808", "1e3"}
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
	tests := map[string]int64{
		"": 0, "5": 5, " 5 ": 5, "#5": 0, " #5": 0, "-3": -3, "+4": 4, "1_000": 1000, "1__0": 1, "12abc": 12,
		"99999999999999999999": math.MaxInt64,
	}
	for in, want := range tests {
		if got := rubyToI(in); got != want {
			t.Errorf("rubyToI(%q) = %d, want %d", in, got, want)
		}
	}
}

func TestGetFrom(t *testing.T) {
	tests := []struct {
		v    *usageValue
		cur  int64
		want int64
	}{
		{nil, 7, 7},
		{&usageValue{raw: "3"}, 7, 10},
		{&usageValue{raw: "#3"}, 7, 3},
		{&usageValue{raw: " #3"}, 7, 7}, // Ruby: not a set, and " #3".to_i is 0
		{&usageValue{raw: "#3 "}, 7, 3},
		{&usageValue{isInt: true, n: 4}, 7, 11},
	}
	for _, tt := range tests {
		if got := getFrom(tt.v, tt.cur); got != tt.want {
			t.Errorf("getFrom(%+v, %d) = %d, want %d", tt.v, tt.cur, got, tt.want)
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
