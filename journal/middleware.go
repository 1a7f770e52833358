package journal

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
)

// Options configure the middleware of one listener.
type Options struct {
	// Journal keeps the entries; nil or of size 0, none are kept (the log
	// line is still written).
	Journal *Journal
	// Clock is the sandbox clock: the entry's time and the Date header.
	Clock  clock.Clock
	Logger *slog.Logger
	// Face names the face a path belongs to; "" for paths neither recorded
	// nor logged at info (the control API's own).
	Face func(path string) string
}

// Middleware returns the wrapper every listener puts around its handler:
// it sets the Date header on the sandbox clock (net/http would write the
// real time), records the request in the journal and logs one line for it
// at info (with the decision trail at debug). A face adds what only it
// knows (the error code, the decision, the suggestions of a 404) through
// For.
func Middleware(o Options) func(http.Handler) http.Handler {
	m := &middleware{o: o}
	m.date.Store(&dateCache{})
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { m.serve(next, w, r) })
	}
}

type middleware struct {
	o    Options
	date atomic.Pointer[dateCache]
}

// dateCache is the Date header of one second of the sandbox clock.
type dateCache struct {
	sec   int64
	value []string // shared by every response of that second: never modified
}

func (m *middleware) dateHeader(now time.Time) []string {
	sec := now.Unix()
	if d := m.date.Load(); d.value != nil && d.sec == sec {
		return d.value
	}
	d := &dateCache{sec: sec, value: []string{now.UTC().Format(http.TimeFormat)}}
	m.date.Store(d)
	return d.value
}

func (m *middleware) serve(next http.Handler, w http.ResponseWriter, r *http.Request) {
	now := m.o.Clock.Now()
	w.Header()["Date"] = m.dateHeader(now)
	face := ""
	if m.o.Face != nil {
		face = m.o.Face(r.URL.Path)
	}
	if face != "" && !m.o.Journal.On() && !m.o.Logger.Enabled(r.Context(), slog.LevelInfo) {
		next.ServeHTTP(w, r) // neither recorded nor logged
		return
	}
	if face == "" {
		start := time.Now()
		rec := &recorder{w: w}
		next.ServeHTTP(rec, r)
		if m.o.Logger.Enabled(r.Context(), slog.LevelDebug) {
			m.o.Logger.LogAttrs(r.Context(), slog.LevelDebug, "request", slog.String("method", r.Method),
				slog.String("path", r.URL.Path), slog.Int("status", rec.Status), slog.Duration("duration", time.Since(start)))
		}
		return
	}
	rec := recorders.Get().(*recorder) // not handed back if next panics
	rec.w = w
	e := &rec.Entry
	e.Time, e.Face, e.Method, e.Path, e.Query = now, face, r.Method, r.URL.Path, r.URL.RawQuery
	e.ContentType, e.UserAgent = r.Header.Get("Content-Type"), r.Header.Get("User-Agent")
	if opts, ok := r.Header["3scale-Options"]; ok {
		e.Options = strings.Join(opts, ",")
	}
	if r.Body != nil && r.Body != http.NoBody {
		rec.body = bodyCapture{rc: r.Body, e: e}
		r.Body = &rec.body
	}
	start := time.Now()
	next.ServeHTTP(rec, r)
	e.Duration = time.Since(start)
	// The buffers of a reused recorder are empty, not nil: an entry
	// without a body has none (nil), as it always had.
	body, resp := e.Body, e.Response
	if len(body) == 0 {
		e.Body = nil
	}
	if len(resp) == 0 {
		e.Response = nil
	}
	data := m.o.Journal.record(e, rec.data)
	m.log(r.Context(), e)
	if d, ok := e.Decision.(releaser); ok {
		d.Release() // copied into the journal's buffer and the log line
	}
	*rec = recorder{Entry: Entry{Body: body[:0], Response: resp[:0]}, data: data}
	recorders.Put(rec)
}

// log writes the request's line: at info, at error for a 5xx, with the
// decision trail at debug.
func (m *middleware) log(ctx context.Context, e *Entry) {
	level := slog.LevelInfo
	if e.Status >= 500 {
		level = slog.LevelError
	}
	debug := m.o.Logger.Enabled(ctx, slog.LevelDebug)
	if !debug && !m.o.Logger.Enabled(ctx, level) {
		return
	}
	attrs := make([]slog.Attr, 0, 9)
	attrs = append(attrs, slog.String("method", e.Method), slog.String("path", e.Path), slog.Int("status", e.Status),
		slog.Duration("duration", e.Duration))
	if e.Code != "" {
		attrs = append(attrs, slog.String("error", e.Code))
	}
	if len(e.Suggestions) > 0 {
		attrs = append(attrs, slog.String("did_you_mean", strings.Join(e.Suggestions, " or ")))
	}
	if e.Fault != "" {
		attrs = append(attrs, slog.String("fault", e.Fault))
	}
	if e.ID != 0 {
		attrs = append(attrs, slog.Uint64("journal_id", e.ID))
	}
	if debug && e.Decision != nil {
		attrs = append(attrs, slog.Any("decision", e.Decision))
	}
	m.o.Logger.LogAttrs(ctx, level, "request", attrs...)
}

// For returns the entry being recorded for the response w (or a writer
// wrapping it), so that a face can add to it; nil when nothing records.
func For(w http.ResponseWriter) *Entry {
	for w != nil {
		if rec, ok := w.(*recorder); ok {
			if rec.Face == "" {
				return nil
			}
			return &rec.Entry
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return nil
		}
		w = u.Unwrap()
	}
	return nil
}

// recorder is one request's entry and the writer that fills its answer.
// The journal keeps a copy of the entry, so recorders are reused, with
// their buffers: the start of the body and of the answer, and the one
// the journal keeps an entry's strings in.
type recorder struct {
	Entry
	w     http.ResponseWriter
	wrote bool
	body  bodyCapture
	data  []byte
}

var recorders = sync.Pool{New: func() any { return new(recorder) }}

func (r *recorder) Header() http.Header { return r.w.Header() }

func (r *recorder) WriteHeader(code int) {
	if !r.wrote && code >= 200 {
		r.Status, r.wrote = code, true
	}
	r.w.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if !r.wrote {
		r.Status, r.wrote = http.StatusOK, true
	}
	if r.Status >= 400 && r.Face != "" && len(r.Response) < MaxResponse {
		r.Response = append(r.Response, b[:min(len(b), MaxResponse-len(r.Response))]...)
	}
	return r.w.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (Flush, Hijack).
func (r *recorder) Unwrap() http.ResponseWriter { return r.w }

// Flush passes a flush on, for handlers that look for http.Flusher.
func (r *recorder) Flush() { _ = http.NewResponseController(r.w).Flush() }

// bodyCapture keeps the start of the request body as the handler reads it.
type bodyCapture struct {
	rc io.ReadCloser
	e  *Entry
}

func (b *bodyCapture) Read(p []byte) (int, error) {
	n, err := b.rc.Read(p)
	b.e.BodySize += int64(n)
	if room := MaxBody - len(b.e.Body); room > 0 && n > 0 {
		b.e.Body = append(b.e.Body, p[:min(n, room)]...)
	}
	return n, err
}

func (b *bodyCapture) Close() error { return b.rc.Close() }
