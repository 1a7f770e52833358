package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestScripts runs the end-to-end scripts of testscripts/: the real command
// in its own processes. $CONTRACTS is the contracts folder of this tree.
func TestScripts(t *testing.T) {
	contracts, err := filepath.Abs("contracts")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "testscripts",
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("CONTRACTS", contracts)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"waiturl":  waitURL,
			"http":     httpCall,
			"download": download,
		},
	})
}

// waitURL FILE VAR waits for a server started with --ready-file FILE to
// write its URL, and sets VAR to it.
func waitURL(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: waiturl FILE VAR")
	}
	path := ts.MkAbs(args[0])
	// A generous bound: a server that never starts fails the script
	// instead of hanging it.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(path); err == nil && strings.HasSuffix(string(b), "\n") {
			ts.Setenv(args[1], strings.TrimSpace(string(b)))
			return
		}
	}
	ts.Fatalf("no URL in %s after 30s", args[0])
}

// http METHOD URL [FORM] sends a request (FORM as a form body) and prints
// the status, the Content-Type and the body.
func httpCall(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 || len(args) > 3 {
		ts.Fatalf("usage: http METHOD URL [FORM]")
	}
	var body io.Reader
	if len(args) == 3 {
		body = strings.NewReader(args[2])
	}
	req, err := http.NewRequest(args[0], args[1], body)
	ts.Check(err)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	ts.Check(err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	ts.Check(err)
	fmt.Fprintf(ts.Stdout(), "HTTP %d\ncontent-type: %s\n\n%s\n", resp.StatusCode, resp.Header.Get("Content-Type"), b)
}

// download URL FILE saves the body of a GET, which must answer 200.
func download(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: download URL FILE")
	}
	resp, err := http.Get(args[0])
	ts.Check(err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	ts.Check(err)
	if resp.StatusCode != http.StatusOK {
		ts.Fatalf("GET %s: %d %s", args[0], resp.StatusCode, b)
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), b, 0o644))
}
