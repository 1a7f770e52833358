// Command loadtest measures the sandbox binary on loopback beside a bare
// net/http handler in the same run: requests per second and latency of
// authorize, authrep and 1000-transaction reports, the time to the first
// answer after start, and the resident memory when idle.
//
//	go run ./cmd/loadtest -bin bin/threescale-sandbox
//
// Every request goes to 127.0.0.1; every loop is bounded in time.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	bin := fs.String("bin", "bin/threescale-sandbox", "sandbox binary to measure")
	dur := fs.Duration("duration", 5*time.Second, "length of each closed-loop run")
	conc := fs.Int("c", 32, "concurrent connections")
	fs.StringVar(&serverCPUs, "server-cpus", "", "pin the servers to these CPUs with taskset (e.g. 1); run the load test itself elsewhere")
	bare := fs.Bool("bare", false, "internal: serve a bare net/http handler on -addr")
	addr := fs.String("addr", "127.0.0.1:0", "internal: address for -bare")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *bare {
		return serveBare(*addr)
	}

	// Start-up with the default fixture: time from exec to the first
	// answered authorize, then the idle RSS.
	def, startup, err := startSandbox(*bin, defaultProbe)
	if err != nil {
		return err
	}
	time.Sleep(time.Second)
	rss := rssKB(def.cmd.Process.Pid)
	def.stop()

	// Throughput on a world whose limits are high enough never to deny.
	dir, err := os.MkdirTemp("", "loadtest")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fixture := dir + "/bench.yaml"
	if err := os.WriteFile(fixture, []byte(benchFixture), 0o644); err != nil {
		return err
	}
	sb, _, err := startSandbox(*bin, benchProbe, "--fixtures", fixture)
	if err != nil {
		return err
	}
	defer sb.stop()
	// The same world on a database file: WAL, a commit before every 2xx.
	durable, _, err := startSandbox(*bin, benchProbe, "--fixtures", fixture, "--db", dir+"/bench.db")
	if err != nil {
		return err
	}
	defer durable.stop()

	self, err := os.Executable()
	if err != nil {
		return err
	}
	bareProc, err := startProcess(self, []string{"-bare"}, "bare: ")
	if err != nil {
		return err
	}
	defer bareProc.stop()

	base := sb.url
	authorize := base + benchProbe
	const authrepPath = "/transactions/authrep.xml?provider_key=bench-key&service_id=1&app_id=bench-app&app_key=bench-key-1&usage%5Bsearch%5D=1"
	authrep := base + authrepPath

	pinning := "servers and load generator share every CPU"
	if serverCPUs != "" {
		pinning = "servers pinned to CPUs " + serverCPUs + ", load generator elsewhere"
	}
	fmt.Fprintf(out, "threescale-sandbox load test: %d connections, %s per run; %s\n", *conc, *dur, pinning)
	fmt.Fprintf(out, "first authorize answered %.1f ms after exec; idle RSS %d KiB (%.1f MiB)\n\n",
		float64(startup.Microseconds())/1000, rss, float64(rss)/1024)
	fmt.Fprintf(out, "%-34s %10s %9s %9s\n", "closed loop", "req/s", "p50", "p99")
	results := map[string]result{}
	for _, c := range []struct{ name, url string }{
		{"bare net/http handler", bareProc.url + "/"},
		{"authorize.xml", authorize},
		{"authrep.xml", authrep},
		{"authrep.xml, --db file (WAL)", durable.url + authrepPath},
	} {
		r, err := closedLoop(c.url, *conc, *dur)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		results[c.name] = r
		fmt.Fprintf(out, "%-34s %10.0f %9s %9s\n", c.name, r.rps, ms(r.p50), ms(r.p99))
	}
	bareRPS := results["bare net/http handler"].rps
	fmt.Fprintf(out, "authrep / bare handler: %.2f in memory, %.2f on a file\n\n",
		results["authrep.xml"].rps/bareRPS, results["authrep.xml, --db file (WAL)"].rps/bareRPS)

	// The bare handler at authrep's rate shows what the load generator,
	// sharing the machine, adds to every figure.
	fmt.Fprintf(out, "%-34s %10s %9s %9s\n", "open loop at half of peak", "req/s", "p50", "p99")
	for _, c := range []struct{ name, url, rateOf string }{
		{"bare handler (authrep's rate)", bareProc.url + "/", "authrep.xml"},
		{"authorize.xml", authorize, "authorize.xml"},
		{"authrep.xml", authrep, "authrep.xml"},
		{"authrep.xml, --db file (WAL)", durable.url + authrepPath, "authrep.xml, --db file (WAL)"},
	} {
		r, err := openLoop(c.url, results[c.rateOf].rps/2, *dur)
		if err != nil {
			return fmt.Errorf("%s open loop: %w", c.name, err)
		}
		fmt.Fprintf(out, "%-34s %10.0f %9s %9s\n", c.name, r.rps, ms(r.p50), ms(r.p99))
	}

	body := reportBody(1000)
	r, err := sequential(durable.url+"/transactions.xml", body, 50)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	fmt.Fprintf(out, "\n%-34s %10s %9s %9s\n", "report, 1000 transactions", "reports/s", "p50", "p99")
	fmt.Fprintf(out, "%-34s %10.0f %9s %9s\n", "POST /transactions.xml, --db file", r.rps, ms(r.p50), ms(r.p99))
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

