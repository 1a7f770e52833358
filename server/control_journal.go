package server

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/journal"
)

// The request journal: GET /_sandbox/requests (newest first, filtered),
// GET /_sandbox/requests/:id, DELETE /_sandbox/requests.

type requestsReply struct {
	Requests []journal.View `json:"requests"`
	// Kept is how many requests the journal holds, Size how many it
	// keeps at most; Dropped counts the oldest ones dropped to make room.
	Kept    int    `json:"kept"`
	Size    int    `json:"size"`
	Dropped uint64 `json:"dropped"`
}

// requestFilters are the query parameters of GET /_sandbox/requests.
var requestFilters = []string{"path", "method", "status", "app_id", "since", "limit"}

func (h *handlers) listRequests(c echo.Context) error {
	f, err := requestFilter(c)
	if err != nil {
		return err
	}
	out := requestsReply{Requests: []journal.View{}, Size: h.journal.Size()}
	for _, e := range h.journal.List(f) {
		out.Requests = append(out.Requests, e.View())
	}
	out.Kept, out.Dropped = h.journal.Stats()
	return replyJSON(c, http.StatusOK, out)
}

// requestFilter reads the filters, refusing unknown ones and bad values.
func requestFilter(c echo.Context) (journal.Filter, error) {
	var f journal.Filter
	q := c.QueryParams()
	for name, vs := range q {
		if !slices.Contains(requestFilters, name) {
			return f, badRequest(name, "unknown filter %q (filters: %s)", name, strings.Join(requestFilters, ", "))
		}
		if len(vs) > 1 {
			return f, badRequest(name, "%s is given %d times; give it once", name, len(vs))
		}
	}
	f.Path, f.Method, f.AppID = q.Get("path"), q.Get("method"), q.Get("app_id")
	if f.Path != "" && !strings.HasPrefix(f.Path, "/") {
		return f, badRequest("path", "path %q: want a path such as /transactions/authrep.xml, or a prefix such as /admin/api/*", f.Path)
	}
	if s := q.Get("status"); s != "" {
		n, err := strconv.Atoi(strings.TrimSuffix(strings.ToLower(s), "xx"))
		switch {
		case strings.HasSuffix(strings.ToLower(s), "xx") && err == nil && n >= 1 && n <= 5:
			f.Status, f.StatusClass = n, true
		case err == nil && n >= 100 && n <= 599 && !strings.HasSuffix(strings.ToLower(s), "xx"):
			f.Status = n
		default:
			return f, badRequest("status", "status %q: want a status such as 409, or a class such as 4xx", s)
		}
	}
	if s := q.Get("since"); s != "" {
		t, err := clock.ParseInstant(s)
		if err != nil {
			return f, badRequest("since", "since %q: %v", s, err)
		}
		f.Since = t
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return f, badRequest("limit", "limit %q: want a whole number of at least 1", s)
		}
		f.Limit = n
	}
	return f, nil
}

func (h *handlers) showRequest(c echo.Context) error {
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil || id == 0 {
		return badRequest("id", "request id %q: want a whole number, as GET /_sandbox/requests lists them", c.Param("id"))
	}
	e := h.journal.Get(id)
	if e == nil {
		return refuse(http.StatusNotFound, "id", "no request %d in the journal (it keeps the last %d)", id, h.journal.Size())
	}
	return replyJSON(c, http.StatusOK, e.View())
}

func (h *handlers) clearRequests(c echo.Context) error {
	h.journal.Clear()
	return c.NoContent(http.StatusNoContent)
}
