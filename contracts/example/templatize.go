package example

import (
	"sort"
	"strings"
)

// templatize writes a received value as an expected one: a value that is a
// variable's is written as the variable, and so is, inside a longer value,
// the value of a variable the request sent (answers echo what they were
// asked: `application with id="{{app_id}}" was not found`). The example
// then holds in another world, given its variables.
func templatize(s string, env *Env, echoed []string) string {
	if s == "" {
		return ""
	}
	names := variableOrder(env, echoed)
	for _, n := range names {
		if v := env.Vars[n]; len(v) >= 3 && v == s {
			return "{{" + n + "}}"
		}
	}
	// Split the text on the echoed variables' values, longest first.
	type part struct{ text, name string }
	parts := []part{{text: s}}
	byLength := append([]string(nil), echoed...)
	sort.SliceStable(byLength, func(i, j int) bool { return len(env.Vars[byLength[i]]) > len(env.Vars[byLength[j]]) })
	for _, n := range byLength {
		v := env.Vars[n]
		if len(v) < 4 {
			continue
		}
		var next []part
		for _, p := range parts {
			if p.name != "" || !strings.Contains(p.text, v) {
				next = append(next, p)
				continue
			}
			pieces := strings.Split(p.text, v)
			for i, piece := range pieces {
				if i > 0 {
					next = append(next, part{name: n})
				}
				if piece != "" {
					next = append(next, part{text: piece})
				}
			}
		}
		parts = next
	}
	var b strings.Builder
	for _, p := range parts {
		if p.name != "" {
			b.WriteString("{{" + p.name + "}}")
		} else {
			b.WriteString(escapeLiteral(p.text))
		}
	}
	return b.String()
}

// variableOrder prefers the variables the request sent, then the others by
// name, so that a value two variables share is written the same way on
// every run.
func variableOrder(env *Env, echoed []string) []string {
	seen := map[string]bool{}
	out := append([]string(nil), echoed...)
	for _, n := range echoed {
		seen[n] = true
	}
	var rest []string
	for n := range env.Vars {
		if !seen[n] {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// sent lists the variables of the example's request.
func (e *Example) sent() []string {
	var out []string
	seen := map[string]bool{}
	add := func(t Template) {
		for _, seg := range t {
			if seg.kind == variable && !seen[seg.arg] {
				seen[seg.arg] = true
				out = append(out, seg.arg)
			}
		}
	}
	r := &e.Request
	add(r.Target)
	for _, ps := range [][]Param{r.Header, r.Query, r.Form, r.Multipart} {
		for _, p := range ps {
			add(p.Value)
		}
	}
	if r.Body != nil {
		add(*r.Body)
	}
	sort.Strings(out)
	return out
}
