package api

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// rubyToI is Ruby's String#to_i: an optional sign and leading digits, 0
// when there are none.
func rubyToI(s string) int64 {
	s = strings.TrimLeft(s, " \t\n\v\f\r")
	end := 0
	if end < len(s) && (s[end] == '-' || s[end] == '+') {
		end++
	}
	start := end
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '_' && end > start) {
		end++
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(s[:end], "_", ""), 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// paging is porta's pagination filter: page from 1, per_page from 1 to
// 500; anything else falls back to page 1 and 500 per page.
type paging struct{ page, perPage int64 }

const maxPerPage = 500

func pagingOf(c *Call) paging {
	pg := paging{page: rubyToI(c.get("page")), perPage: rubyToI(c.get("per_page"))}
	if pg.page < 1 {
		pg.page = 1
	}
	if pg.perPage < 1 || pg.perPage > maxPerPage {
		pg.perPage = maxPerPage
	}
	return pg
}

// window returns the bounds of the page within n items.
func (pg paging) window(n int) (int, int) {
	lo := (pg.page - 1) * pg.perPage
	if lo > int64(n) {
		lo = int64(n)
	}
	hi := lo + pg.perPage
	if hi > int64(n) {
		hi = int64(n)
	}
	return int(lo), int(hi)
}

// attrs are the collection root's attributes: porta writes them only when
// there is more than one page's worth.
func (pg paging) attrs(total int) []string {
	if pg.perPage >= int64(total) {
		return nil
	}
	pages := (int64(total) + pg.perPage - 1) / pg.perPage
	return []string{"per_page", id(pg.perPage), "total_entries", strconv.Itoa(total), "total_pages", id(pages),
		"current_page", id(pg.page)}
}

// fieldValues reads the values of a provider's defined fields from a call,
// flat (`vat_code=1`) or as extra_fields[...], and returns the builtin and
// extra fields updated with them. Fields the provider did not define are
// ignored, as porta's strong parameters drop them.
func fieldValues(c *Call, defined, optional []string, builtin, extra store.Fields) (store.Fields, store.Fields) {
	nested := c.hash("extra_fields")
	for _, name := range defined {
		v, ok := c.str(name)
		if nested != nil {
			if nv, nok := nested.Get(name); nok {
				if s, isStr := nv.(rackquery.String); isStr {
					v, ok = string(s), true
				}
			}
		}
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if slices.Contains(optional, name) {
			builtin = builtin.With(name, v)
		} else {
			extra = extra.With(name, v)
		}
	}
	return builtin, extra
}

// parseTime reads a time the way Ruby's Time.parse reads the common forms:
// a date, a date and time, RFC 3339; without a zone, UTC.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05 MST",
		"2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05", "2006-01-02T15:04", "2006-01-02 15:04",
		"2006-01-02", "2006/01/02", time.RFC1123Z, time.RFC1123} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
