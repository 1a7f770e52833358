package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Page is one request to a page action: what it reads (the path's ids,
// the form, who is signed in) and how it answers (a view, a redirect with
// a flash message, an error page).
type Page struct {
	portal *Portal
	w      http.ResponseWriter
	r      *http.Request

	// Form is the request's parameters and, once an operation refused
	// them, its validation errors.
	Form *Form
	// Signed is who is signed in; nil for a visitor.
	Signed *porta.Signed

	st       *state
	dirty    bool    // st must be written back
	flashIn  []Flash // the messages of the previous action, not shown yet
	flashNow []Flash // this answer's own
	answered bool
}

type pageKey struct{}

func withPage(ctx context.Context, p *Page) context.Context {
	return context.WithValue(ctx, pageKey{}, p)
}

func pageOf(r *http.Request) *Page { return r.Context().Value(pageKey{}).(*Page) }

// Request is the HTTP request.
func (p *Page) Request() *http.Request { return p.r }

// Context is the request's context, for the operations.
func (p *Page) Context() context.Context { return p.r.Context() }

// Domain is porta's domain, whose operations and reads the page calls.
func (p *Page) Domain() *porta.Domain { return p.portal.cfg.Domain }

// Catalog is the committed model, for the page's reads.
func (p *Page) Catalog() *store.Catalog { return p.portal.cfg.Domain.Catalog() }

// Actor is who is signed in, as the operations take them. Only a Private
// action may call it.
func (p *Page) Actor() porta.Actor { return p.Signed.Actor }

// Provider is the signed-in provider (or developer's provider) as the
// committed model holds it now.
func (p *Page) Provider() *store.Provider { return porta.Provider(p.Catalog(), p.Signed.Actor) }

// ID returns a path value that names an object by id: a value that is no
// id is porta.ErrNotFound, as an unknown id is.
func (p *Page) ID(name string) (int64, error) {
	v := p.r.PathValue(name)
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%s %q: %w", name, v, porta.ErrNotFound)
	}
	return n, nil
}

// Flash adds a message to the answer: shown on the page it renders, or,
// with a redirect, on the page the browser goes to.
func (p *Page) Flash(f Flash) { p.flashNow = append(p.flashNow, f) }

// Render answers 200 with a view.
func (p *Page) Render(view string, data any) error { return p.RenderStatus(http.StatusOK, view, data) }

// RenderStatus answers with a view and a status (422 for a form the
// operation refused, say). The flash messages waiting are shown on it.
func (p *Page) RenderStatus(status int, view string, data any) error {
	v := p.View(data)
	body, err := p.portal.views.render(view, v)
	if err != nil {
		return err
	}
	p.st.Flash, p.dirty = nil, p.dirty || len(p.flashIn) > 0
	p.writeHeaders()
	p.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	p.w.WriteHeader(status)
	_, err = p.w.Write(body)
	return err
}

// JSON answers with v as JSON, for the few endpoints porta's pages call
// with JavaScript (the webhooks page's Ping, say).
func (p *Page) JSON(status int, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	p.st.Flash, p.dirty = nil, p.dirty || len(p.flashIn) > 0
	p.writeHeaders()
	p.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	p.w.WriteHeader(status)
	_, err = p.w.Write(body)
	return err
}

// View is the dot a view of this page sees.
func (p *Page) View(data any) *View {
	v := &View{Portal: p.portal.cfg.Name, Path: p.r.URL.Path, CSRF: maskToken(p.st.CSRF),
		Flash: append(append([]Flash(nil), p.flashIn...), p.flashNow...), Signed: p.Signed, Form: p.Form, Data: data}
	if p.portal.cfg.Nav != nil && p.Signed != nil {
		nav, err := p.portal.cfg.Nav(p)
		if err != nil {
			p.portal.cfg.Logger.Warn("portal navigation", "err", err)
		}
		v.Nav = nav
	}
	return v
}

// Redirect answers with a redirect to a path of the portal, carrying the
// flash messages to the page it shows: 303 See Other after a change (the
// browser GETs it), 302 after a GET.
func (p *Page) Redirect(path string, flash ...Flash) error {
	p.flashNow = append(p.flashNow, flash...)
	if len(p.flashNow) > 0 || len(p.flashIn) > 0 {
		p.st.Flash = append(append([]Flash(nil), p.flashIn...), p.flashNow...)
		p.dirty = true
	}
	p.writeHeaders()
	status := http.StatusSeeOther
	if safe(p.r.Method) {
		status = http.StatusFound
	}
	http.Redirect(p.w, p.r, path, status)
	return nil
}

// ReturnTo is where the login sends the browser: the page that asked for
// it, else def. It is used once.
func (p *Page) ReturnTo(def string) string {
	to := p.st.ReturnTo
	if to != "" {
		p.st.ReturnTo, p.dirty = "", true
	}
	if !localPath(to) {
		return def
	}
	return to
}

