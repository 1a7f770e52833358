package example

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// multipartBoundary is fixed, so that a request is the same bytes on every
// run.
const multipartBoundary = "threescale-contract-boundary"

// Build makes the HTTP request of the example against base (a URL without
// a trailing slash), with {{time}} taken from now. It returns the body too,
// for checks and reports.
func (r *Request) Build(base string, env *Env, now time.Time) (*http.Request, []byte, error) {
	target, err := r.expandTarget(env, now)
	if err != nil {
		return nil, nil, err
	}
	if len(r.Query) > 0 {
		q, err := encodeFields(r.Query, env, now)
		if err != nil {
			return nil, nil, err
		}
		if strings.Contains(target, "?") {
			target += "&" + q
		} else {
			target += "?" + q
		}
	}
	var body []byte
	contentType := ""
	switch {
	case len(r.Form) > 0:
		q, err := encodeFields(r.Form, env, now)
		if err != nil {
			return nil, nil, err
		}
		body, contentType = []byte(q), "application/x-www-form-urlencoded"
	case len(r.Multipart) > 0:
		var b bytes.Buffer
		w := multipart.NewWriter(&b)
		if err := w.SetBoundary(multipartBoundary); err != nil {
			return nil, nil, err
		}
		for _, p := range r.Multipart {
			v, err := p.Value.Expand(env, now, nil)
			if err != nil {
				return nil, nil, fmt.Errorf("multipart field %s: %w", p.Name, err)
			}
			if err := w.WriteField(p.Name, v); err != nil {
				return nil, nil, err
			}
		}
		if err := w.Close(); err != nil {
			return nil, nil, err
		}
		body, contentType = b.Bytes(), w.FormDataContentType()
	case r.Body != nil:
		v, err := r.Body.Expand(env, now, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("body: %w", err)
		}
		body = []byte(v)
	}
	var rd io.Reader
	if body != nil || r.Method == http.MethodPost || r.Method == http.MethodPut {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(r.Method, base+target, rd)
	if err != nil {
		return nil, nil, fmt.Errorf("request line: %w", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for _, h := range r.Header {
		v, err := h.Value.Expand(env, now, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("header %s: %w", h.Name, err)
		}
		if strings.EqualFold(h.Name, "Host") {
			req.Host = v
			continue
		}
		if strings.EqualFold(h.Name, "Content-Type") {
			req.Header.Del("Content-Type")
		}
		// As written: header names are case-insensitive, but a target is
		// entitled to see the bytes the example shows.
		req.Header[h.Name] = append(req.Header[h.Name], v)
	}
	return req, body, nil
}

// expandTarget fills the placeholders of the request line, escaped for the
// path before the first "?" and for the query after it.
func (r *Request) expandTarget(env *Env, now time.Time) (string, error) {
	var b strings.Builder
	inQuery := false
	for _, seg := range r.Target {
		if seg.kind == literal || seg.kind == repeated {
			v, _ := Template{seg}.Expand(env, now, nil)
			b.WriteString(v)
			inQuery = inQuery || strings.Contains(v, "?")
			continue
		}
		esc := url.PathEscape
		if inQuery {
			esc = url.QueryEscape
		}
		v, err := Template{seg}.Expand(env, now, esc)
		if err != nil {
			return "", fmt.Errorf("request line: %w", err)
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

// encodeFields writes name=value pairs in the order given (url.Values would
// sort them), each part escaped.
func encodeFields(ps []Param, env *Env, now time.Time) (string, error) {
	var b strings.Builder
	for i, p := range ps {
		v, err := p.Value.Expand(env, now, nil)
		if err != nil {
			return "", fmt.Errorf("field %s: %w", p.Name, err)
		}
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.Name) + "=" + url.QueryEscape(v))
	}
	return b.String(), nil
}

// Path is the request's path with variables filled in, for routing an
// example to its endpoint before it runs.
func (r *Request) Path(env *Env) string {
	target, err := r.expandTarget(env, time.Time{})
	if err != nil {
		target = r.Target.String()
	}
	path, _, _ := strings.Cut(target, "?")
	return path
}
