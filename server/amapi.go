package server

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/threescale-sandbox/threescale-sandbox/portal/api"
	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
)

// am adapts an Account Management API endpoint to echo: the route's ids
// and format are read as Rails' router reads them (railsPath), and the
// parameters are the query and the body (a form, or JSON) merged, the body
// winning, as Rails merges them. As in porta, the Accept header plays no
// part: porta's API routes default their format to XML, and Rails reads
// the format parameter before any Accept header.
// A route constrained to JSON (format "json") routes no other format.
func am(h api.Handler, format string) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		call := &api.Call{Method: r.Method, Format: format, Path: map[string]string{}}
		if !railsPath(c, call) || (format == "json" && call.Format != "json") {
			return c.NoContent(http.StatusNotFound) // porta has no such route
		}
		call.BasicUser, call.BasicPass, _ = r.BasicAuth()
		call.BaseURL = "http://" + r.Host
		if r.TLS != nil {
			call.BaseURL = "https://" + r.Host
		}
		ps, body, err := amParams(r)
		if err != nil {
			return writeReply(c, unparsable(r))
		}
		call.Params, call.Body = params.Of(ps), params.Of(body)
		call.ContentType = rackquery.MediaType(r.Header.Get("Content-Type"))
		return writeReply(c, h(r.Context(), call))
	}
}

// unparsable is Rails' answer to parameters it cannot parse (a malformed
// JSON body, a broken %-encoding): ActionDispatch's PublicExceptions
// renders the 400 in the request's format, which, the parameters being
// unreadable, comes from the Accept header (unless a browser's), else the
// path's extension; in HTML there is no public/400.html in porta, so the
// body is empty.
func unparsable(r *http.Request) *api.Reply {
	format := ""
	if accept := r.Header.Get("Accept"); strings.TrimSpace(accept) != "" && !browserLike.MatchString(accept) {
		mt, _, _ := strings.Cut(accept, ",")
		format = mimeFormat(rackquery.MediaType(mt))
	} else if m := pathExtension.FindStringSubmatch(r.URL.Path); m != nil {
		format = m[1]
	}
	switch format {
	case "json":
		return &api.Reply{Status: http.StatusBadRequest, ContentType: "application/json; charset=utf-8",
			Body: []byte(`{"status":400,"error":"Bad Request"}`)}
	case "xml":
		return &api.Reply{Status: http.StatusBadRequest, ContentType: "application/xml; charset=utf-8",
			Body: []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<hash>\n  <status type=\"integer\">400</status>\n" +
				"  <error>Bad Request</error>\n</hash>\n")}
	}
	return &api.Reply{Status: http.StatusBadRequest, ContentType: "text/html; charset=utf-8"}
}

var (
	// browserLike is Rails' BROWSER_LIKE_ACCEPTS: such an Accept header
	// is not trusted to choose a format.
	browserLike   = regexp.MustCompile(`,\s*\*/\*|\*/\*\s*,`)
	pathExtension = regexp.MustCompile(`\.(\w+)$`)
)

// mimeFormat is the format Rails registers for a media type.
func mimeFormat(mt string) string {
	switch mt {
	case "application/json", "text/x-json", "application/jsonrequest":
		return "json"
	case "application/xml", "text/xml", "application/x-xml":
		return "xml"
	}
	return ""
}

// railsPath reads the route's ids and format into call as porta's routes
// match them, on the path as sent (still percent-encoded, so an encoded
// dot is part of an id): an id is [^/.?]+, and the last segment may end in
// .FORMAT, itself [^/.?]+; an application key is the shortest text that a
// .json, a .xml or the end follows (porta's keys route constraint), so
// keys/foo.json.xml is the key foo.json. It reports false for a path no
// route of porta matches.
func railsPath(c echo.Context, call *api.Call) bool {
	names, values := c.ParamNames(), c.ParamValues()
	for i, n := range names {
		v := values[i]
		last := i == len(names)-1 && strings.HasSuffix(c.Path(), ":"+n)
		switch {
		case n == "format":
			if !formatSegment(v) {
				return false
			}
			call.Format = unescape(v)
			continue
		case last && n == "key":
			key, format := splitKey(v)
			if format != "" {
				call.Format = unescape(format)
			}
			v = key
		case last:
			id, format, dotted := strings.Cut(v, ".")
			if dotted {
				if !formatSegment(format) {
					return false
				}
				call.Format = unescape(format)
			}
			v = id
		}
		if v == "" || (n != "key" && strings.Contains(v, ".")) {
			return false
		}
		call.Path[n] = unescape(v)
	}
	return true
}

// formatSegment reports whether s can be the format of a Rails route.
func formatSegment(s string) bool { return s != "" && !strings.ContainsAny(s, "./?") }

// splitKey splits the last segment of a key route as porta's constraint
// id: /([^\/]+?)(?=\.json|\.xml|$|\/)/ and the optional .FORMAT split it:
// the shortest key after which the rest is a .json… or .xml… format, or
// nothing.
func splitKey(s string) (key, format string) {
	for i := 1; i < len(s); i++ {
		rest := s[i:]
		if (strings.HasPrefix(rest, ".json") || strings.HasPrefix(rest, ".xml")) && formatSegment(rest[1:]) {
			return s[:i], rest[1:]
		}
	}
	return s, ""
}

// normalizeAMPath is Journey's normalize_path for porta's API: repeated
// slashes are one, and a trailing slash is dropped.
func normalizeAMPath(next http.Handler) http.Handler {
	clean := func(p string) string {
		for strings.Contains(p, "//") {
			p = strings.ReplaceAll(p, "//", "/")
		}
		if len(p) > 1 {
			p = strings.TrimSuffix(p, "/")
		}
		return p
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := r.URL
		if strings.HasPrefix(clean(u.Path), "/admin/api/") {
			u.Path, u.RawPath = clean(u.Path), clean(u.RawPath)
		}
		next.ServeHTTP(w, r)
	})
}

func unescape(s string) string {
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// amParams reads the query and the body's parameters, and returns them
// merged (the body wins) and the body's alone.
func amParams(r *http.Request) (merged, body *rackquery.Hash, err error) {
	q, err := rackquery.Parse(r.URL.RawQuery)
	if err != nil {
		return nil, nil, err
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read body: %w", err)
	}
	if len(raw) > maxBody {
		return nil, nil, fmt.Errorf("body over %d bytes", maxBody)
	}
	form := rackquery.NewHash()
	switch mt := rackquery.MediaType(r.Header.Get("Content-Type")); {
	case mt == "application/json":
		if len(bytes.TrimSpace(raw)) > 0 {
			if form, err = rackquery.ParseJSON(raw); err != nil {
				return nil, nil, err
			}
		}
	case mt == rackquery.FormURLEncoded || mt == rackquery.FormMultipart || (mt == "" && len(raw) > 0):
		if form, err = rackquery.ParseForm(raw, r.Header.Get("Content-Type")); err != nil {
			return nil, nil, err
		}
	}
	rackquery.Merge(q, form)
	return q, form, nil
}

func writeReply(c echo.Context, rep *api.Reply) error {
	w := c.Response()
	if rep.ContentType != "" {
		w.Header().Set("Content-Type", rep.ContentType)
	}
	w.WriteHeader(rep.Status)
	if len(rep.Body) > 0 {
		_, err := w.Write(rep.Body)
		return err
	}
	return nil
}
