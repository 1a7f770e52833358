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
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/bundle"
	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/connlimit"
	"github.com/threescale-sandbox/threescale-sandbox/contracts/openapi"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/journal"
	"github.com/threescale-sandbox/threescale-sandbox/mgmt"
	"github.com/threescale-sandbox/threescale-sandbox/server"
	"github.com/threescale-sandbox/threescale-sandbox/store"
	"github.com/threescale-sandbox/threescale-sandbox/webhook"
)

const backendVersion = mgmt.Version

type serveConfig struct {
	addr, tlsAddr, tlsCert, tlsKey string
	adminAddr, portalAddr          string
	fixtures                       listFlag
	db                             string
	reset                          bool
	frozenTime                     time.Time
	logLevel                       slog.Level
	logFormat                      string
	journalSize                    int
	controlToken                   string
	bundle                         string
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
	addrFlag(fs, &cfg.adminAddr, "admin-addr", "127.0.0.1:3001",
		"`address` of the admin portal (off when empty; default: --addr's host, port 3001, or a free port when --addr's is 0)")
	addrFlag(fs, &cfg.portalAddr, "portal-addr", "127.0.0.1:3002",
		"`address` of the developer portal (off when empty; default: --addr's host, port 3002, or a free port when --addr's is 0)")
	fs.StringVar(&cfg.tlsCert, "tls-cert", "", "PEM certificate `file` for --tls-addr (default: a self-signed one made at start)")
	fs.StringVar(&cfg.tlsKey, "tls-key", "", "PEM private key `file` for --tls-cert")
	fs.Var(&cfg.fixtures, "fixtures", "fixture file, or folder of *.yaml; repeatable (default: the embedded world)")
	fs.StringVar(&cfg.db, "db", "", "SQLite database `file`; state survives restarts (default: a fresh in-memory database)")
	boolFlag(fs, &cfg.reset, "reset", "with --db: forget the stored state and seed from the fixtures again")
	timeFlag(fs, &cfg.frozenTime, "frozen-time", "", "stop the clock at this `time`: RFC 3339, or a date (midnight UTC), or a date and time without a zone (UTC)")
	levelFlag(fs, &cfg.logLevel, "log-level", slog.LevelInfo, "`level` of the logs on stderr: debug, info, warn or error (info: a line per request; debug: with its decision trail)")
	choiceFlag(fs, &cfg.logFormat, "log-format", "text", []string{"text", "json"}, "`format` of the logs: text or json (a JSON object per line)")
	fs.StringVar(&cfg.bundle, "bundle", "", "start from a repro bundle `file` (GET /_sandbox/bundle): its state, clock and journal; in memory, without --db or --fixtures")
	fs.StringVar(&cfg.controlToken, "control-token", "", "require Authorization: Bearer `TOKEN` on every /_sandbox route (default: open, as a local tool's)")
	intFlag(fs, &cfg.journalSize, "journal-size", server.DefaultJournalSize, 0, "how many requests the journal keeps for GET /_sandbox/requests, oldest dropped first (0: none)")
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
	started := time.Now()
	fixturesGiven := isGiven(fs, "fixtures")
	if err := applyEnv(fs); err != nil {
		return err
	}
	portalDefaults(fs, cfg)
	log := newLogger(stderr, cfg.logFormat, cfg.logLevel)
	if !fixturesGiven {
		cfg.fixtures = dropEmptyFolders(cfg.fixtures, log)
	}

	// The one clock of the sandbox: every component reads it, and the
	// control API moves it.
	clk := clock.NewControl()
	frozen := ""
	if !cfg.frozenTime.IsZero() {
		clk.Freeze(cfg.frozenTime)
		frozen = cfg.frozenTime.Format(time.RFC3339Nano)
	}

	var st *store.Store
	var seed seedInfo
	var err error
	if cfg.bundle != "" {
		st, seed, err = openBundle(ctx, fs, cfg, clk, log)
	} else {
		st, seed, err = openStore(ctx, cfg, clk, log)
	}
	if err != nil {
		return err
	}
	defer st.Close()
	defer seed.baseline.close()
	if seed.clock != nil {
		frozen = ""
		if clk.Frozen() {
			frozen = clk.Now().Format(time.RFC3339Nano)
		}
	}

	build := currentBuild()
	opts := server.Options{Store: st, Clock: clk, Logger: log, Health: server.Health{
		Version: build.Version, Commit: build.Commit, Fixtures: seed.sources, DB: cfg.db, Seeded: seed.seeded,
		Started: started, Wall: clock.System{},
	}, Journal: journal.New(cfg.journalSize), LoadBaseline: seed.baseline.load, World: seed.fixtures, ControlToken: cfg.controlToken}
	opts.Journal.Replace(seed.journal)
	if cfg.db != "" {
		opts.SnapshotDir = cfg.db + ".snapshots"
	}
	if cfg.validate {
		if opts.Validator, err = openapi.Load(); err != nil {
			return err
		}
	}
	// The listeners open first: the portals' URLs (port 0: a free one)
	// are the links of the emails.
	ln, err := listen(cfg.addr)
	if err != nil {
		return err
	}
	listeners := []net.Listener{ln}
	closeAll := func() {
		for _, l := range listeners {
			l.Close()
		}
	}
	portal := func(addr, name, flagName string) (string, error) {
		if addr == "" {
			return "", nil
		}
		l, err := listen(addr)
		if err != nil {
			return "", fmt.Errorf("%w (the %s; choose another address with --%s, or turn it off with --%s '')", err, name, flagName, flagName)
		}
		listeners = append(listeners, l)
		return "http://" + l.Addr().String(), nil
	}
	if opts.Links.Admin, err = portal(cfg.adminAddr, "admin portal", "admin-addr"); err != nil {
		closeAll()
		return err
	}
	if opts.Links.Developer, err = portal(cfg.portalAddr, "developer portal", "portal-addr"); err != nil {
		closeAll()
		return err
	}
	faces, err := server.NewFaces(ctx, opts)
	if err != nil {
		closeAll()
		return err
	}
	handler := faces.API
	servers := []*http.Server{newHTTPServer(handler, log)}
	if opts.Links.Admin != "" {
		servers = append(servers, newHTTPServer(faces.Admin, log))
	}
	if opts.Links.Developer != "" {
		servers = append(servers, newHTTPServer(faces.Developer, log))
	}
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
	var tlsInfo string
	if cfg.tlsAddr != "" {
		tln, info, err := tlsListener(cfg)
		if err != nil {
			closeAll()
			return err
		}
		servers = append(servers, newHTTPServer(handler, log))
		listeners = append(listeners, tln)
		tlsInfo = info
	}

	printSummary(stdout, st.Catalog(), summary{
		url: "http://" + ln.Addr().String(), tls: tlsInfo, db: cfg.db, seeded: seed.summary, frozen: frozen,
		validate: cfg.validate, admin: opts.Links.Admin, portal: opts.Links.Developer, world: seed.world,
	})

	if cfg.readyFile != "" {
		if err := os.WriteFile(cfg.readyFile, []byte("http://"+ln.Addr().String()+"\n"), 0o644); err != nil {
			closeAll()
			return fmt.Errorf("--ready-file: %w", err)
		}
	}

	// Start-up's garbage (the decoded fixtures, once packed, and the
	// seeding's buffers) is handed back to the system now rather than at
	// the scavenger's pace: an idle sandbox's footprint is what it keeps.
	go func() {
		<-seed.fixtures.Packed()
		debug.FreeOSMemory()
	}()
	idleCtx, stopIdle := context.WithCancel(ctx)
	defer stopIdle()
	go releaseWhenIdle(idleCtx)
	errc := make(chan error, len(servers))
	for i, srv := range servers {
		go func() { errc <- srv.Serve(listeners[i]) }()
	}
	err = waitServing(ctx, errc, seed.seeding)
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, srv := range servers {
		if err := srv.Shutdown(shutdownCtx); err != nil {
			log.Warn("shutdown", "err", err)
		}
	}
	return err
}

