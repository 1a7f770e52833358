package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Config is what a face gives to make its portal.
type Config struct {
	// Name is store.PortalAdmin or store.PortalDeveloper: whose sessions
	// the portal opens, and its cookies' names.
	Name   string
	Domain *porta.Domain
	// Secret signs the state cookie (store.Secret: the same across
	// restarts on one database).
	Secret []byte
	// Views is the face's templates: layout.html and one file per page.
	Views fs.FS
	// LoginPath is where a page that needs a session sends a visitor
	// (who comes back after the login); HomePath is where a signed-in
	// visitor of a page for visitors (the login page) goes.
	LoginPath, HomePath string
	// Nav, when set, gives the layout what it shows beside every page
	// (View.Nav): the unread messages, say.
	Nav    func(*Page) (any, error)
	Logger *slog.Logger
}

// Portal is the machinery an HTML face runs its page actions in:
// sessions, CSRF, Rails' _method, flash messages, return_to, forms, views
// and error pages.
type Portal struct {
	cfg        Config
	views      *views
	state      stateCodec
	userCookie string
	mux        *http.ServeMux
}

// The cookies. porta's names are user_session and _system_session; the
// two portals listen on one host (two ports), and browsers share cookies
// across ports, so the admin portal's carry a prefix of their own: a
// person signed in to both in one browser stays signed in to both.
func cookieNames(portal string) (state, user string) {
	if portal == store.PortalAdmin {
		return "_admin_system_session", "admin_user_session"
	}
	return "_system_session", "user_session"
}

// New makes a portal; its pages are registered with Public, Guest and
// Private, and it is served by Handler.
func New(cfg Config) (*Portal, error) {
	if cfg.Name != store.PortalAdmin && cfg.Name != store.PortalDeveloper {
		return nil, fmt.Errorf("portal %q: want %s or %s", cfg.Name, store.PortalAdmin, store.PortalDeveloper)
	}
	if len(cfg.Secret) < 32 {
		return nil, errors.New("portal: the cookie secret needs 32 bytes")
	}
	v, err := parseViews(cfg.Views)
	if err != nil {
		return nil, err
	}
	stateName, userName := cookieNames(cfg.Name)
	p := &Portal{cfg: cfg, views: v, state: stateCodec{name: stateName, secret: cfg.Secret}, userCookie: userName,
		mux: http.NewServeMux()}
	p.mux.HandleFunc("GET "+stylesheetPath, serveStylesheet)
	return p, nil
}

// Action is a page action: it reads the request from the Page, runs an
// operation or a read of portal/porta, and renders a view or redirects.
// An error it returns is shown as an error page: porta.ErrNotFound as
// 404, porta.ErrForbidden as 403, ErrBadRequest as 400, anything else as
// 500 (and logged).
type Action func(*Page) error

// ErrBadRequest is a request a page cannot read.
var ErrBadRequest = errors.New("bad request")

type access int

const (
	public  access = iota // anyone
	guest                 // visitors; the signed-in go home
	private               // the signed-in; visitors go to the login page
)

// Public registers an action anyone may open, signed in or not. pattern
// is net/http's: "GET /p/admin/applications/{id}".
func (p *Portal) Public(pattern string, a Action) { p.handle(pattern, public, a) }

// Guest registers an action for visitors, such as the login page: a
// signed-in visitor is sent to the home path.
func (p *Portal) Guest(pattern string, a Action) { p.handle(pattern, guest, a) }

// Private registers an action that needs a session: a visitor is sent to
// the login page, and comes back to the page after the login.
func (p *Portal) Private(pattern string, a Action) { p.handle(pattern, private, a) }

func (p *Portal) handle(pattern string, acc access, a Action) {
	p.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pg := pageOf(r)
		pg.w = w
		pg.r = r
		pg.run(acc, a)
	}))
}

// maxBody is Rack's limit on form bodies: 4 MiB.
const maxBody = 4 << 20

// csp lets the pages load their stylesheet and images from the portal, and
// nothing else; no script runs, no frame holds a page.
const csp = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// Handler serves the portal.
func (p *Portal) Handler() http.Handler { return http.HandlerFunc(p.serve) }

