package server

import (
	"strings"
	"testing"
)

// Usage values beyond 64 bits, as Ruby's unbounded integers read them: a
// predicted usage of 20 digits exceeds the limits (it is no invalid value),
// and authrep shows it in full. What the store keeps saturates at
// 9223372036854775807, where the real backend's Redis refuses the
// increment.
func TestUsageBeyond64Bits(t *testing.T) {
	s := start(t, "testdata/bigusage.yaml", day("10:15:00"))
	const (
		huge = "99999999999999999999"
		a    = "/transactions/authorize.xml?provider_key=bpk&app_id=big"
		ar   = "/transactions/authrep.xml?provider_key=bpk&app_id=big"
		lh   = "3scale-options: limit_headers=1&rejection_reason_header=1"
	)
	hitsDay := func(cur string, exceeded bool) string {
		x := ""
		if exceeded {
			x = ` exceeded="true"`
		}
		return `<usage_reports><usage_report metric="hits" period="day"` + x + `><period_start>` + bounds["day"][0] + `</period_start><period_end>` + bounds["day"][1] +
			`</period_end><max_value>10</max_value><current_value>` + cur + `</current_value></usage_report></usage_reports>`
	}
	const plan = `<plan>Big</plan>`

	expect(t, "predicted usage of 20 digits", s.get(a+"&usage[hits]="+huge, lh), 409, status("usage limits are exceeded", plan, hitsDay("0", false)),
		"3scale-rejection-reason: limits_exceeded", "3scale-limit-remaining: 0", "3scale-limit-reset: 49500", "3scale-limit-max-value: 10")
	expect(t, "a child's", s.get(a+"&usage[search]="+huge), 409, status("usage limits are exceeded", plan, hitsDay("0", false)))
	expect(t, "a set of 20 digits", s.get(a+"&usage[hits]=%23"+huge), 409, status("usage limits are exceeded", plan, hitsDay("0", false)))
	expect(t, "just above int64", s.get(a+"&usage[hits]=9223372036854775808"), 409, status("usage limits are exceeded", plan, hitsDay("0", false)))
	expect(t, "on a metric without limits", s.get(a+"&usage[other]="+huge, lh), 200, status("", plan, hitsDay("0", false)),
		"3scale-limit-remaining: -1", "3scale-limit-reset: -1")
	expect(t, "still not a number", s.get(a+"&usage[hits]="+huge+"x"), 403, errDoc("usage_value_invalid", `usage value "`+huge+`x" for metric "hits" is invalid`))

	// With flat_usage the limit of hits is not checked, but the authrep
	// shows the child's usage in hits' current value, in full.
	flat := "3scale-options: flat_usage=1"
	expect(t, "authrep, flat", s.get(ar+"&usage[search]="+huge, flat), 200, status("", plan, hitsDay(huge, false)))
	long := "1" + strings.Repeat("0", 100000)
	expect(t, "authrep of 100001 digits", s.get(ar+"&usage[search]="+long, flat), 200, status("", plan, hitsDay(long, false)))
	expect(t, "hits stored nothing", s.get(a), 200, status("", plan, hitsDay("0", false)))

	// Reports are not checked against limits; the counter saturates.
	expect(t, "report", s.form("/transactions.xml", "provider_key=bpk&transactions[0][app_id]=big&transactions[0][usage][hits]="+huge), 202, "")
	expect(t, "saturated", s.get(a), 409, status("usage limits are exceeded", plan, hitsDay("9223372036854775807", true)))
	expect(t, "report once more", s.form("/transactions.xml", "provider_key=bpk&transactions[0][app_id]=big&transactions[0][usage][hits]=5"), 202, "")
	expect(t, "still saturated", s.get(a), 409, status("usage limits are exceeded", plan, hitsDay("9223372036854775807", true)))
	expect(t, "set back", s.form("/transactions.xml", "provider_key=bpk&transactions[0][app_id]=big&transactions[0][usage][hits]=%233"), 202, "")
	expect(t, "3", s.get(a), 200, status("", plan, hitsDay("3", false)))
	expect(t, "set of 20 digits", s.form("/transactions.xml", "provider_key=bpk&transactions[0][app_id]=big&transactions[0][usage][hits]=%23"+huge), 202, "")
	expect(t, "set saturated", s.get(a), 409, status("usage limits are exceeded", plan, hitsDay("9223372036854775807", true)))
}
