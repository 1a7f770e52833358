package mgmt

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// The documents are written by hand, byte for byte as apisonator writes
// them: one line, no spaces between elements, and its particular escaping
// (plan names and redirect URLs escaped; reasons, metric names, app ids and
// keys inserted raw, even when that makes the document ill-formed).

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>`

// timeFormat is Ruby's '%Y-%m-%d %H:%M:%S %z' in UTC.
const timeFormat = "2006-01-02 15:04:05 -0700"

// errorDocument writes <error code="...">message</error> the way Ruby's
// Builder does: characters XML cannot hold become '*', then &, < and > are
// escaped.
func errorDocument(e *Error) []byte {
	b := make([]byte, 0, len(xmlHeader)+len(e.Code)+len(e.Message)+32)
	b = append(b, xmlHeader...)
	b = append(b, `<error code="`...)
	b = appendAttr(b, e.Code)
	b = append(b, `">`...)
	b = appendBuilderText(b, e.Message)
	b = append(b, `</error>`...)
	return b
}

// appendEscaped escapes &, < and > (Ruby's String#encode(xml: :text)).
func appendEscaped(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendBuilderText is Builder's text escaping: invalid XML characters
// (control characters, U+FFFE, U+FFFF, invalid UTF-8) become '*'.
func appendBuilderText(b []byte, s string) []byte {
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

// appendAttr is Builder's attribute escaping: text escaping plus quotes and
// line breaks.
func appendAttr(b []byte, s string) []byte {
	for _, c := range []byte(appendBuilderText(nil, s)) {
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

func appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(b, timeFormat)
	}
	h, mi, sec := t.Clock()
	// By hand: this runs for every usage report of every answer, and
	// AppendFormat's generality costs more than the rest of the document.
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	b = append(b, byte('0'+int(mo)/10), byte('0'+int(mo)%10), '-', byte('0'+d/10), byte('0'+d%10), ' ')
	b = append(b, byte('0'+h/10), byte('0'+h%10), ':', byte('0'+mi/10), byte('0'+mi%10), ':')
	b = append(b, byte('0'+sec/10), byte('0'+sec%10))
	return append(b, " +0000"...)
}

func appendInt(b []byte, n int64) []byte { return strconv.AppendInt(b, n, 10) }
