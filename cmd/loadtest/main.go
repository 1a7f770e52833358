// Command loadtest measures the sandbox binary on loopback, in generated
// worlds of N applications (2 per account, one user each), beside a bare
// net/http handler in the same run: the first answer after start (from the
// fixture, and on restart from --db), the resident memory idle and after
// load, authorize and authrep over one hot application and over a random
// application per request (in memory and on a --db file), the tail of a
// durable authrep in an open loop at half of its peak, a 1000-transaction
// report (on --db and in memory) and one Account Management API write.
//
//	go run ./cmd/loadtest -bin bin/threescale-sandbox -apps 10,1000,10000,100000
//
// With -db-only it measures only the durable authreps (hot and random
// application, and the open loop at half of the hot one's peak).
//
// Every ratio is taken against the bare handler measured just before and
// just after it (A B A B), so that a machine whose speed drifts, or that
// other work shares, still gives comparable figures. Every request goes to
// 127.0.0.1; every loop is bounded in time.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/benchworld"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type config struct {
	bin     string
	dur     time.Duration
	conc    int
	sizes   []int
	writes  int
	reports int
	// dbOnly measures only the durable authreps: closed loops over the hot
	// and a random application, and the open loop at half of peak.
	dbOnly bool
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	cfg := config{}
	fs.StringVar(&cfg.bin, "bin", "bin/threescale-sandbox", "sandbox binary to measure")
	fs.DurationVar(&cfg.dur, "duration", 5*time.Second, "length of each closed-loop and open-loop run")
	fs.IntVar(&cfg.conc, "c", 32, "concurrent connections of the closed loops")
	apps := fs.String("apps", "10,1000,10000,100000", "world sizes: numbers of applications, comma-separated")
	fs.IntVar(&cfg.writes, "writes", 50, "Account Management API writes per world (bounded by -duration too)")
	fs.IntVar(&cfg.reports, "reports", 50, "1000-transaction reports per world (bounded by -duration too)")
	fs.BoolVar(&cfg.dbOnly, "db-only", false, "measure only authrep --db (hot and random application, and the open loop at half of peak)")
	fs.StringVar(&serverCPUs, "server-cpus", "", "pin the servers to these CPUs with taskset (e.g. 1); run the load test itself elsewhere")
	world := fs.Int("world", 0, "print the generated fixture of this many applications and exit (to profile or serve it yourself)")
	bare := fs.Bool("bare", false, "internal: serve a bare net/http handler on -addr")
	addr := fs.String("addr", "127.0.0.1:0", "internal: address for -bare")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bare {
		return serveBare(*addr)
	}
	if *world != 0 {
		if *world < 2 {
			return fmt.Errorf("-world: %d is not a number of applications (at least 2)", *world)
		}
		_, err := io.WriteString(out, benchworld.YAML(*world))
		return err
	}
	for _, s := range strings.Split(*apps, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 2 {
			return fmt.Errorf("-apps: %q is not a number of applications (at least 2)", s)
		}
		cfg.sizes = append(cfg.sizes, n)
	}

	dir, err := os.MkdirTemp("", "loadtest")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	pinning := "servers and load generator share every CPU"
	if serverCPUs != "" {
		pinning = "servers pinned to CPUs " + serverCPUs + ", load generator elsewhere"
	}
	fmt.Fprintf(out, "threescale-sandbox load test: %d connections, %s per run; %s; load average %s\n",
		cfg.conc, cfg.dur, pinning, loadAverage())

	if !cfg.dbOnly {
		// The default world: time to the first answer, and idle memory.
		def, startup, err := startSandbox(cfg.bin, defaultProbe)
		if err != nil {
			return err
		}
		time.Sleep(time.Second)
		fmt.Fprintf(out, "default world: first authorize answered %s after exec; idle RSS %s\n",
			ms(startup), mib(rssKB(def.cmd.Process.Pid)))
		def.stop()
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	bareProc, err := startProcess(self, []string{"-bare"}, "bare: ")
	if err != nil {
		return err
	}
	defer bareProc.stop()

	var worlds []*worldResult
	for _, n := range cfg.sizes {
		w, err := measureWorld(out, cfg, dir, bareProc.url+"/", n)
		if err != nil {
			return fmt.Errorf("%d applications: %w", n, err)
		}
		worlds = append(worlds, w)
	}
	printSummary(out, worlds)
	return nil
}

