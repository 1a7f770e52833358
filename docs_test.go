package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
)

// The recipes of docs/ run here as far as this machine can run them: the
// Go and Node.js clients against a sandbox on loopback, the commands of
// the GitHub Actions and GitLab CI files, and the shell blocks marked as
// runnable. What needs a container runtime or a registry that is not
// reachable is said in the doc itself.

// serveInProcess starts the sandbox in this process with args (on a free
// loopback port) and returns its base URL; it stops with the test.
func serveInProcess(t *testing.T, args ...string) string {
	t.Helper()
	ready := filepath.Join(t.TempDir(), "url")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0", "--ready-file", ready, "--log-level", "error"}, args...),
			io.Discard, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(ready); err == nil && strings.HasSuffix(string(b), "\n") {
			return strings.TrimSpace(string(b))
		}
		select {
		case err := <-done:
			t.Fatalf("serve %v: %v", args, err)
		default:
		}
	}
	t.Fatal("the sandbox did not start in 30s")
	return ""
}

// goExample makes the Go client's example module ready to run, or skips
// (fails, where required) when its module cannot be fetched.
func goExample(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("docs/examples/go-client")
	if err != nil {
		t.Fatal(err)
	}
	dl := exec.Command("go", "mod", "download")
	dl.Dir, dl.Env = dir, append(os.Environ(), "GOWORK=off")
	if out, err := dl.CombinedOutput(); err != nil {
		needs(t, "go-client", fmt.Errorf("go mod download of github.com/3scale/3scale-go-client: %v: %s", err, out))
	}
	return dir
}

// The official Go client's example test, unchanged, against the default
// world.
func TestGoClientExample(t *testing.T) {
	dir := goExample(t)
	url := serveInProcess(t)
	for _, pass := range []string{"first", "second"} {
		// Twice: it reads the counters first, so it holds on a used sandbox.
		cmd := exec.Command("go", "test", "-count=1", "-v", "./...")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOWORK=off", "THREESCALE_BACKEND_URL="+url)
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestSandbox") {
			t.Fatalf("go test in %s, %s run: %v\n%s", dir, pass, err, out)
		}
	}
}

// The README's examples of a test on the control API, in Go, Python and
// Ruby (each with its standard library only), against the default world:
// twice, as the reset at their start makes them repeatable.
func TestControlExamples(t *testing.T) {
	url := serveInProcess(t)
	for _, ex := range []struct {
		name, dir, tool string
		args            []string
	}{
		{"go", "docs/examples/controls/go", "go", []string{"test", "-count=1", "./..."}},
		{"python3", "docs/examples/controls/python", "python3", []string{"-m", "unittest", "test_controls.py"}},
		{"ruby", "docs/examples/controls/ruby", "ruby", []string{"controls_test.rb"}},
	} {
		t.Run(ex.name, func(t *testing.T) {
			if _, err := exec.LookPath(ex.tool); err != nil {
				needs(t, ex.name, err)
			}
			for _, pass := range []string{"first", "second"} {
				cmd := exec.Command(ex.tool, ex.args...)
				cmd.Dir = ex.dir
				cmd.Env = append(os.Environ(), "GOWORK=off", "SANDBOX_URL="+url)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Fatalf("%s %v in %s, %s run: %v\n%s", ex.tool, ex.args, ex.dir, pass, err, out)
				}
			}
		})
	}
}