func (p *Portal) serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	if r.URL.Path == stylesheetPath {
		p.mux.ServeHTTP(w, r) // no session, no state: a static file
		return
	}

	pg := &Page{portal: p, w: w, r: r}
	form, status := readParams(r)
	pg.Form = form
	if pg.Form == nil {
		pg.Form = newForm(nil)
	}
	if st := p.state.read(r); st != nil {
		pg.st = st
	} else {
		pg.st, pg.dirty = newState(), true
	}
	pg.flashIn = pg.st.Flash
	if ck, err := r.Cookie(p.userCookie); err == nil {
		signed, err := p.cfg.Domain.SignedIn(r.Context(), p.cfg.Name, ck.Value)
		if err != nil {
			pg.fail(err)
			return
		}
		if signed == nil {
			http.SetCookie(w, expired(r, p.userCookie))
		}
		pg.Signed = signed
	}
	if status != 0 {
		pg.errorPage(status)
		return
	}
	// Rails' _method: a form sends PUT, PATCH and DELETE as POST.
	if r.Method == http.MethodPost {
		switch m := strings.ToUpper(pg.Form.Get("_method")); m {
		case http.MethodPut, http.MethodPatch, http.MethodDelete:
			r.Method = m
		}
	}
	if _, pattern := p.mux.Handler(r); pattern == "" {
		pg.errorPage(p.missing(r))
		return
	}
	if !safe(r.Method) && !validToken(pg.st.CSRF, p.csrfToken(pg)) {
		p.forgery(pg)
		return
	}
	p.mux.ServeHTTP(w, r.WithContext(withPage(r.Context(), pg)))
}

// csrfToken is the token the request sends: the form's
// authenticity_token, or Rails' X-CSRF-Token header.
func (p *Portal) csrfToken(pg *Page) string {
	if tok := pg.Form.Get("authenticity_token"); tok != "" {
		return tok
	}
	return pg.r.Header.Get("X-CSRF-Token")
}

// forgery answers a change without a valid CSRF token as porta's
// exception-and-reset strategy does: nothing changes, the session is
// reset (signed out) and the answer is 403 Forbidden.
func (p *Portal) forgery(pg *Page) {
	p.cfg.Logger.Warn("refused a request without a valid CSRF token", "portal", p.cfg.Name,
		"method", pg.r.Method, "path", pg.r.URL.Path)
	if pg.Signed != nil {
		if err := p.cfg.Domain.SignOut(pg.r.Context(), pg.Signed.Session.Key); err != nil {
			pg.fail(err)
			return
		}
	}
	if _, err := pg.r.Cookie(p.userCookie); err == nil {
		http.SetCookie(pg.w, expired(pg.r, p.userCookie))
	}
	pg.Signed = nil
	pg.st, pg.dirty, pg.flashIn = newState(), true, nil
	pg.errorPage(http.StatusForbidden)
}

// missing is the status of a request no route takes: 405 when the path
// has routes for other methods, else 404.
func (p *Portal) missing(r *http.Request) int {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		if m == r.Method {
			continue
		}
		other := r.Clone(r.Context())
		other.Method = m
		if _, pattern := p.mux.Handler(other); pattern != "" {
			return http.StatusMethodNotAllowed
		}
	}
	return http.StatusNotFound
}

func safe(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// readParams reads the query and a form body as Rack does. A request it
// cannot read gets its status: 400, or 413 for a body over Rack's limit.
func readParams(r *http.Request) (*Form, int) {
	q, err := rackquery.Parse(r.URL.RawQuery)
	if err != nil {
		return nil, http.StatusBadRequest
	}
	if r.Body != nil && r.Method != http.MethodGet && r.Method != http.MethodHead {
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		if err != nil {
			return nil, http.StatusBadRequest
		}
		if len(body) > maxBody {
			return nil, http.StatusRequestEntityTooLarge
		}
		switch mt := rackquery.MediaType(r.Header.Get("Content-Type")); {
		case mt == rackquery.FormURLEncoded || mt == rackquery.FormMultipart || (mt == "" && len(body) > 0):
			form, err := rackquery.ParseForm(body, r.Header.Get("Content-Type"))
			if err != nil {
				return nil, http.StatusBadRequest
			}
			rackquery.Merge(q, form)
		}
	}
	if !rackquery.ValidUTF8(q) {
		return nil, http.StatusBadRequest
	}
	return newForm(q), 0
}

// serveStylesheet serves the embedded CSS; its path names its content, so
// it may be kept for long.
func serveStylesheet(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(stylesheet)
}

// stylesheetPath is where the portals serve their stylesheet: its path
// names its content, so a browser keeps it until the next version.
var stylesheetPath = func() string {
	sum := sha256.Sum256(stylesheet)
	return "/assets/portal-" + hex.EncodeToString(sum[:6]) + ".css"
}()
