package webhook

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A ping GETs the URL with ping=3scale, keeping its own query; any status
// is an answer; no answer is an error.
func TestPing(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Method + " " + r.URL.RequestURI()
		w.WriteHeader(http.StatusTeapot)
	}))
	defer srv.Close()
	status, err := Ping(context.Background(), nil, srv.URL+"/hooks?secret=s3")
	if err != nil || status != http.StatusTeapot || got != "GET /hooks?ping=3scale&secret=s3" {
		t.Errorf("ping: %d %v, received %q", status, err, got)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/"
	ln.Close()
	if _, err := Ping(context.Background(), nil, closed); err == nil {
		t.Error("a closed port answered")
	}
	if _, err := Ping(context.Background(), nil, "ftp://example.com"); err == nil {
		t.Error("an ftp URL was pinged")
	}
}
