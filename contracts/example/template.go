package example

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// kind is what a segment of a template stands for.
type kind int

const (
	literal kind = iota
	variable
	anyValue
	integer
	pattern
	timestamp
	datetime
	periodStart
	periodEnd
	reset
	capture
	absent
	clockTime
	repeated
	either
)

// segment is a literal, or one {{placeholder}}.
type segment struct {
	kind kind
	text string   // the literal; the placeholder's source, braces included
	arg  string   // variable or capture name, period name
	args []string // either: the variables
	re   *regexp.Regexp
	// repeated: {{repeat COUNT TEXT}}
	count int
	// clockTime: {{time OFFSET FORMAT [ZONE]}}
	offset time.Duration
	format string
	zone   *time.Location
}

// Template is a value with placeholders: expected values in responses,
// values to send in requests.
type Template []segment

// use says where a template appears, which decides the placeholders it may
// hold.
type use int

const (
	inRequest use = iota
	inResponse
	inHeader // a response header: {{absent}} is allowed, alone
)

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// parseTemplate splits s into literals and placeholders and checks each
// placeholder against where it is used.
func parseTemplate(s string, u use) (Template, error) {
	var t Template
	for s != "" {
		i := strings.Index(s, "{{")
		if i < 0 {
			t = append(t, segment{kind: literal, text: s})
			break
		}
		if i > 0 {
			t = append(t, segment{kind: literal, text: s[:i]})
		}
		j := strings.Index(s[i+2:], "}}")
		if j < 0 {
			return nil, fmt.Errorf("%q: {{ without }}", clip(s[i:]))
		}
		// A run of braces closes at its end: {{regex [0-9]{3}}} ends with
		// the quantifier's brace inside.
		for i+2+j+2 < len(s) && s[i+2+j+2] == '}' {
			j++
		}
		src := s[i : i+2+j+2]
		seg, err := parsePlaceholder(src, strings.TrimSpace(s[i+2:i+2+j]), u)
		if err != nil {
			return nil, err
		}
		t = append(t, seg)
		s = s[i+2+j+2:]
	}
	for _, seg := range t {
		if seg.kind == absent && len(t) > 1 {
			return nil, errors.New("{{absent}} must be the whole value")
		}
	}
	return t, nil
}

// Placeholders by name; a bare identifier that is none of these is a
// variable.
var responseOnly = map[string]kind{
	"any": anyValue, "int": integer, "regex": pattern, "timestamp": timestamp, "datetime": datetime,
	"period_start": periodStart, "period_end": periodEnd, "reset": reset, "capture": capture, "absent": absent,
	"either": either,
}

func parsePlaceholder(src, body string, u use) (segment, error) {
	seg := segment{text: src}
	if strings.HasPrefix(body, `"`) {
		lit, err := strconv.Unquote(body)
		if err != nil {
			return seg, fmt.Errorf("%s: a quoted literal must be a Go string: %v", src, err)
		}
		return segment{kind: literal, text: lit}, nil
	}
	name, arg, _ := strings.Cut(body, " ")
	arg = strings.TrimSpace(arg)
	if k, ok := responseOnly[name]; ok {
		if u == inRequest {
			return seg, fmt.Errorf("%s: {{%s}} matches a response value; a request can use variables and {{time}}", src, name)
		}
		seg.kind = k
		return seg, seg.parseArg(name, arg, u)
	}
	if name == "repeat" {
		if u != inRequest {
			return seg, fmt.Errorf("%s: {{repeat}} makes a request value", src)
		}
		seg.kind = repeated
		return seg, seg.parseRepeat(arg)
	}
	if name == "time" {
		if u != inRequest {
			return seg, fmt.Errorf("%s: {{time}} makes a request value; in a response use {{timestamp}} or {{period_start P}}", src)
		}
		seg.kind = clockTime
		return seg, seg.parseTime(arg)
	}
	if arg != "" || !identifier.MatchString(name) {
		return seg, fmt.Errorf("%s: unknown placeholder (known: any, int, regex, either, timestamp, datetime, period_start, period_end, reset, capture, absent, time, repeat, or a variable name)", src)
	}
	seg.kind = variable
	seg.arg = name
	return seg, nil
}

