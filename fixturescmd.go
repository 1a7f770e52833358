package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
)

const fixturesUsage = `Usage:
  threescale-sandbox fixtures check [--json] FILE_OR_FOLDER...   validate fixture files
  threescale-sandbox fixtures default                            print the embedded default fixture

Run 'threescale-sandbox fixtures COMMAND --help' for more.
`

const fixturesCheckUsage = `Usage: threescale-sandbox fixtures check [--json] FILE_OR_FOLDER...

Validates fixture files (a folder: every *.yaml in it) together, as serve would
load them, and reports every problem in one pass, by file (in the order given)
and line: on stderr as FILE:LINE: FIELD: MESSAGE, a warning as
FILE:LINE: warning: FIELD: MESSAGE. Exits 1 if there is an error; warnings
alone (a file without version:, say) do not fail.

Flags:
`

const fixturesDefaultUsage = `Usage: threescale-sandbox fixtures default

Prints the embedded default fixture, the world serve loads without --fixtures:
the best template for a fixture of one's own.
`

func runFixtures(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, fixturesUsage)
		return errUsage
	}
	switch args[0] {
	case "check":
		return runFixturesCheck(args[1:], stdout, stderr)
	case "default":
		fs := flag.NewFlagSet("fixtures default", flag.ContinueOnError)
		fs.Usage = func() { fmt.Fprint(fs.Output(), fixturesDefaultUsage) }
		if help, err := parseFlags(fs, args[1:], stdout, stderr); help || err != nil {
			return err
		}
		if fs.NArg() > 0 {
			fmt.Fprintf(stderr, "fixtures default: unexpected argument %q\n", fs.Arg(0))
			return errUsage
		}
		_, err := stdout.Write(fixtures.DefaultYAML())
		return err
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, fixturesUsage)
		return nil
	}
	fmt.Fprintf(stderr, "fixtures: unknown command %q\n\n%s", args[0], fixturesUsage)
	return errUsage
}

// problemJSON is one problem as fixtures check --json prints it.
type problemJSON struct {
	File     string `json:"file"`
	Line     int    `json:"line"` // 0: the problem has no line
	Path     string `json:"path"` // the field, as written; "" for the whole file
	Severity string `json:"severity"`
	Message  string `json:"message"`
}

func runFixturesCheck(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fixtures check", flag.ContinueOnError)
	asJSON := false
	boolFlag(fs, &asJSON, "json", "print the problems on stdout as a JSON array of {file, line, path, severity, message} (severity: error or warning), [] when there is none")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), fixturesCheckUsage)
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args, stdout, stderr); help || err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	problems := fixtures.Check(fs.Args())
	errs, warnings := 0, 0
	for _, p := range problems {
		if p.Warning {
			warnings++
		} else {
			errs++
		}
	}
	if asJSON {
		out := make([]problemJSON, 0, len(problems))
		for _, p := range problems {
			severity := "error"
			if p.Warning {
				severity = "warning"
			}
			out = append(out, problemJSON{File: p.File, Line: p.Line, Path: p.Field, Severity: severity, Message: p.Msg})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		for _, p := range problems {
			fmt.Fprintln(stderr, p)
		}
	}
	switch {
	case errs > 0 && !asJSON:
		fmt.Fprintf(stderr, "%d problem(s)%s\n", errs, warningCount(warnings, " and "))
		return errSilent
	case errs > 0:
		return errSilent
	case !asJSON:
		fmt.Fprintf(stdout, "ok: %d path(s) valid%s\n", fs.NArg(), warningCount(warnings, ", "))
	}
	return nil
}

func warningCount(n int, sep string) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%s%d warning(s)", sep, n)
}
