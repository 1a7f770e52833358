package main

import (
	"archive/tar"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// imageConfig is the part of a Docker image configuration the test reads.
type imageConfig struct {
	User         string
	ExposedPorts map[string]struct{}
	Env          []string
	Entrypoint   []string
	Cmd          []string
	WorkingDir   string
	Labels       map[string]string
	Healthcheck  struct{ Test []string }
}

// TestImage builds the container image with podman the way a machine
// without a registry can (make image-prebuilt: the static binary built
// here replaces the Dockerfile's build stage, FROM scratch needs no pull),
// exports it with podman save, and runs what the export holds: the
// entrypoint with the image's command and environment, and the image's
// HEALTHCHECK command, on loopback. Running a container is refused on
// these machines, so the container's paths are the unpacked layers and its
// published ports are loopback ports; as root, the processes run as the
// image's user.
func TestImage(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the image test builds a binary")
	}
	_, err := exec.LookPath("podman")
	if err == nil {
		if out, ierr := exec.Command("podman", "info", "--format", "{{.Store.GraphDriverName}}").CombinedOutput(); ierr != nil {
			err = fmt.Errorf("podman info: %v: %s", ierr, out)
		}
	}
	needs(t, "podman", err)
	_, err = exec.LookPath("make")
	needs(t, "make", err)

	dir := t.TempDir()
	name := fmt.Sprintf("localhost/threescale-sandbox-test-%d", os.Getpid())
	const ver = "v0.0.0-imagetest"
	// Without -trimpath the static build reuses the packages go vet (make
	// lint) compiled: only main is compiled and linked (CGO_ENABLED=0
	// shares the cache of pure Go packages).
	build := exec.Command("make", "image-prebuilt", "CONTAINER=podman", "IMAGE="+name, "VERSION="+ver,
		"PREBUILT="+filepath.Join(dir, "prebuilt"), "TRIMPATH=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("make image-prebuilt: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command("podman", "rmi", "--force", name+":"+ver, name+":latest").Run() })
	archive := filepath.Join(dir, "image.tar")
	if out, err := exec.Command("podman", "save", "--format", "docker-archive", "-o", archive, name+":"+ver).CombinedOutput(); err != nil {
		t.Fatalf("podman save: %v\n%s", err, out)
	}
	root := filepath.Join(dir, "root")
	cfg, files := unpackImage(t, archive, root)

	// What the image declares.
	if cfg.User != "65532:65532" {
		t.Errorf("User = %q, want 65532:65532 (non-root)", cfg.User)
	}
	ports := slices.Sorted(func(yield func(string) bool) {
		for p := range cfg.ExposedPorts {
			if !yield(p) {
				return
			}
		}
	})
	if strings.Join(ports, " ") != "3000/tcp 3001/tcp 3002/tcp 3443/tcp" {
		t.Errorf("ExposedPorts = %v", ports)
	}
	if strings.Join(cfg.Entrypoint, " ") != "/threescale-sandbox" || strings.Join(cfg.Cmd, " ") != "serve" {
		t.Errorf("Entrypoint %q, Cmd %q", cfg.Entrypoint, cfg.Cmd)
	}
	if len(cfg.Healthcheck.Test) < 2 || cfg.Healthcheck.Test[0] != "CMD" || strings.Join(cfg.Healthcheck.Test[1:], " ") != "/threescale-sandbox healthcheck" {
		t.Fatalf("Healthcheck = %q, want the binary's own healthcheck command", cfg.Healthcheck.Test)
	}
	for _, kv := range []string{"THREESCALE_SANDBOX_ADDR=0.0.0.0:3000", "THREESCALE_SANDBOX_TLS_ADDR=0.0.0.0:3443",
		"THREESCALE_SANDBOX_ADMIN_ADDR=0.0.0.0:3001", "THREESCALE_SANDBOX_PORTAL_ADDR=0.0.0.0:3002", "THREESCALE_SANDBOX_FIXTURES=/fixtures"} {
		if !slices.Contains(cfg.Env, kv) {
			t.Errorf("Env %q lacks %s", cfg.Env, kv)
		}
	}
	if cfg.WorkingDir != "/data" || cfg.Labels["org.opencontainers.image.version"] != ver {
		t.Errorf("WorkingDir %q, labels %v", cfg.WorkingDir, cfg.Labels)
	}

	// What it holds: a static binary (nothing to load on an empty base),
	// CA certificates, the user, and the folders the user owns.
	bin := filepath.Join(root, cfg.Entrypoint[0])
	if f, err := elf.Open(bin); err != nil {
		t.Fatalf("the entrypoint is not an ELF binary: %v", err)
	} else {
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Errorf("the binary is dynamically linked (PT_INTERP): it cannot run FROM scratch")
			}
		}
		f.Close()
	}
	if pem, err := os.ReadFile(filepath.Join(root, "etc/ssl/certs/ca-certificates.crt")); err != nil || !x509.NewCertPool().AppendCertsFromPEM(pem) {
		t.Errorf("no CA certificates in the image: %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "etc/passwd")); !strings.Contains(string(b), "\nsandbox:x:65532:65532:") {
		t.Errorf("/etc/passwd = %q", b)
	}
	for path, want := range map[string]string{"data": "65532 0755", "tmp": "65532 1777", "fixtures": "0 0755"} {
		h := files[path]
		if h == nil || fmt.Sprintf("%d %04o", h.Uid, h.Mode&0o7777) != want {
			t.Errorf("/%s in the image: %+v, want owner and mode %s", path, h, want)
		}
	}

	// Run it. The image's environment, with its container paths and
	// 0.0.0.0 listeners mapped onto the unpacked tree and loopback.
	asUser := os.Geteuid() == 0
	if asUser { // the user must reach the unpacked tree
		for p := dir; p != filepath.Dir(p) && strings.HasPrefix(p, os.TempDir()+"/"); p = filepath.Dir(p) {
			os.Chmod(p, 0o755)
		}
	}
	port := freePort(t)
	env := withEnv(cfg.Env,
		"THREESCALE_SANDBOX_ADDR=127.0.0.1:"+port, "THREESCALE_SANDBOX_TLS_ADDR=127.0.0.1:"+freePort(t),
		"THREESCALE_SANDBOX_ADMIN_ADDR=127.0.0.1:"+freePort(t), "THREESCALE_SANDBOX_PORTAL_ADDR=127.0.0.1:"+freePort(t),
		"THREESCALE_SANDBOX_FIXTURES="+filepath.Join(root, "fixtures"), "TMPDIR="+filepath.Join(root, "tmp"))
	// command runs a program of the image (a path inside it) as the
	// container would.
	command := func(prog string, args ...string) *exec.Cmd {
		cmd := exec.Command(filepath.Join(root, prog), args...)
		cmd.Env = env
		cmd.Dir = filepath.Join(root, cfg.WorkingDir)
		if asUser {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65532, Gid: 65532}}
		}
		return cmd
	}
	healthcheck := func() (string, error) {
		out, err := command(cfg.Healthcheck.Test[1], cfg.Healthcheck.Test[2:]...).CombinedOutput()
		return string(out), err
	}
	base := "http://127.0.0.1:" + port
	db := filepath.Join(root, "data", "sandbox.db")

	if out, err := healthcheck(); err == nil || !strings.Contains(out, "healthcheck: "+base+"/_sandbox/health did not answer") {
		t.Errorf("healthcheck with nothing running: %v %q", err, out)
	}
	entry := func(args ...string) *exec.Cmd {
		return command(cfg.Entrypoint[0], append(cfg.Entrypoint[1:], args...)...)
	}
	out, _ := entry("version").Output()
	if first, _, _ := strings.Cut(string(out), "\n"); first != "threescale-sandbox "+ver {
		t.Errorf("version = %q", out)
	}
	if head, err := exec.Command("git", "rev-parse", "HEAD").Output(); err == nil && !strings.Contains(string(out), "commit:     "+strings.TrimSpace(string(head))) {
		t.Errorf("version names another commit than HEAD %s: %q", head, out)
	}

	// Nothing at /fixtures: the default world, on a --db in /data, with
	// HTTPS on a self-signed certificate written to /tmp.
	srv := startImage(t, entry(append(cfg.Cmd, "--db", db)...), healthcheck)
	if out, err := healthcheck(); err != nil || !strings.HasPrefix(out, "ready: "+base+"/_sandbox/health (threescale-sandbox "+ver+", up ") {
		t.Errorf("healthcheck: %v %q", err, out)
	}
	h := getHealth(t, base)
	if strings.Join(h.Fixtures, ",") != "default.yaml (embedded)" || h.DB.Path != db || !h.DB.Seeded || h.Version != ver {
		t.Errorf("health = %+v", h)
	}
	if body := httpGet(t, base+"/transactions/authrep.xml?provider_key=acme-provider-key&app_id=echo-app-id&app_key=echo-app-key&referrer=www.example.com&usage%5Bhits%5D=1"); !strings.Contains(body, "<authorized>true</authorized>") {
		t.Errorf("authrep: %s", body)
	}
	checkTLS(t, root, srv, env)
	if fi, err := os.Stat(db); err != nil {
		t.Errorf("no database in /data: %v", err)
	} else if st := fi.Sys().(*syscall.Stat_t); asUser && st.Uid != 65532 {
		t.Errorf("database owned by %d, want the image's user", st.Uid)
	}
	srv.stop(t)
	if out, err := healthcheck(); err == nil {
		t.Errorf("healthcheck after stop: exit 0, %q", out)
	}

	// A fixture mounted at /fixtures, on a new database; then a restart
	// keeps the stored state, counters included.
	if err := os.WriteFile(filepath.Join(root, "fixtures", "world.yaml"), []byte(mountedFixture), 0o644); err != nil {
		t.Fatal(err)
	}
	db2 := filepath.Join(root, "data", "mounted.db")
	const q = "?provider_key=mounted-provider-key&app_id=mounted-app&app_key=mounted-key"
	srv = startImage(t, entry(append(cfg.Cmd, "--db", db2)...), healthcheck)
	if h := getHealth(t, base); strings.Join(h.Fixtures, ",") != filepath.Join(root, "fixtures", "world.yaml") || !h.DB.Seeded {
		t.Errorf("health with a mounted fixture = %+v", h)
	}
	if body := httpGet(t, base+"/transactions/authrep.xml"+q+"&usage%5Bhits%5D=5"); !strings.Contains(body, "<plan>Basic</plan>") {
		t.Errorf("authrep on the mounted world: %s", body)
	}
	srv.stop(t)
	srv = startImage(t, entry(append(cfg.Cmd, "--db", db2)...), healthcheck)
	if h := getHealth(t, base); len(h.Fixtures) != 0 || h.DB.Seeded {
		t.Errorf("health after a restart on the volume = %+v", h)
	}
	if body := httpGet(t, base+"/transactions/authorize.xml"+q); !strings.Contains(body, "<max_value>100</max_value><current_value>5</current_value>") {
		t.Errorf("authorize after a restart on the volume: %s", body)
	}
	srv.stop(t)
}

