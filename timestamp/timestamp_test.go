package timestamp

import (
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC; "" = unparsable
	}{
		{"1795332390", "2026-11-22T07:26:30Z"},
		{" 1795332390\n", "2026-11-22T07:26:30Z"},
		{"+1795332390", "2026-11-22T07:26:30Z"},
		{"1_795_332_390", "2026-11-22T07:26:30Z"},
		{"0", "1970-01-01T00:00:00Z"},
		{"-1", "1969-12-31T23:59:59Z"},
		{"0x10", "1970-01-01T00:00:16Z"},
		{"0b11", "1970-01-01T00:00:03Z"},
		{"0o17", "1970-01-01T00:00:15Z"},
		{"017", "1970-01-01T00:00:15Z"},
		{"0d17", "1970-01-01T00:00:17Z"},
		{"2026-11-22 07:26:30", "2026-11-22T07:26:30Z"},
		{"2026-11-22T07:26:30Z", "2026-11-22T07:26:30Z"},
		{"2026-11-22T07:26:30.123456Z", "2026-11-22T07:26:30Z"},
		{"2026-11-22 07:26:30 UTC", "2026-11-22T07:26:30Z"},
		{"2026-11-22 09:26:30 +0200", "2026-11-22T07:26:30Z"},
		{"2026-11-22 05:26:30 -02:00", "2026-11-22T07:26:30Z"},
		{"2026-11-22T09:26:30+02", "2026-11-22T07:26:30Z"},
		{"2026-11-22 07:26", "2026-11-22T07:26:00Z"},
		{"2026-11-22", "2026-11-22T00:00:00Z"},
		{"2026/11/22", "2026-11-22T00:00:00Z"},
		{"2026-11-31", "2026-12-01T00:00:00Z"},
		{"Sun, 22 Nov 2026 07:26:30 +0000", "2026-11-22T07:26:30Z"},
		{"22 Nov 2026 02:26:30 EST", "2026-11-22T07:26:30Z"},
		{"Sunday, 22-Nov-2026 07:26:30 GMT", "2026-11-22T07:26:30Z"},
		{"", ""},
		{"   ", ""},
		{"abc", ""},
		{"08", ""},
		{"1__0", ""},
		{"_1", ""},
		{"1e5", ""},
		{"12.5", ""},
		{"2026-13-01", ""},
		{"2026-11-32", ""},
		{"2026-11-22 25:00:00", ""},
		{"22 Foo 2026", ""},
	}
	for _, tt := range tests {
		got, ok := Parse(tt.in)
		if tt.want == "" {
			if ok {
				t.Errorf("Parse(%q) = %v, want unparsable", tt.in, got)
			}
			continue
		}
		if !ok || got.Format(time.RFC3339) != tt.want {
			t.Errorf("Parse(%q) = %v %v, want %s", tt.in, got.Format(time.RFC3339), ok, tt.want)
		}
	}
	// Huge integers saturate rather than wrap into the accepted window.
	if got, ok := Parse("99999999999999999999999999"); !ok || got.Year() < 10000 {
		t.Errorf("huge = %v %v", got, ok)
	}
	if got, ok := Parse("-99999999999999999999999999"); !ok || got.Year() > 0 {
		t.Errorf("-huge = %v %v", got, ok)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"1795332390", "0x1f", "2026-11-22 07:26:30 +0200", "Sun, 22 Nov 2026 07:26:30 GMT", "2026/1/2T3:04"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, okA := Parse(s)
		b, okB := Parse(s)
		if okA != okB || !a.Equal(b) {
			t.Fatalf("Parse(%q) is not deterministic", s)
		}
		if okA && a.Location() != time.UTC {
			t.Fatalf("Parse(%q) not in UTC", s)
		}
	})
}
