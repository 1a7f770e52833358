// Package example is the format of the contract examples: plain-text files
// of named examples, each one HTTP request and the response it must get,
// with placeholders for the values that vary. It parses the files, checks a
// response against an example (XML and JSON bodies structurally), and
// re-records examples from real responses (--update).
//
// The format is described in ../README.md. In short:
//
//	=== authorized with a predicted usage
//	@source seeds/003 authorize: usage
//	GET /transactions/authorize.xml?provider_key={{provider_key}}&app_id={{app_id}}&usage%5Bhits%5D=1
//	3scale-options: limit_headers=1
//
//	HTTP 200
//	content-type: application/vnd.3scale-v2.0+xml
//	3scale-limit-reset: {{reset day}}
//	```xml
//	<status>
//	  <authorized>true</authorized>
//	  ...
//	</status>
//	```
package example

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/contracts/xmltree"
)

// File is one example file. Its examples run in order.
type File struct {
	// Name is the file's path under the examples folder, without ".txt":
	// "spec/errors".
	Name     string
	Examples []*Example

	lines       []string // the source, for Bytes after Record
	finalNL     bool
	recorded    bool
	replacement map[int][]string // line index → new lines (nil: delete)
	insertion   map[int][]string // new lines after the line index
}

// Example is one request and its expected response.
type Example struct {
	File   *File
	Name   string
	Line   int    // of the "===" line, 1-based
	Source string // @source: where the documented behaviour comes from
	// ViolatesRequest and ViolatesResponse declare (@violates) that the
	// request, or the documented response, does not match the OpenAPI
	// description on purpose.
	ViolatesRequest, ViolatesResponse bool
	// Receiver (@receiver) sends the request to the webhook receiver the
	// contract command runs, not to the target: what the target delivered.
	Receiver bool

	Request  Request
	Response Response
}

// FullName is FILE/NAME, unique in a set of files.
func (e *Example) FullName() string { return e.File.Name + "/" + e.Name }

// Param is a "name: value" line: a header, a query, form or multipart field.
type Param struct {
	Name  string
	Value Template
	line  int // index
}

// Request is what an example sends.
type Request struct {
	Method    string
	Target    Template // the path and query, sent as written
	Header    []Param
	Query     []Param // added to the target's query, encoded
	Form      []Param // an application/x-www-form-urlencoded body
	Multipart []Param // a multipart/form-data body
	Body      *Template
	Line      int
}

// Response is what an example expects.
type Response struct {
	Status int
	Header []Param
	Body   *Body

	statusLine int // index
	lastLine   int // index of the status or last header line
}

// BodyKind is how a body is compared.
type BodyKind int

// The kinds of expected bodies, named by their fence: ```xml, ```json, ```.
const (
	Text BodyKind = iota
	XML
	JSON
)

// Body is an expected body.
type Body struct {
	Kind       BodyKind
	Raw        string // as written between the fences
	start, end int    // indexes of the fence lines
	text       Template
	xml        *xmltree.Document
	json       *jsonNode
}

// Error is a problem at a line of a file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

var (
	methodRe = regexp.MustCompile(`^[A-Z]+$`)
	tokenRe  = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
	statusRe = regexp.MustCompile(`^HTTP(/[0-9.]+)? +([0-9]{3})$`)
)

// parser walks the lines of one file.
type parser struct {
	path  string
	lines []string
	i     int
	errs  []error
}

func (p *parser) fail(line int, format string, args ...any) {
	p.errs = append(p.errs, &Error{File: p.path, Line: line + 1, Msg: fmt.Sprintf(format, args...)})
}

func skippable(l string) bool {
	t := strings.TrimSpace(l)
	return t == "" || strings.HasPrefix(t, "#")
}

func isHeaderLine(l string) bool { return strings.HasPrefix(l, "=== ") || l == "===" }

// Parse reads an example file; path names it in errors, name is its
// File.Name. Every problem is reported, with its line.
func Parse(path, name string, data []byte) (*File, error) {
	text := string(data)
	f := &File{Name: name, finalNL: strings.HasSuffix(text, "\n")}
	text = strings.TrimSuffix(text, "\n")
	if text != "" || f.finalNL {
		f.lines = strings.Split(text, "\n")
	}
	for i, l := range f.lines {
		f.lines[i] = strings.TrimSuffix(l, "\r")
	}
	p := &parser{path: path, lines: f.lines}
	for p.i < len(p.lines) && !isHeaderLine(p.lines[p.i]) {
		if !skippable(p.lines[p.i]) {
			p.fail(p.i, "text before the first example (start one with \"=== NAME\")")
			break
		}
		p.i++
	}
	names := map[string]int{}
	for p.i < len(p.lines) {
		if !isHeaderLine(p.lines[p.i]) {
			p.i++ // resynchronise after an error
			continue
		}
		e := p.example(f)
		if e == nil {
			continue
		}
		if prev, dup := names[e.Name]; dup {
			p.fail(e.Line-1, "example %q is already defined at line %d", e.Name, prev)
			continue
		}
		names[e.Name] = e.Line
		f.Examples = append(f.Examples, e)
	}
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return f, nil
}

