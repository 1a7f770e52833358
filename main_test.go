package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// The test binary doubles as the sandbox binary: with this variable set it
// runs main, so tests can start it as a process and kill -9 it; and the
// scripts of testscripts/ run it as the command threescale-sandbox.
func TestMain(m *testing.M) {
	if os.Getenv("THREESCALE_SANDBOX_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	testscript.Main(m, map[string]func(){"threescale-sandbox": main})
}

func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String(), errb.String(), err
}

func TestCommands(t *testing.T) {
	// A test binary has no module version nor VCS stamp.
	out, _, err := runCmd(t, "version")
	if want := "threescale-sandbox devel\n  commit:     unknown\n  date:       unknown\n  go:         " + runtime.Version() + " " +
		runtime.GOOS + "/" + runtime.GOARCH + "\n  apisonator: 3.4.3 (the Service Management API it answers as)\n"; err != nil || out != want {
		t.Errorf("version = %q, %v; want %q", out, err, want)
	}
	for _, args := range [][]string{{"help"}, {"--help"}} {
		if out, _, err := runCmd(t, args...); err != nil || !strings.Contains(out, "threescale-sandbox serve [flags]") {
			t.Errorf("%v = %q, %v", args, out, err)
		}
	}
	if _, stderr, err := runCmd(t); !errors.Is(err, errUsage) || !strings.Contains(stderr, "Usage:") {
		t.Errorf("no args = %q, %v", stderr, err)
	}
	if _, stderr, err := runCmd(t, "frobnicate"); !errors.Is(err, errUsage) || !strings.Contains(stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown = %q, %v", stderr, err)
	}
	if out, _, err := runCmd(t, "serve", "--help"); err != nil || !strings.Contains(out, "-fixtures value") || !strings.Contains(out, "THREESCALE_SANDBOX_ADDR") {
		t.Errorf("serve --help = %q, %v", out, err)
	}
	if _, stderr, err := runCmd(t, "serve", "--nope"); !errors.Is(err, errUsage) || !strings.Contains(stderr, "flag provided but not defined: -nope") {
		t.Errorf("serve --nope = %q, %v", stderr, err)
	}
	if out, _, err := runCmd(t, "fixtures", "default"); err != nil || !strings.Contains(out, "provider_key: acme-provider-key") {
		t.Errorf("fixtures default = %.60q, %v", out, err)
	}
}

func TestFixturesCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	out, _, _ := runCmd(t, "fixtures", "default")
	if err := os.WriteFile(good, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, stderr, err := runCmd(t, "fixtures", "check", good); err != nil || out != "ok: 1 path(s) valid\n" {
		t.Errorf("good: %q %q %v", out, stderr, err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	broken := strings.Replace(out, "backend_version: \"1\"", "backend_version: \"3\"", 1)
	broken = strings.Replace(broken, "plan: pro", "plan: platinum", 1)
	if err := os.WriteFile(bad, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runCmd(t, "fixtures", "check", bad)
	want := bad + `:51: providers[0].services[1].backend_version: "3" is not one of 1, 2, oauth
` + bad + `:110: providers[0].accounts[0].applications[3].plan: unknown plan "platinum" of service "2555417735001"
2 problem(s)
`
	if !errors.Is(err, errSilent) || stderr != want {
		t.Errorf("bad:\n got: %s\nwant: %s (%v)", stderr, want, err)
	}
}

// serve in-process: the summary, a request, and a clean stop.
func TestServe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--frozen-time", "2026-11-22T10:00:00Z", "--log-level", "error"}, pw, io.Discard)
		pw.Close()
	}()
	base := readURL(t, pr)
	go io.Copy(io.Discard, pr)
	body := httpGet(t, base+"/transactions/authrep.xml?provider_key=acme-provider-key&app_id=echo-app-id&app_key=echo-app-key&referrer=www.example.com&usage%5Bhits%5D=1")
	if !strings.Contains(body, `<usage_report metric="hits" period="day"><period_start>2026-11-22 00:00:00 +0000</period_start><period_end>2026-11-23 00:00:00 +0000</period_end><max_value>1000</max_value><current_value>43</current_value>`) {
		t.Errorf("authrep against the default world: %s", body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

var urlLine = regexp.MustCompile(`HTTP:\s+(http://\S+)`)

// readURL reads the startup summary up to the HTTP URL.
func readURL(t *testing.T, r io.Reader) string { return readLine(t, r, urlLine)[1] }

// readLine reads the startup summary up to the first line re matches and
// returns the submatches.
func readLine(t *testing.T, r io.Reader, re *regexp.Regexp) []string {
	t.Helper()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			return m
		}
	}
	t.Fatalf("no line matching %s in the summary: %v", re, sc.Err())
	return nil
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// serveDB starts the sandbox on db at a frozen time, killed at the end of
// the test, and returns its process and URL.
func serveDB(t *testing.T, db string, extra ...string) (*exec.Cmd, string) {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--frozen-time", "2026-11-22T10:00:00Z",
		"--log-level", "error"}, extra...)
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "THREESCALE_SANDBOX_TEST_MAIN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	url := readURL(t, out)
	go io.Copy(io.Discard, out)
	return cmd, url
}

// An authrep that got its 200 survives kill -9; --reset forgets it.
func TestDurableAcrossKill(t *testing.T) {
	db := filepath.Join(t.TempDir(), "sandbox.db")
	start := func(extra ...string) (*exec.Cmd, string) { return serveDB(t, db, extra...) }
	const q = "?provider_key=acme-provider-key&service_id=2555417735002&user_key=legacy-user-key"
	hour := func(n string) string {
		return `<usage_report metric="hits" period="hour"><period_start>2026-11-22 10:00:00 +0000</period_start><period_end>2026-11-22 11:00:00 +0000</period_end><max_value>100</max_value><current_value>` + n + `</current_value>`
	}
	cmd, url := start()
	for range 7 {
		httpGet(t, url+"/transactions/authrep.xml"+q+"&usage%5Bhits%5D=1")
	}
	resp, err := http.Post(url+"/transactions.xml?provider_key=acme-provider-key&service_id=2555417735002&transactions[0][user_key]=legacy-user-key&transactions[0][usage][hits]=5", "", nil)
	if err != nil || resp.StatusCode != 202 {
		t.Fatalf("report: %v %v", resp, err)
	}
	resp.Body.Close()
	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no shutdown, no flush
		t.Fatal(err)
	}
	cmd.Wait()

	cmd, url = start()
	if body := httpGet(t, url+"/transactions/authorize.xml"+q); !strings.Contains(body, hour("12")) {
		t.Errorf("after kill -9, want hits 12 this hour: %s", body)
	}
	// A second sandbox on the same database is refused at once.
	second := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0", "--db", db)
	second.Env = append(os.Environ(), "THREESCALE_SANDBOX_TEST_MAIN=1")
	if out, err := second.CombinedOutput(); err == nil || !strings.Contains(string(out), "in use by another process") {
		t.Errorf("second sandbox on one database: %v %s", err, out)
	}
	cmd.Process.Kill()
	cmd.Wait()
	_, url = start("--reset")
	if body := httpGet(t, url+"/transactions/authorize.xml"+q); !strings.Contains(body, hour("0")) {
		t.Errorf("after --reset, want hits 0: %s", body)
	}
}

// --tls-addr with a self-signed certificate that clients can trust through
// the printed PEM file, as the Node.js client needs.
func TestServeTLS(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--tls-addr", "127.0.0.1:0", "--log-level", "error"}, pw, io.Discard)
		pw.Close()
	}()
	m := readLine(t, pr, regexp.MustCompile(`HTTPS:\s+(https://\S+), self-signed certificate (\S+)`))
	httpsURL, pem := m[1], m[2]
	go io.Copy(io.Discard, pr)
	certPEM, err := os.ReadFile(pem)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(certPEM) {
		t.Fatal("the printed file holds no certificate")
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get(httpsURL + "/check.txt")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "ok" {
		t.Errorf("GET /check.txt over TLS: %d %q", resp.StatusCode, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
}

// serve --db on another program's SQLite file refuses it, naming it, and
// leaves its bytes as they were.
func TestServeRefusesForeignDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)", "INSERT INTO notes (body) VALUES ('mine')"} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = runCmd(t, "serve", "--addr", "127.0.0.1:0", "--db", path)
	if want := path + " is not a threescale-sandbox database (it has tables: notes); choose another --db"; err == nil || err.Error() != want {
		t.Errorf("serve = %v, want %s", err, want)
	}
	if after, err := os.ReadFile(path); err != nil || sha256.Sum256(after) != sha256.Sum256(before) {
		t.Errorf("the database changed (%d bytes before, %d after, %v)", len(before), len(after), err)
	}
}
