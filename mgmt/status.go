package mgmt

import (
	"strconv"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/period"
	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// status is apisonator's Transactor::Status: the outcome of an
// authorization and what the response shows.
type status struct {
	ep   Endpoint
	app  *store.Application
	plan *store.Plan // the application's
	svc  *store.Service
	now  time.Time
	// starts are the starts of the periods at now, in Unix seconds.
	starts [len(period.All)]int64
	// reason is the rejection; nil means authorized.
	reason *Error
	// current holds the stored value of each limit of the app's plan.
	current []int64
	// rawUsage is the usage parameter as sent, nil when absent; limitUsage
	// and limitErr what processUsage makes of it.
	rawUsage      *rackquery.Hash
	limitUsage    usage
	limitErr      *Error
	redirectField string
	ext           extensions
	d             *Decision // nil: no trail wanted
}

func (s *status) limits() []store.Limit { return s.plan.Limits }

// readCurrent loads the stored counter of every limit at s.now.
func (s *status) readCurrent(c store.Counters) {
	ls := s.limits()
	if cap(s.current) >= len(ls) {
		s.current = s.current[:len(ls)]
	} else {
		s.current = make([]int64, len(ls))
	}
	for i, l := range ls {
		s.current[i] = c.Get(store.KeyAt(s.app, l.Metric, l.Period, s.starts[l.Period]))
	}
}

// checkLimits is the Limits validator. With a usage, only the limits of the
// usage's metrics and their ancestors are checked, each against the stored
// value plus (or, for "#N", replaced by) the usage; without one, every
// limit is checked as it stands.
func (s *status) checkLimits() *Error {
	u := s.limitUsage
	if s.limitErr != nil {
		return s.limitErr
	}
	for i, l := range s.limits() {
		v := small(s.current[i])
		if s.rawUsage != nil {
			if uv := u.get(l.Metric); uv != nil {
				v = getFrom(uv, v)
			} else {
				v = count{}
			}
		}
		if v.exceeds(l.Value) {
			if s.d != nil {
				s.d.Exceeded = &Exceeded{Metric: l.Metric.Name, Period: l.Period.String(),
					Current: string(appendCount(nil, small(s.current[i]))), Requested: string(appendCount(nil, v)), Max: l.Value}
			}
			return reasonLimitsExceeded()
		}
	}
	return nil
}

// parseUsage processes the usage parameter, for the limits' check.
func (s *status) parseUsage(flat bool) {
	if s.rawUsage != nil {
		s.limitUsage, s.limitErr = processUsage(s.svc, s.rawUsage, flat)
	}
}

// withRaw applies the usage sent for a metric name, exactly as named, to
// cur (getFrom); without one cur stays.
func (s *status) withRaw(name string, cur count) count {
	if s.rawUsage == nil {
		return cur
	}
	v, ok := s.rawUsage.Get(name)
	if !ok {
		return cur
	}
	str, ok := v.(rackquery.String)
	if !ok {
		return cur
	}
	return getFrom(&usageValue{raw: string(str)}, cur)
}

// withTree applies the usage of m and then of its descendants, in the order
// Metric.Descendants gives them, to cur.
func (s *status) withTree(m *store.Metric, cur count) count {
	cur = s.withRaw(m.Name, cur)
	return s.withDescendants(m, cur)
}

func (s *status) withDescendants(m *store.Metric, cur count) count {
	for _, c := range m.Children {
		cur = s.withRaw(c.Name, cur)
	}
	for _, c := range m.Children {
		cur = s.withDescendants(c, cur)
	}
	return cur
}

// shown is the current_value of a usage report: the stored value, plus the
// usage of the metric and its descendants when an authrep is authorized.
func (s *status) shown(i int) count {
	cur := small(s.current[i])
	if s.reason != nil || !s.ep.reports() || s.rawUsage == nil {
		return cur
	}
	return s.withTree(s.limits()[i].Metric, cur)
}

// usageOf is the usage of a metric and its descendants in this request.
func (s *status) usageOf(m *store.Metric) count { return s.withTree(m, count{}) }

// response writes the status document and the extension headers.
func (s *status) response() *Response {
	r := &Response{Status: 200}
	if s.reason != nil {
		r.Status = 409
		if s.ext.rejectionReason {
			r.Header = append(r.Header, [2]string{"3scale-rejection-reason", s.reason.Code})
		}
	}
	if s.ext.limitHeaders && (s.reason == nil || s.reason.Code == "limits_exceeded") {
		r.Header = append(r.Header, s.limitHeaders()...)
	}
	if !s.ext.noBody {
		buf := documents.Get().(*[]byte)
		r.Body = s.document((*buf)[:0])
		r.pooled = buf
	}
	return r
}

// limitHeaders picks the most constrained usage report the way apisonator's
// LimitHeaders does, including its comparison quirk (an unconstrained
// report can displace a constrained one, depending on order).
func (s *status) limitHeaders() [][2]string {
	ls := s.limits()
	considered := make([]int, 0, len(ls))
	if s.rawUsage == nil || s.rawUsage.Len() == 0 {
		for i := range ls {
			considered = append(considered, i)
		}
	} else {
		names := map[string]bool{}
		for _, n := range s.rawUsage.Keys() {
			names[n] = true
			if m := s.svc.Metric(n); m != nil {
				for a := m.Parent; a != nil; a = a.Parent {
					names[a.Name] = true
				}
			}
		}
		for i, l := range ls {
			if names[l.Metric.Name] {
				considered = append(considered, i)
			}
		}
	}
	sameCalls := func(i int) int64 {
		shown := s.shown(i)
		if shown.exceeds(ls[i].Value - 1) { // remaining <= 0
			return 0
		}
		remaining := ls[i].Value - shown.n
		switch u := s.usageOf(ls[i].Metric); {
		case u.huge():
			return 0 // remaining / u
		case u.n > 0:
			return remaining / u.n
		}
		return -1
	}
	best := -1
	var bestCalls int64
	for _, i := range considered {
		calls := sameCalls(i)
		if best < 0 {
			best, bestCalls = i, calls
			continue
		}
		// Array#min keeps x over the current minimum m when cmp(x, m) < 0.
		replace := false
		switch {
		case calls == bestCalls:
			replace = ls[i].Period < ls[best].Period // the longer period wins ties
		case bestCalls == -1 || calls < bestCalls:
			replace = true
		}
		if replace {
			best, bestCalls = i, calls
		}
	}
	if best < 0 || bestCalls == -1 {
		return [][2]string{{"3scale-limit-remaining", "-1"}, {"3scale-limit-reset", "-1"}}
	}
	l := ls[best]
	reset := int64(-1)
	if l.Period != period.Eternity {
		d := l.Period.End(s.now).Sub(s.now)
		reset = int64((d + time.Second - 1) / time.Second)
	}
	return [][2]string{
		{"3scale-limit-remaining", strconv.FormatInt(bestCalls, 10)},
		{"3scale-limit-reset", strconv.FormatInt(reset, 10)},
		{"3scale-limit-max-value", strconv.FormatInt(l.Value, 10)},
	}
}

// document writes the <status> document of Status#to_xml.
func (s *status) document(b []byte) []byte {
	b = append(b, xmlHeader...)
	b = append(b, "<status>"...)
	if s.reason == nil {
		b = append(b, "<authorized>true</authorized>"...)
	} else {
		b = append(b, "<authorized>false</authorized><reason>"...)
		b = append(b, s.reason.Message...)
		b = append(b, "</reason>"...)
	}
	if s.ep.oauth() {
		b = append(b, "<application><id>"...)
		b = append(b, s.app.AppID...)
		b = append(b, "</id><key>"...)
		if len(s.app.Keys) > 0 {
			b = append(b, s.app.Keys[0].Value...)
		}
		b = append(b, "</key><"...)
		b = append(b, s.redirectField...)
		b = append(b, '>')
		b = appendEscaped(b, s.app.RedirectURL)
		b = append(b, "</"...)
		b = append(b, s.redirectField...)
		b = append(b, "></application>"...)
	}
	b = append(b, "<plan>"...)
	b = appendEscaped(b, s.plan.Name)
	b = append(b, "</plan>"...)
	ls := s.limits()
	if len(ls) > 0 {
		b = append(b, "<usage_reports>"...)
		for i, l := range ls {
			b = append(b, `<usage_report metric="`...)
			b = append(b, l.Metric.Name...)
			b = append(b, `" period="`...)
			b = append(b, l.Period.String()...)
			if s.current[i] > l.Value {
				b = append(b, `" exceeded="true">`...)
			} else {
				b = append(b, `">`...)
			}
			if l.Period != period.Eternity {
				b = append(b, "<period_start>"...)
				b = appendTime(b, l.Period.Start(s.now))
				b = append(b, "</period_start><period_end>"...)
				b = appendTime(b, l.Period.End(s.now))
				b = append(b, "</period_end>"...)
			}
			b = append(b, "<max_value>"...)
			b = appendInt(b, l.Value)
			b = append(b, "</max_value><current_value>"...)
			b = appendCount(b, s.shown(i))
			b = append(b, "</current_value></usage_report>"...)
		}
		b = append(b, "</usage_reports>"...)
	}
	if s.ext.listAppKeys {
		b = append(b, `<app_keys app="`...)
		b = append(b, s.app.AppID...)
		b = append(b, `" svc="`...)
		b = append(b, s.svc.ID...)
		b = append(b, `">`...)
		for i, k := range s.app.Keys {
			if i == 256 {
				break
			}
			b = append(b, `<key id="`...)
			b = append(b, k.Value...)
			b = append(b, `"/>`...)
		}
		b = append(b, "</app_keys>"...)
	}
	if s.ext.hierarchy {
		b = append(b, "<hierarchy>"...)
		for _, l := range ls {
			b = append(b, `<metric name="`...)
			b = append(b, l.Metric.Name...)
			b = append(b, `" children="`...)
			for j, c := range l.Metric.Children {
				if j > 0 {
					b = append(b, ' ')
				}
				b = append(b, c.Name...)
			}
			b = append(b, `"/>`...)
		}
		b = append(b, "</hierarchy>"...)
	}
	b = append(b, "</status>"...)
	return b
}
