package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/contracts/openapi"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/mgmt"
	"github.com/threescale-sandbox/threescale-sandbox/server"
	"github.com/threescale-sandbox/threescale-sandbox/store"
	"github.com/threescale-sandbox/threescale-sandbox/webhook"
)

const backendVersion = mgmt.Version

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, string(os.PathListSeparator)) }

func (l *listFlag) Set(v string) error {
	*l = append(*l, v)
	return nil
}

type serveConfig struct {
	addr, tlsAddr, tlsCert, tlsKey string
	fixtures                       listFlag
	db                             string
	reset                          bool
	frozenTime                     string
	logLevel                       string
	webhookRetries                 int
	webhookRetryDelay              time.Duration
	validate                       bool
	readyFile                      string
}

// envPrefix names the environment variables that set flags:
// THREESCALE_SANDBOX_ADDR sets --addr, and so on.
const envPrefix = "THREESCALE_SANDBOX_"

func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// applyEnv sets every flag not given on the command line from its
// environment variable. A list flag takes a path-list-separated value.
func applyEnv(fs *flag.FlagSet) error {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		v, ok := os.LookupEnv(envName(f.Name))
		if !ok || given[f.Name] || err != nil {
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

func serveFlags(stderr io.Writer) (*flag.FlagSet, *serveConfig) {
	cfg := &serveConfig{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:3000", "address of the HTTP listener")
	fs.StringVar(&cfg.tlsAddr, "tls-addr", "", "address of an HTTPS listener beside the HTTP one (off when empty)")
	fs.StringVar(&cfg.tlsCert, "tls-cert", "", "PEM certificate for --tls-addr (default: a self-signed one made at start)")
	fs.StringVar(&cfg.tlsKey, "tls-key", "", "PEM private key for --tls-cert")
	fs.Var(&cfg.fixtures, "fixtures", "fixture file, or folder of *.yaml; repeatable (default: the embedded world)")
	fs.StringVar(&cfg.db, "db", "", "SQLite database file; state survives restarts (default: a fresh in-memory database)")
	fs.BoolVar(&cfg.reset, "reset", false, "with --db: forget the stored state and seed from the fixtures again")
	fs.StringVar(&cfg.frozenTime, "frozen-time", "", "stop the clock at this RFC 3339 time (deterministic periods for tests)")
	fs.StringVar(&cfg.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.IntVar(&cfg.webhookRetries, "webhook-retries", 5, "retries of a webhook delivery after the first attempt (porta: 5)")
	fs.DurationVar(&cfg.webhookRetryDelay, "webhook-retry-delay", time.Minute,
		"delay between webhook delivery attempts, on the sandbox clock (porta: 1m)")
	fs.BoolVar(&cfg.validate, "validate", false, "log (warn) every request that violates the OpenAPI description, naming the violation")
	fs.StringVar(&cfg.readyFile, "ready-file", "", "once listening, write the HTTP base URL to this file (for scripts: learn the port of --addr 127.0.0.1:0)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: threescale-sandbox serve [flags]\n\nEvery flag can also be set with %sNAME (for example %s).\n\nFlags:\n",
			envPrefix, envName("addr"))
		fs.PrintDefaults()
	}
	return fs, cfg
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs, cfg := serveFlags(stderr)
	if wantsHelp(args) {
		fs.SetOutput(stdout)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	started := time.Now()
	fixturesGiven := isGiven(fs, "fixtures")
	if err := applyEnv(fs); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if !fixturesGiven {
		cfg.fixtures = dropEmptyFolders(cfg.fixtures, log)
	}

	var clk clock.Clock = clock.System{}
	if cfg.frozenTime != "" {
		t, err := time.Parse(time.RFC3339, cfg.frozenTime)
		if err != nil {
			return fmt.Errorf("--frozen-time: %w", err)
		}
		clk = clock.NewFake(t)
	}

	st, seed, err := openStore(ctx, cfg, clk, log)
	if err != nil {
		return err
	}
	defer st.Close()

	if cfg.webhookRetries < 0 || cfg.webhookRetryDelay < 0 {
		return errors.New("--webhook-retries and --webhook-retry-delay cannot be negative")
	}
	build := currentBuild()
	opts := server.Options{Store: st, Clock: clk, Logger: log, Health: server.Health{
		Version: build.Version, Commit: build.Commit, Fixtures: seed.sources, DB: cfg.db, Seeded: seed.seeded,
		Started: started, Wall: clock.System{},
	}}
	if cfg.validate {
		if opts.Validator, err = openapi.Load(); err != nil {
			return err
		}
	}
	handler := server.NewServer(opts)
	// Webhook deliveries run beside the listeners and stop before the store
	// closes; a pending one is resumed at the next start.
	hooksCtx, stopHooks := context.WithCancel(context.Background())
	hooksDone := make(chan struct{})
	go func() {
		defer close(hooksDone)
		webhook.New(webhook.Options{Store: st, Clock: clk, Logger: log, Retries: cfg.webhookRetries,
			Delay: cfg.webhookRetryDelay}).Run(hooksCtx)
	}()
	defer func() {
		stopHooks()
		<-hooksDone
	}()
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.addr, err)
	}
	servers := []*http.Server{newHTTPServer(handler, log)}
	listeners := []net.Listener{ln}
	var tlsInfo string
	if cfg.tlsAddr != "" {
		tln, info, err := tlsListener(cfg)
		if err != nil {
			ln.Close()
			return err
		}
		servers = append(servers, newHTTPServer(handler, log))
		listeners = append(listeners, tln)
		tlsInfo = info
	}

	printSummary(stdout, st.Catalog(), summary{
		url: "http://" + ln.Addr().String(), tls: tlsInfo, db: cfg.db, seeded: seed.summary, frozen: cfg.frozenTime,
		validate: cfg.validate,
	})

	if cfg.readyFile != "" {
		if err := os.WriteFile(cfg.readyFile, []byte("http://"+ln.Addr().String()+"\n"), 0o644); err != nil {
			for _, l := range listeners {
				l.Close()
			}
			return fmt.Errorf("--ready-file: %w", err)
		}
	}

	errc := make(chan error, len(servers))
	for i, srv := range servers {
		go func() { errc <- srv.Serve(listeners[i]) }()
	}
	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, srv := range servers {
		if err := srv.Shutdown(shutdownCtx); err != nil {
			log.Warn("shutdown", "err", err)
		}
	}
	return nil
}

func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		// Rack accepts query strings up to 4 MiB; so must the request line.
		MaxHeaderBytes: 5 << 20,
		ErrorLog:       slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// seedInfo says where the state of this start came from.
type seedInfo struct {
	seeded  bool     // seeded now (false: a --db's stored state was kept)
	sources []string // the fixture files read, when seeded
	summary string   // the same, for the startup summary
}

// openStore opens the database and seeds it from the fixtures when it is
// new or --reset is given.
func openStore(ctx context.Context, cfg *serveConfig, clk clock.Clock, log *slog.Logger) (*store.Store, seedInfo, error) {
	if cfg.reset && cfg.db == "" {
		return nil, seedInfo{}, errors.New("--reset needs --db (the default in-memory database is always fresh)")
	}
	st, err := store.Open(ctx, cfg.db, clk, log)
	if err != nil {
		return nil, seedInfo{}, err
	}
	if st.Seeded() && !cfg.reset {
		if len(cfg.fixtures) > 0 {
			log.Warn("database already holds state; --fixtures ignored (use --reset to reseed)", "db", cfg.db)
		}
		return st, seedInfo{summary: "kept the stored state"}, nil
	}
	var world *fixtures.World
	source := "the embedded default fixture"
	if len(cfg.fixtures) > 0 {
		world, err = fixtures.Load(cfg.fixtures, rand.Reader)
		source = strings.Join(cfg.fixtures, ", ")
	} else {
		world, err = fixtures.Default(rand.Reader)
	}
	if err == nil && cfg.reset {
		err = st.Reset(ctx)
	}
	if err == nil {
		err = st.Seed(ctx, world)
	}
	if err != nil {
		st.Close()
		return nil, seedInfo{}, err
	}
	return st, seedInfo{seeded: true, sources: world.Sources, summary: "seeded from " + source}, nil
}

// dropEmptyFolders leaves out the fixture folders, set from the
// environment, that hold no fixture: the container image sets
// THREESCALE_SANDBOX_FIXTURES=/fixtures, and a container started without
// a mount there serves the default world. A folder named on the command
// line must hold fixtures.
func dropEmptyFolders(paths []string, log *slog.Logger) []string {
	var kept []string
	for _, p := range paths {
		if fixtures.EmptyFolder(p) {
			log.Info("fixture folder holds no *.yaml; left out", "folder", p, "from", envName("fixtures"))
			continue
		}
		kept = append(kept, p)
	}
	return kept
}

// isGiven reports whether the command line set the flag.
func isGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// tlsListener listens for HTTPS with the given certificate, or a
// self-signed one written to a temporary file so clients can trust it.
func tlsListener(cfg *serveConfig) (net.Listener, string, error) {
	var cert tls.Certificate
	var info string
	var err error
	if cfg.tlsCert != "" || cfg.tlsKey != "" {
		if cfg.tlsCert == "" || cfg.tlsKey == "" {
			return nil, "", errors.New("--tls-cert and --tls-key go together")
		}
		cert, err = tls.LoadX509KeyPair(cfg.tlsCert, cfg.tlsKey)
		if err != nil {
			return nil, "", fmt.Errorf("load TLS certificate: %w", err)
		}
		info = "certificate " + cfg.tlsCert
	} else {
		var path string
		cert, path, err = selfSigned()
		if err != nil {
			return nil, "", err
		}
		info = "self-signed certificate " + path + " (for Node.js: NODE_EXTRA_CA_CERTS=" + path + ")"
	}
	ln, err := tls.Listen("tcp", cfg.tlsAddr, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		return nil, "", fmt.Errorf("listen on %s: %w", cfg.tlsAddr, err)
	}
	return ln, "https://" + ln.Addr().String() + ", " + info, nil
}
