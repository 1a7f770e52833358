package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// The state cookie: what write signs, read reads back; anything else
// (tampered, another portal's, garbage) is no state. And the CSRF tokens:
// every mask of the secret is valid, nothing else is.

func roundTrip(t *testing.T, c stateCodec, st *state) *state {
	t.Helper()
	w := httptest.NewRecorder()
	c.write(w, httptest.NewRequest("GET", "/", nil), st)
	r := httptest.NewRequest("GET", "/", nil)
	for _, ck := range w.Result().Cookies() {
		r.AddCookie(ck)
	}
	return c.read(r)
}

func TestStateCookie(t *testing.T) {
	c := stateCodec{name: "_system_session", secret: []byte(strings.Repeat("k", 32))}
	st := &state{CSRF: randomToken(), Flash: []Flash{Notice("Signed in successfully")}, ReturnTo: "/admin?x=1"}
	got := roundTrip(t, c, st)
	if got == nil || got.CSRF != st.CSRF || len(got.Flash) != 1 || got.Flash[0] != st.Flash[0] || got.ReturnTo != "/admin?x=1" {
		t.Fatalf("round trip = %+v", got)
	}
	other := stateCodec{name: "_admin_system_session", secret: c.secret}
	w := httptest.NewRecorder()
	other.write(w, httptest.NewRequest("GET", "/", nil), st)
	r := httptest.NewRequest("GET", "/", nil)
	ck := w.Result().Cookies()[0]
	r.AddCookie(&http.Cookie{Name: c.name, Value: ck.Value})
	if c.read(r) != nil {
		t.Error("another portal's state cookie was read as this one's")
	}
	long := &state{CSRF: randomToken(), ReturnTo: "/" + strings.Repeat("a", maxReturnTo)}
	if got := roundTrip(t, c, long); got == nil || got.ReturnTo != "" {
		t.Errorf("an over-long return_to was kept: %+v", got)
	}
	secret := randomToken()
	for range 20 {
		tok := maskToken(secret)
		if !validToken(secret, tok) {
			t.Fatalf("a mask of the secret is refused: %s", tok)
		}
		if tok == maskToken(secret) {
			t.Fatal("two masks are equal")
		}
	}
	for _, bad := range []string{"", "abc", secret, maskToken(randomToken()), maskToken(secret) + "A"} {
		if validToken(secret, bad) {
			t.Errorf("token %q accepted", bad)
		}
	}
}

// FuzzStateCookie: no cookie value crashes read, and a value it accepts
// carries a CSRF secret.
func FuzzStateCookie(f *testing.F) {
	c := stateCodec{name: "s", secret: []byte(strings.Repeat("k", 32))}
	w := httptest.NewRecorder()
	c.write(w, httptest.NewRequest("GET", "/", nil), &state{CSRF: "x", Flash: []Flash{Error("e")}, ReturnTo: "/r"})
	f.Add(w.Result().Cookies()[0].Value)
	f.Add("")
	f.Add(".")
	f.Add("e30.")
	f.Fuzz(func(t *testing.T, value string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Cookie", "s="+value)
		if st := c.read(r); st != nil && st.CSRF == "" {
			t.Errorf("accepted a state without a CSRF secret: %q", value)
		}
		_ = validToken("c2VjcmV0", value)
	})
}

// A face's partials (_name.html) are shared by its pages and are no page
// themselves; capitalize and timef write porta's texts.
func TestFacePartials(t *testing.T) {
	face := fstest.MapFS{
		"layout.html": {Data: []byte(`{{define "layout"}}{{template "content" .}}{{end}}`)},
		"_note.html":  {Data: []byte(`{{define "note"}}[{{capitalize .}}]{{end}}`)},
		"page.html": {Data: []byte(`{{define "title"}}t{{end}}{{define "content"}}{{template "note" .Data.State}} ` +
			`{{timef .Data.At "January 2, 2006 15:04"}}{{end}}`)},
	}
	v, err := parseViews(face)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := v.files["_note"]; ok {
		t.Error("a partial is a page")
	}
	at := time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)
	out, err := v.render("page", &View{Data: struct {
		State string
		At    *time.Time
	}{"pending", &at}})
	if err != nil || string(out) != "[Pending] November 22, 2026 10:15" {
		t.Errorf("render: %q %v", out, err)
	}
}

// A page is parsed at its first render: a broken one is an error there
// and in CheckViews, and the other pages still render.
func TestBrokenPageParsedAtRender(t *testing.T) {
	face := fstest.MapFS{
		"layout.html": {Data: []byte(`{{define "layout"}}{{template "content" .}}{{end}}`)},
		"good.html":   {Data: []byte(`{{define "title"}}t{{end}}{{define "content"}}ok{{end}}`)},
		"bad.html":    {Data: []byte(`{{define "title"}}t{{end}}{{define "content"}}{{if}}{{end}}`)},
	}
	v, err := parseViews(face)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.render("bad", &View{}); err == nil || !strings.Contains(err.Error(), "bad.html") {
		t.Errorf("render bad: %v, want an error naming bad.html", err)
	}
	if out, err := v.render("good", &View{}); err != nil || string(out) != "ok" {
		t.Errorf("render good: %q %v", out, err)
	}
	if _, err := v.render("missing", &View{}); err == nil || err.Error() != `no view "missing"` {
		t.Errorf("render missing: %v", err)
	}
	if err := CheckViews(face); err == nil || !strings.Contains(err.Error(), "bad.html") {
		t.Errorf("CheckViews: %v, want an error naming bad.html", err)
	}
}