// A row of the summary: what it measures and how a cell shows it.
type row struct {
	name string
	cell func(w *worldResult) string
}

// worldResult is what one world size measured.
type worldResult struct {
	n                         int
	fromFixture, fromDB       time.Duration
	idleRSS, loadRSS, dbRSS   int
	restRSS                   int // 3 s after the load, in memory
	closed                    map[string]result
	ratio                     map[string]float64
	openDB, openMem, openBare result
	report, reportMem, write  result
	reportCount, writesCount  int
	writeErrors, reportErrors int
}

// The closed-loop runs of every world, in the order they run. Random runs
// come last on each server: before the fix, each of their requests queued
// a catalog rebuild that later runs would wait behind.
const (
	authorizeHot = "authorize, hot application"
	authrepHot   = "authrep, hot application"
	authorizeRnd = "authorize, random application"
	authrepRnd   = "authrep, random application"
	authrepHotDB = "authrep --db, hot application"
	authrepRndDB = "authrep --db, random application"
)

func measureWorld(out io.Writer, cfg config, dir, bareURL string, n int) (*worldResult, error) {
	w := &worldResult{n: n, closed: map[string]result{}, ratio: map[string]float64{}}
	fixture := filepath.Join(dir, fmt.Sprintf("world-%d.yaml", n))
	if err := os.WriteFile(fixture, []byte(benchworld.YAML(n)), 0o644); err != nil {
		return nil, err
	}
	fmt.Fprintf(out, "\n== %d applications (%d accounts, %d users)\n", n, (n+1)/2, (n+1)/2)

	var mem *proc
	if !cfg.dbOnly {
		var d time.Duration
		var err error
		if mem, d, err = startSandbox(cfg.bin, benchProbe, "--fixtures", fixture); err != nil {
			return nil, err
		}
		defer mem.stop()
		w.fromFixture = d
		time.Sleep(time.Second)
		w.idleRSS = rssKB(mem.cmd.Process.Pid)
	}

	// Seed a database file from the fixture, stop, and time the restart.
	db := filepath.Join(dir, fmt.Sprintf("world-%d.db", n))
	seed, seedTime, err := startSandbox(cfg.bin, benchProbe, "--fixtures", fixture, "--db", db)
	if err != nil {
		return nil, err
	}
	seed.stop()
	durable, d, err := startSandbox(cfg.bin, benchProbe, "--db", db)
	if err != nil {
		return nil, err
	}
	defer durable.stop()
	w.fromDB = d
	fmt.Fprintf(out, "first authorize answered %s after exec from the fixture, %s with a new --db, %s on restart from --db; idle RSS %s\n",
		ms(w.fromFixture), ms(seedTime), ms(w.fromDB), mib(w.idleRSS))

	hot := func(base, ep string) []string {
		return []string{base + "/transactions/" + ep + ".xml?" + appQuery(1)}
	}
	random := func(base, ep string) []string {
		urls := make([]string, n)
		for i := range urls {
			urls[i] = base + "/transactions/" + ep + ".xml?" + appQuery(i+1)
		}
		return urls
	}
	type run struct {
		name string
		urls []string
	}
	runs := []run{
		{authrepHotDB, hot(durable.url, "authrep")},
		{authrepRndDB, random(durable.url, "authrep")},
	}
	if !cfg.dbOnly {
		runs = []run{
			{authorizeHot, hot(mem.url, "authorize")},
			{authrepHot, hot(mem.url, "authrep")},
			{authrepHotDB, hot(durable.url, "authrep")},
			{authorizeRnd, random(mem.url, "authorize")},
			{authrepRnd, random(mem.url, "authrep")},
			{authrepRndDB, random(durable.url, "authrep")},
		}
	}

	fmt.Fprintf(out, "%-38s %10s %7s %9s %9s\n", "closed loop", "req/s", "/ bare", "p50", "p99")
	bare, err := closedLoop([]string{bareURL}, cfg.conc, cfg.dur)
	if err != nil {
		return nil, fmt.Errorf("bare handler: %w", err)
	}
	fmt.Fprintf(out, "%-38s %10.0f %7s %9s %9s\n", "bare net/http handler", bare.rps, "", ms(bare.p50), ms(bare.p99))
	for _, r := range runs {
		res, err := closedLoop(r.urls, cfg.conc, cfg.dur)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.name, err)
		}
		next, err := closedLoop([]string{bareURL}, cfg.conc, cfg.dur)
		if err != nil {
			return nil, fmt.Errorf("bare handler: %w", err)
		}
		w.closed[r.name] = res
		w.ratio[r.name] = res.rps / ((bare.rps + next.rps) / 2)
		fmt.Fprintf(out, "%-38s %10.0f %7.2f %9s %9s\n", r.name, res.rps, w.ratio[r.name], ms(res.p50), ms(res.p99))
		fmt.Fprintf(out, "%-38s %10.0f %7s %9s %9s\n", "bare net/http handler", next.rps, "", ms(next.p50), ms(next.p99))
		bare = next
	}

	// The tail of a durable authrep at half of its peak, each request timed
	// from its scheduled send, beside the bare handler at the same rate.
	rate := w.closed[authrepHotDB].rps / 2
	fmt.Fprintf(out, "%-38s %10s %7s %9s %9s\n", "open loop at half of peak", "req/s", "lag p99", "p50", "p99")
	if rate >= 1 {
		if w.openBare, err = openLoop(bareURL, rate, cfg.dur); err != nil {
			return nil, fmt.Errorf("bare open loop: %w", err)
		}
		// In memory at the same rate: what of the tail is not the commit.
		if mem != nil {
			if w.openMem, err = openLoop(hot(mem.url, "authrep")[0], rate, cfg.dur); err != nil {
				return nil, fmt.Errorf("authrep open loop in memory: %w", err)
			}
		}
		if w.openDB, err = openLoop(hot(durable.url, "authrep")[0], rate, cfg.dur); err != nil {
			return nil, fmt.Errorf("authrep open loop: %w", err)
		}
	}
	fmt.Fprintf(out, "%-38s %10.0f %7s %9s %9s\n", "bare handler (authrep --db's rate)", w.openBare.rps, ms(w.openBare.lag), ms(w.openBare.p50), ms(w.openBare.p99))
	fmt.Fprintf(out, "%-38s %10.0f %7s %9s %9s\n", "authrep in memory, hot application", w.openMem.rps, ms(w.openMem.lag), ms(w.openMem.p50), ms(w.openMem.p99))
	fmt.Fprintf(out, "%-38s %10.0f %7s %9s %9s\n", "authrep --db, hot application", w.openDB.rps, ms(w.openDB.lag), ms(w.openDB.p50), ms(w.openDB.p99))
	if cfg.dbOnly {
		return w, nil
	}

	// One at a time: a 1000-transaction report, an Account Management API
	// write, each on the database file.
	fmt.Fprintf(out, "%-38s %10s %7s %9s %9s\n", "one at a time, --db", "n", "", "p50", "p99")
	w.report, w.reportCount, err = sequential(durable.url+"/transactions.xml", "POST", reportBody, 202, cfg.reports, cfg.dur)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	fmt.Fprintf(out, "%-38s %10d %7s %9s %9s\n", "report, 1000 transactions", w.reportCount, "", ms(w.report.p50), ms(w.report.p99))
	// The same report in memory: its cost without the commit.
	w.reportMem, _, err = sequential(mem.url+"/transactions.xml", "POST", reportBody, 202, cfg.reports, cfg.dur)
	if err != nil {
		return nil, fmt.Errorf("report in memory: %w", err)
	}
	fmt.Fprintf(out, "%-38s %10s %7s %9s %9s\n", "report, 1000 transactions, in memory", "", "", ms(w.reportMem.p50), ms(w.reportMem.p99))
	w.write, w.writesCount, err = sequential(durable.url+"/admin/api/accounts/1.xml", "PUT", func(i int) string {
		return fmt.Sprintf("access_token=bench-token&org_name=Dev+1+renamed+%d", i)
	}, 200, cfg.writes, cfg.dur)
	if err != nil {
		return nil, fmt.Errorf("account write: %w", err)
	}
	fmt.Fprintf(out, "%-38s %10d %7s %9s %9s\n", "PUT /admin/api/accounts/1.xml", w.writesCount, "", ms(w.write.p50), ms(w.write.p99))

	w.loadRSS = rssKB(mem.cmd.Process.Pid)
	w.dbRSS = rssKB(durable.cmd.Process.Pid)
	fmt.Fprintf(out, "RSS after load: %s in memory, %s with --db\n", mib(w.loadRSS), mib(w.dbRSS))
	// An idle sandbox hands its free heap back within two seconds.
	time.Sleep(3 * time.Second)
	w.restRSS = rssKB(mem.cmd.Process.Pid)
	fmt.Fprintf(out, "RSS 3 s after load: %s in memory, %s with --db\n", mib(w.restRSS), mib(rssKB(durable.cmd.Process.Pid)))
	return w, nil
}

