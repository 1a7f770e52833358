package openapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// The control API's description loads, is valid OpenAPI 3, and catches
// an answer or a request that departs from it.
func TestSandboxDescription(t *testing.T) {
	d, err := LoadSandbox()
	if err != nil {
		t.Fatal(err)
	}
	get := httptest.NewRequest("GET", "/_sandbox/clock", nil)
	h := http.Header{"Content-Type": {"application/json"}}
	if err := d.CheckResponse(get, 200, h, []byte(`{"now":"2026-03-31T23:59:50.000Z","frozen":true}`)); err != nil {
		t.Errorf("a good answer: %v", err)
	}
	for _, body := range []string{`{"now":"2026-03-31T23:59:50.000Z"}`, `{"now":"yesterday","frozen":true}`,
		`{"now":"2026-03-31T23:59:50.000Z","frozen":true,"extra":1}`} {
		if err := d.CheckResponse(get, 200, h, []byte(body)); err == nil {
			t.Errorf("%s: no violation", body)
		}
	}
	put := func(body string) *http.Request {
		r := httptest.NewRequest("PUT", "/_sandbox/clock", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		return r
	}
	if err := d.CheckJSONRequest(put(`{"frozen":true}`), []byte(`{"frozen":true}`)); err != nil {
		t.Errorf("a good request: %v", err)
	}
	if err := d.CheckJSONRequest(put(`{"frozen":"no"}`), []byte(`{"frozen":"no"}`)); err == nil {
		t.Error("a bad request: no violation")
	}
}
