package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
)

const fixturesUsage = `Usage:
  threescale-sandbox fixtures check FILE_OR_FOLDER...   validate fixture files
  threescale-sandbox fixtures default                   print the embedded default fixture
`

func runFixtures(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "default" {
		_, err := stdout.Write(fixtures.DefaultYAML())
		return err
	}
	if len(args) == 0 || args[0] != "check" {
		if len(args) > 0 && wantsHelp(args[:1]) {
			fmt.Fprint(stdout, fixturesUsage)
			return nil
		}
		fmt.Fprint(stderr, fixturesUsage)
		return errUsage
	}
	fs := flag.NewFlagSet("fixtures check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if wantsHelp(args[1:]) {
		fs.SetOutput(stdout)
	}
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: threescale-sandbox fixtures check FILE_OR_FOLDER...\n\n"+
			"Validates fixture files (a folder: every *.yaml in it) together, as serve would load them,\n"+
			"and prints every problem as FILE:LINE: FIELD: MESSAGE. Exits 1 if there is any.\n")
	}
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	problems := fixtures.Check(fs.Args())
	for _, p := range problems {
		fmt.Fprintln(stderr, p)
	}
	if len(problems) > 0 {
		fmt.Fprintf(stderr, "%d problem(s)\n", len(problems))
		return errSilent
	}
	fmt.Fprintf(stdout, "ok: %d path(s) valid\n", fs.NArg())
	return nil
}

// wantsHelp reports whether the user asked for help, which then goes to
// stdout rather than stderr.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "-h", "-help", "--help", "help":
			return true
		case "--":
			return false
		}
	}
	return false
}
