package rackquery

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// A JSON body in Rails' params: an object's keys, scalars as text,
// anything else under _json.
func TestParseJSON(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1,"b":{"c":[true,null,"x"]}}`: `{"a"=>"1", "b"=>{"c"=>["true", nil, "x"]}}`,
		`["x",2]`:                           `{"_json"=>["x", "2"]}`,
		`"text"`:                            `{"_json"=>"text"}`,
		`{}`:                                `{}`,
	} {
		h, err := ParseJSON([]byte(in))
		if err != nil || h.String() != want {
			t.Errorf("%s: %v %v, want %s", in, h, err, want)
		}
	}
	for _, in := range []string{`{"a":`, `{} {}`, ``, `nope`} {
		if _, err := ParseJSON([]byte(in)); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

// FuzzJSON: any body is parsed or refused, never a panic.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{`{"a":{"b":[1,{"c":null}]}}`, `[]`, `{"a":`, `1e999`, `"\ud800"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if h, err := ParseJSON([]byte(body)); err == nil && h == nil {
			t.Fatal("no hash and no error")
		}
	})
}

func TestAppendJSON(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"a=1&b", `{"a":"1","b":null}`},
		{"z[]=1&z[]=2&y[k]=<%26>&x=%FF", "{\"z\":[\"1\",\"2\"],\"y\":{\"k\":\"<&>\"},\"x\":\"\uFFFD\"}"},
		{"usage[hits]=1&usage[search]=&no", `{"usage":{"hits":"1","search":""},"no":null}`},
		{"q=%E2%80%A8%22%5C", `{"q":"\u2028\"\\"}`},
	} {
		h, err := Parse(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(AppendJSON([]byte("x"), h)); got != "x"+tc.want {
			t.Errorf("%q: %s, want x%s", tc.in, got, tc.want)
		}
	}
}

// Strings are written as encoding/json writes them, without HTML
// escaping, invalid UTF-8 replaced.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "plain", `q"b\s`, "<&>", "\x00\x1f\x7f", "\u2028", "\xff", "ünï"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(strings.ToValidUTF8(s, "\uFFFD")); err != nil {
			t.Fatal(err)
		}
		if got := string(appendJSONString([]byte("x"), s)); got != "x"+strings.TrimSuffix(want.String(), "\n") {
			t.Errorf("%q: %s, want %s", s, got, want.String())
		}
	})
}