// The official Node.js client (npm 3scale), which speaks only HTTPS, with
// the sandbox's self-signed certificate in NODE_EXTRA_CA_CERTS.
func TestNodeClientExample(t *testing.T) {
	if _, err := exec.LookPath("npm"); err != nil {
		needs(t, "node-client", err)
	}
	dir := t.TempDir()
	for _, f := range []string{"package.json", "package-lock.json", "sandbox.test.js"} {
		b, err := os.ReadFile(filepath.Join("docs/examples/node-client", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ci := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	ci.Dir = dir
	if out, err := ci.CombinedOutput(); err != nil {
		needs(t, "node-client", fmt.Errorf("npm ci (3scale@0.7.6): %v: %s", err, out))
	}
	tlsPort := freePort(t)
	serveInProcess(t, "--tls-addr", "127.0.0.1:"+tlsPort)
	// The certificate the summary prints: made at start for this process.
	pem := filepath.Join(os.TempDir(), fmt.Sprintf("threescale-sandbox-%d.pem", os.Getpid()))
	cmd := exec.Command("npm", "test")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NODE_EXTRA_CA_CERTS="+pem, "THREESCALE_HOST=127.0.0.1", "THREESCALE_PORT="+tlsPort)
	out, err := cmd.CombinedOutput()
	if err != nil || !regexp.MustCompile(`(?m)^# pass 2$`).Match(out) {
		t.Fatalf("npm test: %v\n%s", err, out)
	}
}

// dockerShim plays docker for the CI recipes: one container, "sandbox",
// which is the sandbox binary (this test binary) on a loopback port with
// the image's environment, a /fixtures folder, and docker cp, restart and
// exec as the recipes use them.
const dockerShim = `#!/usr/bin/env bash
set -euo pipefail
state="$SHIM_STATE"
start() {
	THREESCALE_SANDBOX_TEST_MAIN=1 THREESCALE_SANDBOX_ADDR="127.0.0.1:$SHIM_PORT" \
		THREESCALE_SANDBOX_FIXTURES="$state/fixtures" "$SHIM_BIN" serve >>"$state/log" 2>&1 &
	echo $! >"$state/pid"
}
stop() {
	[ -f "$state/pid" ] || return 0
	pid=$(cat "$state/pid")
	kill -TERM "$pid" 2>/dev/null || true
	for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	rm -f "$state/pid"
}
case "$1" in
start) start ;;
stop) stop ;;
restart) [ "$2" = sandbox ]; stop; start ;;
cp)
	dst="${3#sandbox:}"
	case "$dst" in
	/fixtures/*) cp "$2" "$state/fixtures/${dst#/fixtures/}" ;;
	*) echo "docker shim: cp to $3 is not emulated" >&2; exit 1 ;;
	esac ;;
exec)
	[ "$2" = sandbox ] && [ "$3" = /threescale-sandbox ]
	shift 3
	THREESCALE_SANDBOX_TEST_MAIN=1 THREESCALE_SANDBOX_ADDR="127.0.0.1:$SHIM_PORT" "$SHIM_BIN" "$@" ;;
*) echo "docker shim: $* is not emulated" >&2; exit 1 ;;
esac
`

// ciRunner runs the shell of a CI recipe in a workspace laid out as the
// user's repository (the Go client's example module, and the example
// fixture at sandbox/world.yaml), with docker played by dockerShim.
type ciRunner struct {
	t         *testing.T
	workspace string
	env       []string
	url       string
}

func newCIRunner(t *testing.T) *ciRunner {
	t.Helper()
	_, err := exec.LookPath("bash")
	needs(t, "bash", err)
	_, err = exec.LookPath("curl")
	needs(t, "curl", err)
	example := goExample(t)
	r := &ciRunner{t: t, workspace: t.TempDir()}
	copyFile := func(src, dst string) {
		b, err := os.ReadFile(src)
		if err == nil {
			err = os.MkdirAll(filepath.Dir(dst), 0o755)
		}
		if err == nil {
			err = os.WriteFile(dst, b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"go.mod", "go.sum", "sandbox_test.go"} {
		copyFile(filepath.Join(example, f), filepath.Join(r.workspace, f))
	}
	copyFile("docs/examples/fixtures/world.yaml", filepath.Join(r.workspace, "sandbox", "world.yaml"))

	state := t.TempDir()
	shims := t.TempDir()
	if err := os.Mkdir(filepath.Join(state, "fixtures"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shims, "docker"), []byte(dockerShim), 0o755); err != nil {
		t.Fatal(err)
	}
	port := freePort(t)
	r.url = "http://127.0.0.1:" + port
	r.env = append(os.Environ(), "PATH="+shims+string(os.PathListSeparator)+os.Getenv("PATH"), "GOWORK=off",
		// A cached result of the client's tests would not ask the sandbox.
		"GOFLAGS=-count=1",
		"SHIM_STATE="+state, "SHIM_PORT="+port, "SHIM_BIN="+os.Args[0])
	r.shell("start the service container", "docker start")
	t.Cleanup(func() {
		r.shell("stop the service container", "docker stop")
		if t.Failed() {
			log, _ := os.ReadFile(filepath.Join(state, "log"))
			t.Logf("the sandbox's log:\n%s", log)
		}
	})
	return r
}

// published maps the address a recipe reaches the service at onto the
// local sandbox, as a published port would.
func (r *ciRunner) published(v, addr string) string { return strings.ReplaceAll(v, addr, r.url) }

// shell runs a step as the CI runner's bash does (-e, pipefail).
func (r *ciRunner) shell(name, script string, env ...string) string {
	r.t.Helper()
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
	cmd.Dir = r.workspace
	cmd.Env = append(r.env, env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("step %q: %v\n--- script\n%s\n--- output\n%s", name, err, script, out)
	}
	return string(out)
}

// inDoc checks that a doc shows the recipe file exactly, so that what is
// tested is what is copied.
func inDoc(t *testing.T, doc, file string) []byte {
	t.Helper()
	md, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(md), "\n"+string(b)+"```") {
		t.Errorf("%s does not show %s as it is", doc, file)
	}
	return b
}

var expression = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

func TestGitHubActionsRecipe(t *testing.T) {
	raw := inDoc(t, "docs/ci-github-actions.md", "docs/examples/github-actions.yml")
	var wf struct {
		Jobs map[string]struct {
			Services map[string]struct {
				Image string
				Ports []string
			}
			Env   map[string]string
			Steps []struct {
				Name, Uses, Run string
				Env             map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(raw, &wf); err != nil {
		t.Fatal(err)
	}
	job, ok := wf.Jobs["test"]
	svc := job.Services["sandbox"]
	if !ok || !strings.HasSuffix(svc.Image, "/threescale-sandbox:latest") || strings.Join(svc.Ports, " ") != "3000:3000" {
		t.Fatalf("job test, service sandbox: %+v", job.Services)
	}
	r := newCIRunner(t)
	var env []string
	for k, v := range job.Env {
		env = append(env, k+"="+r.published(v, "http://localhost:3000"))
	}
	ran := 0
	for _, step := range job.Steps {
		switch {
		case strings.HasPrefix(step.Uses, "actions/checkout@"), strings.HasPrefix(step.Uses, "actions/setup-go@"):
			continue // the workspace is laid out; Go is here
		case step.Uses != "":
			t.Fatalf("step %q uses %s, which this test cannot play", step.Name, step.Uses)
		}
		script := expression.ReplaceAllStringFunc(step.Run, func(e string) string {
			if expr := expression.FindStringSubmatch(e)[1]; expr == "job.services.sandbox.id" {
				return "sandbox"
			}
			t.Fatalf("step %q: expression %s is not known to this test", step.Name, e)
			return ""
		})
		if strings.Contains(script, "localhost:3000") {
			t.Fatalf("step %q reaches the sandbox other than through $SANDBOX_URL", step.Name)
		}
		t.Logf("step %q:\n%s", step.Name, r.shell(step.Name, script, env...))
		ran++
	}
	if ran != 4 {
		t.Errorf("ran %d steps, want wait, seed, smoke test and the client's tests", ran)
	}
}

func TestGitLabRecipe(t *testing.T) {
	raw := inDoc(t, "docs/ci-gitlab.md", "docs/examples/gitlab-ci.yml")
	var ci map[string]struct {
		Image    string
		Services []struct {
			Name, Alias string
		}
		Variables map[string]string
		Script    []string
	}
	if err := yaml.Unmarshal(raw, &ci); err != nil {
		t.Fatal(err)
	}
	job, ok := ci["test"]
	if !ok || len(job.Services) != 1 || !strings.HasSuffix(job.Services[0].Name, "/threescale-sandbox:latest") || job.Services[0].Alias != "sandbox" {
		t.Fatalf("job test: %+v", job)
	}
	r := newCIRunner(t)
	var env []string
	for k, v := range job.Variables {
		env = append(env, k+"="+r.published(v, "http://sandbox:3000"))
	}
	// GitLab runs the script's lines in one shell.
	script := strings.Join(job.Script, "\n")
	if strings.Contains(script, "sandbox:3000") || strings.Contains(script, "${{") {
		t.Fatalf("the script reaches the sandbox other than through $SANDBOX_URL:\n%s", script)
	}
	t.Logf("script:\n%s", r.shell("script", script, env...))
}

// runnableMark precedes a shell block that the test runs against the
// default world on a sandbox at http://127.0.0.1:3000 (here on another
// port).
const runnableMark = "<!-- runs in docs_test.go against the default world -->"

func TestDocShellBlocks(t *testing.T) {
	docs, _ := filepath.Glob("docs/*.md")
	docs = append(docs, "README.md")
	blocks := 0
	for _, doc := range docs {
		md, err := os.ReadFile(doc)
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range strings.Split(string(md), runnableMark)[1:] {
			body, ok := strings.CutPrefix(strings.TrimLeft(part, "\n"), "```sh\n")
			end := strings.Index(body, "```")
			if !ok || end < 0 {
				t.Fatalf("%s: the mark is not followed by a ```sh block", doc)
			}
			blocks++
			url := serveInProcess(t, "--frozen-time", "2026-11-22T10:15:00Z")
			script := strings.ReplaceAll(body[:end], "http://127.0.0.1:3000", url)
			cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("%s, block %d: %v\n--- script\n%s--- output\n%s", doc, blocks, err, script, out)
			}
		}
	}
	if blocks == 0 {
		t.Error("no runnable block in docs/")
	}
}

// The testcontainers-go recipe compiles against the pinned module; it runs
// where a Docker provider answers (none here: running containers is
// refused on these machines) and says so with a skip otherwise.
func TestTestcontainersGoExample(t *testing.T) {
	inDoc(t, "docs/testcontainers.md", "docs/examples/testcontainers-go/sandbox_test.go")
	dir, err := filepath.Abs("docs/examples/testcontainers-go")
	if err != nil {
		t.Fatal(err)
	}
	goIn := func(args ...string) ([]byte, error) {
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, append(os.Environ(), "GOWORK=off")
		return cmd.CombinedOutput()
	}
	if out, err := goIn("mod", "download"); err != nil {
		needs(t, "testcontainers-go", fmt.Errorf("go mod download: %v: %s", err, out))
	}
	if out, err := goIn("vet", "./..."); err != nil {
		t.Fatalf("go vet in %s: %v\n%s", dir, err, out)
	}
	out, err := goIn("test", "-count=1", "-v", "./...")
	if err != nil || !regexp.MustCompile(`--- (PASS|SKIP): TestAuthorize`).Match(out) {
		t.Fatalf("go test in %s: %v\n%s", dir, err, out)
	}
	t.Logf("%s", out)
}

// The APIcast configuration of docs/ describes the default world's
// services: their ids, tokens, authentication modes and referrer filters.
func TestAPIcastConfig(t *testing.T) {
	b, err := os.ReadFile("docs/examples/apicast-config.json")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Services []struct {
			ID                        json.Number
			BackendVersion            string `json:"backend_version"`
			BackendAuthenticationType string `json:"backend_authentication_type"`
			BackendAuthentication     string `json:"backend_authentication_value"`
			ReferrerFiltersRequired   bool   `json:"referrer_filters_required"`
			Proxy                     struct {
				Backend     struct{ Endpoint string }
				AuthUserKey string `json:"auth_user_key"`
				AuthAppID   string `json:"auth_app_id"`
				AuthAppKey  string `json:"auth_app_key"`
				ProxyRules  []struct {
					Metric string `json:"metric_system_name"`
				} `json:"proxy_rules"`
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	world, err := fixtures.Default(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	services := map[string]fixtures.Service{}
	for _, s := range world.Providers[0].Services {
		services[s.ID] = s
	}
	if len(cfg.Services) != 2 {
		t.Fatalf("%d services", len(cfg.Services))
	}
	for _, c := range cfg.Services {
		s, ok := services[c.ID.String()]
		if !ok {
			t.Errorf("service %s is not in the default world", c.ID)
			continue
		}
		mode := map[string]bool{"1": c.Proxy.AuthUserKey == "user_key", "2": c.Proxy.AuthAppID == "app_id" && c.Proxy.AuthAppKey == "app_key"}
		if c.BackendVersion != s.BackendVersion || !mode[c.BackendVersion] || c.BackendAuthenticationType != "service_token" ||
			!slices.Contains(s.ServiceTokens, c.BackendAuthentication) || c.ReferrerFiltersRequired != s.ReferrerFiltersRequired ||
			c.Proxy.Backend.Endpoint != "http://sandbox:3000" {
			t.Errorf("service %s: %+v, world %+v", c.ID, c, s)
		}
		for _, r := range c.Proxy.ProxyRules {
			if !slices.ContainsFunc(s.Metrics, func(m fixtures.Metric) bool { return m.Name == r.Metric }) {
				t.Errorf("service %s: mapping rule on unknown metric %q", c.ID, r.Metric)
			}
		}
	}
}