// example parses from a "===" line to the next one; nil after an error.
func (p *parser) example(f *File) *Example {
	e := &Example{File: f, Line: p.i + 1, Name: strings.TrimSpace(strings.TrimPrefix(p.lines[p.i], "==="))}
	start := p.i
	p.i++
	if e.Name == "" {
		p.fail(start, "an example needs a name: \"=== NAME\"")
		return nil
	}
	n := len(p.errs)
	if !p.directives(e) || !p.request(e) || !p.response(e) {
		if len(p.errs) == n {
			p.fail(start, "example %q is incomplete", e.Name)
		}
		return nil
	}
	return e
}

func (p *parser) directives(e *Example) bool {
	for ; p.i < len(p.lines); p.i++ {
		l := strings.TrimSpace(p.lines[p.i])
		switch {
		case isHeaderLine(p.lines[p.i]):
			p.fail(e.Line-1, "example %q has no request", e.Name)
			return false
		case skippable(l):
		case strings.HasPrefix(l, "@"):
			name, arg, _ := strings.Cut(l[1:], " ")
			arg = strings.TrimSpace(arg)
			switch name {
			case "source":
				if arg == "" {
					p.fail(p.i, "@source needs a text")
					return false
				}
				e.Source = arg
			case "violates":
				for _, w := range strings.Fields(arg) {
					switch w {
					case "request":
						e.ViolatesRequest = true
					case "response":
						e.ViolatesResponse = true
					default:
						p.fail(p.i, "@violates takes request and/or response, not %q", w)
						return false
					}
				}
				if arg == "" {
					p.fail(p.i, "@violates takes request and/or response")
					return false
				}
			case "receiver":
				if arg != "" {
					p.fail(p.i, "@receiver takes no argument")
					return false
				}
				e.Receiver = true
			default:
				p.fail(p.i, "unknown directive @%s (known: @source, @violates, @receiver)", name)
				return false
			}
		default:
			return true
		}
	}
	p.fail(e.Line-1, "example %q has no request", e.Name)
	return false
}

func (p *parser) request(e *Example) bool {
	r := &e.Request
	r.Line = p.i + 1
	method, target, _ := strings.Cut(strings.TrimSpace(p.lines[p.i]), " ")
	target = strings.TrimSpace(target)
	if !methodRe.MatchString(method) || target == "" {
		p.fail(p.i, "want a request line \"METHOD /path?query\", got %q", clip(p.lines[p.i]))
		return false
	}
	if !strings.HasPrefix(target, "/") {
		p.fail(p.i, "the target must be a path starting with /, relative to the endpoint: %q", clip(target))
		return false
	}
	var err error
	r.Method = method
	if r.Target, err = parseTemplate(target, inRequest); err != nil {
		p.fail(p.i, "request line: %v", err)
		return false
	}
	p.i++
	section := &r.Header
	sectionName := "header"
	for ; p.i < len(p.lines); p.i++ {
		l := p.lines[p.i]
		t := strings.TrimSpace(l)
		switch {
		case isHeaderLine(l):
			p.fail(p.i, "example %q has no response: want \"HTTP STATUS\" before the next example", e.Name)
			return false
		case skippable(l):
		case statusRe.MatchString(t):
			return p.checkRequestBody(e)
		case strings.HasPrefix(t, "```"):
			if r.Body != nil {
				p.fail(p.i, "a second request body")
				return false
			}
			body, _, ok := p.fence()
			if !ok {
				return false
			}
			tmpl, err := parseTemplate(body, inRequest)
			if err != nil {
				p.fail(p.i, "request body: %v", err)
				return false
			}
			r.Body = &tmpl
		case strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]"):
			switch t {
			case "[Query]", "[QueryStringParams]":
				section, sectionName = &r.Query, "query field"
			case "[Form]", "[FormParams]":
				section, sectionName = &r.Form, "form field"
			case "[Multipart]", "[MultipartFormData]":
				section, sectionName = &r.Multipart, "multipart field"
			default:
				p.fail(p.i, "unknown section %s (known: [Query], [Form], [Multipart])", t)
				return false
			}
		default:
			param, ok := p.param(l, sectionName, inRequest)
			if !ok {
				return false
			}
			*section = append(*section, param)
		}
	}
	p.fail(p.i-1, "example %q has no response: want \"HTTP STATUS\"", e.Name)
	return false
}

func (p *parser) checkRequestBody(e *Example) bool {
	r := &e.Request
	n := 0
	for _, has := range []bool{len(r.Form) > 0, len(r.Multipart) > 0, r.Body != nil} {
		if has {
			n++
		}
	}
	if n > 1 {
		p.fail(r.Line-1, "a request has one body: [Form], [Multipart] or a ``` block")
		return false
	}
	return true
}

