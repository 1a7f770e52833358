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
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/connlimit"
	"github.com/threescale-sandbox/threescale-sandbox/contracts/openapi"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/mgmt"
	"github.com/threescale-sandbox/threescale-sandbox/server"
	"github.com/threescale-sandbox/threescale-sandbox/store"
	"github.com/threescale-sandbox/threescale-sandbox/webhook"
)

const backendVersion = mgmt.Version

type serveConfig struct {
	addr, tlsAddr, tlsCert, tlsKey string
	fixtures                       listFlag
	db                             string
	reset                          bool
	frozenTime                     time.Time
	logLevel                       slog.Level
	webhookRetries                 int
	webhookRetryDelay              time.Duration
	validate                       bool
	readyFile                      string
}

func serveFlags(stderr io.Writer) (*flag.FlagSet, *serveConfig) {
	cfg := &serveConfig{}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addrFlag(fs, &cfg.addr, "addr", "127.0.0.1:3000", "`address` of the HTTP listener (HOST:PORT; port 0: a free one)")
	addrFlag(fs, &cfg.tlsAddr, "tls-addr", "", "`address` of an HTTPS listener beside the HTTP one (off when empty)")
	fs.StringVar(&cfg.tlsCert, "tls-cert", "", "PEM certificate `file` for --tls-addr (default: a self-signed one made at start)")
	fs.StringVar(&cfg.tlsKey, "tls-key", "", "PEM private key `file` for --tls-cert")
	fs.Var(&cfg.fixtures, "fixtures", "fixture file, or folder of *.yaml; repeatable (default: the embedded world)")
	fs.StringVar(&cfg.db, "db", "", "SQLite database `file`; state survives restarts (default: a fresh in-memory database)")
	boolFlag(fs, &cfg.reset, "reset", "with --db: forget the stored state and seed from the fixtures again")
	timeFlag(fs, &cfg.frozenTime, "frozen-time", "", "stop the clock at this `time`: RFC 3339, or a date (midnight UTC), or a date and time without a zone (UTC)")
	levelFlag(fs, &cfg.logLevel, "log-level", slog.LevelInfo, "`level` of the logs on stderr: debug, info, warn or error")
	intFlag(fs, &cfg.webhookRetries, "webhook-retries", 5, 0, "retries of a webhook delivery after the first attempt (porta: 5)")
	durationFlag(fs, &cfg.webhookRetryDelay, "webhook-retry-delay", time.Minute, 0,
		"`delay` between webhook delivery attempts, on the sandbox clock (porta: 1m)")
	boolFlag(fs, &cfg.validate, "validate", "log (warn) every request that violates the OpenAPI description, naming the violation")
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
	if help, err := parseFlags(fs, args, stdout, stderr); help || err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if err := applyEnv(fs); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.logLevel}))

	var clk clock.Clock = clock.System{}
	frozen := ""
	if !cfg.frozenTime.IsZero() {
		clk = clock.NewFake(cfg.frozenTime)
		frozen = cfg.frozenTime.Format(time.RFC3339Nano)
	}

	st, seeded, err := openStore(ctx, cfg, clk, log)
	if err != nil {
		return err
	}
	defer st.Close()

	opts := server.Options{Store: st, Clock: clk, Logger: log}
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
	ln, err := listen(cfg.addr)
	if err != nil {
		return err
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
		url: "http://" + ln.Addr().String(), tls: tlsInfo, db: cfg.db, seeded: seeded, frozen: frozen,
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

// The limits of every listener (README, "Limits"). Real clients never come
// near them; a client that stalls or floods is cut off by them.
const (
	// maxHeaderBytes bounds the request line and headers together. The real
	// backend's Puma takes 12 KiB of URI and 112 KiB of headers.
	maxHeaderBytes    = 256 << 10
	readHeaderTimeout = 10 * time.Second
	// readTimeout bounds the whole request, a 4 MiB body included.
	readTimeout  = 30 * time.Second
	writeTimeout = 60 * time.Second
	idleTimeout  = 120 * time.Second
)

func newHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	connlimit.Serve(srv)
	return srv
}

// listen opens a TCP listener whose open connections are capped below the
// file limit: when many clients stall, the ones that have waited longest
// without sending a request are closed to make room for the others.
func listen(addr string) (*connlimit.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return connlimit.Wrap(ln, connlimit.Default()), nil
}

// openStore opens the database and seeds it from the fixtures when it is
// new or --reset is given. It reports what it did for the summary.
func openStore(ctx context.Context, cfg *serveConfig, clk clock.Clock, log *slog.Logger) (*store.Store, string, error) {
	if cfg.reset && cfg.db == "" {
		return nil, "", errors.New("--reset needs --db (the default in-memory database is always fresh)")
	}
	st, err := store.Open(ctx, cfg.db, clk, log)
	if err != nil {
		return nil, "", err
	}
	if st.Seeded() && !cfg.reset {
		if len(cfg.fixtures) > 0 {
			log.Warn("database already holds state; --fixtures ignored (use --reset to reseed)", "db", cfg.db)
		}
		return st, "kept the stored state", nil
	}
	var world *fixtures.World
	source := "the embedded default fixture"
	if len(cfg.fixtures) > 0 {
		world, err = fixtures.Load(cfg.fixtures, rand.Reader)
		source = strings.Join(cfg.fixtures, ", ")
	} else {
		world, err = fixtures.Default(rand.Reader)
	}
	if err == nil {
		for _, w := range world.Warnings {
			log.Warn(w.Error())
		}
	}
	if err == nil && cfg.reset {
		err = st.Reset(ctx)
	}
	if err == nil {
		err = st.Seed(ctx, world)
	}
	if err != nil {
		st.Close()
		return nil, "", err
	}
	return st, "seeded from " + source, nil
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
			return nil, "", fmt.Errorf("--tls-cert %s, --tls-key %s: %w", cfg.tlsCert, cfg.tlsKey, err)
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
	tcp, err := listen(cfg.tlsAddr)
	if err != nil {
		return nil, "", err
	}
	ln := tls.NewListener(tcp, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	return ln, "https://" + ln.Addr().String() + ", " + info, nil
}
