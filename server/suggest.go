package server

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// A 404's suggestions: the routes closest to a path no route serves, for
// the journal and the log ("did you mean /transactions/authorize.xml?").
// The answer itself stays the real one, empty.

// route is one method and path pattern of the router.
type route struct {
	method string
	path   string
	parts  []string // the pattern's segments
}

// knownRoutes lists the router's routes, HEAD left out where GET is.
func knownRoutes(e *echo.Echo) []route {
	var out []route
	seen := map[string]bool{}
	for _, r := range e.Routes() {
		switch r.Method {
		case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		default:
			continue
		}
		if strings.Contains(r.Path, "*") || seen[r.Method+" "+r.Path] {
			continue
		}
		seen[r.Method+" "+r.Path] = true
		out = append(out, route{method: r.Method, path: r.Path, parts: strings.Split(r.Path, "/")})
	}
	slices.SortFunc(out, func(a, b route) int { return strings.Compare(a.path+" "+a.method, b.path+" "+b.method) })
	return out
}

// maxSuggestedPath bounds the paths suggestions are looked for: the edit
// distance costs the product of the lengths.
const maxSuggestedPath = 200

// suggest returns the closest routes to method and path: the same path's
// other methods ("POST /transactions.xml"), or up to three paths a few
// edits away, with the request's own segments in the pattern's
// parameters. None when nothing is close.
func suggest(routes []route, method, path string) []string {
	if len(path) > maxSuggestedPath {
		return nil
	}
	if method == http.MethodHead {
		method = http.MethodGet
	}
	segs := strings.Split(path, "/")
	type candidate struct {
		text string
		cost int
	}
	var best []candidate
	bestCost := max(3, len(path)/4) + 1 // anything costlier is not close
	for _, r := range routes {
		concrete := r.fill(segs)
		cost := distance(concrete, path)
		if r.method != method {
			cost++
			concrete = r.method + " " + concrete
		}
		if cost == 0 || cost > bestCost {
			continue
		}
		if cost < bestCost {
			best, bestCost = best[:0], cost
		}
		if !slices.ContainsFunc(best, func(c candidate) bool { return c.text == concrete }) {
			best = append(best, candidate{concrete, cost})
		}
	}
	var out []string
	for _, c := range best {
		if len(out) < 3 {
			out = append(out, c.text)
		}
	}
	return out
}

// fill writes the pattern with the request's segments in its parameters.
func (r route) fill(segs []string) string {
	parts := slices.Clone(r.parts)
	for i, p := range parts {
		if strings.HasPrefix(p, ":") && i < len(segs) && segs[i] != "" {
			parts[i] = segs[i]
		}
	}
	return strings.Join(parts, "/")
}

// distance is the Levenshtein distance between a and b, in bytes.
func distance(a, b string) int {
	row := make([]int, len(b)+1)
	for j := range row {
		row[j] = j
	}
	for i := 1; i <= len(a); i++ {
		prev := row[0]
		row[0] = i
		for j := 1; j <= len(b); j++ {
			cur := row[j]
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			row[j] = min(row[j]+1, row[j-1]+1, prev+cost)
			prev = cur
		}
	}
	return row[len(b)]
}
