package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/contracts"
	"github.com/threescale-sandbox/threescale-sandbox/contracts/example"
	"github.com/threescale-sandbox/threescale-sandbox/contracts/openapi"
	"github.com/threescale-sandbox/threescale-sandbox/contracts/replay"
	"github.com/threescale-sandbox/threescale-sandbox/contracts/report"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/server"
	"github.com/threescale-sandbox/threescale-sandbox/store"
	"github.com/threescale-sandbox/threescale-sandbox/webhook"
)

const contractHelp = `Usage: threescale-sandbox contract [flags]

Replays the documented examples of the Service Management API (the request
and response examples of the client READMEs and of the ActiveDocs, and every
documented behaviour of the backend: error codes, rejection reasons,
extensions, authentication modes, report rules), of porta's Account
Management API (every endpoint, its errors and states, in XML and JSON) and
of porta's webhooks (the envelope of each event, read back from a receiver
this command runs on loopback: --webhook-addr, --webhook-url), and reports,
endpoint by endpoint, whether the implementation behaves as documented.
Every request sent and every response received is also checked against the
OpenAPI descriptions (GET /openapi.yaml, /openapi/account_management.yaml).

Without --target it starts the sandbox in this process, on a free loopback
port, seeded with the contracts' world (contracts/world.yaml) and a clock
frozen at --frozen-time, so that every run gives the same answers. With
--target it replays against that endpoint: the hosted 3scale backend, or
any implementation of the API. The examples then need the same world there:
give its credentials as variables (--vars FILE, --var NAME=VALUE, or
THREESCALE_CONTRACT_<NAME> in the environment, e.g.
THREESCALE_CONTRACT_PROVIDER_KEY; 'contract --dir D' reads D/vars.env for the
names). Examples that change counters need fresh applications (or, after a
first run, --update to re-record them).

Examples are named ENDPOINT/FILE/NAME, e.g. authorize/spec/errors/unknown metric.
--run and --skip select them by regular expression, as go test -run does.
The examples of a file run in order; an example before a selected one in its
file still runs, unreported, to set up the counters it expects.

It prints a line per file, every failure in full (the request, the expected
and the actual response, and each difference, e.g.
/status/usage_reports/usage_report[2]/current_value: want 5, got 6), a table
per endpoint and a closing line "N passed, M failed". It exits 1 if any
example failed.

Every flag can also be set with THREESCALE_SANDBOX_<FLAG> (THREESCALE_SANDBOX_TARGET).

Flags:
`

type contractConfig struct {
	target, dir, run, skip, junit, json, tap string
	controlToken                             string
	webhookAddr, webhookURL                  string
	vars, varKV                              listFlag
	update, updateAll, verbose, list, quiet  bool
	failFast, noReset                        bool
	retry, maxFailures                       int
	retryInterval, timeout, slack            time.Duration
	webhookWait                              time.Duration
	frozenTime                               time.Time
}

// contractVarEnv prefixes the environment variables that set example
// variables: THREESCALE_CONTRACT_PROVIDER_KEY sets {{provider_key}}.
const contractVarEnv = "THREESCALE_CONTRACT_"

// defaultContractTime is a Sunday: the week's usage reports then start on
// the Monday six days before, which a Sunday-first week would get wrong.
const defaultContractTime = "2026-11-22T10:15:00Z"

