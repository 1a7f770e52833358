// Package example starts threescale-sandbox with testcontainers-go: the
// image, a fixture copied to /fixtures before it starts, and a wait on the
// health route.
package example

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

const image = "ghcr.io/threescale-sandbox/threescale-sandbox:latest"

// startSandbox runs the sandbox for one test and returns its base URL.
func startSandbox(t *testing.T) string {
	t.Helper()
	testcontainers.SkipIfProviderIsNotHealthy(t)
	ctx := context.Background()
	c, err := testcontainers.Run(ctx, image,
		testcontainers.WithExposedPorts("3000/tcp"),
		testcontainers.WithFiles(testcontainers.ContainerFile{
			HostFilePath: "testdata/world.yaml", ContainerFilePath: "/fixtures/world.yaml", FileMode: 0o644,
		}),
		// Optional: a frozen clock makes every period the same in every run.
		testcontainers.WithCmdArgs("--frozen-time", "2026-11-22T10:15:00Z"),
		testcontainers.WithWaitStrategy(wait.ForHTTP("/_sandbox/health").WithPort("3000/tcp").
			WithResponseMatcher(func(body io.Reader) bool {
				b, _ := io.ReadAll(body)
				return strings.Contains(string(b), `"status":"ready"`)
			}).WithStartupTimeout(30*time.Second)),
	)
	testcontainers.CleanupContainer(t, c)
	if err != nil {
		t.Fatal(err)
	}
	url, err := c.PortEndpoint(ctx, "3000/tcp", "http")
	if err != nil {
		t.Fatal(err)
	}
	return url
}

func TestAuthorize(t *testing.T) {
	url := startSandbox(t)
	resp, err := http.Get(url + "/transactions/authorize.xml?service_token=example-service-token&service_id=1001" +
		"&app_id=example-app-id&app_key=example-app-key")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<authorized>true</authorized>") {
		t.Errorf("authorize: %d %s", resp.StatusCode, body)
	}
}
