package server

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/threescale-sandbox/threescale-sandbox/contracts/openapi"
)

// openapi serves the description of the Service Management API, with the
// CORS headers so that a browser-based viewer may load it.
func (h *handlers) openapi(c echo.Context) error {
	commonHeaders(c.Response().Header(), "application/yaml", true)
	c.Response().WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	_, err := c.Response().Write(openapi.YAML())
	return err
}

// sandboxOpenapi serves the description of the control API, without CORS
// headers as every /_sandbox route.
func (h *handlers) sandboxOpenapi(c echo.Context) error {
	c.Response().Header().Set("Content-Type", "application/yaml")
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	_, err := c.Response().Write(openapi.SandboxYAML())
	return err
}

// amOpenAPI serves the description of the Account Management API, beside
// the Service Management API's.
func (h *handlers) amOpenAPI(c echo.Context) error {
	commonHeaders(c.Response().Header(), "application/yaml", true)
	c.Response().WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	_, err := c.Response().Write(openapi.AccountManagementYAML())
	return err
}

// validate logs, as a warning, every request that violates the OpenAPI
// description, naming each violation; the request is then served as usual.
// It helps client-plugin authors see what they send wrong even when the
// backend accepts it.
func validate(d *openapi.Description, log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// The description covers the Service Management API only.
		if strings.HasPrefix(r.URL.Path, "/admin/") || strings.HasPrefix(r.URL.Path, "/_sandbox/") {
			next.ServeHTTP(w, r)
			return
		}
		// Read what the handler would read, and hand it the same bytes.
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			next.ServeHTTP(w, r)
			return
		}
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
		if err := d.CheckRequest(r, body); err != nil {
			log.Warn("request violates the OpenAPI description",
				"method", r.Method, "path", r.URL.Path, "query", r.URL.RawQuery, "violations", err.Error())
		}
		next.ServeHTTP(w, r)
	})
}
