package server

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
)

// FuzzControlAPI sends arbitrary ids, queries and JSON bodies to every
// control route: whatever comes in, the answer is a status the control API
// has, never a 500 or a panic, and a refusal is JSON naming what is wrong.
func FuzzControlAPI(f *testing.F) {
	world := mustWorld(f, "testdata/controls.yaml")
	clk := clock.NewFrozenControl(time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC))
	_, h := seeded(f, "", world, clk)
	var routes []echo.Route
	for _, r := range h.(*Server).Routes() {
		// The bundle is big and the reset slow: the fuzzer is for parsing.
		if strings.HasPrefix(r.Path, "/_sandbox/") && r.Method != http.MethodHead && r.Path != "/_sandbox/bundle" {
			routes = append(routes, *r)
		}
	}
	sort.Slice(routes, func(i, j int) bool { return routes[i].Method+routes[i].Path < routes[j].Method+routes[j].Path })
	param := regexp.MustCompile(`:[a-z_]+`)

	f.Add(uint16(0), "x", "", `{"frozen": true, "time": "2026-01-01"}`)
	f.Add(uint16(3), "1", "limit=2&status=4xx", `{"by": "-1d2h"}`)
	f.Add(uint16(9), "before", "", `[{"path": "/status", "status": 503, "times": 1}]`)
	f.Add(uint16(12), "w-1", "since=2026-02-30", `{"seed": 1, "rules": [{"path": "/*", "probability": 0.5, "drop": true}]}`)
	f.Add(uint16(20), "%zz", "path=x&path=y", `{"name": "a..b"}`)
	f.Add(uint16(25), "", "", `{"provider": "Controls"} {"x":1}`)
	f.Fuzz(func(t *testing.T, route uint16, id, query, body string) {
		r := routes[int(route)%len(routes)]
		path := param.ReplaceAllStringFunc(r.Path, func(string) string { return url.PathEscape(id) })
		req := httptest.NewRequest(r.Method, "http://sandbox"+path, strings.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if !slices.Contains([]int{200, 201, 202, 204, 400, 404, 409, 413}, w.Code) {
			t.Fatalf("%s %s?%s (%q): %d %s", r.Method, path, query, body, w.Code, w.Body.String())
		}
		if w.Code >= 400 && !strings.HasPrefix(w.Body.String(), `{"error":"`) {
			t.Fatalf("%s %s?%s (%q): %d without a JSON refusal: %s", r.Method, path, query, body, w.Code, w.Body.String())
		}
		// Faults set by the fuzzer would slow the next inputs down.
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("DELETE", "/_sandbox/faults", nil))
	})
}
