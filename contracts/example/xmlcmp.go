package example

import (
	"fmt"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/contracts/xmltree"
)

// XML bodies are compared as trees: the same elements in the same order
// (apisonator's order is part of its contract), the same attributes in any
// order, the same text in each element; whitespace between elements does
// not count.

type xmlCompare struct {
	env   *Env
	diffs []Diff
	err   error
}

// value matches an expected raw value (with placeholders) against got.
func (c *xmlCompare) value(want, got string) bool {
	if c.err != nil {
		return true
	}
	t, err := parseTemplate(want, inResponse)
	if err != nil {
		c.err = err
		return true
	}
	ok, err := t.Match(got, c.env)
	if err != nil {
		c.err = err
		return true
	}
	return ok
}

func (c *xmlCompare) diff(where, want, got string) {
	c.diffs = append(c.diffs, Diff{where, want, got})
}

// show renders an expected value for a diff, resolving what it can.
func (c *xmlCompare) show(want string) string {
	t, err := parseTemplate(want, inResponse)
	if err != nil {
		return want
	}
	return t.describe(c.env)
}

func compareXML(exp, act *xmltree.Document, env *Env) ([]Diff, error) {
	c := &xmlCompare{env: env}
	if exp.Decl != "" && normalizeSpace(exp.Decl) != normalizeSpace(act.Decl) {
		c.diff("/?xml", "<?xml "+exp.Decl+"?>", declOrNothing(act.Decl))
	}
	if exp.Root.Name != act.Root.Name {
		c.diff("/", "<"+exp.Root.Name+">", "<"+act.Root.Name+">")
		return c.diffs, nil
	}
	c.element(exp.Root, act.Root, "/"+exp.Root.Name)
	return c.diffs, c.err
}

func declOrNothing(d string) string {
	if d == "" {
		return "no declaration"
	}
	return "<?xml " + d + "?>"
}

func normalizeSpace(s string) string { return strings.Join(strings.Fields(s), " ") }

func (c *xmlCompare) element(exp, act *xmltree.Element, path string) {
	for _, a := range exp.Attrs {
		got, ok := act.Attr(a.Name)
		switch {
		case !ok:
			c.diff(path+"/@"+a.Name, c.show(a.Value), "nothing")
		case !c.value(a.Value, got):
			c.diff(path+"/@"+a.Name, c.show(a.Value), show(got))
		}
	}
	for _, a := range act.Attrs {
		if _, ok := exp.Attr(a.Name); !ok {
			c.diff(path+"/@"+a.Name, "nothing", show(a.Value))
		}
	}
	if len(exp.Children) == 0 && len(act.Children) == 0 {
		if !c.value(exp.Text, act.Text) {
			c.diff(path, c.show(exp.Text), show(act.Text))
		}
		return
	}
	if exp.HasText() || act.HasText() {
		if !c.value(strings.TrimSpace(exp.Text), strings.TrimSpace(act.Text)) {
			c.diff(path+"/text()", c.show(strings.TrimSpace(exp.Text)), show(strings.TrimSpace(act.Text)))
		}
	}
	pairs := align(exp.Children, act.Children, c.env)
	matched := make([]bool, len(act.Children))
	for i, j := range pairs {
		e := exp.Children[i]
		p := path + "/" + e.Name + index(exp.Children, act.Children, e.Name, i, true)
		if j < 0 {
			c.diff(p, opening(e), "nothing")
			continue
		}
		matched[j] = true
		c.element(e, act.Children[j], p)
	}
	for j, a := range act.Children {
		if !matched[j] {
			c.diff(path+"/"+a.Name+index(exp.Children, act.Children, a.Name, j, false), "nothing", opening(a))
		}
	}
}

// index is the XPath position of a child among the siblings of its name,
// written when there is more than one: usage_report[2].
func index(exp, act []*xmltree.Element, name string, at int, inExp bool) string {
	count := func(list []*xmltree.Element, upto int) (before, total int) {
		for k, e := range list {
			if e.Name == name {
				if k < upto {
					before++
				}
				total++
			}
		}
		return before, total
	}
	list := act
	if inExp {
		list = exp
	}
	before, _ := count(list, at)
	_, te := count(exp, len(exp))
	_, ta := count(act, len(act))
	if te <= 1 && ta <= 1 {
		return ""
	}
	return fmt.Sprintf("[%d]", before+1)
}

// opening renders an element's start tag for a diff.
func opening(e *xmltree.Element) string {
	var b strings.Builder
	b.WriteString("<" + e.Name)
	for _, a := range e.Attrs {
		fmt.Fprintf(&b, " %s=%q", a.Name, a.Value)
	}
	b.WriteString(">")
	return b.String()
}

