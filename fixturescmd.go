package main

import (
	"errors"
	"flag"
	"fmt"
	"io"

	"threescale-sandbox/fixtures"
)

func runFixtures(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
			fmt.Fprint(stdout, "Usage: threescale-sandbox fixtures check FILE_OR_FOLDER...\n")
			return nil
		}
		fmt.Fprint(stderr, "Usage: threescale-sandbox fixtures check FILE_OR_FOLDER...\n")
		return errUsage
	}
	fs := flag.NewFlagSet("fixtures check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: threescale-sandbox fixtures check FILE_OR_FOLDER...\n\n"+
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