type proc struct {
	cmd *exec.Cmd
	url string
}

func (p *proc) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
	}
}

// startProcess runs a command that prints its base URL after prefix.
// serverCPUs, when set, pins the measured servers to these CPUs with
// taskset, so that the load generator (pinned elsewhere by the Makefile)
// does not steal their time and the latencies are the servers' own.
var serverCPUs string

func command(path string, args ...string) *exec.Cmd {
	if serverCPUs != "" {
		return exec.Command("taskset", append([]string{"-c", serverCPUs, path}, args...)...)
	}
	return exec.Command(path, args...)
}

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
			return &proc{cmd: cmd, url: strings.TrimSpace(strings.TrimPrefix(line, prefix))}, nil
		}
	}
	_ = cmd.Process.Kill()
	return nil, fmt.Errorf("%s printed no %q line", path, prefix)
}

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
	cmd := command(bin, append([]string{"serve", "--addr", addr, "--log-level", "error"}, extra...)...)
	cmd.Stdout = io.Discard
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, 0, err
	}
	url := "http://" + addr
	probe = url + probe
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		resp, err := client.Get(probe)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return &proc{cmd: cmd, url: url}, time.Since(begin), nil
			}
			return nil, 0, fmt.Errorf("probe: status %d", resp.StatusCode)
		}
		time.Sleep(time.Millisecond)
	}
	_ = cmd.Process.Kill()
	return nil, 0, errors.New("sandbox did not answer within 10s")
}

const (
	defaultProbe = "/transactions/authorize.xml?provider_key=acme-provider-key&app_id=keyless-app-id"
	benchProbe   = "/transactions/authorize.xml?provider_key=bench-key&service_id=1&app_id=bench-app&app_key=bench-key-1&usage%5Bhits%5D=1"
)

// benchFixture has limits in several periods (so every check runs) that
// no run reaches.
const benchFixture = `version: 1
providers:
  - name: Bench
    provider_key: bench-key
    access_token: bench-token
    services:
      - id: "1"
        name: Bench API
        metrics:
          - {name: hits}
          - {name: search, parent: hits}
        application_plans:
          - name: Unlimited
            system_name: unlimited
            limits:
              hits: {day: 1000000000000, minute: 1000000000000}
              search: {month: 1000000000000}
    accounts:
      - org_name: Bench Dev
        applications:
          - {name: Bench App, service: "1", plan: unlimited, app_id: bench-app, app_keys: [bench-key-1]}
`

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
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true,
	}}
}

func get(client *http.Client, url string) error {
	resp, err := client.Get(url)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 && resp.StatusCode != 409 {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// closedLoop keeps conns requests in flight for d.
func closedLoop(url string, conns int, d time.Duration) (result, error) {
	client := newClient(conns)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	var firstErr atomic.Value
	var wg sync.WaitGroup
	begin := time.Now()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 1<<14)
			for ctx.Err() == nil {
				t := time.Now()
				if err := get(client, url); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				lat = append(lat, time.Since(t))
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
	return summarize(all, time.Since(begin)), nil
}

// openLoop sends rate requests per second for d, whatever the latency, and
// measures each from its scheduled start.
func openLoop(url string, rate float64, d time.Duration) (result, error) {
	client := newClient(256)
	n := int(rate * d.Seconds())
	interval := time.Duration(float64(time.Second) / rate)
	lat := make([]time.Duration, n)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	begin := time.Now()
	for i := range n {
		at := begin.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(at))
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := get(client, url); err != nil {
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
	return summarize(lat, time.Since(begin)), nil
}

func reportBody(n int) string {
	var b strings.Builder
	b.WriteString("provider_key=bench-key&service_id=1")
	for i := range n {
		fmt.Fprintf(&b, "&transactions[%d][app_id]=bench-app&transactions[%d][usage][search]=1", i, i)
	}
	return b.String()
}

// sequential posts body n times, one at a time.
func sequential(url, body string, n int) (result, error) {
	client := newClient(1)
	lat := make([]time.Duration, 0, n)
	begin := time.Now()
	for range n {
		t := time.Now()
		resp, err := client.Post(url, "application/x-www-form-urlencoded", strings.NewReader(body))
		if err != nil {
			return result{}, err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 202 {
			return result{}, fmt.Errorf("status %d", resp.StatusCode)
		}
		lat = append(lat, time.Since(t))
	}
	return summarize(lat, time.Since(begin)), nil
}
