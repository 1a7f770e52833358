package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
)

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, string(os.PathListSeparator)) }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

// envPrefix names the environment variables that set flags:
// THREESCALE_SANDBOX_ADDR sets --addr, and so on.
const envPrefix = "THREESCALE_SANDBOX_"

func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// applyEnv sets every flag not given on the command line from its
// environment variable; an empty variable counts as unset. A list flag
// takes a path-list-separated value.
func applyEnv(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		v := os.Getenv(envName(f.Name))
		if v == "" || given[f.Name] || err != nil {
			return
		}
		parts := []string{v}
		if _, isList := f.Value.(*listFlag); isList {
			parts = filepath.SplitList(v)
		}
		for _, p := range parts {
			if serr := f.Value.Set(p); serr != nil {
				err = fmt.Errorf("%s=%q: %w", envName(f.Name), v, serr)
				return
			}
		}
	})
	return err
}

// checked is a flag whose text parse reads into its target. A text it
// refuses is answered with the forms the flag takes, naming the flag (or
// the environment variable) it came from, rather than with the error of
// the Go parser behind it.
type checked struct {
	text   string
	parse  func(string) error
	isBool bool
	// bad is the refusal of the last Set with its text, for parseFlags:
	// the flag package keeps only the message.
	bad     error
	badText string
}

func (c *checked) String() string {
	if c == nil {
		return ""
	}
	return c.text
}

func (c *checked) Set(s string) error {
	if err := c.parse(s); err != nil {
		c.bad, c.badText = err, s
		return err
	}
	c.text = s
	return nil
}

func (c *checked) IsBoolFlag() bool { return c != nil && c.isBool }

// defineChecked adds a checked flag; def is its default's text, "" for the
// zero value (the help shows no default then, as for the flag package's own).
func defineChecked[T any](fs *flag.FlagSet, p *T, name string, def T, defText, usage string, parse func(string) (T, error)) {
	*p = def
	fs.Var(&checked{text: defText, parse: func(s string) error {
		v, err := parse(s)
		if err == nil {
			*p = v
		}
		return err
	}}, name, usage)
}

func boolFlag(fs *flag.FlagSet, p *bool, name, usage string) {
	defineChecked(fs, p, name, false, "", usage, func(s string) (bool, error) {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return false, errors.New("want true or false")
		}
		return b, nil
	})
	fs.Lookup(name).Value.(*checked).isBool = true
}

// intFlag takes a whole number of at least min.
func intFlag(fs *flag.FlagSet, p *int, name string, def, min int, usage string) {
	defText := ""
	if def != 0 {
		defText = strconv.Itoa(def)
	}
	defineChecked(fs, p, name, def, defText, usage, func(s string) (int, error) {
		n, err := strconv.Atoi(s)
		if err != nil || n < min {
			return 0, fmt.Errorf("want a whole number, %d or more", min)
		}
		return n, nil
	})
}

// durationFlag takes a Go duration of at least min.
func durationFlag(fs *flag.FlagSet, p *time.Duration, name string, def, min time.Duration, usage string) {
	defText := ""
	if def != 0 {
		defText = def.String()
	}
	defineChecked(fs, p, name, def, defText, usage, func(s string) (time.Duration, error) {
		d, err := time.ParseDuration(s)
		if err != nil || d < min {
			bound := "not negative"
			if min > 0 {
				bound = "at least " + min.String()
			}
			return 0, fmt.Errorf("want a duration such as 500ms, 30s, 1m or 1h30m (%s)", bound)
		}
		return d, nil
	})
}

// timeFlag takes an instant (parseInstant); def "" is none.
func timeFlag(fs *flag.FlagSet, p *time.Time, name, def, usage string) {
	var at time.Time
	if def != "" {
		var err error
		if at, err = parseInstant(def); err != nil {
			panic("timeFlag " + name + ": " + err.Error())
		}
	}
	defineChecked(fs, p, name, at, def, usage, parseInstant)
}

// instantForms are the forms parseInstant reads, in its error.
const instantForms = clock.InstantForms

// parseInstant reads the time of --frozen-time, in the forms the control
// API's clock takes too.
func parseInstant(s string) (time.Time, error) { return clock.ParseInstant(s) }

// levelFlag takes a log level by name.
func levelFlag(fs *flag.FlagSet, p *slog.Level, name string, def slog.Level, usage string) {
	defineChecked(fs, p, name, def, strings.ToLower(def.String()), usage, func(s string) (slog.Level, error) {
		var l slog.Level
		switch strings.ToLower(s) {
		case "debug", "info", "warn", "error":
			l.UnmarshalText([]byte(s))
			return l, nil
		}
		return 0, errors.New("want one of debug, info, warn, error")
	})
}

// choiceFlag takes one of the given words.
func choiceFlag(fs *flag.FlagSet, p *string, name, def string, choices []string, usage string) {
	defineChecked(fs, p, name, def, def, usage, func(s string) (string, error) {
		for _, c := range choices {
			if strings.EqualFold(s, c) {
				return c, nil
			}
		}
		return "", errors.New("want one of " + strings.Join(choices, ", "))
	})
}

// addrFlag takes a listen address; "" is none.
func addrFlag(fs *flag.FlagSet, p *string, name, def, usage string) {
	defineChecked(fs, p, name, def, def, usage, func(s string) (string, error) {
		if s == "" {
			return "", nil
		}
		_, port, err := net.SplitHostPort(s)
		if n, perr := strconv.Atoi(port); err != nil || port == "" || perr == nil && (n < 0 || n > 65535) {
			return "", errors.New("want HOST:PORT, such as 127.0.0.1:3000, :3000 (every interface) or 127.0.0.1:0 (a free port)")
		}
		return s, nil
	})
}

// urlFlag takes an http or https base URL; "" is none.
func urlFlag(fs *flag.FlagSet, p *string, name, usage string) {
	defineChecked(fs, p, name, "", "", usage, func(s string) (string, error) {
		if s == "" {
			return "", nil
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return "", errors.New("want an http or https base URL, such as https://su1.3scale.net or http://127.0.0.1:3000")
		}
		return s, nil
	})
}

// parseFlags parses a command's flags. Help (-h, --help) goes to stdout
// and reports help; a value a flag refuses is an error naming the flag, its
// text and the forms it takes; any other mistake prints the usage on
// stderr and is errUsage.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (help bool, err error) {
	var out bytes.Buffer
	fs.SetOutput(&out)
	err = fs.Parse(args)
	fs.SetOutput(stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		_, err = stdout.Write(out.Bytes())
		return true, err
	case err != nil:
		var bad error
		fs.VisitAll(func(f *flag.Flag) {
			if c, ok := f.Value.(*checked); ok && c.bad != nil && bad == nil {
				bad = fmt.Errorf("%s %q: %w", flagName(f.Name), c.badText, c.bad)
			}
		})
		if bad != nil {
			return false, bad
		}
		stderr.Write(out.Bytes())
		return false, errUsage
	}
	return false, nil
}

// flagName is how the help and the README write a flag: -v, --frozen-time.
func flagName(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// flagGiven reports whether a flag was set on the command line or by its
// environment variable.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := os.Getenv(envName(name)) != ""
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}
