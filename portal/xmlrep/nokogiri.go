package xmlrep

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
)

// Nokogiri re-serializes a compact XML element the way porta's
// Nokogiri (libxml2) Node#to_xml does, where porta passes its XML through
// it (invalid-transition errors, stored webhook failures): no declaration,
// one element per line indented by two spaces, text-only elements on one
// line, empty elements self-closed.
func Nokogiri(src []byte) ([]byte, error) {
	type elem struct {
		name     string
		attrs    []xml.Attr
		text     strings.Builder
		children bool
	}
	dec := xml.NewDecoder(bytes.NewReader(src))
	var out bytes.Buffer
	var stack []*elem
	indent := func(depth int) { out.WriteString(strings.Repeat("  ", depth)) }
	// open writes a pending start tag once its first child shows that it
	// holds elements.
	open := func(e *elem, depth int) {
		indent(depth)
		out.WriteByte('<')
		out.WriteString(e.name)
		for _, a := range e.attrs {
			out.WriteString(" " + a.Name.Local + `="` + escapeAttr(a.Value) + `"`)
		}
		out.WriteString(">\n")
	}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if n := len(stack); n > 0 && !stack[n-1].children {
				stack[n-1].children = true
				open(stack[n-1], n-1)
			}
			stack = append(stack, &elem{name: t.Name.Local, attrs: t.Attr})
		case xml.CharData:
			if n := len(stack); n > 0 {
				stack[n-1].text.Write(t)
			}
		case xml.EndElement:
			e := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			depth := len(stack)
			if e.children {
				indent(depth)
				out.WriteString("</" + e.name + ">")
			} else {
				indent(depth)
				out.WriteByte('<')
				out.WriteString(e.name)
				for _, a := range e.attrs {
					out.WriteString(" " + a.Name.Local + `="` + escapeAttr(a.Value) + `"`)
				}
				if e.text.Len() == 0 {
					out.WriteString("/>")
				} else {
					out.WriteString(">" + escapeText(e.text.String()) + "</" + e.name + ">")
				}
			}
			if depth > 0 {
				out.WriteByte('\n')
			}
		}
	}
	return out.Bytes(), nil
}

func escapeText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "\r", "&#13;").Replace(s)
}

func escapeAttr(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "\n", "&#10;", "\r", "&#13;",
		"\t", "&#9;").Replace(s)
}
