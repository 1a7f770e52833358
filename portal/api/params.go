package api

import (
	"math"
	"math/big"
	"strconv"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
	"github.com/threescale-sandbox/threescale-sandbox/portal/jsonrep"
	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// id returns a route id as porta reads it with find: ActiveRecord casts
// it with String#to_i ("+1", "01" and "1abc" name 1); 0, which names
// nothing, when that is no id.
func (c *Call) id(name string) int64 {
	if n := params.ToI(c.Path[name]); n > 0 {
		return n
	}
	return 0
}

// serviceID returns a route's service id. The sandbox's services keep
// the ids their fixtures give (not always numbers); one that names no
// service is read as porta's find reads an id, with String#to_i.
func (p *API) serviceID(c *Call, name string) string {
	v := c.Path[name]
	if p.domain.Catalog().Service(v) != nil {
		return v
	}
	if n := params.ToI(v); n > 0 {
		return strconv.FormatInt(n, 10)
	}
	return v
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

// bigint is will_paginate's limit on an offset: what SQL's BIGINT holds.
var bigint = big.NewInt(math.MaxInt64)

// pagination is a list's page as porta's Pagination filter reads it: page
// (String#to_i, of any size) from 1, else 1; per_page from 1 to 500, else
// 500. current is the page as porta prints it.
type pagination struct {
	porta.Page
	current string
}

// pageOf reads the call's page. A page whose offset will_paginate cannot
// hold in SQL's BIGINT is its InvalidPage, which porta answers 404.
func pageOf(c *Call) (pagination, bool) {
	number := params.Integer(c.Params.Get("page"))
	if number.Sign() < 1 {
		number.SetInt64(1)
	}
	size := params.ToI(c.Params.Get("per_page"))
	if size < 1 || size > maxPerPage {
		size = maxPerPage
	}
	offset := new(big.Int).Sub(number, big.NewInt(1))
	if offset.Mul(offset, big.NewInt(size)).Cmp(bigint) > 0 {
		return pagination{}, false
	}
	pg := pagination{Page: porta.Page{Number: math.MaxInt64, Size: size}, current: number.String()}
	if number.IsInt64() { // past MaxInt64 the page is empty anyway
		pg.Number = number.Int64()
	}
	return pg, true
}

// page answers the call's page of items as a paginated collection: the
// root's attributes (the metadata in JSON) say how many pages there are,
// when there is more than one page's worth; or porta's 404 for a page it
// cannot find.
func page[T any](c *Call, root string, cat *store.Catalog, items []T, r rep[T]) *Reply {
	pg, found := pageOf(c)
	if !found {
		return notFound(c)
	}
	var meta *jsonrep.Metadata
	var attrs []string
	if total := len(items); pg.Size < int64(total) {
		meta = &jsonrep.Metadata{PerPage: pg.Size, TotalEntries: int64(total), TotalPages: pg.Pages(total),
			CurrentPage: pg.current}
		attrs = []string{"per_page", strconv.FormatInt(pg.Size, 10), "total_entries", strconv.Itoa(total), "total_pages",
			strconv.FormatInt(pg.Pages(total), 10), "current_page", pg.current}
	}
	return collection(c, root, cat, attrs, meta, porta.Paginate(items, pg.Page), r)
}

// list answers items as a collection. Lists, like porta's Api::Collection,
// are <root></root> when empty.
func list[T any](c *Call, root string, cat *store.Catalog, items []T, r rep[T]) *Reply {
	return collection(c, root, cat, nil, nil, items, r)
}

func collection[T any](c *Call, root string, cat *store.Catalog, attrs []string, meta *jsonrep.Metadata, items []T,
	r rep[T]) *Reply {
	if c.Format == "json" {
		return jsonReply(200, jsonrep.List(root, jsonrep.Items(c.links(), cat, items, r.json), meta).Bytes())
	}
	d := builderxml.New().Open(root, attrs...)
	for _, it := range items {
		r.xml(d, cat, it)
	}
	return ok(d.Close(root))
}