const mountedFixture = `version: 1
providers:
  - name: Mounted Co
    provider_key: mounted-provider-key
    services:
      - id: "42"
        name: Mounted API
        application_plans:
          - name: Basic
            limits: {hits: {day: 100}}
    accounts:
      - org_name: Dev
        applications:
          - {name: App, app_id: mounted-app, app_keys: [mounted-key]}
`

// unpackImage reads a docker-archive export: its configuration, and its
// layers unpacked in order into root (with their owners, as root). It
// returns the headers of the files by path.
func unpackImage(t *testing.T, archive, root string) (imageConfig, map[string]*tar.Header) {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries := map[string][]byte{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("read %s: %v", archive, err)
		}
		if h.Typeflag == tar.TypeReg {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			entries[h.Name] = b
		}
	}
	var manifest []struct {
		Config string
		Layers []string
	}
	if err := json.Unmarshal(entries["manifest.json"], &manifest); err != nil || len(manifest) != 1 {
		t.Fatalf("manifest.json: %v %s", err, entries["manifest.json"])
	}
	var config struct{ Config imageConfig }
	if err := json.Unmarshal(entries[manifest[0].Config], &config); err != nil {
		t.Fatalf("image configuration: %v", err)
	}
	files := map[string]*tar.Header{}
	for _, layer := range manifest[0].Layers {
		lr := tar.NewReader(bytes.NewReader(entries[layer]))
		for {
			h, err := lr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("layer %s: %v", layer, err)
			}
			name := strings.TrimSuffix(filepath.Clean(h.Name), "/")
			if !filepath.IsLocal(name) || strings.HasPrefix(filepath.Base(name), ".wh.") {
				t.Fatalf("layer %s: unexpected entry %q", layer, h.Name)
			}
			path := filepath.Join(root, name)
			mode := h.FileInfo().Mode()
			switch h.Typeflag {
			case tar.TypeDir:
				err = os.MkdirAll(path, 0o755)
			case tar.TypeReg:
				if err = os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
					var b []byte
					if b, err = io.ReadAll(lr); err == nil {
						err = os.WriteFile(path, b, 0o600)
					}
				}
			default:
				t.Fatalf("layer %s: unexpected entry type %c for %s", layer, h.Typeflag, h.Name)
			}
			if err == nil && os.Geteuid() == 0 {
				err = os.Lchown(path, h.Uid, h.Gid)
			}
			if err == nil {
				err = os.Chmod(path, mode.Perm()|mode&(os.ModeSticky|os.ModeSetuid|os.ModeSetgid))
			}
			if err != nil {
				t.Fatalf("unpack %s: %v", h.Name, err)
			}
			files[name] = h
		}
	}
	return config.Config, files
}