func contractFlags(stderr io.Writer) (*flag.FlagSet, *contractConfig) {
	c := &contractConfig{}
	fs := flag.NewFlagSet("contract", flag.ContinueOnError)
	fs.SetOutput(stderr)
	urlFlag(fs, &c.target, "target", "base `URL` of the implementation to check (default: the sandbox, in process)")
	fs.StringVar(&c.dir, "dir", "", "contract set to use: a folder with examples/, world.yaml and vars.env (default: the set built in, that of contracts/)")
	fs.Var(&c.vars, "vars", "file of NAME=value lines setting example variables; repeatable, later files win")
	fs.Var(&c.varKV, "var", "NAME=VALUE: set one example variable; repeatable, wins over --vars and the environment")
	fs.StringVar(&c.run, "run", "", "run only the examples whose ID (ENDPOINT/FILE/NAME) matches this regular expression")
	fs.StringVar(&c.skip, "skip", "", "leave out the examples whose ID matches this regular expression (e.g. ^list_errors|^delete_errors for a target without apisonator's internal API)")
	boolFlag(fs, &c.update, "update", "re-record the expected responses from the target into --dir, keeping the placeholders that still match")
	boolFlag(fs, &c.updateAll, "update-all", "like --update, but re-record every example, also those that match (to write values as new variables, say)")
	fs.StringVar(&c.junit, "junit", "", "write a JUnit XML report to this file (a testsuite per endpoint)")
	fs.StringVar(&c.json, "json", "", "write a JSON report to this file")
	fs.StringVar(&c.tap, "tap", "", "write a TAP (version 13) report to this file")
	boolFlag(fs, &c.verbose, "v", "print every example, not only failures")
	boolFlag(fs, &c.quiet, "quiet", "print only the failures and the closing line")
	boolFlag(fs, &c.failFast, "fail-fast", "stop at the first failure (--max-failures 1)")
	intFlag(fs, &c.maxFailures, "max-failures", 0, 0, "stop after `N` failures (0: run everything)")
	boolFlag(fs, &c.noReset, "no-reset", "with --target: do not reset a target that is a sandbox (POST /_sandbox/reset) before the run")
	fs.StringVar(&c.controlToken, "control-token", "", "with --target: the `TOKEN` of a sandbox started with --control-token, sent as Authorization: Bearer to its control API")
	boolFlag(fs, &c.list, "list", "list the IDs of the selected examples and exit")
	fs.StringVar(&c.webhookAddr, "webhook-addr", "127.0.0.1:0", "`HOST:PORT` the webhook receiver listens on (the target posts the webhooks that @receiver examples read there; port 0: a free one)")
	durationFlag(fs, &c.webhookWait, "webhook-wait", 5*time.Second, time.Millisecond, "how long a @receiver example `waits` for the target's delivery")
	urlFlag(fs, &c.webhookURL, "webhook-url", "`URL` the target is told to post its webhooks to ({{webhook_url}}; default: the receiver's, http://HOST:PORT/hooks): a tunnel's, for a target that cannot reach this machine")
	intFlag(fs, &c.retry, "retry", 0, 0, "re-send a read-only request whose answer differs up to `N` more times (the hosted backend applies reports asynchronously)")
	durationFlag(fs, &c.retryInterval, "retry-interval", 500*time.Millisecond, 0, "`wait` between retries")
	durationFlag(fs, &c.timeout, "timeout", 10*time.Second, time.Millisecond, "`timeout` of each request")
	durationFlag(fs, &c.slack, "clock-slack", 2*time.Second, 0, "with --target: how far the target's clock may be from this one for the period placeholders")
	timeFlag(fs, &c.frozenTime, "frozen-time", defaultContractTime, "the `time` the in-process sandbox's clock is stopped at (RFC 3339, or a date: midnight UTC); with --target, given explicitly: the time the target's clock is stopped at (serve --frozen-time)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), contractHelp)
		fs.PrintDefaults()
	}
	return fs, c
}