// waitServing waits for the end of ctx or of a server, or for the failure
// of the seed being stored (never serving state that was not saved).
func waitServing(ctx context.Context, errc <-chan error, sd *store.Seeding) error {
	var seeded <-chan struct{}
	if sd != nil {
		seeded = sd.Done()
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case err := <-errc:
			if !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("serve: %w", err)
			}
			return nil
		case <-seeded:
			if err := sd.Err(); err != nil {
				return fmt.Errorf("the fixtures could not be stored: %w", err)
			}
			seeded = nil
		}
	}
}

// newLogger writes the logs to w, as text or as JSON lines.
func newLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
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

// seedInfo says where the state of this start came from.
type seedInfo struct {
	seeded  bool            // seeded now (false: a --db's stored state was kept)
	sources []string        // the fixture files read, when seeded
	world   *fixtures.World // the world seeded, nil when the stored state was kept
	summary string          // the same, for the startup summary
	// fixtures and baseline are the fixtures' world and state, which
	// POST /_sandbox/worlds copies and POST /_sandbox/reset puts back:
	// also when the stored state was kept.
	fixtures *fixtures.Held
	baseline *baselineSource
	// seeding, when seeded now, is the seed whose rows are still being
	// written: serve stops if it fails.
	seeding *store.Seeding
	// From a bundle: its journal, and its clock when it set the one of
	// the sandbox.
	journal []*journal.Entry
	clock   *time.Time
}

