package example

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// 2026-11-22 10:15:00 UTC, a Sunday.
var sunday = time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)

func env(vars ...string) *Env {
	e := &Env{Vars: map[string]string{}, Sent: sunday, Received: sunday}
	for i := 0; i+1 < len(vars); i += 2 {
		e.Vars[vars[i]] = vars[i+1]
	}
	return e
}

const sample = `# A comment before the first example.

=== authorized
@source seeds/000 "To authorize an application"
GET /transactions/authorize.xml?provider_key={{provider_key}}&app_id={{app_id}}
3scale-options: limit_headers=1

HTTP 200
content-type: application/vnd.3scale-v2.0+xml
3scale-limit-reset: {{reset day}}
3scale-rejection-reason: {{absent}}
` + "```xml" + `
<?xml version="1.0" encoding="UTF-8"?>
<status>
  <authorized>true</authorized>
  <plan>Basic &amp; Co</plan>
  <usage_reports>
    <usage_report metric="hits" period="day">
      <period_start>{{period_start day}}</period_start>
      <period_end>{{period_end day}}</period_end>
      <max_value>100</max_value>
      <current_value>{{int}}</current_value>
    </usage_report>
    <usage_report metric="hits" period="week">
      <period_start>{{period_start week}}</period_start>
      <period_end>{{period_end week}}</period_end>
      <max_value>500</max_value>
      <current_value>5</current_value>
    </usage_report>
  </usage_reports>
</status>
` + "```" + `

# Comments may follow a body.

=== report
@violates request
POST /transactions.xml
[Form]
provider_key: {{provider_key}}
transactions[0][app_id]: {{app_id}}
transactions[0][timestamp]: {{time -1h sql}}

HTTP 202

=== status
GET /status
HTTP 200
` + "```json" + `
{"status": "ok", "version": {"backend": "{{regex 3\\.\\d+\\.\\d+}}"}}
` + "```" + `
`

