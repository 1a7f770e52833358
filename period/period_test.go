package period

import (
	"testing"
	"time"
)

func TestBoundaries(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04:05", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	now := at("2026-11-22 07:26:36") // a Sunday
	tests := []struct {
		p          Period
		start, end string
	}{
		{Minute, "2026-11-22 07:26:00", "2026-11-22 07:27:00"},
		{Hour, "2026-11-22 07:00:00", "2026-11-22 08:00:00"},
		{Day, "2026-11-22 00:00:00", "2026-11-23 00:00:00"},
		{Week, "2026-11-16 00:00:00", "2026-11-23 00:00:00"},
		{Month, "2026-11-01 00:00:00", "2026-12-01 00:00:00"},
		{Year, "2026-01-01 00:00:00", "2027-01-01 00:00:00"},
	}
	for _, tt := range tests {
		if got := tt.p.Start(now); !got.Equal(at(tt.start)) {
			t.Errorf("%s start = %s, want %s", tt.p, got, tt.start)
		}
		if got := tt.p.End(now); !got.Equal(at(tt.end)) {
			t.Errorf("%s end = %s, want %s", tt.p, got, tt.end)
		}
	}
	// Monday belongs to its own week; December rolls over the year.
	if got := Week.Start(at("2026-11-23 00:00:00")); !got.Equal(at("2026-11-23 00:00:00")) {
		t.Errorf("monday week start = %s", got)
	}
	if got := Month.End(at("2026-12-31 23:59:59")); !got.Equal(at("2027-01-01 00:00:00")) {
		t.Errorf("december end = %s", got)
	}
}

func TestParse(t *testing.T) {
	for _, p := range All {
		got, ok := Parse(p.String())
		if !ok || got != p {
			t.Errorf("Parse(%q) = %v, %v", p.String(), got, ok)
		}
	}
	if _, ok := Parse("fortnight"); ok {
		t.Error("Parse accepted an unknown period")
	}
}
