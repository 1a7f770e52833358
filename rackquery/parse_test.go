package rackquery

import (
	"errors"
	"strings"
	"testing"
)

// The expectations are what Rack 3.1's parse_nested_query returns, written
// as Ruby's Hash#inspect.
func TestParse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `{}`},
		{"a=1", `{"a"=>"1"}`},
		{"a=1&a=2", `{"a"=>"2"}`},
		{"a", `{"a"=>nil}`},
		{"a=", `{"a"=>""}`},
		{"a=1&&b=2&", `{"a"=>"1", "b"=>"2"}`},
		{"a=1&  b=2", `{"a"=>"1", "b"=>"2"}`},
		{"a=1; b=2", `{"a"=>"1; b=2"}`},
		{"=1&b", `{"b"=>nil}`},
		{"a=x+y%20z", `{"a"=>"x y z"}`},
		{"a=b=c", `{"a"=>"b=c"}`},
		{"usage[hits]=1&usage[search]=2", `{"usage"=>{"hits"=>"1", "search"=>"2"}}`},
		{"usage%5bhits%5D=1", `{"usage"=>{"hits"=>"1"}}`},
		{"%5Busage%5D%5Bhits%5D=1", `{"[usage]"=>{"hits"=>"1"}}`},
		{"[app_id]=x", `{"[app_id]"=>"x"}`},
		{"usage[hits=1", `{"usage"=>{"[hits"=>"1"}}`},
		{"a[=1", `{"a["=>"1"}`},
		{"a[]=1&a[]=2", `{"a"=>["1", "2"]}`},
		{"a[][x]=1&a[][y]=2&a[][x]=3", `{"a"=>[{"x"=>"1", "y"=>"2"}, {"x"=>"3"}]}`},
		{"a[][]=1", `{"a"=>[["1"]]}`},
		{"a[]x=1", `{"a"=>[{"x"=>"1"}]}`},
		{"a[b][c][d]=1", `{"a"=>{"b"=>{"c"=>{"d"=>"1"}}}}`},
		{"a[b]c=1", `{"a"=>{"b"=>{"c"=>"1"}}}`},
		{"a&a[b]=1", `{"a"=>{"b"=>"1"}}`},
		{"a&a[]=1", `{"a"=>["1"]}`},
		{"transactions[0][app_id]=a&transactions[0][usage][hits]=1&transactions[1][app_id]=b",
			`{"transactions"=>{"0"=>{"app_id"=>"a", "usage"=>{"hits"=>"1"}}, "1"=>{"app_id"=>"b"}}}`},
		{"[]=1", `{"[]"=>"1"}`},
		{"a[b]=1&a=2", `{"a"=>"2"}`},
	}
	for _, tt := range tests {
		h, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := h.String(); got != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in   string
		kind Kind
		msg  string
	}{
		{"a=1%", KindEncoding, "invalid %-encoding (1%)"},
		{"a%zz=1", KindEncoding, "invalid %-encoding (a%zz)"},
		{"a=1&a[b]=2", KindType, "expected Hash (got String) for param `a'"},
		{"a[]=1&a[b]=2", KindType, "expected Hash (got Array) for param `a'"},
		{"a=1&a[]=2", KindType, "expected Array (got String) for param `a'"},
		{"a[b]=1&a[]=2", KindType, "expected Array (got Rack::QueryParser::Params) for param `a'"},
		{"a" + strings.Repeat("[x]", 32) + "=1", KindLimit, "Rack::QueryParser::QueryLimitError"},
		{strings.Repeat("a=1&", 4096), KindLimit, "total number of query parameters (4097) exceeds limit (4096)"},
		{strings.Repeat("x", 4194305), KindLimit, "total query size exceeds limit (4194304)"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		var re *Error
		if !errors.As(err, &re) {
			t.Errorf("Parse(%.40q): err = %v, want a *Error", tt.in, err)
			continue
		}
		if re.Kind != tt.kind || re.Message != tt.msg {
			t.Errorf("Parse(%.40q) = %d %q, want %d %q", tt.in, re.Kind, re.Message, tt.kind, tt.msg)
		}
	}
	// Just under the limits is fine.
	if _, err := Parse("a" + strings.Repeat("[x]", 31) + "=1"); err != nil {
		t.Errorf("depth 31: %v", err)
	}
	if _, err := Parse(strings.Repeat("a=1&", 4095)); err != nil {
		t.Errorf("4095 ampersands: %v", err)
	}
}

func TestHash(t *testing.T) {
	h := NewHash()
	for i := range 20 {
		h.Set(string(rune('a'+i)), String("v"))
	}
	h.Set("c", String("x"))
	h.Delete("b")
	if v, _ := h.Get("c"); v != String("x") {
		t.Fatalf("Get(c) = %v", v)
	}
	if got := strings.Join(h.Keys()[:3], ""); got != "acd" {
		t.Fatalf("keys start %q", got)
	}
	if _, ok := h.Get("b"); ok || h.Len() != 19 {
		t.Fatalf("after delete: len %d", h.Len())
	}
	if v, _ := h.Get("t"); v != String("v") {
		t.Fatalf("Get(t) after delete = %v", v)
	}
	dst, _ := Parse("a=1&b[c]=2")
	src, _ := Parse("b=3&d=4")
	Merge(dst, src)
	if got := dst.String(); got != `{"a"=>"1", "b"=>"3", "d"=>"4"}` {
		t.Fatalf("Merge = %s", got)
	}
	bad, _ := Parse("a[b]=%FF")
	if ValidUTF8(bad) {
		t.Fatal("ValidUTF8 accepted \\xff")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"a=1", "usage[hits]=1&usage[x][y]=2", "a[][b]=1&a[][c]=2", "%5Ba%5D=1", "a=%zz", "a[=1&a[]=2",
		"transactions[0][app_id]=a&transactions[0][usage][hits]=1&transactions[1][app_id]=b&transactions[0][usage][x]=2",
		"a[b]=1&a[b][c]=2", "a[b][c]=1&a[b]=2&a[b][d]=3", "a[b][]=1&a[b][c]=2", "a=1&a[b]=2", "a[b]c[d]=1&a[b]c[e]=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l := Limits{Bytes: 1 << 16, Params: 64, Depth: 8}
		h, err := ParseLimits(s, l)
		// The parser's fast paths must not change a result: the reference
		// is the parser written as Rack's, step by step.
		ref, rerr := refParseLimits(s, l)
		switch {
		case (err == nil) != (rerr == nil):
			t.Fatalf("%q: error %v, reference %v", s, err, rerr)
		case err != nil && err.Error() != rerr.Error():
			t.Fatalf("%q: error %v, reference %v", s, err, rerr)
		case err == nil && h.String() != ref.String():
			t.Fatalf("%q: %s, reference %s", s, h, ref)
		}
		if err != nil {
			var re *Error
			if !errors.As(err, &re) || re.Kind == 0 || re.Message == "" {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		_ = h.String()
		ValidUTF8(h)
	})
}

func BenchmarkParse(b *testing.B) {
	qs := "provider_key=pk&service_id=1001&app_id=app1&app_key=key1&usage%5Bhits%5D=1&usage%5Bsearch%5D=2"
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(qs); err != nil {
			b.Fatal(err)
		}
	}
}
