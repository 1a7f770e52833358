// Package connlimit keeps an HTTP server answering when many of its
// connections stall. It caps the open connections below the process's file
// limit, so that accepting never fails for want of a descriptor, and when
// the cap is reached it makes room by closing the connection that has
// waited longest without giving the server anything to do: one that has not
// sent its whole header, one idle between requests, or one whose request
// body is not arriving. Connections whose handler is at work are never
// closed. The server's own timeouts bound how long any of them can stall;
// this bounds how many can.
package connlimit

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// Listener caps the connections of the listener it wraps. Connect it to the
// http.Server with Serve, so that it learns what each connection is doing.
type Listener struct {
	net.Listener
	max int

	mu     sync.Mutex
	conns  map[*Conn]struct{}
	freed  chan struct{} // a connection closed: room to accept
	closed chan struct{}
	close  sync.Once
}

// Wrap caps ln at n open connections (at least 1).
func Wrap(ln net.Listener, n int) *Listener {
	return &Listener{Listener: ln, max: max(n, 1), conns: map[*Conn]struct{}{},
		freed: make(chan struct{}, 1), closed: make(chan struct{})}
}

// Close stops accepting; an Accept waiting for room returns.
func (l *Listener) Close() error {
	l.close.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

// Conn is an accepted connection with what it is doing.
type Conn struct {
	net.Conn
	l *Listener
	// Guarded by l.mu. A new connection waits for its first request.
	busy  bool      // a handler is at work on it
	since time.Time // when it began to wait (for a request or its body)
	once  sync.Once
}

// Close closes the connection and makes its room available.
func (c *Conn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.forget(c) })
	return err
}

// Accept accepts the next connection, then makes room for it if the cap is
// reached: it closes the connection that waited longest without work, or,
// when every connection has a handler at work, waits for one to end.
func (l *Listener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	c := &Conn{Conn: nc, l: l, since: time.Now()}
	for {
		l.mu.Lock()
		if len(l.conns) < l.max {
			l.conns[c] = struct{}{}
			l.mu.Unlock()
			return c, nil
		}
		victim := l.oldestIdle()
		l.mu.Unlock()
		if victim != nil {
			victim.Close()
			continue
		}
		select {
		case <-l.freed:
		case <-l.closed:
			nc.Close()
			return nil, net.ErrClosed
		}
	}
}

// oldestIdle is the connection that has waited longest without work, or
// nil. Called with l.mu held.
func (l *Listener) oldestIdle() *Conn {
	var oldest *Conn
	for c := range l.conns {
		if !c.busy && (oldest == nil || c.since.Before(oldest.since)) {
			oldest = c
		}
	}
	return oldest
}

func (l *Listener) forget(c *Conn) {
	l.mu.Lock()
	delete(l.conns, c)
	l.mu.Unlock()
	select {
	case l.freed <- struct{}{}:
	default:
	}
}

// Open returns the number of open connections.
func (l *Listener) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.conns)
}

func (l *Listener) set(c *Conn, busy bool) {
	l.mu.Lock()
	if c.busy != busy {
		c.busy = busy
		if !busy {
			c.since = time.Now()
		}
	}
	l.mu.Unlock()
}

type connKey struct{}

// Serve connects srv to the listeners: a connection counts as at work from
// the moment its handler starts (or, for a request with a body, once the
// body has arrived: the handlers read it first) until the server waits for
// its next request. Call it before srv serves.
func Serve(srv *http.Server) {
	prev := srv.ConnState
	srv.ConnState = func(nc net.Conn, st http.ConnState) {
		// StateActive comes with the first byte of a request: a stalled
		// header is not work yet; the handler says when it is.
		if c := unwrap(nc); c != nil && st == http.StateIdle {
			c.l.set(c, false)
		}
		if prev != nil {
			prev(nc, st)
		}
	}
	prevCtx := srv.ConnContext
	srv.ConnContext = func(ctx context.Context, nc net.Conn) context.Context {
		if prevCtx != nil {
			ctx = prevCtx(ctx, nc)
		}
		if c := unwrap(nc); c != nil {
			ctx = context.WithValue(ctx, connKey{}, c)
		}
		return ctx
	}
	next := srv.Handler
	srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c, ok := r.Context().Value(connKey{}).(*Conn); ok {
			if r.Body != nil && r.Body != http.NoBody {
				r.Body = &bodyReader{ReadCloser: r.Body, c: c}
			} else {
				c.l.set(c, true)
			}
		}
		next.ServeHTTP(w, r)
	})
}

// unwrap finds the Conn under a connection, a TLS one included.
func unwrap(nc net.Conn) *Conn {
	for {
		switch v := nc.(type) {
		case *Conn:
			return v
		case interface{ NetConn() net.Conn }:
			nc = v.NetConn()
		default:
			return nil
		}
	}
}

// bodyReader marks its connection at work once the body has been read.
type bodyReader struct {
	io.ReadCloser
	c    *Conn
	done bool
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && !b.done {
		b.done = true
		b.c.l.set(b.c, true)
	}
	return n, err
}

// Ceiling bounds Default: more connections than this a sandbox never needs.
const Ceiling = 10000

// Default is the cap for one listener: three quarters of the open-file
// limit, leaving descriptors for the database, webhook deliveries and the
// other listeners, and at most Ceiling.
func Default() int {
	n := fileLimit() / 4 * 3
	if n == 0 || n > Ceiling {
		return Ceiling
	}
	return int(n)
}
