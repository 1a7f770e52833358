// Package xmltree reads an XML document into a small ordered tree and writes
// one back, indented. The contract examples compare documents structurally
// on this tree, and the OpenAPI checker decodes response bodies from it.
//
// The tree keeps what apisonator's documents carry: elements in order,
// attributes in order, and the text inside each element. Comments,
// processing instructions other than the declaration, and namespaces beyond
// their prefix are dropped.
package xmltree

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Document is a parsed XML document.
type Document struct {
	// Decl is the content of the <?xml ...?> declaration ("" if none), as
	// written: `version="1.0" encoding="UTF-8"`.
	Decl string
	Root *Element
}

// Element is one element. Text concatenates every text segment directly
// inside it, including the whitespace between its children.
type Element struct {
	Name     string
	Attrs    []Attr
	Children []*Element
	Text     string
}

// Attr is an attribute.
type Attr struct {
	Name, Value string
}

// MaxDepth bounds nesting, so hostile input cannot exhaust the stack of the
// recursive walks over a tree.
const MaxDepth = 256

// Parse reads a whole document: one root element, optionally a
// declaration, comments and whitespace around it.
func Parse(data []byte) (*Document, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	doc := &Document{}
	var stack []*Element
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.ProcInst:
			if t.Target == "xml" {
				if doc.Root != nil || len(stack) > 0 {
					return nil, errors.New("XML declaration after the root element")
				}
				doc.Decl = strings.TrimSpace(string(t.Inst))
			}
		case xml.StartElement:
			if len(stack) == 0 && doc.Root != nil {
				return nil, fmt.Errorf("second root element <%s>", name(t.Name))
			}
			if len(stack) >= MaxDepth {
				return nil, fmt.Errorf("elements nested deeper than %d", MaxDepth)
			}
			e := &Element{Name: name(t.Name)}
			for _, a := range t.Attr {
				e.Attrs = append(e.Attrs, Attr{Name: name(a.Name), Value: a.Value})
			}
			if len(stack) == 0 {
				doc.Root = e
			} else {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, e)
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				if len(bytes.TrimSpace(t)) > 0 {
					return nil, errors.New("text outside the root element")
				}
				continue
			}
			stack[len(stack)-1].Text += string(t)
		}
	}
	if doc.Root == nil {
		return nil, errors.New("no root element")
	}
	return doc, nil
}

// name keeps a namespace prefix as written; apisonator uses none.
func name(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// Attr returns the value of the attribute name.
func (e *Element) Attr(name string) (string, bool) {
	for _, a := range e.Attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// HasText reports whether the element holds text other than whitespace.
func (e *Element) HasText() bool { return strings.TrimSpace(e.Text) != "" }

// Bytes writes the document indented by two spaces, one element per line,
// an element without children on one line. Whitespace-only text between
// children is not written.
func (doc *Document) Bytes() []byte {
	var b bytes.Buffer
	if doc.Decl != "" {
		b.WriteString("<?xml " + doc.Decl + "?>\n")
	}
	if doc.Root != nil {
		write(&b, doc.Root, 0)
	}
	return b.Bytes()
}

func write(b *bytes.Buffer, e *Element, depth int) {
	indent := strings.Repeat("  ", depth)
	b.WriteString(indent + "<" + e.Name)
	for _, a := range e.Attrs {
		b.WriteString(" " + a.Name + `="`)
		escape(b, a.Value, true)
		b.WriteByte('"')
	}
	switch {
	case len(e.Children) == 0 && e.Text == "":
		b.WriteString("/>\n")
	case len(e.Children) == 0:
		b.WriteByte('>')
		escape(b, e.Text, false)
		b.WriteString("</" + e.Name + ">\n")
	default:
		b.WriteString(">\n")
		if e.HasText() {
			b.WriteString(indent + "  ")
			escape(b, strings.TrimSpace(e.Text), false)
			b.WriteByte('\n')
		}
		for _, c := range e.Children {
			write(b, c, depth+1)
		}
		b.WriteString(indent + "</" + e.Name + ">\n")
	}
}

// escape writes s with the characters XML requires escaped; quotes only in
// attributes, and control whitespace so that it survives a re-read.
func escape(b *bytes.Buffer, s string, attr bool) {
	for _, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && attr:
			b.WriteString("&quot;")
		case r == '\r', attr && (r == '\n' || r == '\t'):
			fmt.Fprintf(b, "&#x%X;", r)
		default:
			b.WriteRune(r)
		}
	}
}
