package example

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/contracts/xmltree"
)

// Diff is one way a response differs from its example.
type Diff struct {
	Where, Want, Got string
}

func (d Diff) String() string { return d.Where + ": want " + d.Want + ", got " + d.Got }

// Actual is a response as received.
type Actual struct {
	Status int
	Header http.Header
	Body   []byte
}

// Check compares a response with the example and returns every difference,
// most important first: status, headers, body. An error means the example
// could not be checked (an undefined variable), not that it failed.
// Captures are recorded in env.
func (e *Example) Check(a *Actual, env *Env) ([]Diff, error) {
	var diffs []Diff
	if a.Status != e.Response.Status {
		diffs = append(diffs, Diff{"status", strconv.Itoa(e.Response.Status), strconv.Itoa(a.Status)})
	}
	for _, h := range e.Response.Header {
		d, err := checkHeader(h, a.Header, env)
		if err != nil {
			return nil, err
		}
		if d != nil {
			diffs = append(diffs, *d)
		}
	}
	body, err := e.Response.Body.check(a.Body, env)
	return append(diffs, body...), err
}

func checkHeader(h Param, got http.Header, env *Env) (*Diff, error) {
	where := "header " + h.Name
	vals := got.Values(h.Name)
	if len(vals) == 0 {
		if h.Value.IsAbsent() {
			return nil, nil
		}
		return &Diff{where, h.Value.describe(env), "nothing"}, nil
	}
	v := strings.Join(vals, ", ")
	if h.Value.IsAbsent() {
		return &Diff{where, "nothing", show(v)}, nil
	}
	ok, err := h.Value.Match(v, env)
	if err != nil || ok {
		return nil, err
	}
	return &Diff{where, h.Value.describe(env), show(v)}, nil
}

// check compares a body; a nil Body expects an empty one.
func (b *Body) check(got []byte, env *Env) ([]Diff, error) {
	if b == nil {
		if len(got) > 0 {
			return []Diff{{"body", "empty", excerpt(string(got))}}, nil
		}
		return nil, nil
	}
	switch b.Kind {
	case XML:
		doc, err := xmltree.Parse(got)
		if err != nil {
			return []Diff{{"body", "an XML document", "not well-formed XML (" + err.Error() + "): " + excerpt(string(got))}}, nil
		}
		return compareXML(b.xml, doc, env)
	case JSON:
		n, err := parseJSON(got, false)
		if err != nil {
			return []Diff{{"body", "a JSON document", err.Error() + ": " + excerpt(string(got))}}, nil
		}
		var diffs []Diff
		err = compareJSON(b.json, n, "", env, &diffs)
		return diffs, err
	default:
		ok, err := b.text.Match(string(got), env)
		if err != nil || ok {
			return nil, err
		}
		return []Diff{textDiff(b.text, string(got), env)}, nil
	}
}

// textDiff points at the first difference of a text body when the example
// holds no placeholder.
func textDiff(t Template, got string, env *Env) Diff {
	if !t.isLiteral() {
		return Diff{"body", excerpt(t.describe(env)), excerpt(got)}
	}
	want := t.describe(env)
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	from := max(0, i-20)
	return Diff{fmt.Sprintf("body, at byte %d", i), excerpt(want[from:]), excerpt(got[from:])}
}

// show quotes a value when it would otherwise read wrongly in a diff.
func show(s string) string {
	if s == "" || strings.TrimSpace(s) != s || strings.ContainsAny(s, "\n\r\t") {
		return strconv.Quote(clipLong(s))
	}
	return clipLong(s)
}

func excerpt(s string) string {
	if s == "" {
		return `""`
	}
	return strconv.Quote(clipLong(s))
}