// align pairs expected children with actual ones, keeping order: first the
// longest common subsequence of elements that agree on name and expected
// attributes, then, between those anchors, elements of the same name in
// turn (their differences are then reported inside them). pairs[i] is the
// actual index of expected child i, or -1.
func align(exp, act []*xmltree.Element, env *Env) []int {
	scratch := env.scratch()
	same := func(e, a *xmltree.Element) bool {
		if e.Name != a.Name {
			return false
		}
		for _, at := range e.Attrs {
			got, ok := a.Attr(at.Name)
			if !ok {
				return false
			}
			t, err := parseTemplate(at.Value, inResponse)
			if err != nil {
				return false
			}
			if ok, err := t.Match(got, scratch); err != nil || !ok {
				return false
			}
		}
		return true
	}
	n, m := len(exp), len(act)
	eq := make([][]bool, n)
	for i := range eq {
		eq[i] = make([]bool, m)
		for j := range eq[i] {
			eq[i][j] = same(exp[i], act[j])
		}
	}
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			switch {
			case eq[i][j]:
				lcs[i][j] = lcs[i+1][j+1] + 1
			case lcs[i+1][j] >= lcs[i][j+1]:
				lcs[i][j] = lcs[i+1][j]
			default:
				lcs[i][j] = lcs[i][j+1]
			}
		}
	}
	pairs := make([]int, n)
	for i := range pairs {
		pairs[i] = -1
	}
	// Walk the table; between anchors, pair same-named leftovers.
	i, j := 0, 0
	gapI, gapJ := 0, 0
	fill := func(ei, ej int) {
		used := make([]bool, ej-gapJ)
		for x := gapI; x < ei; x++ {
			for y := gapJ; y < ej; y++ {
				if !used[y-gapJ] && exp[x].Name == act[y].Name {
					pairs[x] = y
					used[y-gapJ] = true
					break
				}
			}
		}
	}
	for i < n && j < m {
		switch {
		case eq[i][j] && lcs[i][j] == lcs[i+1][j+1]+1:
			fill(i, j)
			pairs[i] = j
			i, j = i+1, j+1
			gapI, gapJ = i, j
		case lcs[i+1][j] >= lcs[i][j+1]:
			i++
		default:
			j++
		}
	}
	fill(n, m)
	return pairs
}

// scratch is a copy of env whose captures are thrown away: alignment tries
// matches it does not keep.
func (env *Env) scratch() *Env {
	c := *env
	c.Vars = make(map[string]string, len(env.Vars))
	for k, v := range env.Vars {
		c.Vars[k] = v
	}
	return &c
}

// mergeXML is the re-recorded document: the actual document, where every
// value that the expected one matched keeps its expected form.
func mergeXML(exp, act *xmltree.Document, env *Env, echoed []string, force bool) *xmltree.Document {
	m := &xmlMerge{env: env.scratch(), echoed: echoed, force: force}
	out := &xmltree.Document{Decl: act.Decl}
	if exp != nil && exp.Root.Name == act.Root.Name {
		out.Root = m.element(exp.Root, act.Root, "")
	} else {
		out.Root = m.element(nil, act.Root, "")
	}
	return out
}

type xmlMerge struct {
	env    *Env
	echoed []string // the variables the request sent
	force  bool     // re-derive literal values too (--update-all)
}

// keep reports whether an expected value stays as written: it matches, and
// holds a placeholder or a variable, or is a literal and not forced.
func (m *xmlMerge) keep(want, got string) bool {
	return keepValue(want, got, m.env, m.force)
}

func keepValue(want, got string, env *Env, force bool) bool {
	t, err := parseTemplate(want, inResponse)
	if err != nil {
		return false
	}
	ok, err := t.Match(got, env)
	return err == nil && ok && !(force && t.pureLiteral())
}

// element merges exp (nil when the actual element is new) into act.
// period is the period attribute of the parent usage_report, for the
// placeholders of its bounds.
func (m *xmlMerge) element(exp, act *xmltree.Element, period string) *xmltree.Element {
	out := &xmltree.Element{Name: act.Name}
	for _, a := range act.Attrs {
		v := templatize(a.Value, m.env, m.echoed)
		if exp != nil {
			if want, ok := exp.Attr(a.Name); ok && m.keep(want, a.Value) {
				v = want
			}
		}
		out.Attrs = append(out.Attrs, xmltree.Attr{Name: a.Name, Value: v})
	}
	if len(act.Children) == 0 {
		switch {
		case exp != nil && len(exp.Children) == 0 && m.keep(exp.Text, act.Text):
			out.Text = exp.Text
		default:
			out.Text = m.literal(act.Name, period, act.Text)
		}
		return out
	}
	if act.HasText() {
		out.Text = templatize(strings.TrimSpace(act.Text), m.env, m.echoed)
		if exp != nil && m.keep(strings.TrimSpace(exp.Text), strings.TrimSpace(act.Text)) {
			out.Text = strings.TrimSpace(exp.Text)
		}
	}
	childPeriod := ""
	if act.Name == "usage_report" {
		childPeriod, _ = act.Attr("period")
	}
	var pairs []int
	if exp != nil {
		pairs = align(exp.Children, act.Children, m.env)
	}
	from := make([]*xmltree.Element, len(act.Children))
	for i, j := range pairs {
		if j >= 0 {
			from[j] = exp.Children[i]
		}
	}
	for j, a := range act.Children {
		out.Children = append(out.Children, m.element(from[j], a, childPeriod))
	}
	return out
}

// literal is a recorded value; the bounds of a usage report's period at
// request time are written as placeholders, so the example keeps working
// on another day.
func (m *xmlMerge) literal(name, period, text string) string {
	if periods[period] {
		for k, ph := range map[string]kind{"period_start": periodStart, "period_end": periodEnd} {
			if name == k && contains(m.env.bounds(ph, period), text) {
				return "{{" + k + " " + period + "}}"
			}
		}
	}
	return templatize(text, m.env, m.echoed)
}
