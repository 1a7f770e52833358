package main

import (
	"strings"
	"testing"
	"time"
)

// The forms --frozen-time takes, and a reason for a text of the right
// shape out of range.
func TestParseInstant(t *testing.T) {
	utc := func(h, m, s int) time.Time { return time.Date(2026, 3, 29, h, m, s, 0, time.UTC) }
	for _, tt := range []struct {
		in   string
		want time.Time
	}{
		{"2026-03-29T10:00:00Z", utc(10, 0, 0)},
		{"2026-03-29T12:00:00+02:00", utc(10, 0, 0)},
		{"2026-03-29T10:00:00.5Z", utc(10, 0, 0).Add(500 * time.Millisecond)},
		{"2026-03-29", utc(0, 0, 0)},
		{"2026-03-29T10:00", utc(10, 0, 0)},
		{"2026-03-29T10:00:07", utc(10, 0, 7)},
		{"2026-03-29 10:00", utc(10, 0, 0)},
		{"2026-03-29 10:00:07", utc(10, 0, 7)},
		{"2026-03-29 12:00:07+02:00", utc(10, 0, 7)},
	} {
		got, err := parseInstant(tt.in)
		if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("parseInstant(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, tt := range []struct{ in, reason string }{
		{"yesterday", ""},
		{"", ""},
		{"29/03/2026", ""},
		{"2026-13-01", "month out of range; "},
		{"2026-02-30", "day out of range; "},
		{"2026-03-29T24:00", "hour out of range; "},
	} {
		_, err := parseInstant(tt.in)
		if err == nil || err.Error() != tt.reason+instantForms {
			t.Errorf("parseInstant(%q) = %v, want %q", tt.in, err, tt.reason+instantForms)
		}
	}
}

// No text makes parseInstant panic; a refusal always gives the forms.
func FuzzParseInstant(f *testing.F) {
	for _, s := range []string{"2026-03-29", "2026-03-29T10:00:00Z", "2026-02-30", "2026-03-29 10:00:00+02:00", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := parseInstant(s); err != nil && !strings.HasSuffix(err.Error(), instantForms) {
			t.Fatalf("%q: %v", s, err)
		}
	})
}