func printSummary(out io.Writer, worlds []*worldResult) {
	ratio := func(name string) func(w *worldResult) string {
		return func(w *worldResult) string {
			return fmt.Sprintf("%.0f/s %.2f", w.closed[name].rps, w.ratio[name])
		}
	}
	rows := []row{
		{"first answer, from the fixture", func(w *worldResult) string { return ms(w.fromFixture) }},
		{"first answer, restart from --db", func(w *worldResult) string { return ms(w.fromDB) }},
		{"RSS idle / after load / 3 s later", func(w *worldResult) string {
			return fmt.Sprintf("%.0f / %.0f / %.0f MiB", float64(w.idleRSS)/1024, float64(w.loadRSS)/1024, float64(w.restRSS)/1024)
		}},
		{"authorize, hot app (req/s, / bare)", ratio(authorizeHot)},
		{"authorize, random app", ratio(authorizeRnd)},
		{"authrep, hot app", ratio(authrepHot)},
		{"authrep, random app", ratio(authrepRnd)},
		{"authrep --db, hot app", ratio(authrepHotDB)},
		{"authrep --db, random app", ratio(authrepRndDB)},
		{"authrep --db p99, open loop at half", func(w *worldResult) string {
			return fmt.Sprintf("%s (bare %s)", ms(w.openDB.p99), ms(w.openBare.p99))
		}},
		{"load generator's send lag p99, same", func(w *worldResult) string {
			return fmt.Sprintf("%s (bare %s)", ms(w.openDB.lag), ms(w.openBare.lag))
		}},
		{"authrep in memory p99, same rate", func(w *worldResult) string {
			return ms(w.openMem.p99)
		}},
		{"report 1000 tx --db, p50 / p99", func(w *worldResult) string {
			return ms(w.report.p50) + " / " + ms(w.report.p99)
		}},
		{"report 1000 tx in memory, p50 / p99", func(w *worldResult) string {
			return ms(w.reportMem.p50) + " / " + ms(w.reportMem.p99)
		}},
		{"Account Management write, p50 / p99", func(w *worldResult) string {
			return ms(w.write.p50) + " / " + ms(w.write.p99)
		}},
	}
	fmt.Fprintf(out, "\n%-38s", "applications")
	for _, w := range worlds {
		fmt.Fprintf(out, " | %20d", w.n)
	}
	fmt.Fprintln(out)
	for _, r := range rows {
		fmt.Fprintf(out, "%-38s", r.name)
		for _, w := range worlds {
			fmt.Fprintf(out, " | %20s", r.cell(w))
		}
		fmt.Fprintln(out)
	}
}

