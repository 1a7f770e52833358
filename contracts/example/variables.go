package example

import (
	"sort"

	"github.com/threescale-sandbox/threescale-sandbox/contracts/xmltree"
)

// Builtins are the variables a replay defines itself: target_url, the
// target's base URL (which porta's JSON links start with), and
// webhook_url, where the target is to post its webhooks (the contract
// command's receiver).
var Builtins = []string{"target_url", "webhook_url"}

// Variables lists the variables the file's examples use, sorted, so that a
// run can name every one missing before it starts. Values captured by
// {{capture NAME}} are not variables: they are listed as captured.
func (f *File) Variables() (used, captured []string) {
	u, c := map[string]bool{}, map[string]bool{}
	add := func(t Template) {
		for _, seg := range t {
			switch seg.kind {
			case variable:
				u[seg.arg] = true
			case either:
				for _, n := range seg.args {
					u[n] = true
				}
			case capture:
				c[seg.arg] = true
			}
		}
	}
	addRaw := func(s string) {
		if t, err := parseTemplate(s, inResponse); err == nil {
			add(t)
		}
	}
	var walk func(e *xmltree.Element)
	walk = func(e *xmltree.Element) {
		for _, a := range e.Attrs {
			addRaw(a.Value)
		}
		addRaw(e.Text)
		for _, c := range e.Children {
			walk(c)
		}
	}
	var walkJSON func(n *jsonNode)
	walkJSON = func(n *jsonNode) {
		switch n.kind {
		case 's':
			addRaw(n.text)
		case 'o':
			for _, k := range n.keys {
				walkJSON(n.fields[k])
			}
		case 'a':
			for _, it := range n.items {
				walkJSON(it)
			}
		}
	}
	for _, e := range f.Examples {
		r := &e.Request
		add(r.Target)
		for _, ps := range [][]Param{r.Header, r.Query, r.Form, r.Multipart, e.Response.Header} {
			for _, p := range ps {
				add(p.Value)
			}
		}
		if r.Body != nil {
			add(*r.Body)
		}
		if b := e.Response.Body; b != nil {
			switch b.Kind {
			case XML:
				walk(b.xml.Root)
			case JSON:
				walkJSON(b.json)
			default:
				add(b.text)
			}
		}
	}
	return sorted(u), sorted(c)
}

func sorted(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
