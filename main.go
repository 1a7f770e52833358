// Command threescale-sandbox is a local stand-in for 3scale's hosted
// API-management backend: the Service Management API on SQLite, loaded from
// YAML fixtures.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errUsage) && !errors.Is(err, errSilent) {
			fmt.Fprintln(os.Stderr, "threescale-sandbox:", err)
		}
		os.Exit(1)
	}
}

var (
	// errUsage: the usage text was already printed.
	errUsage = errors.New("usage")
	// errSilent: the command already reported its failure.
	errSilent = errors.New("failed")
)

const usageText = `threescale-sandbox: a local stand-in for 3scale's Service Management and Account Management APIs.

Usage:
  threescale-sandbox serve [flags]            run the sandbox (no flags: the embedded default world)
  threescale-sandbox fixtures check FILE...   validate fixture files or folders (--json: as JSON)
  threescale-sandbox fixtures default         print the embedded default fixture
  threescale-sandbox contract [flags]         replay the documented examples against the sandbox or --target URL
  threescale-sandbox version                  print the version
  threescale-sandbox help [COMMAND]           this text, or a command's help

Run 'threescale-sandbox COMMAND --help' for a command's flags.
`

// run is the whole program, testable: it parses args, runs one command
// until ctx is done, and writes only to stdout and stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usageText)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "fixtures":
		return runFixtures(args[1:], stdout, stderr)
	case "contract":
		return runContract(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		if len(args) > 1 {
			if wantsHelp(args[1:2]) {
				fmt.Fprint(stdout, "Usage: threescale-sandbox version\n\nPrints the version, and that of apisonator whose Service Management API it serves.\n")
				return nil
			}
			fmt.Fprintf(stderr, "version: unexpected argument %q\n", args[1])
			return errUsage
		}
		fmt.Fprintf(stdout, "threescale-sandbox %s (Service Management API of apisonator %s)\n", version, backendVersion)
		return nil
	case "help", "--help", "-help", "-h":
		if len(args) > 1 && args[0] == "help" && !wantsHelp(args[1:2]) {
			// help COMMAND [SUBCOMMAND] is COMMAND [SUBCOMMAND] --help.
			return run(ctx, append(slices.Clone(args[1:]), "--help"), stdout, stderr)
		}
		fmt.Fprint(stdout, usageText)
		return nil
	default:
		fmt.Fprintf(stderr, "threescale-sandbox: unknown command %q\n\n%s", args[0], usageText)
		return errUsage
	}
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
