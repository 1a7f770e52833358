package admin

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/web"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// What the lists share: porta's paging (page, per_page: 20), sorting
// (sort, direction), the selects of their filters.

// perPage is porta's page size.
const perPage = 20

// pageOf reads page and per_page; a bad number is the first page (or
// porta's size), as will_paginate reads them leniently.
func pageOf(p *web.Page) porta.Page {
	pg := porta.Page{Number: 1, Size: perPage}
	if n, ok := p.Form.Int64("page"); ok && n > 0 {
		pg.Number = n
	}
	if n, ok := p.Form.Int64("per_page"); ok && n > 0 {
		pg.Size = min(n, 100)
	}
	return pg
}

// pager is the page links under a list.
type pager struct {
	Number, Pages int64
	Total         int
	Prev, Next    string // "": none
}

// paginate returns the items of the page asked for and its pager, whose
// links keep the rest of the query.
func paginate[T any](p *web.Page, items []T) ([]T, pager) {
	pg := pageOf(p)
	pages := max(pg.Pages(len(items)), 1)
	pgr := pager{Number: pg.Number, Pages: pages, Total: len(items)}
	link := func(n int64) string {
		q := p.Request().URL.Query()
		q.Set("page", strconv.FormatInt(n, 10))
		return p.Request().URL.Path + "?" + q.Encode()
	}
	if pg.Number > 1 {
		pgr.Prev = link(min(pg.Number-1, pages))
	}
	if pg.Number < pages {
		pgr.Next = link(pg.Number + 1)
	}
	return porta.Paginate(items, pg), pgr
}

// option is one choice of a select or a radio group.
type option struct {
	Value, Label string
	Selected     bool
}

// stateOptions are the choices of a state filter, porta's capitalized
// states.
func stateOptions(states []string, selected string) []option {
	out := []option{{Value: "", Label: "All", Selected: selected == ""}}
	for _, s := range states {
		out = append(out, option{Value: s, Label: strings.ToUpper(s[:1]) + s[1:], Selected: s == selected})
	}
	return out
}

// planOptions are the choices of a plan select.
func planOptions(plans []*store.Plan, selected int64) []option {
	var out []option
	for _, pl := range plans {
		out = append(out, option{Value: strconv.FormatInt(pl.ID, 10), Label: pl.Name, Selected: pl.ID == selected})
	}
	return out
}

// sortBy orders items by the column the query's sort names (one of
// columns; else def) in its direction (asc, or desc by default), as
// porta's order_by does, keeping ties in id order.
func sortBy[T any](p *web.Page, items []T, def string, columns map[string]func(a, b T) int) {
	col, dir := p.Form.Get("sort"), p.Form.Get("direction")
	by, ok := columns[col]
	if !ok {
		by = columns[def]
	}
	desc := dir != "asc"
	if _, given := columns[col]; !given && dir == "" {
		desc = true
	}
	slices.SortStableFunc(items, func(a, b T) int {
		if desc {
			return by(b, a)
		}
		return by(a, b)
	})
}

// sortLink is a column header's link: sorted by col, ascending first,
// the other way when already so.
func sortLink(p *web.Page, col string) string {
	q := p.Request().URL.Query()
	dir := "asc"
	if q.Get("sort") == col && q.Get("direction") != "desc" {
		dir = "desc"
	}
	q.Set("sort", col)
	q.Set("direction", dir)
	q.Del("page")
	return p.Request().URL.Path + "?" + q.Encode()
}

func byText(a, b string) int { return cmp.Compare(strings.ToLower(a), strings.ToLower(b)) }

// sortPlansByName orders plans by name, as porta's alphabetically.
func sortPlansByName(plans []*store.Plan) {
	slices.SortStableFunc(plans, func(a, b *store.Plan) int { return byText(a.Name, b.Name) })
}

// referer is the page of this portal the request came from (porta's
// redirect_back), else def.
func referer(p *web.Page, def string) string {
	ref, err := url.Parse(p.Request().Referer())
	if err != nil || ref.Host != p.Request().Host || !strings.HasPrefix(ref.Path, "/") || strings.HasPrefix(ref.Path, "//") {
		return def
	}
	return ref.RequestURI()
}
