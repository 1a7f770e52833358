package server

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Two providers, each with a developer account and its webhooks on.
const twoProviders = `version: 1
providers:
  - name: Slow
    provider_key: slow-key
    access_token: slow-rw
    webhooks: {url: "http://127.0.0.1:9/unset", provider_actions: true}
    services:
      - {id: "410", name: Slow API, application_plans: [{name: Basic, default: true}]}
    accounts:
      - {org_name: Slow Co, users: [{username: slow, email: slow@slow.test}]}
  - name: Fast
    provider_key: fast-key
    access_token: fast-rw
    webhooks: {url: "http://127.0.0.1:9/unset", provider_actions: true}
    services:
      - {id: "420", name: Fast API, application_plans: [{name: Basic, default: true}]}
    accounts:
      - {org_name: Fast Co, users: [{username: fast, email: fast@fast.test}]}
`

// A provider whose receiver hangs delays only its own events: the other
// provider's are delivered meanwhile, in the order they were made.
func TestWebhooksOfOneProviderDoNotWaitForAnother(t *testing.T) {
	path := filepath.Join(t.TempDir(), "two.yaml")
	if err := os.WriteFile(path, []byte(twoProviders), 0o644); err != nil {
		t.Fatal(err)
	}
	s := start(t, path, day("10:15:00"))
	release := make(chan struct{})
	hanging := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer func() { close(release); hanging.Close() }()
	var mu sync.Mutex
	var fastGot []string
	arrived := make(chan struct{}, 10)
	fast := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := make([]byte, 64<<10)
		n, _ := r.Body.Read(b)
		mu.Lock()
		fastGot = append(fastGot, string(b[:n]))
		mu.Unlock()
		arrived <- struct{}{}
	}))
	defer fast.Close()
	for _, p := range []struct{ token, url string }{{"slow-rw", hanging.URL}, {"fast-rw", fast.URL}} {
		if r := s.am("PUT", "/admin/api/webhooks.json", "access_token="+p.token+"&active=true&account_updated_on=true&url="+
			url.QueryEscape(p.url)); r.status != 200 {
			t.Fatalf("webhooks of %s: %d %s", p.token, r.status, r.body)
		}
	}
	s.dispatch(5, time.Minute)
	// The slow provider's event is taken first and hangs.
	if r := s.am("PUT", "/admin/api/accounts/1.xml", "access_token=slow-rw&org_name=Slow+One"); r.status != 200 {
		t.Fatalf("slow update: %d %s", r.status, r.body)
	}
	time.Sleep(100 * time.Millisecond)
	for _, name := range []string{"Fast+One", "Fast+Two", "Fast+Three"} {
		if r := s.am("PUT", "/admin/api/accounts/2.xml", "access_token=fast-rw&org_name="+name); r.status != 200 {
			t.Fatalf("fast update: %d %s", r.status, r.body)
		}
	}
	for i := range 3 {
		select {
		case <-arrived:
		case <-time.After(3 * time.Second):
			t.Fatalf("the other provider got %d of 3 events while one receiver hung", i)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for i, name := range []string{"Fast One", "Fast Two", "Fast Three"} {
		if !strings.Contains(fastGot[i], "<org_name>"+name+"</org_name>") {
			t.Errorf("event %d out of order: %s", i, fastGot[i])
		}
	}
}