// withEnv returns env with each KEY=value of set replacing its key.
func withEnv(env []string, set ...string) []string {
	out := slices.Clone(env)
	for _, kv := range set {
		k, _, _ := strings.Cut(kv, "=")
		out = slices.DeleteFunc(out, func(e string) bool { return strings.HasPrefix(e, k+"=") })
		out = append(out, kv)
	}
	return out
}

func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// lockedBuffer collects a process's output for failure messages.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

type imageProcess struct {
	cmd  *exec.Cmd
	out  *lockedBuffer
	done chan error
}

// startImage starts the sandbox and waits, as a container runtime does,
// until the image's health check passes (bounded: 30 s).
func startImage(t *testing.T, cmd *exec.Cmd, healthcheck func() (string, error)) *imageProcess {
	t.Helper()
	p := &imageProcess{cmd: cmd, out: &lockedBuffer{}, done: make(chan error, 1)}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() { cmd.Process.Kill() })
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, err := healthcheck(); err == nil {
			return p
		}
		select {
		case err := <-p.done:
			t.Fatalf("the sandbox exited before it was healthy: %v\n%s", err, p.out)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("not healthy after 30s:\n%s", p.out)
		}
	}
}

// stop sends SIGTERM, as docker stop does, and expects a clean exit.
func (p *imageProcess) stop(t *testing.T) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, p.out)
		}
	case <-time.After(10 * time.Second):
		t.Errorf("no exit 10s after SIGTERM:\n%s", p.out)
	}
}

