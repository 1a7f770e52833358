package mgmt

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/threescale-sandbox/threescale-sandbox/builderxml"
)

func TestErrorDocument(t *testing.T) {
	tests := []struct {
		code, msg, want string
	}{
		{"application_not_found", `application with id="nope" was not found`,
			`<?xml version="1.0" encoding="UTF-8"?><error code="application_not_found">application with id="nope" was not found</error>`},
		{"metric_invalid", `metric "a&b<c>" is invalid`,
			`<?xml version="1.0" encoding="UTF-8"?><error code="metric_invalid">metric "a&amp;b&lt;c&gt;" is invalid</error>`},
		// Builder turns characters XML cannot hold into '*'; UTF-8 passes.
		{"metric_invalid", "metric \"a\x01b\xffc ü\" is invalid",
			`<?xml version="1.0" encoding="UTF-8"?><error code="metric_invalid">metric "a*b*c ü" is invalid</error>`},
	}
	for _, tt := range tests {
		got := string(errorDocument(&Error{Code: tt.code, Message: tt.msg}))
		if got != tt.want {
			t.Errorf("errorDocument(%q)\n got %s\nwant %s", tt.msg, got, tt.want)
		}
	}
}

// FuzzErrorDocument: whatever the message, the error document is
// well-formed XML whose text is the message with invalid characters
// replaced.
func FuzzErrorDocument(f *testing.F) {
	for _, s := range []string{"", "plain", `q"uote`, "a&b<c>d", "\x00\x01\x1f", "\xff\xfe", "\uFFFE\uFFFF", "ü€😀", "]]>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		doc := errorDocument(&Error{Code: "metric_invalid", Message: msg})
		var e struct {
			Code string `xml:"code,attr"`
			Text string `xml:",chardata"`
		}
		if err := xml.Unmarshal(doc, &e); err != nil {
			t.Fatalf("not well-formed for %q: %v\n%s", msg, err, doc)
		}
		if e.Code != "metric_invalid" {
			t.Fatalf("code %q", e.Code)
		}
		want := string(builderxml.AppendText(nil, msg))
		want = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">").Replace(want)
		// encoding/xml normalises \r\n and \r to \n, as XML requires.
		want = strings.ReplaceAll(strings.ReplaceAll(want, "\r\n", "\n"), "\r", "\n")
		if e.Text != want {
			t.Fatalf("text %q, want %q", e.Text, want)
		}
		if !utf8.Valid(doc) {
			t.Fatalf("invalid UTF-8 in %q", doc)
		}
	})
}

func TestAppendTime(t *testing.T) {
	for _, tm := range []time.Time{
		time.Date(2026, 11, 22, 7, 26, 30, 0, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 0, time.FixedZone("x", 3600)),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		want := tm.UTC().Format("2006-01-02 15:04:05 -0700")
		if got := string(appendTime(nil, tm)); got != want {
			t.Errorf("appendTime(%v) = %q, want %q", tm, got, want)
		}
	}
}
