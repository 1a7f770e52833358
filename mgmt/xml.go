package mgmt

import (
	"strconv"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
)

// The documents are written by hand, byte for byte as apisonator writes
// them: one line, no spaces between elements, and its particular escaping
// (plan names and redirect URLs escaped; reasons, metric names, app ids and
// keys inserted raw, even when that makes the document ill-formed).

const xmlHeader = builderxml.Declaration

// timeFormat is Ruby's '%Y-%m-%d %H:%M:%S %z' in UTC.
const timeFormat = "2006-01-02 15:04:05 -0700"

// errorDocument writes <error code="...">message</error> the way Ruby's
// Builder does: characters XML cannot hold become '*', then &, < and > are
// escaped.
func errorDocument(e *Error) []byte {
	b := make([]byte, 0, len(xmlHeader)+len(e.Code)+len(e.Message)+32)
	b = append(b, xmlHeader...)
	b = append(b, `<error code="`...)
	b = builderxml.AppendAttr(b, e.Code)
	b = append(b, `">`...)
	b = builderxml.AppendText(b, e.Message)
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