type healthBody struct {
	Status, Version string
	Fixtures        []string
	DB              struct {
		Path   string
		Seeded bool
	}
}

func getHealth(t *testing.T, base string) healthBody {
	t.Helper()
	var h healthBody
	if err := json.Unmarshal([]byte(httpGet(t, base+"/_sandbox/health")), &h); err != nil || h.Status != "ready" {
		t.Fatalf("health: %v %+v", err, h)
	}
	return h
}

// checkTLS trusts the self-signed certificate the sandbox wrote to the
// image's /tmp and asks the HTTPS listener.
func checkTLS(t *testing.T, root string, p *imageProcess, env []string) {
	t.Helper()
	pemPath := filepath.Join(root, "tmp", fmt.Sprintf("threescale-sandbox-%d.pem", p.cmd.Process.Pid))
	pem, err := os.ReadFile(pemPath)
	if err != nil {
		t.Fatalf("self-signed certificate: %v\n%s", err, p.out)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	var addr string
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "THREESCALE_SANDBOX_TLS_ADDR="); ok {
			addr = v
		}
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Get("https://" + addr + "/check.txt")
	if err != nil {
		t.Fatalf("HTTPS: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "ok" {
		t.Errorf("HTTPS /check.txt: %d %q", resp.StatusCode, b)
	}
}
