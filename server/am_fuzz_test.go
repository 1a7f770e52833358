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

// FuzzAMAPI sends arbitrary ids, parameters and bodies to every Account
// Management API route: whatever comes in, the answer is one of porta's
// statuses, never a 500 or a panic.
func FuzzAMAPI(f *testing.F) {
	world := mustWorld(f, "testdata/am.yaml")
	_, h := seeded(f, "", world, clock.NewFake(time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)))
	var routes []echo.Route
	for _, r := range h.(*Server).Routes() {
		if strings.HasPrefix(r.Path, "/admin/api/") {
			routes = append(routes, *r)
		}
	}
	sort.Slice(routes, func(i, j int) bool { return routes[i].Method+routes[i].Path < routes[j].Method+routes[j].Path })
	param := regexp.MustCompile(`:[a-z_]+`)
	types := []string{"application/x-www-form-urlencoded", "application/json", "multipart/form-data; boundary=x", "", "text/plain"}

	f.Add(uint16(0), "1", "access_token=acme-rw", "name=x", uint8(0))
	f.Add(uint16(7), "1.xml", "provider_key=acme-key&per_page=-1", `{"org_name":["a"]}`, uint8(1))
	f.Add(uint16(30), "2", "access_token=acme-rw&plan_id=3", "--x\r\nContent-Disposition: form-data; name=\"a[]\"\r\n\r\nb\r\n--x--", uint8(2))
	f.Add(uint16(45), "%zz", "access_token=acme-rw&application_key[]=&user_key[a]=b", "plan_id=4&name[]=&first_traffic_at=x", uint8(0))
	f.Add(uint16(60), "foo.json.xml", "access_token=acme-rw", `{"metric":{"friendly_name":1},"_json":[null]}`, uint8(1))
	f.Add(uint16(90), "+1abc", "access_token=acme-rw&page=99999999999999999999", `[{"a":`, uint8(1))
	f.Fuzz(func(t *testing.T, route uint16, id, query, body string, ct uint8) {
		r := routes[int(route)%len(routes)]
		path := param.ReplaceAllStringFunc(r.Path, func(string) string { return url.PathEscape(id) })
		req := httptest.NewRequest(r.Method, "http://sandbox"+path, strings.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", types[int(ct)%len(types)])
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if !slices.Contains([]int{200, 201, 204, 400, 403, 404, 406, 409, 422}, w.Code) {
			t.Fatalf("%s %s?%s (%q): %d %s", r.Method, path, query, body, w.Code, w.Body.String())
		}
		if w.Code == http.StatusOK && r.Method == http.MethodGet && w.Body.Len() == 0 {
			t.Fatalf("%s %s?%s: 200 with no body", r.Method, path, query)
		}
	})
}