func ms(d time.Duration) string {
	if d >= 10*time.Second {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000)
}

func mib(kb int) string { return fmt.Sprintf("%.1f MiB", float64(kb)/1024) }

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

type proc struct {
	cmd    *exec.Cmd
	url    string
	exited chan struct{} // closed once the process was waited for
}

// watch waits for the process in the background.
func watch(cmd *exec.Cmd) chan struct{} {
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	return exited
}

func (p *proc) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.exited:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// serverCPUs, when set, pins the measured servers to these CPUs with
// taskset, so that the load generator (pinned elsewhere by the caller)
// does not steal their time and the latencies are the servers' own.
var serverCPUs string

func command(path string, args ...string) *exec.Cmd {
	if serverCPUs != "" {
		return exec.Command("taskset", append([]string{"-c", serverCPUs, path}, args...)...)
	}
	return exec.Command(path, args...)
}

// startProcess runs a command that prints its base URL after prefix.
func startProcess(path string, args []string, prefix string) (*proc, error) {
	cmd := command(path, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, prefix) {
			go func() { _, _ = io.Copy(io.Discard, stdout) }()
			return &proc{cmd: cmd, url: strings.TrimSpace(strings.TrimPrefix(line, prefix)), exited: watch(cmd)}, nil
		}
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	return nil, fmt.Errorf("%s printed no %q line", path, prefix)
}