func clipLong(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// Record re-records the example from a response: a status, header or body
// that differs is replaced by the actual one; a header or body value that
// still matches keeps its placeholders, and in an XML or JSON body each
// value that matches keeps its own. New values are written with the
// variables whose values they hold (templatize). With force, every header
// and body is re-recorded, and literal values are re-derived too. It
// reports whether anything changed; File.Bytes then gives the new text.
func (e *Example) Record(a *Actual, env *Env, force bool) (bool, error) {
	echoed := e.sent()
	f := e.File
	r := &e.Response
	changed := false
	if a.Status != r.Status {
		f.replace(r.statusLine, fmt.Sprintf("HTTP %d", a.Status))
		changed = true
	}
	for _, h := range r.Header {
		d, err := checkHeader(h, a.Header, env.scratch())
		if err != nil {
			return false, err
		}
		if d == nil && !(force && h.Value.pureLiteral()) {
			continue
		}
		v := "{{absent}}"
		if vals := a.Header.Values(h.Name); len(vals) > 0 {
			v = templatize(strings.Join(vals, ", "), env, echoed)
		}
		line := h.Name + ": " + v
		if line != f.lines[h.line] {
			f.replace(h.line, line)
			changed = true
		}
	}
	diffs, err := r.Body.check(a.Body, env.scratch())
	if err != nil {
		return false, err
	}
	if len(diffs) == 0 && !force {
		return changed, nil
	}
	lines := recordBody(r.Body, a.Body, env, echoed, force && len(diffs) == 0)
	if r.Body != nil && strings.Join(lines, "\n") == strings.Join(f.lines[r.Body.start:r.Body.end+1], "\n") {
		return changed, nil
	}
	if r.Body != nil {
		f.replace(r.Body.start, lines...)
		for k := r.Body.start + 1; k <= r.Body.end; k++ {
			f.replace(k)
		}
	} else {
		f.insert(r.lastLine, lines...)
	}
	return true, nil
}

// recordBody writes a received body as a fenced block: XML and JSON
// structurally merged with the expected body, anything else as text. An
// expected text body stays text: it is there for its bytes. A merged body
// whose values are those already written keeps its layout.
func recordBody(exp *Body, got []byte, env *Env, echoed []string, force bool) []string {
	if len(got) == 0 {
		return nil
	}
	asText := exp != nil && exp.Kind == Text
	if doc, err := xmltree.Parse(got); err == nil && !asText && bytes.HasPrefix(bytes.TrimSpace(got), []byte("<")) {
		var old *xmltree.Document
		if exp != nil && exp.Kind == XML {
			old = exp.xml
		}
		merged := mergeXML(old, doc, env, echoed, force).Bytes()
		if old != nil && bytes.Equal(merged, old.Bytes()) {
			return fenced("xml", exp.Raw)
		}
		return fenced("xml", strings.TrimSuffix(string(merged), "\n"))
	}
	if n, err := parseJSON(got, false); err == nil && !asText && (n.kind == 'o' || n.kind == 'a') {
		var old *jsonNode
		if exp != nil && exp.Kind == JSON {
			old = exp.json
		}
		var b, was bytes.Buffer
		mergeJSON(old, n, env, echoed, force).write(&b, "")
		if old != nil {
			if old.write(&was, ""); b.String() == was.String() {
				return fenced("json", exp.Raw)
			}
		}
		return fenced("json", b.String())
	}
	if asText && keepValue(exp.Raw, string(got), env.scratch(), force) {
		return fenced("", exp.Raw)
	}
	text := templatize(string(got), env, echoed)
	text = strings.ReplaceAll(text, "\r", `{{"\r"}}`)
	return fenced("", text)
}

// fenced puts text between fences longer than any run of backticks that
// starts one of its lines.
func fenced(kind, text string) []string {
	lines := strings.Split(text, "\n")
	ticks := 3
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if n := len(t) - len(strings.TrimLeft(t, "`")); n >= ticks {
			ticks = n + 1
		}
	}
	fence := strings.Repeat("`", ticks)
	return append(append([]string{fence + kind}, lines...), fence)
}

func (f *File) replace(i int, lines ...string) {
	if f.replacement == nil {
		f.replacement = map[int][]string{}
	}
	if lines == nil {
		lines = []string{}
	}
	f.replacement[i] = lines
	f.recorded = true
}

func (f *File) insert(after int, lines ...string) {
	if f.insertion == nil {
		f.insertion = map[int][]string{}
	}
	f.insertion[after] = append(f.insertion[after], lines...)
	f.recorded = true
}

// Changed reports whether Record changed any example of the file.
func (f *File) Changed() bool { return f.recorded }

// Bytes is the file's text with what Record changed.
func (f *File) Bytes() []byte {
	var out []string
	for i, l := range f.lines {
		if rep, ok := f.replacement[i]; ok {
			out = append(out, rep...)
		} else {
			out = append(out, l)
		}
		out = append(out, f.insertion[i]...)
	}
	s := strings.Join(out, "\n")
	if f.finalNL {
		s += "\n"
	}
	return []byte(s)
}
