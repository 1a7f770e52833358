package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// fullDisk mounts a small tmpfs for a database, so that a test can fill it
// for real. It needs root; elsewhere the test is skipped, saying why.
func fullDisk(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root to mount a small tmpfs and fill it (the full-disk test)")
	}
	dir := filepath.Join(t.TempDir(), "disk")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size=3m"); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): the full-disk test needs one", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// fill writes a file until the disk is full and returns its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	for {
		if _, err := f.Write(buf); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return path
			}
			t.Fatal(err)
		}
	}
}

// logLines collects a process's stderr, line by line.
type logLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *logLines) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		l.mu.Lock()
		l.lines = append(l.lines, sc.Text())
		l.mu.Unlock()
	}
}

// count returns how many lines so far contain s.
func (l *logLines) count(s string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, line := range l.lines {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}

var hourValue = regexp.MustCompile(`period="hour"(?: exceeded="true")?><period_start>[^<]*</period_start><period_end>[^<]*</period_end><max_value>\d+</max_value><current_value>(\d+)<`)

// On a full disk nothing is acknowledged that is not stored: reports and
// authreps that cannot commit get the real backend's 500, the live
// counters never run ahead of the stored ones, the webhook worker backs off
// instead of spinning, and everything recovers once space returns.
func TestFullDisk(t *testing.T) {
	dir := fullDisk(t)
	db := filepath.Join(dir, "sandbox.db")
	var logs logLines
	start := func() (*exec.Cmd, string) {
		cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0", "--db", db,
			"--frozen-time", "2026-11-22T10:00:00Z", "--log-level", "info")
		cmd.Env = append(os.Environ(), "THREESCALE_SANDBOX_TEST_MAIN=1")
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		errOut, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		go logs.read(errOut)
		u := readURL(t, out)
		go io.Copy(io.Discard, out)
		return cmd, u
	}
	cmd, base := start()

	// A receiver that holds the first delivery until the disk is full, so
	// that its outcome cannot be recorded.
	var received atomic.Int32
	release := make(chan struct{})
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if received.Add(1) == 1 {
			select {
			case <-release:
			case <-time.After(20 * time.Second):
			}
		}
	}))
	defer rcv.Close()
	const token = "access_token=acme-access-token"
	call := func(method, path, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := call("PUT", "/admin/api/webhooks.json", token+"&active=true&provider_actions=true&account_updated_on=true&url="+
		url.QueryEscape(rcv.URL+"/hook")); code != 200 {
		t.Fatalf("webhook settings: %d %s", code, body)
	}
	_, accounts := call("GET", "/admin/api/accounts.xml?"+token, "")
	acc := regexp.MustCompile(`<account><id>(\d+)</id>`).FindStringSubmatch(accounts)
	if acc == nil {
		t.Fatalf("no account: %s", accounts)
	}
	if code, body := call("PUT", "/admin/api/accounts/"+acc[1]+".xml", token+"&org_name=Full+Disk+Co"); code != 200 {
		t.Fatalf("account update: %d %s", code, body)
	}
	waitFor(t, "the first delivery", func() bool { return received.Load() == 1 })

	const q = "provider_key=acme-provider-key&service_id=2555417735002"
	hits := func() int {
		t.Helper()
		_, body := call("GET", "/transactions/authorize.xml?"+q+"&user_key=legacy-user-key", "")
		m := hourValue.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no hour usage in %s", body)
		}
		n, _ := strconv.Atoi(m[1])
		return n
	}
	acked := hits()

	filler := fill(t, dir)
	close(release) // the delivery succeeds; its outcome cannot be stored

	// Commits go on into the space the log file (PATH-wal) already holds,
	// which a checkpoint that caught up lets SQLite write again: they fail
	// once it is used up.
	failed := 0
	for i := 0; failed < 10 && i < 20000; i++ {
		var code int
		var body string
		// Authreps while the hour's limit (100) lets them through;
		// reports, which no limit refuses, then: a commit's row of the
		// log is small, and the log's space may outlast the limit.
		if i%2 == 0 || acked >= 99 {
			code, body = call("POST", "/transactions.xml", q+"&transactions[0][user_key]=legacy-user-key&transactions[0][usage][hits]=1")
		} else {
			code, body = call("GET", "/transactions/authrep.xml?"+q+"&user_key=legacy-user-key&usage%5Bhits%5D=1", "")
		}
		switch code {
		case 200, 202:
			acked++
		case 500:
			failed++
			if body != "Internal Server Error\n" {
				t.Errorf("the 500 of a failed commit: %q", body)
			}
		default:
			t.Fatalf("request %d on a full disk: %d %s", i, code, body)
		}
		if got := hits(); got != acked {
			t.Fatalf("after request %d: the counters show %d hits, %d were acknowledged", i, got, acked)
		}
	}
	if failed == 0 {
		t.Fatal("no write failed: the disk was not full")
	}

	// The worker waits: a handful of log lines in two seconds, no delivery
	// sent again.
	before := logs.count("webhook outbox")
	time.Sleep(2 * time.Second)
	if n := logs.count("webhook outbox") - before; n > 8 {
		t.Errorf("the webhook worker logged %d lines in 2s on a full disk", n)
	}
	if n := received.Load(); n != 1 {
		t.Errorf("the receiver got %d deliveries of one event", n)
	}

	// Space returns: the worker records its delivery, writes work again.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the delivery recorded", func() bool {
		_, body := call("GET", "/_sandbox/webhooks?state=delivered", "")
		return strings.Contains(body, `"event":"account_updated"`)
	})
	if code, _ := call("POST", "/transactions.xml", q+"&transactions[0][user_key]=legacy-user-key&transactions[0][usage][hits]=1"); code != 202 {
		t.Fatalf("report after space returned: %d", code)
	}
	acked++
	if n := received.Load(); n != 1 {
		t.Errorf("the receiver got %d deliveries of one event", n)
	}

	// Everything acknowledged is stored: kill -9 and read it back.
	cmd.Process.Kill()
	cmd.Wait()
	_, base = start()
	if got := hits(); got != acked {
		t.Errorf("after a restart: %d hits stored, %d were acknowledged", got, acked)
	}
}

// waitFor polls cond for up to ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal(fmt.Sprintf("timed out waiting for %s", what))
}