func runContract(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags, c := contractFlags(stderr)
	if help, err := parseFlags(flags, args, stdout, stderr); help || err != nil {
		return err
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "contract: unexpected argument %q\n", flags.Arg(0))
		return errUsage
	}
	if err := applyEnv(flags); err != nil {
		return err
	}
	c.update = c.update || c.updateAll
	if c.update && c.dir == "" {
		return errors.New("--update rewrites example files: give the folder with --dir (e.g. --dir contracts)")
	}
	var fsys fs.FS = contracts.Embedded()
	label := "contracts/"
	if c.dir != "" {
		if fi, err := os.Stat(c.dir); err != nil || !fi.IsDir() {
			return fmt.Errorf("--dir %s: want a folder holding examples/, world.yaml and vars.env (%s)", c.dir, notAFolder(err))
		}
		fsys, label = os.DirFS(c.dir), filepath.ToSlash(filepath.Clean(c.dir))+"/"
	}
	set, err := contracts.Load(fsys, label)
	if err != nil {
		return err
	}
	opts := replay.Options{Update: c.update, UpdateAll: c.updateAll, Retry: c.retry, RetryInterval: c.retryInterval,
		MaxFailures: c.maxFailures}
	if c.failFast {
		opts.MaxFailures = 1
	}
	if opts.Run, err = compilePattern("--run", c.run); err != nil {
		return err
	}
	if opts.Skip, err = compilePattern("--skip", c.skip); err != nil {
		return err
	}
	if opts.Vars, err = contractVars(set.Vars, c); err != nil {
		return err
	}
	if opts.OpenAPI, err = openapi.LoadAll(); err != nil {
		return err
	}
	if err := checkVariables(set, &opts); err != nil {
		return err
	}
	if c.list {
		return listExamples(stdout, set, &opts)
	}

	// The report files are created before the run: a path that cannot be
	// written is told now, not after every example ran.
	junit, err := createReport("--junit", c.junit)
	if err != nil {
		return err
	}
	jsonReport, err := createReport("--json", c.json)
	if err != nil {
		junit.Close()
		return err
	}
	defer junit.Close()
	defer jsonReport.Close()
	tap, err := createReport("--tap", c.tap)
	if err != nil {
		return err
	}
	defer tap.Close()

	client := &http.Client{
		Timeout: c.timeout,
		// A redirect is an answer to check, not to follow.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	target := replay.Target{URL: strings.TrimRight(c.target, "/"), Client: client, Clock: clock.System{}, Slack: c.slack}
	if c.target != "" && flagGiven(flags, "frozen-time") {
		// The target's clock is stopped there (serve --frozen-time).
		target.Clock = clock.NewFake(c.frozenTime)
	}
	if c.target == "" {
		url, clk, stop, err := startContractSandbox(ctx, set, c.frozenTime, stderr)
		if err != nil {
			return err
		}
		defer stop()
		target.URL, target.Clock, target.Slack = url, clk, 0
	}

	if c.target != "" {
		if err := prepareTarget(ctx, client, target.URL, c.controlToken, !c.noReset, stdout); err != nil {
			return err
		}
	}
	receiver, stopReceiver, err := startReceiver(c.webhookAddr, c.webhookWait)
	if err != nil {
		return err
	}
	defer stopReceiver()
	target.Receiver, target.WebhookURL = receiver, c.webhookURL

	selected := replay.Count(set.Files, &opts, opts.Vars)
	if selected == 0 {
		return errors.New("no example matches --run/--skip (see --list)")
	}
	if !c.quiet {
		files := 0
		for _, f := range set.Files {
			if replay.Count([]*example.File{f}, &opts, opts.Vars) > 0 {
				files++
			}
		}
		fmt.Fprintf(stdout, "threescale-sandbox contract: %d examples in %d files against %s\n", selected, files, target.URL)
	}
	progress := &report.Progress{W: stdout, Verbose: c.verbose && !c.quiet, Quiet: c.quiet}
	opts.OnResult = progress.Result
	sum, err := replay.Run(ctx, set.Files, target, opts)
	progress.Done()
	if err != nil {
		return err
	}
	if c.quiet {
		report.Closing(stdout, sum)
	} else {
		report.Table(stdout, sum)
	}
	if err := junit.write(func(w io.Writer) error { return report.JUnit(w, sum) }); err != nil {
		return err
	}
	if err := jsonReport.write(func(w io.Writer) error { return report.JSON(w, sum) }); err != nil {
		return err
	}
	if err := tap.write(func(w io.Writer) error { return report.TAP(w, sum) }); err != nil {
		return err
	}
	if c.update {
		for _, f := range set.Files {
			if !f.Changed() {
				continue
			}
			p := filepath.Join(c.dir, filepath.FromSlash(set.Paths[f.Name]))
			if err := os.WriteFile(p, f.Bytes(), 0o644); err != nil {
				return fmt.Errorf("--update: %w", err)
			}
			fmt.Fprintf(stdout, "re-recorded %s\n", p)
		}
	}
	if sum.Failed > 0 {
		return errSilent
	}
	return nil
}

