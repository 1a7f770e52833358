package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// healthPath is the sandbox's health route (server/).
const healthPath = "/_sandbox/health"

// runHealthcheck is the healthcheck command: it asks a running sandbox for
// its health and exits 0 when it answers ready, for container
// HEALTHCHECKs and CI waits on an image that holds no curl.
func runHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rawURL := fs.String("url", "", "base URL of the sandbox, or the full URL of its health route (default: from "+
		envName("addr")+", else http://127.0.0.1:3000)")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	quiet := fs.Bool("q", false, "print nothing when ready")
	token := fs.String("control-token", os.Getenv(envName("control-token")), "the `TOKEN` of a sandbox started with --control-token (default: from "+
		envName("control-token")+", which serve reads too)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: threescale-sandbox healthcheck [--url URL] [--timeout D] [--control-token TOKEN] [-q]\n\n"+
			"Exits 0 when the sandbox answers GET %s with status \"ready\", 1 otherwise.\n\nFlags:\n", healthPath)
		fs.PrintDefaults()
	}
	if wantsHelp(args) {
		fs.SetOutput(stdout)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "healthcheck: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	target, err := healthURL(*rawURL, os.Getenv(envName("addr")))
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	if *token != "" {
		req.Header.Set("Authorization", "Bearer "+*token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %s did not answer: %w", target, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("healthcheck: %s: reading the answer: %w", target, err)
	}
	var h struct {
		Status  string  `json:"status"`
		Version string  `json:"version"`
		Uptime  float64 `json:"uptime_s"`
	}
	if resp.StatusCode == http.StatusUnauthorized {
		return fmt.Errorf("healthcheck: %s wants the sandbox's control token: give --control-token or set %s", target, envName("control-token"))
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %s, not ready: %.200q", target, resp.Status, body)
	}
	if err := json.Unmarshal(body, &h); err != nil {
		return fmt.Errorf("healthcheck: %s answered something other than the sandbox's health (%v): %.200q", target, err, body)
	}
	if h.Status != "ready" {
		return fmt.Errorf("healthcheck: %s answered status %q, not ready", target, h.Status)
	}
	if !*quiet {
		fmt.Fprintf(stdout, "ready: %s (threescale-sandbox %s, up %.1fs)\n", target, h.Version, h.Uptime)
	}
	return nil
}

// healthURL is the URL to ask: --url (a base URL gets the health path),
// else the address the sandbox listens on from its environment variable
// (0.0.0.0 and :: mean every interface, so ask the loopback one), else the
// default address.
func healthURL(flagURL, addrEnv string) (string, error) {
	if flagURL != "" {
		u, err := url.Parse(flagURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", fmt.Errorf("--url %q: want an http:// or https:// URL", flagURL)
		}
		if u.Path == "" || u.Path == "/" {
			u.Path = healthPath
		}
		return u.String(), nil
	}
	if addrEnv == "" {
		return "http://127.0.0.1:3000" + healthPath, nil
	}
	host, port, err := net.SplitHostPort(addrEnv)
	if err != nil || port == "" || port == "0" {
		return "", fmt.Errorf("%s=%q: want HOST:PORT with a fixed port, or give --url", envName("addr"), addrEnv)
	}
	switch strings.Trim(host, "[]") {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return "http://" + net.JoinHostPort(host, port) + healthPath, nil
}
