package server

import (
	"net/http"
	"testing"
)

// HEAD and ids as porta's routes and controllers read them (issue 10
// item 10): Rails routes HEAD to the GET route, where porta's responder
// answers it head :no_content; ids are [^/.?]+ segments, read with
// String#to_i.
func TestAMHeadAndIDs(t *testing.T) {
	s := amSandbox(t)
	acc := "/admin/api/accounts/"
	expect(t, "HEAD", s.call(http.MethodHead, acc+"1.xml?"+rw, ""), 204, "", "Content-Type:")
	expect(t, "HEAD list", s.call(http.MethodHead, "/admin/api/services.xml?"+rw, ""), 204, "", "Content-Type:")
	expect(t, "HEAD unknown", s.call(http.MethodHead, acc+"99.xml?"+rw, ""), 404, "", "Content-Type: application/xml")
	expect(t, "HEAD denied", s.call(http.MethodHead, acc+"1.xml", ""), 403, "", "Content-Type: application/xml; charset=utf-8")

	for _, id := range []string{"+1", "01", "%31", "1abc", "1%2Exml", "%201"} {
		expect(t, "id "+id, s.get(acc+id+".xml?"+rw), 200, xmlDecl+devCo)
	}
	expect(t, "id without extension", s.get(acc+"1abc?"+rw), 200, xmlDecl+devCo)
	expect(t, "trailing slash", s.get(acc+"1/?"+rw), 200, xmlDecl+devCo)
	expect(t, "service +100", s.get("/admin/api/services/+100.xml?"+rw), 200, s.get("/admin/api/services/100.xml?"+rw).body)
	expect(t, "nested id", s.get(acc+"01/users/%32.xml?"+rw), 200, xmlDecl+jane)
	for _, path := range []string{"-1.xml", "0.xml", "abc.xml", "1.json.xml", "1.", "1.xml/users.xml", "1./users", "1.x.y",
		"99999999999999999999.xml"} {
		expect(t, "no account "+path, s.get(acc+path+"?"+rw), 404, "")
	}
	// A format porta does not serve: render_error's text.
	expect(t, "html", s.get(acc+"1.html?"+rw), 406, `The server does not understand "html" request.`,
		"Content-Type: text/plain")
	expect(t, "fixed segment format", s.get("/admin/api/accounts/find.txt?username=john&"+rw), 406,
		`The server does not understand "txt" request.`)
}

// A key is the shortest text that .json, .xml or the end follows, as
// porta's keys route constrains it (issue 10 item 14): a key named like
// foo.json is deleted with a format suffix.
func TestAMKeySuffixes(t *testing.T) {
	s := amSandbox(t)
	keys := apps + "/1/keys"
	for _, k := range []string{"foo.json", "bar.xml", "a.b.c", "a/b/c"} {
		if r := s.am("POST", keys+".xml", rw+"&key="+k); r.status != 201 {
			t.Fatalf("key %s: %d %s", k, r.status, r.body)
		}
	}
	del := func(name, path string, status int) {
		t.Helper()
		expect(t, name, s.am("DELETE", keys+"/"+path, rw), status, "")
	}
	if r := s.am("DELETE", keys+"/foo.json", rw); r.status == 200 {
		t.Errorf("foo.json deleted the key foo.json: it names the key foo, as JSON")
	}
	del("bar.xml is key bar", "bar.xml", 404)
	del("foo.json.xml", "foo.json.xml", 200)
	del("bar.xml.xml", "bar.xml.xml", 200)
	del("a.b.c without a format", "a.b.c", 200)
	del("slashes encoded", "a%2Fb%2Fc.xml", 200)
	if r := s.am("POST", keys+".xml", rw+"&key=abc.jsonx"); r.status != 201 {
		t.Fatalf("key abc.jsonx: %d %s", r.status, r.body)
	}
	expect(t, "abc.jsonx is key abc, format jsonx", s.am("DELETE", keys+"/abc.jsonx", rw), 406,
		`The server does not understand "jsonx" request.`)
	del("abc.jsonx.xml", "abc.jsonx.xml", 200)
	expect(t, "keys left", s.get(keys+".xml?"+rw), 200, xmlDecl+`<keys><key><value>echo-key-1</value>`+
		`<updated_at>2026-11-22 10:15:00 UTC</updated_at><created_at>2026-11-22 10:15:00 UTC</created_at></key></keys>`)
}
