package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

// The browser's state between requests, as Rails keeps it in its signed
// _system_session cookie: the CSRF secret, the flash messages for the next
// page and where to return after login. It is signed (HMAC-SHA256 with
// the store's secret), so the browser can read it but not forge it; it
// holds nothing worth reading. Who is signed in is not here: that is the
// server-side user_session (porta.Signed).

// Flash is one message shown on the next page, porta's flash[:notice] and
// flash[:error].
type Flash struct {
	Kind string `json:"k"` // FlashNotice, FlashError, FlashInfo
	Text string `json:"t"`
}

// The kinds of flash messages.
const (
	FlashNotice = "notice"
	FlashError  = "error"
	FlashInfo   = "info"
)

// Notice and Error are flash messages of their kind.
func Notice(text string) Flash { return Flash{FlashNotice, text} }
func Error(text string) Flash  { return Flash{FlashError, text} }

// state is the content of the state cookie.
type state struct {
	CSRF     string  `json:"c"` // base64url of 32 random bytes
	Flash    []Flash `json:"f,omitempty"`
	ReturnTo string  `json:"r,omitempty"`
}

// maxReturnTo bounds the path kept for after the login: a cookie holds 4
// KiB.
const maxReturnTo = 1024

// newState is a fresh state with a new CSRF secret.
func newState() *state { return &state{CSRF: randomToken()} }

// randomToken is 32 bytes of crypto/rand, base64url.
func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// stateCodec reads and writes the state cookie.
type stateCodec struct {
	name   string
	secret []byte
}

func (c stateCodec) sign(payload string) string {
	m := hmac.New(sha256.New, c.secret)
	m.Write([]byte(c.name + "=" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// read returns the request's state, or nil when it has none or it is not
// ours (unsigned, tampered with, unreadable).
func (c stateCodec) read(r *http.Request) *state {
	ck, err := r.Cookie(c.name)
	if err != nil {
		return nil
	}
	payload, mac, ok := strings.Cut(ck.Value, ".")
	if !ok || subtle.ConstantTimeCompare([]byte(mac), []byte(c.sign(payload))) != 1 {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil
	}
	st := &state{}
	if json.Unmarshal(raw, st) != nil || st.CSRF == "" {
		return nil
	}
	return st
}

// write sets the state cookie.
func (c stateCodec) write(w http.ResponseWriter, r *http.Request, st *state) {
	if len(st.ReturnTo) > maxReturnTo {
		st.ReturnTo = ""
	}
	raw, _ := json.Marshal(st) // strings always marshal
	payload := base64.RawURLEncoding.EncodeToString(raw)
	http.SetCookie(w, cookie(r, c.name, payload+"."+c.sign(payload)))
}

// cookie is a session cookie of the portal: the whole host, not readable
// by scripts, not sent by other sites' forms, Secure over TLS.
func cookie(r *http.Request, name, value string) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: r.TLS != nil}
}

// expired is a cookie that deletes name.
func expired(r *http.Request, name string) *http.Cookie {
	c := cookie(r, name, "")
	c.MaxAge = -1
	return c
}

// The CSRF token of a form is the state's secret masked with a one-time
// pad, as Rails masks it (so that the bytes of a page never repeat, which
// defeats compression attacks such as BREACH): base64url(pad ‖ pad⊕secret).

// maskToken returns a fresh form token for secret.
func maskToken(secret string) string {
	raw, err := base64.RawURLEncoding.DecodeString(secret)
	if err != nil {
		return ""
	}
	pad := make([]byte, len(raw))
	_, _ = rand.Read(pad)
	out := make([]byte, 0, 2*len(raw))
	out = append(out, pad...)
	for i, b := range raw {
		out = append(out, b^pad[i])
	}
	return base64.RawURLEncoding.EncodeToString(out)
}

// validToken reports whether a form token unmasks to secret.
func validToken(secret, token string) bool {
	raw, err := base64.RawURLEncoding.DecodeString(secret)
	if err != nil || len(raw) == 0 {
		return false
	}
	tok, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(tok) != 2*len(raw) {
		return false
	}
	pad, masked := tok[:len(raw)], tok[len(raw):]
	plain := make([]byte, len(raw))
	for i := range raw {
		plain[i] = masked[i] ^ pad[i]
	}
	return subtle.ConstantTimeCompare(plain, raw) == 1
}