func (seg *segment) parseArg(name, arg string, u use) error {
	switch seg.kind {
	case anyValue, integer, timestamp, datetime:
		if arg != "" {
			return fmt.Errorf("%s: {{%s}} takes no argument", seg.text, name)
		}
	case absent:
		if arg != "" {
			return fmt.Errorf("%s: {{absent}} takes no argument", seg.text)
		}
		if u != inHeader {
			return fmt.Errorf("%s: {{absent}} is for headers; leave an element out of the body instead", seg.text)
		}
	case pattern:
		if arg == "" {
			return fmt.Errorf("%s: {{regex}} needs a regular expression", seg.text)
		}
		re, err := regexp.Compile(`^(?:` + arg + `)$`)
		if err != nil {
			return fmt.Errorf("%s: %v", seg.text, err)
		}
		seg.re = re
	case periodStart, periodEnd, reset:
		if _, ok := periods[arg]; !ok {
			return fmt.Errorf("%s: {{%s}} needs a period: minute, hour, day, week, month or year", seg.text, name)
		}
		seg.arg = arg
	case either:
		seg.args = strings.Fields(arg)
		for _, n := range seg.args {
			if !identifier.MatchString(n) {
				return fmt.Errorf("%s: {{either VAR VAR...}} takes variable names, not %q", seg.text, n)
			}
		}
		if len(seg.args) < 2 {
			return fmt.Errorf("%s: {{either VAR VAR...}} needs two variables or more", seg.text)
		}
	case capture:
		n, re, _ := strings.Cut(arg, " ")
		if !identifier.MatchString(n) {
			return fmt.Errorf("%s: {{capture NAME [REGEX]}} needs a name", seg.text)
		}
		seg.arg = n
		if re = strings.TrimSpace(re); re != "" {
			c, err := regexp.Compile(`^(?:` + re + `)$`)
			if err != nil {
				return fmt.Errorf("%s: %v", seg.text, err)
			}
			seg.re = c
		}
	}
	return nil
}

// Formats of {{time}}, by name, so that a reader needs no Go layouts.
var timeFormats = map[string]string{
	"unix":    "",
	"iso8601": "2006-01-02T15:04:05Z07:00",
	"sql":     "2006-01-02 15:04:05",
	"zoned":   "2006-01-02 15:04:05 -0700",
	"rfc2822": "Mon, 02 Jan 2006 15:04:05 -0700",
	"date":    "2006/01/02",
	"asctime": "Mon Jan _2 15:04:05 2006",
	"compact": "20060102T150405",
}

func (seg *segment) parseTime(arg string) error {
	f := strings.Fields(arg)
	if len(f) < 2 || len(f) > 3 {
		return fmt.Errorf("%s: {{time OFFSET FORMAT [ZONE]}}, e.g. {{time -25h sql}} or {{time +30m zoned +0200}}", seg.text)
	}
	d, err := time.ParseDuration(f[0])
	if err != nil {
		return fmt.Errorf("%s: offset: %v", seg.text, err)
	}
	if _, ok := timeFormats[f[1]]; !ok {
		return fmt.Errorf("%s: format %q is not one of unix, iso8601, sql, zoned, rfc2822, date, asctime, compact", seg.text, f[1])
	}
	seg.offset, seg.format, seg.zone = d, f[1], time.UTC
	if len(f) == 3 {
		z, err := time.Parse("-0700", f[2])
		if err != nil {
			return fmt.Errorf("%s: zone %q: want +HHMM or -HHMM", seg.text, f[2])
		}
		_, off := z.Zone()
		seg.zone = time.FixedZone(f[2], off)
	}
	return nil
}

// maxRepeat bounds what {{repeat}} makes: Rack's limits are 4 MiB.
const maxRepeat = 16 << 20

