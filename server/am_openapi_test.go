package server

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/threescale-sandbox/threescale-sandbox/contracts/openapi"
)

// The sandbox's answers match the Account Management API's OpenAPI
// description (contracts/openapi/account_management.yaml, served at
// /openapi/account_management.yaml): every request and response of the
// go-client calls, the JSON representations and the catalog built
// through the API is checked against it (issue 13 part 5).
func TestAMAnswersMatchTheDescription(t *testing.T) {
	d, err := openapi.LoadAccountManagement()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, flow := range []struct {
		name string
		run  func(*testing.T, *sandbox)
	}{{"go-client calls", goClientCalls}, {"catalog", catalogThroughAPI}, {"JSON", jsonRepresentations}} {
		s, v, n := validatedSandbox(t, d)
		flow.run(t, s)
		for _, line := range *v {
			t.Errorf("%s: %s", flow.name, line)
		}
		checked += *n
	}
	if checked < 140 {
		t.Errorf("only %d exchanges checked", checked)
	}
	s := amSandbox(t)
	r := s.get("/openapi/account_management.yaml")
	if r.status != 200 || r.body != string(openapi.AccountManagementYAML()) {
		t.Errorf("served description: %d, %d bytes", r.status, len(r.body))
	}
}

// validatedSandbox is the Account Management API's sandbox with every
// exchange under /admin/api checked against d: the violations it finds,
// and how many exchanges it checked. A request the sandbox refuses may
// violate the description (a missing credential); its answer may not.
func validatedSandbox(t *testing.T, d *openapi.Description) (*sandbox, *[]string, *int) {
	var mu sync.Mutex
	violations, checked := []string{}, 0
	s := startWrapped(t, "testdata/am.yaml", day("10:15:00"), func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(r.URL.Path, "/admin/api/") || d.Operation(r) == "" {
				h.ServeHTTP(w, r)
				return
			}
			body, _ := io.ReadAll(r.Body)
			req := r.Clone(r.Context())
			r.Body = io.NopCloser(bytes.NewReader(body))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			mu.Lock()
			checked++
			reqErr := d.CheckRequest(req, body)
			switch {
			case reqErr != nil && rec.Code < 400:
				violations = append(violations, req.Method+" "+req.URL.String()+": request: "+reqErr.Error())
			case reqErr != nil && strings.Contains(reqErr.Error(), "path parameter"):
				// A path porta has no route for: no answer to check.
			default:
				if err := d.CheckResponse(req, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
					violations = append(violations, fmt.Sprintf("%s %s: response %d: %v", req.Method, req.URL, rec.Code, err))
				}
			}
			mu.Unlock()
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
		})
	})
	return s, &violations, &checked
}
