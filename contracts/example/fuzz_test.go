package example

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

// FuzzParse: any input is parsed or refused with an error, never a panic;
// an untouched file writes back as it was read; and whatever a target
// answers, a re-recorded file parses again.
func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add("=== a\nGET /\nHTTP 200\n```\n{{any}}\n```\n")
	f.Add("=== a\nPOST /?x={{time -1h unix}}\n[Multipart]\na: {{v}}\nHTTP 202\nx: {{absent}}\n")
	f.Add("=== a\nGET /\nHTTP 200\n```json\n{\"a\": [\"{{int}}\", {\"b\": null}]}\n```\n")
	answers := []*Actual{
		{Status: 409, Header: http.Header{"X-A": {"1"}}, Body: []byte(`<?xml version="1.0"?><status><a x="{{y}}">1</a><usage_report period="day"><period_start>2026-11-22 00:00:00 +0000</period_start></usage_report></status>`)},
		{Status: 200, Header: http.Header{}, Body: []byte("```\nplain\r\ntext {{x}}\n````")},
		{Status: 200, Header: http.Header{}, Body: []byte(`{"a":[1,"{{b}}",{"c":null}]}`)},
		{Status: 404, Header: http.Header{}},
	}
	f.Fuzz(func(t *testing.T, in string) {
		file, err := Parse("f.txt", "f", []byte(in))
		if err != nil {
			if file != nil {
				t.Fatal("a file with an error")
			}
			return
		}
		if !strings.Contains(in, "\r") && !bytes.Equal(file.Bytes(), []byte(in)) {
			t.Fatalf("untouched file written back as\n%q\nwas\n%q", file.Bytes(), in)
		}
		e := env("v", "1", "y", "2")
		for i, ex := range file.Examples {
			a := answers[i%len(answers)]
			if _, err := ex.Check(a, e); err != nil {
				continue // an undefined variable: the example cannot be checked
			}
			if _, err := ex.Record(a, e, i%2 == 0); err != nil {
				t.Fatalf("Record: %v", err)
			}
		}
		if _, err := Parse("f.txt", "f", file.Bytes()); err != nil {
			t.Fatalf("re-recorded file does not parse: %v\n%s", err, file.Bytes())
		}
	})
}