func TestParseSample(t *testing.T) {
	f, err := Parse("sample.txt", "spec/sample", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Examples) != 3 {
		t.Fatalf("%d examples", len(f.Examples))
	}
	a, r, s := f.Examples[0], f.Examples[1], f.Examples[2]
	if a.FullName() != "spec/sample/authorized" || a.Line != 3 || a.Source != `seeds/000 "To authorize an application"` {
		t.Errorf("authorized: %q line %d source %q", a.FullName(), a.Line, a.Source)
	}
	if a.Request.Method != "GET" || len(a.Request.Header) != 1 || a.Response.Status != 200 || len(a.Response.Header) != 3 || a.Response.Body.Kind != XML {
		t.Errorf("authorized parsed as %+v", a)
	}
	if !r.ViolatesRequest || r.ViolatesResponse || len(r.Request.Form) != 3 || r.Response.Body != nil {
		t.Errorf("report parsed as %+v", r)
	}
	if s.Response.Body.Kind != JSON {
		t.Errorf("status body kind %v", s.Response.Body.Kind)
	}
	// Without changes, Bytes gives back the file.
	if got := string(f.Bytes()); got != sample {
		t.Errorf("Bytes changed the file:\n%s", got)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"GET /\nHTTP 200\n", `f.txt:1: text before the first example (start one with "=== NAME")`},
		{"===\nGET /\nHTTP 200\n", `f.txt:1: an example needs a name: "=== NAME"`},
		{"=== a\n", `f.txt:1: example "a" has no request`},
		{"=== a\n=== b\nGET /\nHTTP 200\n", `f.txt:1: example "a" has no request`},
		{"=== a\nGET /\n", `f.txt:2: example "a" has no response: want "HTTP STATUS"`},
		{"=== a\nGET /\n=== b\nGET /\nHTTP 200\n", `f.txt:3: example "a" has no response: want "HTTP STATUS" before the next example`},
		{"=== a\nget /\nHTTP 200\n", `f.txt:2: want a request line "METHOD /path?query", got "get /"`},
		{"=== a\nGET\nHTTP 200\n", `f.txt:2: want a request line "METHOD /path?query", got "GET"`},
		{"=== a\nGET http://x/\nHTTP 200\n", `f.txt:2: the target must be a path starting with /, relative to the endpoint: "http://x/"`},
		{"=== a\n@nope\nGET /\nHTTP 200\n", `f.txt:2: unknown directive @nope (known: @source, @violates, @receiver)`},
		{"=== a\n@source\nGET /\nHTTP 200\n", `f.txt:2: @source needs a text`},
		{"=== a\n@violates body\nGET /\nHTTP 200\n", `f.txt:2: @violates takes request and/or response, not "body"`},
		{"=== a\n@violates\nGET /\nHTTP 200\n", `f.txt:2: @violates takes request and/or response`},
		{"=== a\nGET /?a={{any}}\nHTTP 200\n", `f.txt:2: request line: {{any}}: {{any}} matches a response value; a request can use variables and {{time}}`},
		{"=== a\nGET /?a={{x\nHTTP 200\n", `f.txt:2: request line: "{{x": {{ without }}`},
		{"=== a\nGET /\nbad header line\nHTTP 200\n", `f.txt:3: want a header "name: value", got "bad header line"`},
		{"=== a\nGET /\nx y: 1\nHTTP 200\n", `f.txt:3: "x y" is not a header name`},
		{"=== a\nGET /\n[Body]\nHTTP 200\n", `f.txt:3: unknown section [Body] (known: [Query], [Form], [Multipart])`},
		{"=== a\nPOST /\n[Form]\na: 1\n```\nx\n```\nHTTP 200\n", `f.txt:2: a request has one body: [Form], [Multipart] or a ` + "```" + ` block`},
		{"=== a\nPOST /\n```\nx\nHTTP 200\n", "f.txt:3: ``` block not closed (want a line ```)"},
		{"=== a\nGET /\nHTTP 999\n", `f.txt:3: status 999 is not an HTTP status`},
		{"=== a\nGET /\nHTTP 200\nx-a: {{time 1h sql}}\n", `f.txt:4: response header x-a: {{time 1h sql}}: {{time}} makes a request value; in a response use {{timestamp}} or {{period_start P}}`},
		{"=== a\nGET /\nHTTP 200\n```xml\n<a>\n```\n", `f.txt:4: response body: not well-formed XML (write a body the target sends malformed in a ` + "```" + ` block): XML syntax error on line 1: unexpected EOF`},
		{"=== a\nGET /\nHTTP 200\n```xml\n<a>{{period_start fortnight}}</a>\n```\n", `f.txt:4: response body: <a>: {{period_start fortnight}}: {{period_start}} needs a period: minute, hour, day, week, month or year`},
		{"=== a\nGET /\nHTTP 200\n```xml\n<a>{{absent}}</a>\n```\n", `f.txt:4: response body: <a>: {{absent}}: {{absent}} is for headers; leave an element out of the body instead`},
		{"=== a\nGET /\nHTTP 200\n```json\n{\"a\": }\n```\n", `f.txt:4: response body: JSON: invalid character '}' looking for beginning of value`},
		{"=== a\nGET /\nHTTP 200\n```yaml\na: 1\n```\n", `f.txt:4: response body: unknown body kind "yaml" (known: xml, json, text)`},
		{"=== a\nGET /\nHTTP 200\n```\nx\n```\nx-a: 1\n", `f.txt:7: the response body ends the example; want "=== NAME" or a comment, got "x-a: 1"`},
		{"=== a\nGET /\nHTTP 200\n```\nx\n```\n```\ny\n```\n", `f.txt:7: a second response body`},
		{"=== a\nGET /\nHTTP 200\nx-a: {{regex (}}\n", "f.txt:4: response header x-a: {{regex (}}: error parsing regexp: missing closing ): `^(?:()$`"},
		{"=== a\nGET /\nHTTP 200\nx-a: {{absent}} and more\n", `f.txt:4: response header x-a: {{absent}} must be the whole value`},
		{"=== a\nGET /\nHTTP 200\nx-a: {{capture}}\n", `f.txt:4: response header x-a: {{capture}}: {{capture NAME [REGEX]}} needs a name`},
		{"=== a\nGET /\nHTTP 200\nx-a: {{either a}}\n", `f.txt:4: response header x-a: {{either a}}: {{either VAR VAR...}} needs two variables or more`},
		{"=== a\nGET /\nHTTP 200\nx-a: {{int 5}}\n", `f.txt:4: response header x-a: {{int 5}}: {{int}} takes no argument`},
		{"=== a\nGET /\nHTTP 200\nx-a: {{a b}}\n", `f.txt:4: response header x-a: {{a b}}: unknown placeholder (known: any, int, regex, either, timestamp, datetime, period_start, period_end, reset, capture, absent, time, repeat, or a variable name)`},
		{"=== a\nGET /?t={{time 1d sql}}\nHTTP 200\n", `f.txt:2: request line: {{time 1d sql}}: offset: time: unknown unit "d" in duration "1d"`},
		{"=== a\nGET /?t={{time 1h epoch}}\nHTTP 200\n", `f.txt:2: request line: {{time 1h epoch}}: format "epoch" is not one of unix, iso8601, sql, zoned, rfc2822, date, asctime, compact`},
		{"=== a\nGET /?t={{\"x}}\nHTTP 200\n", `f.txt:2: request line: {{"x}}: a quoted literal must be a Go string: invalid syntax`},
		{"=== a\nGET /\nHTTP 200\n=== a\nGET /\nHTTP 200\n", `f.txt:4: example "a" is already defined at line 1`},
		{"=== a\nGET /?{{repeat 99999999 abc}}\nHTTP 200\n", `f.txt:2: request line: {{repeat 99999999 abc}}: {{repeat COUNT TEXT}} with at most 16777216 bytes in all, e.g. {{repeat 4097 &x=1}}`},
		{"=== a\nGET /\nHTTP 200\nx: {{repeat 2 a}}\n", `f.txt:4: response header x: {{repeat 2 a}}: {{repeat}} makes a request value`},
	} {
		_, err := Parse("f.txt", "f", []byte(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q):\n got: %v\nwant: %s", tt.in, err, tt.want)
		}
	}
	// Every problem is reported, not only the first.
	_, err := Parse("f.txt", "f", []byte("=== a\n@nope\nGET /\nHTTP 200\n=== b\nGET /\nHTTP 1000\n=== c\nGET /\nHTTP 200\n"))
	if err == nil || strings.Count(err.Error(), "\n") != 1 || !strings.Contains(err.Error(), "f.txt:7:") {
		t.Errorf("two problems: %v", err)
	}
}

