package connlimit

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// serve runs h behind a listener capped at n connections on loopback.
func serve(t *testing.T, n int, h http.Handler) (*Listener, string) {
	t.Helper()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := Wrap(inner, n)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: time.Minute, ReadTimeout: time.Minute}
	Serve(srv)
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln, inner.Addr().String()
}

// get answers within a few seconds, or the test fails.
func get(t *testing.T, addr string) {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := c.Get("http://" + addr + "/")
	if err != nil {
		t.Fatalf("a well-behaved client is locked out: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

// stall opens n connections that each send only the start of a request.
func stall(t *testing.T, addr string, n int, start string) []net.Conn {
	t.Helper()
	var conns []net.Conn
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(c, start); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	t.Cleanup(func() {
		for _, c := range conns {
			c.Close()
		}
	})
	return conns
}

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	io.WriteString(w, "ok")
})

// Many stalled headers or bodies, far beyond the cap, do not lock others
// out: the stalled connections that waited longest make room, the cap is
// never exceeded.
func TestStalledClientsMakeRoom(t *testing.T) {
	for name, start := range map[string]string{
		"header": "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ",
		"body":   "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\nabc",
	} {
		t.Run(name, func(t *testing.T) {
			ln, addr := serve(t, 8, ok)
			stall(t, addr, 30, start)
			for range 5 {
				get(t, addr)
			}
			if n := ln.Open(); n > 8 {
				t.Errorf("%d connections open, cap 8", n)
			}
		})
	}
}

// A connection whose handler is at work is never closed to make room: the
// next client waits for it to finish.
func TestBusyConnectionsAreKept(t *testing.T) {
	release := make(chan struct{})
	var entered sync.WaitGroup
	entered.Add(2)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			entered.Done()
			<-release
		}
		io.WriteString(w, "done")
	})
	_, addr := serve(t, 2, h)
	answers := make(chan string, 2)
	for range 2 {
		go func() {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				answers <- err.Error()
				return
			}
			defer c.Close()
			fmt.Fprint(c, "GET /slow HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				answers <- err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			answers <- string(b)
		}()
	}
	entered.Wait()
	third := make(chan error, 1)
	go func() {
		c := &http.Client{Timeout: 10 * time.Second}
		resp, err := c.Get("http://" + addr + "/")
		if err == nil {
			resp.Body.Close()
		}
		third <- err
	}()
	select {
	case err := <-third:
		t.Fatalf("the third client was served while both handlers worked: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	for range 2 {
		if a := <-answers; a != "done" {
			t.Errorf("a busy connection was cut: %q", a)
		}
	}
	if err := <-third; err != nil {
		t.Errorf("the third client, once room was made: %v", err)
	}
}

// A TLS connection is found under its wrapper.
func TestUnwrap(t *testing.T) {
	c := &Conn{}
	if unwrap(c) != c || unwrap(&wrapped{c}) != c || unwrap(&net.TCPConn{}) != nil {
		t.Error("unwrap")
	}
	if Default() < 1 || Default() > Ceiling {
		t.Errorf("Default() = %d", Default())
	}
}

type wrapped struct{ net.Conn }

func (w *wrapped) NetConn() net.Conn { return w.Conn }
