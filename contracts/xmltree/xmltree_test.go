package xmltree

import (
	"strings"
	"testing"
)

func TestParseAndWrite(t *testing.T) {
	in := `<?xml version="1.0" encoding="UTF-8"?><status><authorized>true</authorized><plan>Basic &amp; &lt;Pro&gt;</plan>` +
		`<usage_reports><usage_report metric="hits" period="day" exceeded="true"><max_value>5</max_value><current_value>6</current_value></usage_report></usage_reports>` +
		`<app_keys app="a&quot;b" svc="1"><key id="k1"/></app_keys><redirect_url></redirect_url></status>`
	doc, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>
<status>
  <authorized>true</authorized>
  <plan>Basic &amp; &lt;Pro&gt;</plan>
  <usage_reports>
    <usage_report metric="hits" period="day" exceeded="true">
      <max_value>5</max_value>
      <current_value>6</current_value>
    </usage_report>
  </usage_reports>
  <app_keys app="a&quot;b" svc="1">
    <key id="k1"/>
  </app_keys>
  <redirect_url/>
</status>
`
	if got := string(doc.Bytes()); got != want {
		t.Errorf("Bytes:\n%s\nwant:\n%s", got, want)
	}
	// What is written reads back to the same tree.
	again, err := Parse(doc.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if string(again.Bytes()) != want {
		t.Errorf("round trip changed the document:\n%s", again.Bytes())
	}
	if v, ok := doc.Root.Children[3].Attr("app"); !ok || v != `a"b` {
		t.Errorf("Attr(app) = %q, %v", v, ok)
	}
	if doc.Root.Children[1].Text != "Basic & <Pro>" {
		t.Errorf("text = %q", doc.Root.Children[1].Text)
	}
}

func TestParseErrors(t *testing.T) {
	for in, want := range map[string]string{
		"":                                   "no root element",
		"  ":                                 "no root element",
		"<a>":                                "unexpected EOF",
		"<a></b>":                            "element <a> closed by </b>",
		"<a/><b/>":                           "second root element <b>",
		"x<a/>":                              "text outside the root element",
		"<a>&</a>":                           "invalid character entity",
		`<a/><?xml version="1.0"?>`:          "XML declaration after the root element",
		strings.Repeat("<a>", MaxDepth+1):    "elements nested deeper than 256",
		`<status><reason>a & b</reason></s>`: "invalid character entity",
	} {
		_, err := Parse([]byte(in))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%.40q) = %v, want %q", in, err, want)
		}
	}
}

func TestWriteKeepsTextAroundChildrenAndControlCharacters(t *testing.T) {
	doc := &Document{Root: &Element{Name: "a", Text: " lead ", Attrs: []Attr{{"x", "1\n2\t3\r"}},
		Children: []*Element{{Name: "b", Text: "line\r\nbreak"}}}}
	got := string(doc.Bytes())
	want := "<a x=\"1&#xA;2&#x9;3&#xD;\">\n  lead\n  <b>line&#xD;\nbreak</b>\n</a>\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	back, err := Parse([]byte(got))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := back.Root.Attr("x"); v != "1\n2\t3\r" {
		t.Errorf("attribute read back as %q", v)
	}
	if back.Root.Children[0].Text != "line\r\nbreak" {
		t.Errorf("text read back as %q", back.Root.Children[0].Text)
	}
}