func TestTemplates(t *testing.T) {
	e := env("app", "a&b")
	for _, tt := range []struct {
		tmpl, value string
		want        bool
	}{
		{"plain", "plain", true},
		{"plain", "plainer", false},
		{"id={{app}}", "id=a&b", true},
		{"id={{app}}", "id=a", false},
		{"{{any}}", "", true},
		{"x{{any}}y", "x\nanything\ny", true},
		{"{{int}}", "-42", true},
		{"{{int}}", "4.2", false},
		{"{{regex [a-f0-9]{32}}}", "0123456789abcdef0123456789abcdef", true},
		{"{{regex [a-f0-9]{32}}}", "xyz", false},
		{"{{timestamp}}", "2010-04-28 12:38:33 +0200", true},
		{"{{timestamp}}", "2010-04-28", false},
		{"{{period_start day}}", "2026-11-22 00:00:00 +0000", true},
		{"{{period_end day}}", "2026-11-23 00:00:00 +0000", true},
		{"{{period_start week}}", "2026-11-16 00:00:00 +0000", true}, // Sunday: the week began on Monday the 16th
		{"{{period_end week}}", "2026-11-23 00:00:00 +0000", true},
		{"{{period_start week}}", "2026-11-22 00:00:00 +0000", false},
		{"{{period_start month}}", "2026-11-01 00:00:00 +0000", true},
		{"{{period_end year}}", "2027-01-01 00:00:00 +0000", true},
		{"{{period_start minute}}", "2026-11-22 10:15:00 +0000", true},
		{"{{period_start hour}}", "2026-11-22 09:00:00 +0000", false},
		{"{{reset day}}", "49500", true},
		{"{{reset day}}", "49499", false},
		{"{{reset minute}}", "60", true},
		{`{{"{{"}}x`, "{{x", true},
		{"{{capture key [a-z]+}}", "abc", true},
		{"{{either app key}}", "a&b", true},
		{"{{either app key}}", "abc", true},
		{"{{either app key}}", "b", false},
		{"{{capture key [a-z]+}}", "ABC", false},
	} {
		tmpl, err := parseTemplate(tt.tmpl, inResponse)
		if err != nil {
			t.Fatalf("%s: %v", tt.tmpl, err)
		}
		got, err := tmpl.Match(tt.value, e)
		if err != nil || got != tt.want {
			t.Errorf("%s ~ %q = %v, %v; want %v", tt.tmpl, tt.value, got, err, tt.want)
		}
	}
	if e.Vars["key"] != "abc" {
		t.Errorf("capture: %q", e.Vars["key"])
	}
	tmpl, _ := parseTemplate("{{nope}}", inResponse)
	if _, err := tmpl.Match("x", e); err == nil || err.Error() != "undefined variable {{nope}}" {
		t.Errorf("undefined variable: %v", err)
	}
}

