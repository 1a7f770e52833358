package main

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// requireEnv lists, comma-separated, the tools whose absence fails a test
// instead of skipping it. A developer's laptop may lack podman or a
// registry; CI (.ci/run) installs them and sets
// SANDBOX_TEST_REQUIRE (podman, go-client, node-client, …), so nothing it can run
// is skipped there unseen.
const requireEnv = "SANDBOX_TEST_REQUIRE"

// needs skips the test, saying why, when err says that what is missing,
// or fails it when the environment requires what.
func needs(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if slices.Contains(strings.Split(os.Getenv(requireEnv), ","), what) {
		t.Fatalf("%s is required here (%s=%s) but unavailable: %v", what, requireEnv, os.Getenv(requireEnv), err)
	}
	t.Skipf("skipped: %s unavailable (%v); CI runs this test (.ci/run installs it)", what, err)
}
