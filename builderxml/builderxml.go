// Package builderxml writes XML the way Ruby's Builder::XmlMarkup does,
// which both 3scale systems use: apisonator for its documents and porta for
// every object of the Account Management API and of its webhooks. One line,
// no indentation, Builder's escaping, `<x/>` for a nil value and `<x></x>`
// for an empty block.
package builderxml

import "unicode/utf8"

// Declaration is the instruction Builder writes first.
const Declaration = `<?xml version="1.0" encoding="UTF-8"?>`

// AppendText is Builder's text escaping: characters XML cannot hold
// (control characters, U+FFFE, U+FFFF, invalid UTF-8) become '*', then &, <
// and > are escaped.
func AppendText(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size <= 1, !validXMLChar(r):
			b = append(b, '*')
		case r == '&':
			b = append(b, "&amp;"...)
		case r == '<':
			b = append(b, "&lt;"...)
		case r == '>':
			b = append(b, "&gt;"...)
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return b
}

// AppendAttr is Builder's attribute escaping: text escaping plus quotes and
// line breaks.
func AppendAttr(b []byte, s string) []byte {
	for _, c := range AppendText(nil, s) {
		switch c {
		case '"':
			b = append(b, "&quot;"...)
		case '\n':
			b = append(b, "&#10;"...)
		case '\r':
			b = append(b, "&#13;"...)
		default:
			b = append(b, c)
		}
	}
	return b
}

func validXMLChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// Doc is a document being written.
type Doc struct{ b []byte }

// New starts a document with Builder's declaration.
func New() *Doc { return &Doc{b: append(make([]byte, 0, 1024), Declaration...)} }

// Fragment starts a document without a declaration (an object embedded in
// another document).
func Fragment() *Doc { return &Doc{b: make([]byte, 0, 512)} }

// Bytes returns what was written.
func (d *Doc) Bytes() []byte { return d.b }

// Open writes a start tag; attrs are name, value pairs.
func (d *Doc) Open(name string, attrs ...string) *Doc {
	d.b = append(d.b, '<')
	d.b = append(d.b, name...)
	for i := 0; i+1 < len(attrs); i += 2 {
		d.b = append(d.b, ' ')
		d.b = append(d.b, attrs[i]...)
		d.b = append(d.b, `="`...)
		d.b = AppendAttr(d.b, attrs[i+1])
		d.b = append(d.b, '"')
	}
	d.b = append(d.b, '>')
	return d
}

// Close writes an end tag.
func (d *Doc) Close(name string) *Doc {
	d.b = append(d.b, "</"...)
	d.b = append(d.b, name...)
	d.b = append(d.b, '>')
	return d
}

// Text writes <name>text</name>; an empty text stays an element with no
// content, as Builder writes a "" value.
func (d *Doc) Text(name, text string) *Doc {
	d.Open(name)
	d.b = AppendText(d.b, text)
	return d.Close(name)
}

// Nil writes <name/>, Builder's element for a nil value.
func (d *Doc) Nil(name string) *Doc {
	d.b = append(d.b, '<')
	d.b = append(d.b, name...)
	d.b = append(d.b, "/>"...)
	return d
}

// Opt writes <name>text</name>, or <name/> when text is empty: porta's
// columns that are NULL until set.
func (d *Doc) Opt(name, text string) *Doc {
	if text == "" {
		return d.Nil(name)
	}
	return d.Text(name, text)
}

// Raw appends XML written elsewhere.
func (d *Doc) Raw(xml []byte) *Doc {
	d.b = append(d.b, xml...)
	return d
}
