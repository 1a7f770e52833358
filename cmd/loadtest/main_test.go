package main

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// An open loop warms up at its rate before it is measured: the server
// sees the warm-up's requests too, the result only the measured ones.
func TestOpenLoopWarmsUp(t *testing.T) {
	defer func(w time.Duration) { openWarmup = w }(openWarmup)
	openWarmup = 100 * time.Millisecond
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { served.Add(1) }))
	defer srv.Close()
	res, err := openLoop(srv.URL, 500, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if got := served.Load(); got != 50+100 {
		t.Errorf("the server saw %d requests, want 50 of warm-up and 100 measured", got)
	}
	if res.p99 <= 0 || res.lag < 0 || res.lag > res.p99 {
		t.Errorf("p99 %s, send lag p99 %s", res.p99, res.lag)
	}
}
