package server

import (
	"net/url"
	"strings"
	"testing"
)

// Report timestamps are read as apisonator reads them (Ruby's Date._parse):
// the forms real clients send that the sandbox once took for "now" count in
// the period they name, or drop their batch when out of the window. At
// 2026-11-22 10:15:00 (a Sunday), so yesterday is in this week.
func TestReportTimestampsAsRuby(t *testing.T) {
	s := specSandbox(t)
	report := func(name, ts string) {
		t.Helper()
		body := "provider_key=spk&transactions[0][app_id]=tree&transactions[0][usage][hits]=1&transactions[0][timestamp]=" + url.QueryEscape(ts)
		expect(t, name, s.form("/transactions.xml", body), 202, "")
	}
	counts := func(name string, week, day int64) {
		t.Helper()
		expectIn(t, name, s.get(auth).body, ur("hits", "week", 100, week, false), ur("hits", "day", 10, day, day > 10))
	}

	// Yesterday, in this week's counter and not in today's.
	for _, ts := range []string{
		"2026-11-21 12:00:00  0000", // Java and .NET send "+0000" with the + unencoded
		"2026-11-21 12:00:00 0200",  // no sign: Ruby reads no zone, so this is UTC
		"Sat Nov 21 12:00:00 2026",
		"20261121T120000",
		"2026-11-22 08:00:00 JST",
		"2026-11-21 12:00:00 CET",
		"2026-11-21 12:00:00 UTC (from the gateway)",
	} {
		report(ts, ts)
	}
	counts("yesterday", 7, 0)
	report("today, + as a space", "2026-11-22 10:00:00  0000")
	counts("today", 8, 1)

	// Out of the window: the batch is dropped and logged.
	report("01/02/2024 is the 1st of February 2024", "01/02/2024")
	report("asctime", "Mon Jan 01 10:00:00 2024")
	report("tomorrow", "Nov 23 2026")
	body := "provider_key=spk&transactions[0][app_id]=tree&transactions[0][usage][hits]=1&transactions[0][timestamp][]=2024-01-01"
	expect(t, "an array, read as Ruby writes it", s.form("/transactions.xml", body), 202, "")
	counts("dropped", 8, 1)

	r := s.get("/internal/services/2001/errors/")
	var codes []string
	for rest := r.body; ; {
		i := strings.Index(rest, `"code":"`)
		if i < 0 {
			break
		}
		rest = rest[i+len(`"code":"`):]
		codes = append(codes, rest[:strings.IndexByte(rest, '"')])
	}
	want := "transaction_timestamp_too_old transaction_timestamp_too_new transaction_timestamp_too_old transaction_timestamp_too_old"
	if got := strings.Join(codes, " "); got != want {
		t.Errorf("errors, newest first: %s\nwant %s", got, want)
	}
}
