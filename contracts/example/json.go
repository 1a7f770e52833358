package example

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// jsonNode is a JSON value that keeps the order of object keys, so that a
// re-recorded body reads like the one it replaces.
type jsonNode struct {
	kind   byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' bool, 'z' null
	keys   []string
	fields map[string]*jsonNode
	items  []*jsonNode
	text   string // string value, number literal, "true"/"false"
}

const maxJSONDepth = 256

// parseJSON reads one JSON value. In an expected body, strings may hold
// placeholders, which are checked here.
func parseJSON(data []byte, expected bool) (*jsonNode, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	n, err := readJSON(d, expected, 0)
	if err != nil {
		return nil, fmt.Errorf("JSON: %v", err)
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("JSON: more than one value")
	}
	return n, nil
}

func readJSON(d *json.Decoder, expected bool, depth int) (*jsonNode, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("nested deeper than %d", maxJSONDepth)
	}
	tok, err := d.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			n := &jsonNode{kind: 'o', fields: map[string]*jsonNode{}}
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				v, err := readJSON(d, expected, depth+1)
				if err != nil {
					return nil, err
				}
				if _, dup := n.fields[k]; !dup {
					n.keys = append(n.keys, k)
				}
				n.fields[k] = v
			}
			_, err := d.Token()
			return n, err
		case '[':
			n := &jsonNode{kind: 'a'}
			for d.More() {
				v, err := readJSON(d, expected, depth+1)
				if err != nil {
					return nil, err
				}
				n.items = append(n.items, v)
			}
			_, err := d.Token()
			return n, err
		}
		return nil, fmt.Errorf("unexpected %v", t)
	case string:
		if expected {
			if _, err := parseTemplate(t, inResponse); err != nil {
				return nil, err
			}
		}
		return &jsonNode{kind: 's', text: t}, nil
	case json.Number:
		return &jsonNode{kind: 'n', text: t.String()}, nil
	case bool:
		return &jsonNode{kind: 'b', text: strconv.FormatBool(t)}, nil
	default:
		return &jsonNode{kind: 'z', text: "null"}, nil
	}
}

// literalText is how a scalar reads in JSON.
func (n *jsonNode) literalText() string {
	if n.kind == 's' {
		b, _ := json.Marshal(n.text)
		return string(b)
	}
	return n.text
}

func (n *jsonNode) short() string {
	switch n.kind {
	case 'o':
		return "an object"
	case 'a':
		return "an array"
	default:
		return n.literalText()
	}
}

// matchScalar matches an expected scalar: a string's placeholders match an
// actual string; a string that is one placeholder alone ("{{int}}") also
// matches a number, boolean or null by its JSON text.
func matchScalar(exp, act *jsonNode, env *Env) (bool, error) {
	if exp.kind != 's' {
		return exp.kind == act.kind && exp.text == act.text, nil
	}
	t, err := parseTemplate(exp.text, inResponse)
	if err != nil {
		return false, err
	}
	switch {
	case len(t) == 1 && t[0].kind == anyValue:
		return true, nil // {{any}} is any value, an object or array too
	case act.kind == 's':
		return t.Match(act.text, env)
	case len(t) == 1 && t[0].kind != literal && act.kind != 'o' && act.kind != 'a':
		return t.Match(act.text, env)
	}
	return false, nil
}