// param reads a "name: value" line.
func (p *parser) param(l, what string, u use) (Param, bool) {
	name, value, ok := strings.Cut(l, ":")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		p.fail(p.i, "want a %s \"name: value\", got %q", what, clip(l))
		return Param{}, false
	}
	if strings.HasSuffix(what, "header") && !tokenRe.MatchString(name) {
		p.fail(p.i, "%q is not a header name", name)
		return Param{}, false
	}
	t, err := parseTemplate(strings.TrimSpace(value), u)
	if err != nil {
		p.fail(p.i, "%s %s: %v", what, name, err)
		return Param{}, false
	}
	return Param{Name: name, Value: t, line: p.i}, true
}

// fence reads a ``` block starting at the current line and leaves p.i on
// its closing line. A fence of more backticks closes only with as many.
func (p *parser) fence() (body, info string, ok bool) {
	open := strings.TrimSpace(p.lines[p.i])
	ticks := len(open) - len(strings.TrimLeft(open, "`"))
	info = strings.TrimSpace(open[ticks:])
	closing := strings.Repeat("`", ticks)
	start := p.i
	for p.i++; p.i < len(p.lines); p.i++ {
		if strings.TrimRight(p.lines[p.i], " \t") == closing {
			return strings.Join(p.lines[start+1:p.i], "\n"), info, true
		}
	}
	p.fail(start, "%s block not closed (want a line %s)", closing, closing)
	return "", "", false
}

func (p *parser) response(e *Example) bool {
	r := &e.Response
	m := statusRe.FindStringSubmatch(strings.TrimSpace(p.lines[p.i]))
	r.Status, _ = strconv.Atoi(m[2])
	if r.Status < 100 || r.Status > 599 {
		p.fail(p.i, "status %d is not an HTTP status", r.Status)
		return false
	}
	r.statusLine, r.lastLine = p.i, p.i
	for p.i++; p.i < len(p.lines); p.i++ {
		l := p.lines[p.i]
		t := strings.TrimSpace(l)
		switch {
		case isHeaderLine(l):
			return true
		case skippable(l):
		case strings.HasPrefix(t, "```"):
			if r.Body != nil {
				p.fail(p.i, "a second response body")
				return false
			}
			start := p.i
			raw, info, ok := p.fence()
			if !ok {
				return false
			}
			b, err := parseBody(raw, info)
			if err != nil {
				p.fail(start, "response body: %v", err)
				return false
			}
			b.start, b.end = start, p.i
			r.Body = b
		case r.Body != nil:
			p.fail(p.i, "the response body ends the example; want \"=== NAME\" or a comment, got %q", clip(l))
			return false
		default:
			param, ok := p.param(l, "response header", inHeader)
			if !ok {
				return false
			}
			r.Header = append(r.Header, param)
			r.lastLine = p.i
		}
	}
	return true
}

// parseBody reads an expected body by its fence's info string.
func parseBody(raw, info string) (*Body, error) {
	b := &Body{Raw: raw}
	switch info {
	case "xml":
		b.Kind = XML
		doc, err := xmltree.Parse([]byte(raw))
		if err != nil {
			return nil, fmt.Errorf("not well-formed XML (write a body the target sends malformed in a ``` block): %v", err)
		}
		if err := checkXMLTemplates(doc.Root); err != nil {
			return nil, err
		}
		b.xml = doc
	case "json":
		b.Kind = JSON
		n, err := parseJSON([]byte(raw), true)
		if err != nil {
			return nil, err
		}
		b.json = n
	case "", "text":
		t, err := parseTemplate(raw, inResponse)
		if err != nil {
			return nil, err
		}
		b.text = t
	default:
		return nil, fmt.Errorf("unknown body kind %q (known: xml, json, text)", info)
	}
	return b, nil
}

func checkXMLTemplates(e *xmltree.Element) error {
	for _, a := range e.Attrs {
		if _, err := parseTemplate(a.Value, inResponse); err != nil {
			return fmt.Errorf("<%s %s=…>: %v", e.Name, a.Name, err)
		}
	}
	if _, err := parseTemplate(e.Text, inResponse); err != nil {
		return fmt.Errorf("<%s>: %v", e.Name, err)
	}
	for _, c := range e.Children {
		if err := checkXMLTemplates(c); err != nil {
			return err
		}
	}
	return nil
}

// ParseVars reads a variables file: NAME=value lines, # comments.
func ParseVars(path string, data []byte) (map[string]string, error) {
	vars := map[string]string{}
	var errs []error
	for i, l := range strings.Split(string(data), "\n") {
		l = strings.TrimSuffix(l, "\r")
		if skippable(l) {
			continue
		}
		k, v, ok := strings.Cut(l, "=")
		k = strings.TrimSpace(k)
		if !ok || !identifier.MatchString(k) {
			errs = append(errs, &Error{File: path, Line: i + 1, Msg: fmt.Sprintf("want NAME=value, got %q", clip(l))})
			continue
		}
		vars[k] = v
	}
	return vars, errors.Join(errs...)
}