// A period boundary crossed between sending and receiving: either side's
// value is accepted.
func TestPeriodBoundaryInFlight(t *testing.T) {
	e := &Env{Vars: map[string]string{}, Sent: time.Date(2026, 11, 22, 23, 59, 59, 900e6, time.UTC), Received: time.Date(2026, 11, 23, 0, 0, 0, 100e6, time.UTC)}
	for _, tt := range []struct {
		tmpl, value string
		want        bool
	}{
		{"{{period_start day}}", "2026-11-22 00:00:00 +0000", true},
		{"{{period_start day}}", "2026-11-23 00:00:00 +0000", true},
		{"{{period_start day}}", "2026-11-21 00:00:00 +0000", false},
		{"{{period_start week}}", "2026-11-16 00:00:00 +0000", true},
		{"{{period_start week}}", "2026-11-23 00:00:00 +0000", true}, // Monday
		{"{{reset day}}", "1", true},
		{"{{reset day}}", "86400", true},
		{"{{reset day}}", "43200", false},
	} {
		tmpl, _ := parseTemplate(tt.tmpl, inResponse)
		if got, err := tmpl.Match(tt.value, e); err != nil || got != tt.want {
			t.Errorf("%s ~ %q = %v, %v; want %v", tt.tmpl, tt.value, got, err, tt.want)
		}
	}
	// With a slack, a clock a little behind is tolerated too.
	e = &Env{Vars: map[string]string{}, Sent: sunday, Received: sunday, Slack: 2 * time.Second}
	tmpl, _ := parseTemplate("{{reset day}}", inResponse)
	for v, want := range map[string]bool{"49502": true, "49498": true, "49503": false} {
		if got, _ := tmpl.Match(v, e); got != want {
			t.Errorf("reset %s with 2s slack: %v", v, got)
		}
	}
}

