package mgmt

import "testing"

// The extensions in an error's context_info keep the header's order,
// no_body last, and the context's JSON escapes what encoding/json
// escapes.
func TestExtensionsContextJSON(t *testing.T) {
	r := &Request{Method: "GET", URL: "http://h/transactions/authorize.xml", RemoteIP: "127.0.0.1",
		HasOptions: true, Options: "no_body=1&rejection_reason_header=1&x[y]=%3Cb%3E%26&z&w[]=%FF"}
	x, xerr := parseExtensions(r, nil)
	if xerr != nil {
		t.Fatal(xerr)
	}
	if got, want := string(x.contextJSON()), "{\"rejection_reason_header\":\"1\",\"x\":{\"y\":\"<b>&\"},\"z\":null,\"w\":[\"\uFFFD\"],\"no_body\":true}"; got != want {
		t.Errorf("contextJSON %s, want %s", got, want)
	}
	want := `{"url":"http://h/transactions/authorize.xml","method":"GET","form_vars":null,"user_agent":null,` +
		`"ip":"127.0.0.1","content_type":null,"content_length":null,"extensions":{"rejection_reason_header":"1",` +
		`"x":{"y":"\u003cb\u003e\u0026"},"z":null,"w":["` + "\uFFFD" + `"],"no_body":true}}`
	if got := string(requestContext(r, x)); got != want {
		t.Errorf("requestContext %s, want %s", got, want)
	}
}