// openBundle starts from a repro bundle: its state in a new in-memory
// database, at its instant (unless --frozen-time says another), with its
// fixtures' state and journal.
func openBundle(ctx context.Context, fs *flag.FlagSet, cfg *serveConfig, clk *clock.Control, log *slog.Logger) (*store.Store, seedInfo, error) {
	for _, name := range []string{"db", "fixtures", "reset"} {
		if isGiven(fs, name) {
			return nil, seedInfo{}, fmt.Errorf("--bundle starts from the bundle's state, in memory: --%s does not go with it", name)
		}
	}
	f, err := os.Open(cfg.bundle)
	if err != nil {
		return nil, seedInfo{}, fmt.Errorf("--bundle: %w", err)
	}
	b, err := bundle.Read(f)
	f.Close()
	if err != nil {
		return nil, seedInfo{}, fmt.Errorf("--bundle %s: %w", cfg.bundle, err)
	}
	info := seedInfo{summary: fmt.Sprintf("opened the bundle %s (taken %s, %d requests in its journal)", cfg.bundle,
		b.Manifest.CreatedAt.Format(time.RFC3339), len(b.Journal)), fixtures: fixtures.Hold(b.World), baseline: spill(b.Baseline, log), journal: b.Journal}
	if cfg.frozenTime.IsZero() {
		if b.Manifest.Frozen {
			clk.Freeze(b.Manifest.Clock)
		} else {
			clk.Run(b.Manifest.Clock)
		}
		info.clock = &b.Manifest.Clock
	}
	st, err := store.Open(ctx, "", clk, log)
	if err != nil {
		return nil, seedInfo{}, err
	}
	if err := st.Import(ctx, b.State); err != nil {
		st.Close()
		return nil, seedInfo{}, fmt.Errorf("--bundle %s: %w", cfg.bundle, err)
	}
	return st, info, nil
}