func compareJSON(exp, act *jsonNode, path string, env *Env, diffs *[]Diff) error {
	if path == "" {
		path = "/"
	}
	switch exp.kind {
	case 'o':
		if act.kind != 'o' {
			*diffs = append(*diffs, Diff{path, "an object", act.short()})
			return nil
		}
		for _, k := range exp.keys {
			a, ok := act.fields[k]
			p := strings.TrimSuffix(path, "/") + "/" + k
			if !ok {
				*diffs = append(*diffs, Diff{p, exp.fields[k].short(), "nothing"})
				continue
			}
			if err := compareJSON(exp.fields[k], a, p, env, diffs); err != nil {
				return err
			}
		}
		for _, k := range act.keys {
			if _, ok := exp.fields[k]; !ok {
				*diffs = append(*diffs, Diff{strings.TrimSuffix(path, "/") + "/" + k, "nothing", act.fields[k].short()})
			}
		}
	case 'a':
		if act.kind != 'a' {
			*diffs = append(*diffs, Diff{path, "an array", act.short()})
			return nil
		}
		for i, e := range exp.items {
			p := strings.TrimSuffix(path, "/") + "/" + strconv.Itoa(i)
			if i >= len(act.items) {
				*diffs = append(*diffs, Diff{p, e.short(), "nothing"})
				continue
			}
			if err := compareJSON(e, act.items[i], p, env, diffs); err != nil {
				return err
			}
		}
		for i := len(exp.items); i < len(act.items); i++ {
			*diffs = append(*diffs, Diff{strings.TrimSuffix(path, "/") + "/" + strconv.Itoa(i), "nothing", act.items[i].short()})
		}
	default:
		ok, err := matchScalar(exp, act, env)
		if err != nil {
			return err
		}
		if !ok {
			want := exp.short()
			if exp.kind == 's' {
				if t, err := parseTemplate(exp.text, inResponse); err == nil && !t.isLiteral() {
					want = t.describe(env)
				}
			}
			*diffs = append(*diffs, Diff{path, want, act.short()})
		}
	}
	return nil
}

// mergeJSON is the re-recorded value: what matched keeps its expected form
// (placeholders included), the rest is the actual value.
func mergeJSON(exp, act *jsonNode, env *Env, echoed []string, force bool) *jsonNode {
	switch {
	case exp == nil:
		return literalJSON(act, env, echoed)
	case exp.kind == 'o' && act.kind == 'o':
		n := &jsonNode{kind: 'o', fields: map[string]*jsonNode{}, keys: act.keys}
		for _, k := range act.keys {
			n.fields[k] = mergeJSON(exp.fields[k], act.fields[k], env, echoed, force)
		}
		return n
	case exp.kind == 'a' && act.kind == 'a':
		n := &jsonNode{kind: 'a'}
		for i, a := range act.items {
			var e *jsonNode
			if i < len(exp.items) {
				e = exp.items[i]
			}
			n.items = append(n.items, mergeJSON(e, a, env, echoed, force))
		}
		return n
	}
	if ok, err := matchScalar(exp, act, env.scratch()); err == nil && ok {
		if exp.kind != 's' || !force || !mustTemplate(exp.text).pureLiteral() {
			return exp
		}
	}
	return literalJSON(act, env, echoed)
}

func mustTemplate(s string) Template {
	t, err := parseTemplate(s, inResponse)
	if err != nil {
		return Template{{kind: literal, text: s}}
	}
	return t
}

// literalJSON is an actual value as an expected one (templatize).
func literalJSON(act *jsonNode, env *Env, echoed []string) *jsonNode {
	switch act.kind {
	case 's':
		return &jsonNode{kind: 's', text: templatize(act.text, env, echoed)}
	case 'o':
		n := &jsonNode{kind: 'o', fields: map[string]*jsonNode{}, keys: act.keys}
		for _, k := range act.keys {
			n.fields[k] = literalJSON(act.fields[k], env, echoed)
		}
		return n
	case 'a':
		n := &jsonNode{kind: 'a'}
		for _, a := range act.items {
			n.items = append(n.items, literalJSON(a, env, echoed))
		}
		return n
	}
	return act
}

// write renders the value indented by two spaces.
func (n *jsonNode) write(b *bytes.Buffer, indent string) {
	switch n.kind {
	case 'o':
		if len(n.keys) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, k := range n.keys {
			kb, _ := json.Marshal(k)
			b.WriteString(indent + "  " + string(kb) + ": ")
			n.fields[k].write(b, indent+"  ")
			if i < len(n.keys)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case 'a':
		if len(n.items) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, it := range n.items {
			b.WriteString(indent + "  ")
			it.write(b, indent+"  ")
			if i < len(n.items)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	default:
		b.WriteString(n.literalText())
	}
}