// localPath is a path of this portal, not another site's (//evil.test).
func localPath(s string) bool {
	return strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") && !strings.HasPrefix(s, "/\\")
}

// SignIn starts a session: its cookie, and a new CSRF secret (the
// visitor's tokens do not carry over into the session).
func (p *Page) SignIn(s *porta.Signed) {
	p.Signed = s
	http.SetCookie(p.w, cookie(p.r, p.portal.userCookie, s.Session.Key))
	p.st.CSRF, p.dirty = randomToken(), true
}

// SignOut ends the session: it is revoked, its cookie deleted, the CSRF
// secret renewed.
func (p *Page) SignOut() error {
	if p.Signed != nil {
		if err := p.Domain().SignOut(p.Context(), p.Signed.Session.Key); err != nil {
			return err
		}
	}
	p.Signed = nil
	http.SetCookie(p.w, expired(p.r, p.portal.userCookie))
	p.st.CSRF, p.dirty = randomToken(), true
	return nil
}

// writeHeaders writes the state cookie back when it changed, and keeps
// the pages out of caches (they show private data).
func (p *Page) writeHeaders() {
	p.answered = true
	if p.dirty {
		p.portal.state.write(p.w, p.r, p.st)
		p.dirty = false
	}
	p.w.Header().Set("Cache-Control", "no-store")
}

// run runs an action under its access rule and answers its error.
func (p *Page) run(acc access, a Action) {
	switch {
	case acc == private && p.Signed == nil:
		if safe(p.r.Method) {
			p.st.ReturnTo, p.dirty = p.r.URL.RequestURI(), true
		}
		_ = p.Redirect(p.portal.cfg.LoginPath)
		return
	case acc == guest && p.Signed != nil:
		_ = p.Redirect(p.portal.cfg.HomePath)
		return
	}
	defer func() {
		// A page's bug is a 500 page and a log line, not a dropped
		// connection.
		if v := recover(); v != nil {
			p.portal.cfg.Logger.Error("page action panicked", "path", p.r.URL.Path, "panic", v)
			if !p.answered {
				p.errorPage(http.StatusInternalServerError)
			}
		}
	}()
	err := a(p)
	if err == nil {
		if !p.answered {
			p.fail(errors.New("the action answered nothing"))
		}
		return
	}
	if p.answered {
		p.portal.cfg.Logger.Error("page action failed after answering", "path", p.r.URL.Path, "err", err)
		return
	}
	p.fail(err)
}

// fail answers an action's error with its error page.
func (p *Page) fail(err error) {
	var v *porta.ValidationError
	var te *porta.TransitionError
	switch {
	case errors.Is(err, porta.ErrNotFound):
		p.errorPage(http.StatusNotFound)
	case errors.Is(err, porta.ErrForbidden):
		p.errorPage(http.StatusForbidden)
	case errors.Is(err, ErrBadRequest):
		p.errorPage(http.StatusBadRequest)
	case errors.As(err, &te):
		// A refusal the page did not show beside a form.
		p.Flash(Error(te.Message()))
		p.errorPage(http.StatusUnprocessableEntity)
	case errors.As(err, &v):
		p.Flash(Error(v.Error()))
		p.errorPage(http.StatusUnprocessableEntity)
	default:
		p.portal.cfg.Logger.Error("page action failed", "portal", p.portal.cfg.Name, "method", p.r.Method,
			"path", p.r.URL.Path, "err", err)
		p.errorPage(http.StatusInternalServerError)
	}
}

// ErrorView is what the error page shows.
type ErrorView struct {
	Status  int
	Title   string
	Message string
}

var errorTexts = map[int][2]string{
	http.StatusBadRequest:            {"Bad Request", "The request could not be read."},
	http.StatusForbidden:             {"Forbidden", "You are not allowed to do this. If you sent a form, it was out of date or did not come from this portal: sign in and try again."},
	http.StatusNotFound:              {"Not Found", "The page you were looking for doesn't exist."},
	http.StatusMethodNotAllowed:      {"Method Not Allowed", "This page does not answer that request."},
	http.StatusRequestEntityTooLarge: {"Request Entity Too Large", "The form sent was too large."},
	http.StatusUnprocessableEntity:   {"Unprocessable Entity", "The change you wanted was rejected."},
	http.StatusInternalServerError:   {"Internal Server Error", "Something went wrong on our side; the sandbox's log says what."},
}

// errorPage answers status with the portal's error page (plain text if
// even that fails).
func (p *Page) errorPage(status int) {
	t := errorTexts[status]
	body, err := p.portal.views.render("error", p.View(ErrorView{Status: status, Title: t[0], Message: t[1]}))
	p.st.Flash, p.dirty = nil, p.dirty || len(p.flashIn) > 0
	p.writeHeaders()
	if err != nil {
		p.portal.cfg.Logger.Error("error page", "err", err)
		http.Error(p.w, t[0], status)
		return
	}
	p.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	p.w.WriteHeader(status)
	_, _ = p.w.Write(body)
}