// openStore opens the database and seeds it from the fixtures when it is
// new or --reset is given. It reports what it did for the summary and the
// health route, and the world it seeded (nil when it kept the stored state).
func openStore(ctx context.Context, cfg *serveConfig, clk clock.Clock, log *slog.Logger) (*store.Store, seedInfo, error) {
	if cfg.reset && cfg.db == "" {
		return nil, seedInfo{}, errors.New("--reset needs --db (the default in-memory database is always fresh)")
	}
	var world *fixtures.World
	var err error
	source := "the embedded default fixture"
	load := func() {
		if len(cfg.fixtures) > 0 {
			world, err = fixtures.Load(cfg.fixtures, rand.Reader)
		} else {
			world, err = fixtures.Default(rand.Reader)
		}
	}
	if len(cfg.fixtures) > 0 {
		source = strings.Join(cfg.fixtures, ", ")
	}
	var st *store.Store
	if _, statErr := os.Stat(cfg.db); cfg.db == "" || statErr == nil {
		// The fixtures are read while the store opens (on a restart, while
		// it reads its catalog), on the other CPU. A new database file is
		// only made once they are known to be good.
		opened := make(chan error, 1)
		go func() {
			var err error
			st, err = store.Open(ctx, cfg.db, clk, log)
			opened <- err
		}()
		load()
		openErr := <-opened
		if err != nil {
			if openErr == nil {
				st.Close()
			}
			return nil, seedInfo{}, err
		}
		if openErr != nil {
			return nil, seedInfo{}, openErr
		}
	} else {
		if load(); err != nil {
			return nil, seedInfo{}, err
		}
		if st, err = store.Open(ctx, cfg.db, clk, log); err != nil {
			return nil, seedInfo{}, err
		}
	}
	fail := func(err error) (*store.Store, seedInfo, error) {
		st.Close()
		return nil, seedInfo{}, err
	}
	if st.Seeded() && !cfg.reset {
		if len(cfg.fixtures) > 0 {
			log.Warn("database already holds state; --fixtures ignored (use --reset to reseed; POST /_sandbox/reset puts them back)", "db", cfg.db)
		}
		// The stored state is kept: the fixtures' state, for a reset, is
		// seeded aside at the first reset, not before the sandbox serves.
		held := fixtures.Hold(world)
		seedAside := func(ctx context.Context) (*store.State, error) {
			w, err := held.World()
			if err != nil {
				return nil, err
			}
			return st.Baseline(ctx, w)
		}
		return st, seedInfo{summary: "kept the stored state", fixtures: held, baseline: &baselineSource{seedAside: seedAside, log: log}}, nil
	}
	for _, w := range world.Warnings {
		log.Warn(w.Error())
	}
	if cfg.reset {
		if err := st.Reset(ctx); err != nil {
			return fail(err)
		}
	}
	// The sandbox serves the seeded catalog at once; the rows, the
	// baseline and the fixtures' usage are stored behind it.
	sd, err := st.StartSeed(ctx, world, true)
	if err != nil {
		return fail(err)
	}
	return st, seedInfo{seeded: true, sources: world.Sources, world: world, summary: "seeded from " + source,
		fixtures: fixtures.Hold(world), baseline: spillAfter(sd, log), seeding: sd}, nil
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

// portalDefaults derives the portals' addresses not given (by flag or
// environment) from --addr: its host, and the ports 3001 and 3002 — or
// free ports when --addr asks for one, so that sandboxes started side by
// side (tests) do not fight over 3001.
func portalDefaults(fs *flag.FlagSet, cfg *serveConfig) {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	host, port, err := net.SplitHostPort(cfg.addr)
	if err != nil {
		return
	}
	for _, p := range []struct {
		name, port string
		to         *string
	}{{"admin-addr", "3001", &cfg.adminAddr}, {"portal-addr", "3002", &cfg.portalAddr}} {
		if given[p.name] || os.Getenv(envName(p.name)) != "" {
			continue
		}
		if port == "0" {
			p.port = "0"
		}
		*p.to = net.JoinHostPort(host, p.port)
	}
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

// baselineSource gives the fixtures' state at each reset. It is kept in a
// temporary file (store.Spill), not in the heap, where one can be made;
// when the stored state was kept, it is seeded aside at its first use.
type baselineSource struct {
	mu        sync.Mutex
	seedAside func(context.Context) (*store.State, error) // until done
	spill     *store.Spill
	state     *store.State // when it could not be spilled
	log       *slog.Logger
	closed    bool
}

// spillAfter is the baseline of a seed being stored: spilled once it is
// taken; a reset meanwhile waits for it.
func spillAfter(sd *store.Seeding, log *slog.Logger) *baselineSource {
	b := &baselineSource{log: log}
	b.seedAside = func(ctx context.Context) (*store.State, error) {
		select {
		case <-sd.Done():
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return sd.TakeBaseline(), sd.Err()
	}
	go func() {
		<-sd.Done()
		if sd.Err() != nil {
			return
		}
		b.mu.Lock()
		defer b.mu.Unlock()
		if b.seedAside != nil && !b.closed {
			b.seedAside = nil
			b.keep(sd.TakeBaseline())
		}
	}()
	return b
}

// spill keeps st in a temporary file, or in memory when none can be
// written (a read-only container, say).
func spill(st *store.State, log *slog.Logger) *baselineSource {
	b := &baselineSource{state: st, log: log}
	b.keep(st)
	return b
}

func (b *baselineSource) keep(st *store.State) {
	b.state = st
	if st == nil || b.log == nil {
		return
	}
	s, err := store.NewSpill(st, "")
	if err != nil {
		b.log.Info("the fixtures' state for a reset is kept in memory", "reason", err)
		return
	}
	b.spill, b.state = s, nil
}

// load is Options.LoadBaseline.
func (b *baselineSource) load(ctx context.Context) (*store.State, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.seedAside != nil {
		st, err := b.seedAside(ctx)
		if err != nil {
			return nil, err // tried again at the next reset
		}
		b.seedAside = nil
		b.keep(st)
		return st, nil
	}
	if b.spill != nil {
		return b.spill.State()
	}
	return b.state, nil
}

func (b *baselineSource) close() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	if b.spill != nil {
		b.spill.Close()
	}
}
