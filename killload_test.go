package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// kill -9 in the middle of concurrent durable authreps, over many
// applications (so first traffic is being recorded too): after a restart
// every authrep that got its 200 is counted, and none that was not sent.
func TestDurableUnderLoadAcrossKill(t *testing.T) {
	const apps = 40
	dir := t.TempDir()
	fixture := filepath.Join(dir, "world.yaml")
	y := `version: 1
providers:
  - name: Kill
    provider_key: kill-key
    services:
      - id: "1"
        name: Kill API
        metrics: [{name: hits}]
        application_plans: [{name: Big, limits: {hits: {year: 1000000000000}}}]
    accounts:
`
	for i := 1; i <= apps; i++ {
		y += fmt.Sprintf("      - {org_name: Dev %d, applications: [{name: App %d, app_id: app-%d}]}\n", i, i, i)
	}
	if err := os.WriteFile(fixture, []byte(y), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "sandbox.db")
	start := func(extra ...string) (*exec.Cmd, string) { return serveDB(t, db, extra...) }
	var acked, sent [apps + 1]atomic.Int64
	client := &http.Client{Timeout: 5 * time.Second}
	cmd, url := start("--fixtures", fixture)
	// Five times: load, kill -9, restart, check.
	for round := range 5 {
		load(t, client, url, apps, &acked, &sent, 16, 600*time.Millisecond)
		if err := cmd.Process.Kill(); err != nil { // SIGKILL under load
			t.Fatal(err)
		}
		cmd.Wait()
		cmd, url = start()
		checkStored(t, round, url, apps, &acked, &sent)
	}
}

// load sends authreps from conns clients for d, or until the server dies,
// counting each application's sent and acknowledged ones.
func load(t *testing.T, client *http.Client, url string, apps int, acked, sent *[41]atomic.Int64, conns int, d time.Duration) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				app := 1 + (g*7+i)%apps
				sent[app].Add(1)
				resp, err := client.Get(fmt.Sprintf("%s/transactions/authrep.xml?provider_key=kill-key&service_id=1&app_id=app-%d&usage%%5Bhits%%5D=1", url, app))
				if err != nil {
					return // killed
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == 200 {
					acked[app].Add(1)
				}
			}
		}()
	}
	time.Sleep(d)
	// The caller kills the server while the clients still send.
	go func() {
		time.Sleep(50 * time.Millisecond)
		close(stop)
	}()
	t.Cleanup(wg.Wait)
}

// checkStored checks every application's stored hits against what was
// acknowledged and sent.
func checkStored(t *testing.T, round int, url string, apps int, acked, sent *[41]atomic.Int64) {
	t.Helper()
	current := regexp.MustCompile(`<current_value>(\d+)</current_value>`)
	var total int64
	for app := 1; app <= apps; app++ {
		body := httpGet(t, fmt.Sprintf("%s/transactions/authorize.xml?provider_key=kill-key&service_id=1&app_id=app-%d", url, app))
		m := current.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("app-%d: no usage report in %s", app, body)
		}
		stored, _ := strconv.ParseInt(m[1], 10, 64)
		if a, s := acked[app].Load(), sent[app].Load(); stored < a || stored > s {
			t.Errorf("round %d, app-%d: %d hits stored, %d acknowledged, %d sent", round, app, stored, a, s)
		}
		total += acked[app].Load()
	}
	if total < 20*int64(round+1) {
		t.Errorf("only %d authreps acknowledged before the kill: the test wants load", total)
	}
}
