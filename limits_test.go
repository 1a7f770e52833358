package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// With a small file limit, hundreds of clients that stall in their header
// or their body do not lock out the others, and a header flood is refused
// at the header limit instead of being buffered.
func TestServeUnderStalledClients(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("needs sh to lower the file limit of the server")
	}
	// 200 descriptors: the listener keeps at most 150 connections.
	cmd := exec.Command(sh, "-c", `ulimit -n 200 && exec "$0" serve --addr 127.0.0.1:0 --log-level error`, os.Args[0])
	cmd.Env = append(os.Environ(), "THREESCALE_SANDBOX_TEST_MAIN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	base := readURL(t, out)
	go io.Copy(io.Discard, out)
	addr := strings.TrimPrefix(base, "http://")

	var stalled []net.Conn
	t.Cleanup(func() {
		for _, c := range stalled {
			c.Close()
		}
	})
	for i := range 400 {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		stalled = append(stalled, c)
		if i%2 == 0 {
			fmt.Fprint(c, "POST /transactions.xml HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5000\r\n\r\nprovider_key=")
		} else {
			fmt.Fprint(c, "GET /transactions/authorize.xml?provider_key=acme HTTP/1.1\r\nHost: x\r\nX-Slow: ")
		}
	}
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	for i := range 20 {
		resp, err := client.Get(base + "/transactions/authorize.xml?provider_key=acme-provider-key&app_id=echo-app-id&app_key=echo-app-key&referrer=www.example.com")
		if err != nil {
			t.Fatalf("request %d beside 400 stalled clients: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("request %d: %d", i, resp.StatusCode)
		}
	}

	// A header past the limit is answered 431 at once.
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go func() {
		fmt.Fprint(c, "GET /check.txt HTTP/1.1\r\nHost: x\r\nX-Big: ")
		c.Write([]byte(strings.Repeat("a", 5<<20)))
	}()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("a 5 MB header: %d", resp.StatusCode)
	}
	// Real clients' longest requests stay below it: a report of 1000
	// transactions in the query, as the Go client sends them.
	var q strings.Builder
	q.WriteString("provider_key=acme-provider-key&service_id=2555417735001")
	for i := range 1000 {
		fmt.Fprintf(&q, "&transactions[%d][app_id]=echo-app-id&transactions[%d][usage][hits]=1", i, i)
	}
	resp, err = client.Post(base+"/transactions.xml?"+q.String(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 202 {
		t.Errorf("a report of 1000 transactions in the query (%d bytes): %d", q.Len(), resp.StatusCode)
	}
}