// startTimeout bounds the wait for a sandbox's first answer.
const startTimeout = 10 * time.Minute

// startSandbox starts the binary on a free port and measures the time from
// exec to the first 200 on authorize.
func startSandbox(bin, probe string, extra ...string) (*proc, time.Duration, error) {
	// Reserve a port, so the clock can start before the binary prints.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, 0, err
	}
	addr := ln.Addr().String()
	ln.Close()
	begin := time.Now()
	// Only the APIs' listener: the portals' fixed ports would clash with a
	// sandbox still stopping, or with one the user runs.
	cmd := command(bin, append([]string{"serve", "--addr", addr, "--admin-addr", "", "--portal-addr", "",
		"--log-level", "error"}, extra...)...)
	cmd.Stdout = io.Discard
	// Requests cut off at the end of a run log errors: keep only the last
	// lines, for when the sandbox fails to start.
	stderr := &tail{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	exited := watch(cmd)
	url := "http://" + addr
	probe = url + probe
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(startTimeout); time.Now().Before(deadline); {
		select {
		case <-exited:
			return nil, 0, fmt.Errorf("%s exited before answering: %s", bin, stderr)
		default:
		}
		resp, err := client.Get(probe)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return &proc{cmd: cmd, url: url, exited: exited}, time.Since(begin), nil
			}
			_ = cmd.Process.Kill()
			<-exited
			return nil, 0, fmt.Errorf("probe: status %d", resp.StatusCode)
		}
		time.Sleep(time.Millisecond)
	}
	_ = cmd.Process.Kill()
	<-exited
	return nil, 0, fmt.Errorf("sandbox did not answer within %s", startTimeout)
}

// tail keeps the last 4 KiB written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - 4096; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}

const defaultProbe = "/transactions/authorize.xml?provider_key=acme-provider-key&app_id=keyless-app-id"

var benchProbe = "/transactions/authorize.xml?" + appQuery(1)

// appQuery are the credentials and usage of the i-th application.
func appQuery(i int) string { return benchworld.Query(i) }

func serveBare(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("bare: http://%s\n", ln.Addr())
	body := []byte(`<?xml version="1.0" encoding="UTF-8"?><status><authorized>true</authorized><plan>Basic</plan></status>`)
	return http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/vnd.3scale-v2.0+xml")
		_, _ = w.Write(body)
	}))
}

func rssKB(pid int) int {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			n, _ := strconv.Atoi(strings.Fields(line)[1])
			return n
		}
	}
	return -1
}

type result struct {
	rps      float64
	p50, p99 time.Duration
	lag      time.Duration // an open loop's: p99 of the sends' lateness
}

func summarize(lat []time.Duration, elapsed time.Duration) result {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[int(p*float64(len(lat)-1))]
	}
	return result{rps: float64(len(lat)) / elapsed.Seconds(), p50: pct(0.50), p99: pct(0.99)}
}

func newClient(conns int) *http.Client {
	return &http.Client{Timeout: startTimeout, Transport: &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true,
	}}
}