// prepareTarget checks that the target answers before anything is sent,
// saying how to start a sandbox there when it does not; and when it is a
// sandbox (it answers GET /_sandbox/health), it resets it to its fixtures
// so that counters left by an earlier run do not fail this one.
func prepareTarget(ctx context.Context, client *http.Client, base, token string, reset bool, stdout io.Writer) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/_sandbox/health", nil)
	if err != nil {
		return fmt.Errorf("--target %s: %w", base, err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		hostPort := strings.TrimPrefix(strings.TrimPrefix(base, "http://"), "https://")
		return fmt.Errorf("--target %s does not answer (%s).\nTo check the sandbox there, start one with the contracts' world first:\n"+
			"  threescale-sandbox serve --addr %s --fixtures contracts/world.yaml --frozen-time %s\n"+
			"and run contract --target with the same --frozen-time; or leave out --target to run against a sandbox in this process",
			base, cause(err), hostPort, defaultContractTime)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode == http.StatusUnauthorized && reset {
		if token == "" {
			return fmt.Errorf("--target %s is a sandbox whose control API wants a token: give it with --control-token or %s (or --no-reset to run on its state as it is)",
				base, envName("control-token"))
		}
		return fmt.Errorf("--target %s refused the control token: give the sandbox's --control-token (or --no-reset)", base)
	}
	if resp.StatusCode != http.StatusOK || !reset {
		return nil // not a sandbox, or not to be reset
	}
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, base+"/_sandbox/reset", nil)
	if err != nil {
		return err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err = client.Do(req)
	if err != nil {
		return fmt.Errorf("--target %s: reset the sandbox: %s", base, cause(err))
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	switch {
	case resp.StatusCode/100 == 2:
		fmt.Fprintf(stdout, "reset the sandbox at %s to its fixtures (--no-reset to keep its state)\n", base)
	case resp.StatusCode == http.StatusNotFound:
		fmt.Fprintf(stdout, "the sandbox at %s has no /_sandbox/reset: its state is kept\n", base)
	default:
		return fmt.Errorf("--target %s: reset the sandbox: %d %s", base, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return nil
}

func compilePattern(flagName, p string) (*regexp.Regexp, error) {
	if p == "" {
		return nil, nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", flagName, err)
	}
	return re, nil
}

// contractVars layers the variables: the set's defaults, then the
// environment, then --vars files in order, then --var.
func contractVars(defaults map[string]string, c *contractConfig) (map[string]string, error) {
	vars := make(map[string]string, len(defaults))
	for k, v := range defaults {
		vars[k] = v
	}
	for _, kv := range os.Environ() {
		k, v, _ := strings.Cut(kv, "=")
		if name, ok := strings.CutPrefix(k, contractVarEnv); ok && name != "" {
			vars[strings.ToLower(name)] = v
		}
	}
	for _, path := range c.vars {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--vars: %w", err)
		}
		more, err := example.ParseVars(path, data)
		if err != nil {
			return nil, err
		}
		for k, v := range more {
			vars[k] = v
		}
	}
	for _, kv := range c.varKV {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("--var %q: want NAME=VALUE", kv)
		}
		vars[k] = v
	}
	return vars, nil
}

// checkVariables names, before anything runs, every variable the selected
// examples' files use and nobody gave.
func checkVariables(set *contracts.Set, o *replay.Options) error {
	missing := map[string][]string{}
	for _, f := range set.Files {
		selected := false
		for _, e := range f.Examples {
			id := replay.ExampleID(o, e, o.Vars)
			selected = selected || o.Selected(id)
		}
		if !selected {
			continue
		}
		used, captured := f.Variables()
		for _, v := range used {
			if _, ok := o.Vars[v]; !ok && !slices.Contains(captured, v) && !slices.Contains(replay.Builtins, v) {
				missing[v] = append(missing[v], f.Name)
			}
		}
	}
	if len(missing) == 0 {
		return nil
	}
	var lines []string
	for _, v := range slices.Sorted(maps.Keys(missing)) {
		lines = append(lines, fmt.Sprintf("  %s (%s%s; used by %s)", v, contractVarEnv, strings.ToUpper(v), strings.Join(missing[v], ", ")))
	}
	return fmt.Errorf("undefined variables; give them with --vars FILE, --var NAME=VALUE or the environment:\n%s", strings.Join(lines, "\n"))
}

func listExamples(w io.Writer, set *contracts.Set, o *replay.Options) error {
	n := 0
	for _, f := range set.Files {
		for _, e := range f.Examples {
			id := replay.ExampleID(o, e, o.Vars)
			if o.Selected(id) {
				fmt.Fprintln(w, id)
				n++
			}
		}
	}
	if n == 0 {
		return errors.New("no example matches --run/--skip")
	}
	return nil
}

// startContractSandbox serves the set's world on a free loopback port with
// a frozen clock, until stop is called.
func startContractSandbox(ctx context.Context, set *contracts.Set, at time.Time, stderr io.Writer) (string, *clock.Fake, func(), error) {
	world, err := fixtures.Parse(contracts.WorldFile, set.World, rand.Reader)
	if err != nil {
		return "", nil, nil, err
	}
	clk := clock.NewFake(at)
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, err := store.OpenSeeded(ctx, "", world, clk, log)
	if err != nil {
		return "", nil, nil, err
	}
	ln, err := listen("127.0.0.1:0")
	if err != nil {
		st.Close()
		return "", nil, nil, err
	}
	srv := newHTTPServer(server.NewServer(server.Options{Store: st, Clock: clk, Logger: log}), log)
	done := make(chan struct{})
	go func() { _ = srv.Serve(ln); close(done) }()
	// Webhooks are delivered as serve delivers them: the examples read
	// them at the receiver.
	hooksCtx, stopHooks := context.WithCancel(context.Background())
	hooksDone := make(chan struct{})
	go func() {
		defer close(hooksDone)
		webhook.New(webhook.Options{Store: st, Clock: clk, Logger: log, Retries: 0}).Run(hooksCtx)
	}()
	stop := func() {
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
		<-done
		stopHooks()
		<-hooksDone
		st.Close()
	}
	return "http://" + ln.Addr().String(), clk, stop, nil
}

// startReceiver serves a webhook receiver (replay.Receiver) on addr until
// stop is called, and returns its base URL.
func startReceiver(addr string, wait time.Duration) (string, func(), error) {
	ln, err := listen(addr)
	if err != nil {
		return "", nil, fmt.Errorf("--webhook-addr %s: %w", addr, err)
	}
	srv := &http.Server{Handler: &replay.Receiver{Wait: wait}, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() { _ = srv.Serve(ln); close(done) }()
	return "http://" + ln.Addr().String(), func() {
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
		<-done
	}, nil
}

// reportFile is a report's file, created before the run; nil when the
// report is not wanted.
type reportFile struct {
	flag string
	f    *os.File
}

func createReport(flagName, path string) (*reportFile, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %s", flagName, path, cause(err))
	}
	return &reportFile{flagName, f}, nil
}

func (r *reportFile) write(write func(io.Writer) error) error {
	if r == nil {
		return nil
	}
	if err := write(r.f); err != nil {
		return fmt.Errorf("%s %s: %w", r.flag, r.f.Name(), err)
	}
	err := r.f.Close()
	r.f = nil
	if err != nil {
		return fmt.Errorf("%s: %w", r.flag, err)
	}
	return nil
}

// Close closes a report that was not written (the run failed).
func (r *reportFile) Close() {
	if r != nil && r.f != nil {
		r.f.Close()
	}
}

// notAFolder says why a path that should be a folder is not one.
func notAFolder(err error) string {
	if err != nil {
		return cause(err)
	}
	return "it is a file"
}

// cause is the system's reason without the path, which the caller names.
func cause(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
