package rackquery

import "testing"

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