// get fetches url; a request cut off by ctx's end is not an error (and
// reports false: it does not count).
func get(ctx context.Context, client *http.Client, url string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return false, err
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return false, nil
		}
		return false, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 && resp.StatusCode != 409 {
		return false, fmt.Errorf("status %d", resp.StatusCode)
	}
	return ctx.Err() == nil, nil
}

// closedLoop keeps conns requests in flight for d, each to one of urls
// picked at random.
func closedLoop(urls []string, conns int, d time.Duration) (result, error) {
	client := newClient(conns)
	defer client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	var firstErr atomic.Value
	var wg sync.WaitGroup
	for g := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(g), 1))
			lat := make([]time.Duration, 0, 1<<14)
			for ctx.Err() == nil {
				t := time.Now()
				ok, err := get(ctx, client, urls[rnd.IntN(len(urls))])
				if err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				if ok {
					lat = append(lat, time.Since(t))
				}
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if err, _ := firstErr.Load().(error); err != nil {
		return result{}, err
	}
	return summarize(all, d), nil
}

// openWarmup is how long an open loop runs before it is measured.
var openWarmup = time.Second

// openLoop sends rate requests per second for d, whatever the latency, and
// measures each from its scheduled start. It runs at the same rate for
// openWarmup first, not measured: the first requests of a run waited for
// the client to dial its connections (up to 256 at once) and for the
// server's goroutines and buffers of each (at 100,000 applications, writer
// waits of 5 to 10 ms in the first 150 ms of an execution trace).
func openLoop(url string, rate float64, d time.Duration) (result, error) {
	client := newClient(256)
	defer client.CloseIdleConnections()
	if _, err := schedule(client, url, rate, openWarmup); err != nil {
		return result{}, err
	}
	return schedule(client, url, rate, d)
}

// schedule is one run of openLoop. Its result's lag is the p99 of how late
// the load generator itself sent the requests: what of the latencies is
// the generator's, not the server's.
func schedule(client *http.Client, url string, rate float64, d time.Duration) (result, error) {
	n := int(rate * d.Seconds())
	interval := time.Duration(float64(time.Second) / rate)
	lat := make([]time.Duration, n)
	lag := make([]time.Duration, n)
	errs := make(chan error, 1)
	ctx, cancel := context.WithTimeout(context.Background(), d+time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	begin := time.Now()
	for i := range n {
		at := begin.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(at))
		wg.Add(1)
		go func() {
			defer wg.Done()
			lag[i] = time.Since(at)
			if _, err := get(ctx, client, url); err != nil {
				select {
				case errs <- err:
				default:
				}
			}
			lat[i] = time.Since(at)
		}()
	}
	wg.Wait()
	select {
	case err := <-errs:
		return result{}, err
	default:
	}
	elapsed := time.Since(begin)
	res := summarize(lat, elapsed)
	res.lag = summarize(lag, elapsed).p99
	return res, nil
}

// reportBody is a report of 1000 transactions of the hot application.
func reportBody(int) string {
	var b strings.Builder
	b.WriteString("provider_key=bench-key&service_id=1")
	for i := range 1000 {
		fmt.Fprintf(&b, "&transactions[%d][app_id]=app-1&transactions[%d][usage][search]=1", i, i)
	}
	return b.String()
}

// sequential sends up to n requests one at a time, for at most d (but at
// least one), and expects status want from each.
func sequential(url, method string, body func(i int) string, want, n int, d time.Duration) (result, int, error) {
	client := newClient(1)
	defer client.CloseIdleConnections()
	lat := make([]time.Duration, 0, n)
	begin := time.Now()
	for i := 0; i < n && (i == 0 || time.Since(begin) < d); i++ {
		req, err := http.NewRequest(method, url, strings.NewReader(body(i)))
		if err != nil {
			return result{}, 0, err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		t := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return result{}, 0, err
		}
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			return result{}, 0, fmt.Errorf("status %d: %.200s", resp.StatusCode, msg)
		}
		lat = append(lat, time.Since(t))
	}
	return summarize(lat, time.Since(begin)), len(lat), nil
}
