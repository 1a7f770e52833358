package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// The error log at apisonator's internal API path and in its JSON:
// GET /internal/services/:sid/errors/?page=&per_page= and DELETE.

type errorEntry struct {
	Code        string          `json:"code"`
	Message     string          `json:"message"`
	Timestamp   string          `json:"timestamp"`
	ContextInfo json.RawMessage `json:"context_info"`
}

func (h *handlers) knownService(c echo.Context) bool {
	if h.store.Catalog().Service(c.Param("sid")) != nil {
		return true
	}
	_ = writeJSON(c, http.StatusNotFound, struct {
		Status string `json:"status"`
		Error  string `json:"error"`
	}{"not_found", "service not found"})
	return false
}

func (h *handlers) listErrors(c echo.Context) error {
	if !h.knownService(c) {
		return nil
	}
	page, perPage := 1, 100
	if v := c.QueryParam("per_page"); v != "" {
		n, _ := strconv.Atoi(v)
		if n <= 0 {
			return writeJSON(c, http.StatusBadRequest, map[string]string{"error": "per_page needs to be > 0"})
		}
		perPage = n
	}
	if v := c.QueryParam("page"); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			page = n
		}
	}
	recs, total, err := h.store.Errors(c.Request().Context(), c.Param("sid"), page, perPage)
	if err != nil {
		return err
	}
	out := struct {
		Status string       `json:"status"`
		Errors []errorEntry `json:"errors"`
		Count  int          `json:"count"`
	}{Status: "found", Errors: []errorEntry{}, Count: total}
	for _, r := range recs {
		out.Errors = append(out.Errors, errorEntry{
			Code: r.Code, Message: r.Message, Timestamp: r.Time.Format("2006-01-02 15:04:05 UTC"), ContextInfo: r.Context,
		})
	}
	return writeJSON(c, http.StatusOK, out)
}

func (h *handlers) deleteErrors(c echo.Context) error {
	if !h.knownService(c) {
		return nil
	}
	if err := h.store.DeleteErrors(c.Request().Context(), c.Param("sid")); err != nil {
		return err
	}
	return writeJSON(c, http.StatusOK, map[string]string{"status": "deleted"})
}

// writeJSON writes v as Ruby's to_json does: compact, no trailing newline,
// and <, > and & left as they are.
func writeJSON(c echo.Context, status int, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode JSON: %w", err)
	}
	return c.Blob(status, "application/json", bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}
