// Package report writes the results of a contract run: progress as it
// runs, each failure with its request, expected and actual response and
// differences, a table per endpoint, and JUnit and JSON files for CI.
package report

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/contracts/replay"
)

// Progress prints results as they arrive: a line per file, a line per
// example when verbose, and every failure in full at once. Quiet prints
// the failures only.
type Progress struct {
	W       io.Writer
	Verbose bool
	Quiet   bool

	file           string
	n, failed, upd int
	elapsed        time.Duration
}

// Result takes one result.
func (p *Progress) Result(r *replay.Result) {
	if r.File != p.file {
		p.Done()
		p.file = r.File
	}
	p.n++
	p.elapsed += r.Duration
	switch r.Status {
	case replay.Failed:
		p.failed++
		Failure(p.W, r)
	case replay.Updated:
		p.upd++
		if p.Verbose {
			fmt.Fprintf(p.W, "    UPDATE %s (%s)\n", r.ID, ms(r.Duration))
			for _, n := range r.Notes {
				fmt.Fprintf(p.W, "        %s\n", n)
			}
		}
	default:
		if p.Verbose {
			fmt.Fprintf(p.W, "    PASS   %s (%s)\n", r.ID, ms(r.Duration))
		}
	}
}

// Done ends the current file's line.
func (p *Progress) Done() {
	if p.file == "" {
		return
	}
	if p.Quiet {
		p.file, p.n, p.failed, p.upd, p.elapsed = "", 0, 0, 0, 0
		return
	}
	word := "ok  "
	if p.failed > 0 {
		word = "FAIL"
	}
	detail := fmt.Sprintf("%d examples", p.n)
	if p.failed > 0 {
		detail = fmt.Sprintf("%d of %d examples failed", p.failed, p.n)
	}
	if p.upd > 0 {
		detail += fmt.Sprintf(", %d re-recorded", p.upd)
	}
	fmt.Fprintf(p.W, "%s  %-32s %s, %s\n", word, p.file+".txt", detail, ms(p.elapsed))
	p.file, p.n, p.failed, p.upd, p.elapsed = "", 0, 0, 0, 0
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d)/float64(time.Millisecond)) }

// Failure prints one failed example in full.
func Failure(w io.Writer, r *replay.Result) {
	fmt.Fprintf(w, "--- FAIL %s (%s.txt:%d)\n", r.ID, r.File, r.Line)
	if r.Source != "" {
		fmt.Fprintf(w, "    source: %s\n", r.Source)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(w, "    %s\n", p)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "    note: %s\n", n)
	}
	for _, part := range []struct{ name, text string }{{"request", r.Request}, {"expected", r.Expected}, {"actual", r.Actual}} {
		if part.text == "" {
			continue
		}
		fmt.Fprintf(w, "  %s:\n", part.name)
		for _, l := range strings.Split(strings.TrimRight(part.text, "\n"), "\n") {
			fmt.Fprintf(w, "    | %s\n", l)
		}
	}
}

// Table prints the results per endpoint and the closing line.
func Table(w io.Writer, s *replay.Summary) {
	fmt.Fprintf(w, "\n%-18s %8s %8s %8s", "endpoint", "examples", "passed", "failed")
	if s.Updated > 0 {
		fmt.Fprintf(w, " %8s", "updated")
	}
	fmt.Fprintln(w)
	row := func(name string, n, p, f, u int) {
		fmt.Fprintf(w, "%-18s %8d %8d %8d", name, n, p, f)
		if s.Updated > 0 {
			fmt.Fprintf(w, " %8d", u)
		}
		fmt.Fprintln(w)
	}
	for _, e := range s.Endpoints {
		row(e.Name, e.Examples, e.Passed, e.Failed, e.Updated)
	}
	row("total", len(s.Results), s.Passed, s.Failed, s.Updated)
	fmt.Fprintln(w)
	Closing(w, s)
}

// Closing prints "N passed, M failed".
func Closing(w io.Writer, s *replay.Summary) {
	fmt.Fprintf(w, "%d passed, %d failed", s.Passed, s.Failed)
	if s.Updated > 0 {
		fmt.Fprintf(w, ", %d re-recorded", s.Updated)
	}
	fmt.Fprintf(w, " (%s, against %s)\n", s.Duration.Round(time.Millisecond), s.Target)
	if s.Stopped {
		fmt.Fprintf(w, "stopped after %d failures (--max-failures); the examples after them did not run\n", s.Failed)
	}
}

// TAP writes the results in the Test Anything Protocol (version 13): a
// test point per example, with its differences as YAML.
func TAP(w io.Writer, s *replay.Summary) error {
	var b strings.Builder
	fmt.Fprintf(&b, "TAP version 13\n1..%d\n", len(s.Results))
	for i, r := range s.Results {
		// '#' starts a TAP directive: a description must not hold one.
		desc := strings.ReplaceAll(r.ID, "#", "\\#")
		if r.Status == replay.Failed {
			fmt.Fprintf(&b, "not ok %d - %s\n  ---\n  file: %q\n  line: %d\n", i+1, desc, r.File+".txt", r.Line)
			if r.Source != "" {
				fmt.Fprintf(&b, "  source: %q\n", r.Source)
			}
			b.WriteString("  problems:\n")
			for _, p := range r.Problems {
				fmt.Fprintf(&b, "    - %q\n", p)
			}
			b.WriteString("  ...\n")
			continue
		}
		fmt.Fprintf(&b, "ok %d - %s\n", i+1, desc)
	}
	if s.Stopped {
		fmt.Fprintf(&b, "# stopped after %d failures\n", s.Failed)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// JUnit XML: a testsuite per endpoint, a testcase per example.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr"`
	Line      int           `xml:"line,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

// JUnit writes the results as JUnit XML.
func JUnit(w io.Writer, s *replay.Summary) error {
	out := junitSuites{Name: "threescale-sandbox contract", Tests: len(s.Results), Failures: s.Failed, Time: seconds(s.Duration)}
	index := map[string]int{}
	for _, e := range s.Endpoints {
		index[e.Name] = len(out.Suites)
		out.Suites = append(out.Suites, junitSuite{Name: e.Name, Tests: e.Examples, Failures: e.Failed, Time: seconds(e.Duration)})
	}
	for _, r := range s.Results {
		c := junitCase{Name: r.File + "/" + r.Name, Classname: r.Endpoint, File: r.File + ".txt", Line: r.Line, Time: seconds(r.Duration)}
		if r.Status == replay.Failed {
			var b strings.Builder
			Failure(&b, r)
			c.Failure = &junitFailure{Message: firstLine(r.Problems), Type: "mismatch", Text: b.String()}
		} else if len(r.Notes) > 0 {
			c.SystemOut = strings.Join(r.Notes, "\n")
		}
		suite := &out.Suites[index[r.Endpoint]]
		suite.Cases = append(suite.Cases, c)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("JUnit report: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func firstLine(ps []string) string {
	if len(ps) == 0 {
		return "failed"
	}
	return ps[0]
}

// JSON writes the summary and every result as JSON.
func JSON(w io.Writer, s *replay.Summary) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("JSON report: %w", err)
	}
	return nil
}