func fileOf(t *testing.T, text string) *File {
	t.Helper()
	f, err := Parse("f.txt", "f", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

const xmlHeader = "content-type: application/vnd.3scale-v2.0+xml\n"

func resp(status int, body string, header ...string) *Actual {
	h := http.Header{"Content-Type": {"application/vnd.3scale-v2.0+xml"}}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return &Actual{Status: status, Header: h, Body: []byte(body)}
}

const decl = `<?xml version="1.0" encoding="UTF-8"?>`

func usageReport(metric, period, start, end string, max, cur int) string {
	b := `<usage_report metric="` + metric + `" period="` + period + `">`
	if start != "" {
		b += `<period_start>` + start + `</period_start><period_end>` + end + `</period_end>`
	}
	return b + `<max_value>` + strconv.Itoa(max) + `</max_value><current_value>` + strconv.Itoa(cur) + `</current_value></usage_report>`
}

func TestCheckXML(t *testing.T) {
	f := fileOf(t, sample)
	ex := f.Examples[0]
	day := usageReport("hits", "day", "2026-11-22 00:00:00 +0000", "2026-11-23 00:00:00 +0000", 100, 7)
	week := usageReport("hits", "week", "2026-11-16 00:00:00 +0000", "2026-11-23 00:00:00 +0000", 500, 5)
	good := decl + `<status><authorized>true</authorized><plan>Basic &amp; Co</plan><usage_reports>` + day + week + `</usage_reports></status>`
	diffs, err := ex.Check(resp(200, good, "3scale-limit-reset", "49500"), env())
	if err != nil || len(diffs) != 0 {
		t.Fatalf("good response: %v %v", diffs, err)
	}
	// Attributes in another order match too.
	reordered := strings.Replace(good, `<usage_report metric="hits" period="day">`, `<usage_report period="day" metric="hits">`, 1)
	if diffs, _ := ex.Check(resp(200, reordered, "3scale-limit-reset", "49500"), env()); len(diffs) != 0 {
		t.Errorf("attribute order: %v", diffs)
	}
	for _, tt := range []struct {
		name   string
		actual *Actual
		want   []string
	}{
		{"one value", resp(200, strings.Replace(good, "<current_value>5</current_value>", "<current_value>6</current_value>", 1), "3scale-limit-reset", "49500"),
			[]string{"/status/usage_reports/usage_report[2]/current_value: want 5, got 6"}},
		{"status and headers", resp(409, good, "3scale-limit-reset", "3", "3scale-rejection-reason", "limits_exceeded"),
			[]string{"status: want 200, got 409", "header 3scale-limit-reset: want {{reset day}} (49500..49500), got 3", "header 3scale-rejection-reason: want nothing, got limits_exceeded"}},
		{"missing header", resp(200, good),
			[]string{"header 3scale-limit-reset: want {{reset day}} (49500..49500), got nothing"}},
		{"missing report", resp(200, strings.Replace(good, day, "", 1), "3scale-limit-reset", "49500"),
			[]string{`/status/usage_reports/usage_report[1]: want <usage_report metric="hits" period="day">, got nothing`}},
		{"extra element", resp(200, strings.Replace(good, "</status>", "<app_keys/></status>", 1), "3scale-limit-reset", "49500"),
			[]string{"/status/app_keys: want nothing, got <app_keys>"}},
		{"element order", resp(200, strings.Replace(good, day+week, week+day, 1), "3scale-limit-reset", "49500"),
			[]string{`/status/usage_reports/usage_report[1]: want <usage_report metric="hits" period="day">, got nothing`,
				`/status/usage_reports/usage_report[2]: want nothing, got <usage_report metric="hits" period="day">`}},
		{"period bound", resp(200, strings.Replace(good, "2026-11-16 00:00:00 +0000", "2026-11-22 00:00:00 +0000", 1), "3scale-limit-reset", "49500"),
			[]string{"/status/usage_reports/usage_report[2]/period_start: want {{period_start week}} (2026-11-16 00:00:00 +0000), got 2026-11-22 00:00:00 +0000"}},
		{"attribute", resp(200, strings.Replace(good, `metric="hits" period="week"`, `metric="hits" period="week" exceeded="true"`, 1), "3scale-limit-reset", "49500"),
			[]string{`/status/usage_reports/usage_report[2]/@exceeded: want nothing, got true`}},
		{"text", resp(200, strings.Replace(good, "Basic &amp; Co", "Basic", 1), "3scale-limit-reset", "49500"),
			[]string{"/status/plan: want Basic & Co, got Basic"}},
		{"root", resp(200, decl+`<error code="x">y</error>`, "3scale-limit-reset", "49500"),
			[]string{"/: want <status>, got <error>"}},
		{"declaration", resp(200, strings.TrimPrefix(good, decl), "3scale-limit-reset", "49500"),
			[]string{`/?xml: want <?xml version="1.0" encoding="UTF-8"?>, got no declaration`}},
		{"not XML", resp(200, decl+`<status><reason>a & b</reason></status>`, "3scale-limit-reset", "49500"),
			[]string{`body: want an XML document, got not well-formed XML (XML syntax error on line 1: invalid character entity & (no semicolon)): "<?xml version=\"1.0\" encoding=\"UTF-8\"?><status><reason>a & b</reason></status>"`}},
	} {
		diffs, err := ex.Check(tt.actual, env())
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var got []string
		for _, d := range diffs {
			got = append(got, d.String())
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s:\n got: %s\nwant: %s", tt.name, strings.Join(got, "\n      "), strings.Join(tt.want, "\n      "))
		}
	}
}

func TestCheckTextAndJSON(t *testing.T) {
	f := fileOf(t, "=== ok\nGET /check.txt\nHTTP 200\n```\nok\n```\n=== empty\nGET /x\nHTTP 404\n=== status\nGET /status\nHTTP 200\n```json\n"+
		`{"status": "ok", "count": "{{int}}", "version": {"backend": "3.4.3"}, "list": [1, "{{any}}"]}`+"\n```\n")
	check := func(i int, a *Actual) string {
		diffs, err := f.Examples[i].Check(a, env())
		if err != nil {
			t.Fatal(err)
		}
		var s []string
		for _, d := range diffs {
			s = append(s, d.String())
		}
		return strings.Join(s, "; ")
	}
	if got := check(0, resp(200, "ok")); got != "" {
		t.Errorf("ok: %s", got)
	}
	if got := check(0, resp(200, "ok\n")); got != `body, at byte 2: want "ok", got "ok\n"` {
		t.Errorf("ok with a newline: %s", got)
	}
	if got := check(1, resp(404, "")); got != "" {
		t.Errorf("empty: %s", got)
	}
	if got := check(1, resp(404, "oops")); got != `body: want empty, got "oops"` {
		t.Errorf("not empty: %s", got)
	}
	if got := check(2, resp(200, `{"version":{"backend":"3.4.3"},"status":"ok","count":3,"list":[1,{"a":1}]}`)); got != "" {
		t.Errorf("json: %s", got)
	}
	if got := check(2, resp(200, `{"status":"down","version":{"backend":3},"list":[2],"extra":null}`)); got !=
		`/status: want "ok", got "down"; /count: want "{{int}}", got nothing; /version/backend: want "3.4.3", got 3; /list/0: want 1, got 2; /list/1: want "{{any}}", got nothing; /extra: want nothing, got null` {
		t.Errorf("json diffs: %s", got)
	}
}

// --update keeps what still matches, placeholders included, and replaces
// the rest; a new body is recorded with placeholders for period bounds.
func TestRecord(t *testing.T) {
	text := "=== a\nGET /x\n\nHTTP 200\n" + xmlHeader + "3scale-limit-remaining: {{int}}\n3scale-limit-max-value: 5\n```xml\n" +
		"<status>\n  <authorized>true</authorized>\n  <plan>{{any}}</plan>\n  <usage_reports>\n    <usage_report metric=\"hits\" period=\"day\">\n" +
		"      <period_start>{{period_start day}}</period_start>\n      <period_end>{{period_end day}}</period_end>\n" +
		"      <max_value>100</max_value>\n      <current_value>1</current_value>\n    </usage_report>\n  </usage_reports>\n</status>\n```\n" +
		"\n=== b\nGET /y\nHTTP 202\n\n=== c\nGET /z\nHTTP 200\n```\nsame\n```\n"
	f := fileOf(t, text)
	day := `<usage_report metric="hits" period="day"><period_start>2026-11-22 00:00:00 +0000</period_start><period_end>2026-11-23 00:00:00 +0000</period_end><max_value>100</max_value><current_value>2</current_value></usage_report>`
	month := `<usage_report metric="search" period="month"><period_start>2026-11-01 00:00:00 +0000</period_start><period_end>2026-12-01 00:00:00 +0000</period_end><max_value>9</max_value><current_value>0</current_value></usage_report>`
	a := resp(409, decl+`<status><authorized>false</authorized><reason>usage limits are exceeded</reason><plan>Pro</plan><usage_reports>`+day+month+`</usage_reports></status>`,
		"3scale-limit-remaining", "0")
	for i, act := range []*Actual{a, resp(200, `<error code="x">{{y}}</error>`), resp(200, "same")} {
		if _, err := f.Examples[i].Record(act, env(), false); err != nil {
			t.Fatal(err)
		}
	}
	want := "=== a\nGET /x\n\nHTTP 409\n" + xmlHeader + "3scale-limit-remaining: {{int}}\n3scale-limit-max-value: {{absent}}\n```xml\n" +
		`<?xml version="1.0" encoding="UTF-8"?>
<status>
  <authorized>false</authorized>
  <reason>usage limits are exceeded</reason>
  <plan>{{any}}</plan>
  <usage_reports>
    <usage_report metric="hits" period="day">
      <period_start>{{period_start day}}</period_start>
      <period_end>{{period_end day}}</period_end>
      <max_value>100</max_value>
      <current_value>2</current_value>
    </usage_report>
    <usage_report metric="search" period="month">
      <period_start>{{period_start month}}</period_start>
      <period_end>{{period_end month}}</period_end>
      <max_value>9</max_value>
      <current_value>0</current_value>
    </usage_report>
  </usage_reports>
</status>
` + "```\n\n=== b\nGET /y\nHTTP 200\n```xml\n<error code=\"x\">{{\"{{\"}}y}}</error>\n```\n\n=== c\nGET /z\nHTTP 200\n```\nsame\n```\n"
	if !f.Changed() {
		t.Error("Changed() = false")
	}
	got := string(f.Bytes())
	if got != want {
		t.Errorf("recorded:\n%s\nwant:\n%s", got, want)
	}
	// The recorded file reads back, and now matches what was recorded.
	again := fileOf(t, got)
	for i, act := range []*Actual{a, resp(200, `<error code="x">{{y}}</error>`)} {
		if diffs, err := again.Examples[i].Check(act, env()); err != nil || len(diffs) != 0 {
			t.Errorf("re-read example %d: %v %v", i, diffs, err)
		}
	}
}

func TestBuild(t *testing.T) {
	f := fileOf(t, "=== a\nPOST /transactions.xml?service_id={{sid}}\n3scale-options: no_body=1\nHost: backend.example\n[Form]\n"+
		"provider_key: {{pk}}\ntransactions[0][usage][hits]: 1\ntransactions[0][timestamp]: {{time -25h sql}}\nspaced: {{\" a b \"}}\nHTTP 202\n"+
		"=== m\nPOST /t\n[Multipart]\na: 1\nb: {{pk}}\nHTTP 202\n"+
		"=== q\nGET /internal/services/{{path}}/errors/?x={{pk}}\n[Query]\nusage[hits]: #3\nHTTP 200\n"+
		"=== r\nGET /?a=1{{repeat 3 &x=1}}\nHTTP 200\n"+
		"=== t\nGET /?unix={{time -1h unix}}&iso={{time 30m iso8601}}&zoned={{time 0s zoned +0200}}&rfc={{time 0s rfc2822}}&date={{time 0s date}}&asc={{time -23h asctime}}&compact={{time 0s compact}}\nHTTP 200\n")
	e := env("sid", "1 2", "pk", "p&k", "path", "a/b")
	req, body, err := f.Examples[0].Request.Build("http://127.0.0.1:1", e, sunday)
	if err != nil {
		t.Fatal(err)
	}
	if req.URL.String() != "http://127.0.0.1:1/transactions.xml?service_id=1+2" || req.Host != "backend.example" ||
		req.Header.Get("Content-Type") != "application/x-www-form-urlencoded" || req.Header["3scale-options"][0] != "no_body=1" {
		t.Errorf("form request: %s %s %v", req.URL, req.Host, req.Header)
	}
	if string(body) != "provider_key=p%26k&transactions%5B0%5D%5Busage%5D%5Bhits%5D=1&transactions%5B0%5D%5Btimestamp%5D=2026-11-21+09%3A15%3A00&spaced=+a+b+" {
		t.Errorf("form body: %s", body)
	}
	if b, _ := io.ReadAll(req.Body); string(b) != string(body) {
		t.Errorf("sent body %q", b)
	}
	req, body, err = f.Examples[1].Request.Build("http://h", e, sunday)
	if err != nil {
		t.Fatal(err)
	}
	if req.Header.Get("Content-Type") != "multipart/form-data; boundary=threescale-contract-boundary" ||
		string(body) != "--threescale-contract-boundary\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--threescale-contract-boundary\r\nContent-Disposition: form-data; name=\"b\"\r\n\r\np&k\r\n--threescale-contract-boundary--\r\n" {
		t.Errorf("multipart: %v %q", req.Header, body)
	}
	req, _, _ = f.Examples[2].Request.Build("http://h", e, sunday)
	if req.URL.RequestURI() != "/internal/services/a%2Fb/errors/?x=p%26k&usage%5Bhits%5D=%233" {
		t.Errorf("query: %s", req.URL.RequestURI())
	}
	if p := f.Examples[2].Request.Path(e); p != "/internal/services/a%2Fb/errors/" {
		t.Errorf("Path = %q", p)
	}
	req, _, _ = f.Examples[3].Request.Build("http://h", e, sunday)
	if q := req.URL.RawQuery; q != "a=1&x=1&x=1&x=1" {
		t.Errorf("repeat: %s", q)
	}
	req, _, _ = f.Examples[4].Request.Build("http://h", e, sunday)
	if q := req.URL.RawQuery; q != "unix=1795338900&iso=2026-11-22T10%3A45%3A00Z&zoned=2026-11-22+12%3A15%3A00+%2B0200&rfc=Sun%2C+22+Nov+2026+10%3A15%3A00+%2B0000&date=2026%2F11%2F22&asc=Sat+Nov+21+11%3A15%3A00+2026&compact=20261122T101500" {
		t.Errorf("times: %s", q)
	}
	if _, _, err := f.Examples[0].Request.Build("http://h", env(), sunday); err == nil || err.Error() != "request line: undefined variable {{sid}}" {
		t.Errorf("undefined variable: %v", err)
	}
}

func TestVariables(t *testing.T) {
	f := fileOf(t, sample+"=== capture\nGET /x?k={{key}}\nx-h: {{hv}}\nHTTP 200\ny: {{capture got}}\n```\n{{tv}}\n```\n")
	used, captured := f.Variables()
	if strings.Join(used, ",") != "app_id,hv,key,provider_key,tv" || strings.Join(captured, ",") != "got" {
		t.Errorf("Variables() = %v, %v", used, captured)
	}
}

func TestParseVars(t *testing.T) {
	vars, err := ParseVars("v.env", []byte("# credentials\nprovider_key=pk-1\r\n\nempty=\nurl=http://x/?a=b\n"))
	if err != nil || len(vars) != 3 || vars["provider_key"] != "pk-1" || vars["empty"] != "" || vars["url"] != "http://x/?a=b" {
		t.Errorf("vars = %v, %v", vars, err)
	}
	if _, err := ParseVars("v.env", []byte("ok=1\nno equals\n1x=2\n")); err == nil ||
		err.Error() != "v.env:2: want NAME=value, got \"no equals\"\nv.env:3: want NAME=value, got \"1x=2\"" {
		t.Errorf("bad vars: %v", err)
	}
}