func (seg *segment) parseRepeat(arg string) error {
	n, text, _ := strings.Cut(arg, " ")
	count, err := strconv.Atoi(n)
	if err != nil || count < 0 || text == "" || count*len(text) > maxRepeat {
		return fmt.Errorf("%s: {{repeat COUNT TEXT}} with at most %d bytes in all, e.g. {{repeat 4097 &x=1}}", seg.text, maxRepeat)
	}
	seg.count, seg.arg = count, text
	return nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Env is what templates are expanded and matched with.
type Env struct {
	// Vars holds the variables, and the values captured so far.
	Vars map[string]string
	// Sent and Received bound the moment the target answered; period
	// placeholders accept a value of any instant in [Sent-Slack,
	// Received+Slack], so a boundary crossed in flight, or a clock a little
	// off, is tolerated.
	Sent, Received time.Time
	Slack          time.Duration
}

func (env *Env) lookup(name string) (string, error) {
	v, ok := env.Vars[name]
	if !ok {
		return "", fmt.Errorf("undefined variable {{%s}}", name)
	}
	return v, nil
}

// Expand renders a request template at now. escape, if not nil, is applied
// to every placeholder's value (the request line's query needs it).
func (t Template) Expand(env *Env, now time.Time, escape func(string) string) (string, error) {
	var b strings.Builder
	for _, seg := range t {
		var v string
		switch seg.kind {
		case literal:
			b.WriteString(seg.text)
			continue
		case variable:
			var err error
			if v, err = env.lookup(seg.arg); err != nil {
				return "", err
			}
		case repeated:
			b.WriteString(strings.Repeat(seg.arg, seg.count)) // sent as written
			continue
		case clockTime:
			at := now.Add(seg.offset).In(seg.zone)
			if seg.format == "unix" {
				v = strconv.FormatInt(at.Unix(), 10)
			} else {
				v = at.Format(timeFormats[seg.format])
			}
		default:
			return "", fmt.Errorf("%s cannot be sent", seg.text)
		}
		if escape != nil {
			v = escape(v)
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

// String is the template as written.
func (t Template) String() string {
	var b strings.Builder
	for _, seg := range t {
		if seg.kind == literal {
			b.WriteString(escapeLiteral(seg.text))
		} else {
			b.WriteString(seg.text)
		}
	}
	return b.String()
}

// escapeLiteral writes a literal so that it reads back as one: a "{{" in it
// is written {{"{{"}}.
func escapeLiteral(s string) string {
	return strings.ReplaceAll(s, "{{", `{{"{{"}}`)
}

// IsAbsent reports whether the template is {{absent}}.
func (t Template) IsAbsent() bool { return len(t) == 1 && t[0].kind == absent }

// pureLiteral reports whether the template is text alone.
func (t Template) pureLiteral() bool {
	for _, seg := range t {
		if seg.kind != literal {
			return false
		}
	}
	return true
}

// isLiteral reports whether the template has no placeholder but variables.
func (t Template) isLiteral() bool {
	for _, seg := range t {
		if seg.kind != literal && seg.kind != variable {
			return false
		}
	}
	return true
}

// Match reports whether got is a value the template allows, and records
// the captures it makes in env.Vars.
func (t Template) Match(got string, env *Env) (bool, error) {
	var re strings.Builder
	re.WriteString(`^(?s:`)
	groups := map[string]segment{}
	for i, seg := range t {
		g := fmt.Sprintf("g%d", i)
		switch seg.kind {
		case literal:
			re.WriteString(regexp.QuoteMeta(seg.text))
		case variable:
			v, err := env.lookup(seg.arg)
			if err != nil {
				return false, err
			}
			re.WriteString(regexp.QuoteMeta(v))
		case anyValue:
			re.WriteString(`.*?`)
		case either:
			var alts []string
			for _, n := range seg.args {
				v, err := env.lookup(n)
				if err != nil {
					return false, err
				}
				alts = append(alts, regexp.QuoteMeta(v))
			}
			re.WriteString(`(?:` + strings.Join(alts, "|") + `)`)
		case integer:
			re.WriteString(`(?P<` + g + `>-?[0-9]+)`)
		case timestamp, periodStart, periodEnd:
			re.WriteString(`(?P<` + g + `>[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4})`)
		case datetime:
			re.WriteString(`(?P<` + g + `>[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:Z|[+-][0-9]{2}:[0-9]{2}))`)
		case reset:
			re.WriteString(`(?P<` + g + `>-?[0-9]+)`)
		case pattern, capture:
			inner := `.*?`
			if seg.re != nil {
				inner = strings.TrimSuffix(strings.TrimPrefix(seg.re.String(), `^(?:`), `)$`)
			}
			re.WriteString(`(?P<` + g + `>(?:` + inner + `))`)
		case absent:
			return false, nil // a present value never matches {{absent}}
		default:
			return false, fmt.Errorf("%s cannot match a response", seg.text)
		}
		groups[g] = seg
	}
	re.WriteString(`)$`)
	c, err := regexp.Compile(re.String())
	if err != nil {
		return false, fmt.Errorf("%s: %v", t.String(), err)
	}
	m := c.FindStringSubmatch(got)
	if m == nil {
		return false, nil
	}
	captured := map[string]string{}
	for i, name := range c.SubexpNames() {
		seg, ok := groups[name]
		if !ok {
			continue
		}
		switch seg.kind {
		case periodStart, periodEnd:
			if !contains(env.bounds(seg.kind, seg.arg), m[i]) {
				return false, nil
			}
		case reset:
			n, err := strconv.ParseInt(m[i], 10, 64)
			if err != nil || !env.resetAllowed(seg.arg, n) {
				return false, nil
			}
		case capture:
			captured[seg.arg] = m[i]
		}
	}
	for k, v := range captured {
		env.Vars[k] = v
	}
	return true, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// window is the instants whose period values are accepted.
func (env *Env) window() (time.Time, time.Time) {
	return env.Sent.Add(-env.Slack), env.Received.Add(env.Slack)
}

// bounds lists the accepted values of {{period_start P}} or {{period_end P}}.
func (env *Env) bounds(k kind, p string) []string {
	a, b := env.window()
	var out []string
	for _, t := range []time.Time{a, env.Sent, env.Received, b} {
		s, e := bounds(p, t)
		v := s
		if k == periodEnd {
			v = e
		}
		if f := formatTime(v); !contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// secondsLeft is apisonator's 3scale-limit-reset: the seconds until the
// period ends, rounded up.
func secondsLeft(p string, t time.Time) int64 {
	_, end := bounds(p, t)
	return int64(math.Ceil(end.Sub(t).Seconds()))
}

// resetAllowed accepts the seconds left at any instant of the window.
func (env *Env) resetAllowed(p string, n int64) bool {
	a, b := env.window()
	sa, _ := bounds(p, a)
	sb, _ := bounds(p, b)
	hi, lo := secondsLeft(p, a), secondsLeft(p, b)
	if sa.Equal(sb) {
		return lo <= n && n <= hi
	}
	// The period ended within the window: the old one's last seconds or the
	// new one's first.
	return (0 <= n && n <= hi) || n >= lo
}

// describe renders the template for a diff: placeholders that resolve to
// one value show it.
func (t Template) describe(env *Env) string {
	var b strings.Builder
	for _, seg := range t {
		switch seg.kind {
		case literal:
			b.WriteString(seg.text)
		case variable:
			if v, err := env.lookup(seg.arg); err == nil {
				b.WriteString(v)
			} else {
				b.WriteString(seg.text)
			}
		case periodStart, periodEnd:
			b.WriteString(seg.text + " (" + strings.Join(env.bounds(seg.kind, seg.arg), " or ") + ")")
		case reset:
			a, bb := env.window()
			fmt.Fprintf(&b, "%s (%d..%d)", seg.text, secondsLeft(seg.arg, bb), secondsLeft(seg.arg, a))
		default:
			b.WriteString(seg.text)
		}
	}
	return b.String()
}
