package api

import (
	"strconv"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/portal/xmlrep"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// id returns a route id as porta reads it with find: a number, 0 (which
// names nothing) when it is none.
func (c *Call) id(name string) int64 {
	n, err := strconv.ParseInt(c.Path[name], 10, 64)
	if err != nil || n < 1 {
		return 0
	}
	return n
}

// accountID is the route's account_id, which the objects it names must
// belong to.
func (c *Call) accountID() *int64 {
	n := c.id("account_id")
	return &n
}

// nonBlankID reads an id parameter with to_i when it is given and not
// blank.
func nonBlankID(c *Call, name string) *int64 {
	v := c.Params.Get(name)
	if v == "" {
		return nil
	}
	n := params.ToI(v)
	return &n
}

// maxPerPage is porta's pagination limit.
const maxPerPage = 500

// pageOf reads porta's pagination parameters: page from 1, per_page from 1
// to 500; anything else falls back to page 1 and 500 per page.
func pageOf(c *Call) porta.Page {
	pg := porta.Page{Number: params.ToI(c.Params.Get("page")), Size: params.ToI(c.Params.Get("per_page"))}
	if pg.Number < 1 {
		pg.Number = 1
	}
	if pg.Size < 1 || pg.Size > maxPerPage {
		pg.Size = maxPerPage
	}
	return pg
}

// page writes the call's page of items as a paginated collection: the
// root's attributes say how many pages there are, when there is more than
// one page's worth.
func page[T any](c *Call, root string, cat *store.Catalog, items []T, write xmlrep.Writer[T]) *builderxml.Doc {
	pg := pageOf(c)
	var attrs []string
	if total := len(items); pg.Size < int64(total) {
		attrs = []string{"per_page", strconv.FormatInt(pg.Size, 10), "total_entries", strconv.Itoa(total), "total_pages",
			strconv.FormatInt(pg.Pages(total), 10), "current_page", strconv.FormatInt(pg.Number, 10)}
	}
	d := builderxml.New().Open(root, attrs...)
	for _, it := range porta.Paginate(items, pg) {
		write(d, cat, it)
	}
	return d.Close(root)
}

// list writes items as a collection. Lists, like porta's Api::Collection,
// are <root></root> when empty.
func list[T any](root string, cat *store.Catalog, items []T, write xmlrep.Writer[T]) *builderxml.Doc {
	d := builderxml.New().Open(root)
	for _, it := range items {
		write(d, cat, it)
	}
	return d.Close(root)
}
