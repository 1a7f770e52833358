package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/threescale-sandbox/threescale-sandbox/portal/api"
	"github.com/threescale-sandbox/threescale-sandbox/portal/params"
	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
)

// am adapts an Account Management API endpoint to echo: the format comes
// from the path's extension (XML without one, as porta's routes default),
// and the parameters are the query and the body (a form, or JSON) merged,
// the body winning, as Rails merges them.
func am(h api.Handler) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		call := &api.Call{Method: r.Method, Format: "xml", Path: map[string]string{}}
		last := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
		ext := ""
		for _, e := range []string{".json", ".xml"} {
			if strings.HasSuffix(last, e) {
				call.Format, ext = e[1:], e
			}
		}
		names, values := c.ParamNames(), c.ParamValues()
		for i, n := range names {
			v := values[i]
			if u, err := url.PathUnescape(v); err == nil {
				v = u
			}
			// The extension belongs to the route's last segment only.
			if strings.HasSuffix(c.Path(), ":"+n) {
				v = strings.TrimSuffix(v, ext)
			}
			call.Path[n] = v
		}
		call.BasicUser, call.BasicPass, _ = r.BasicAuth()
		ps, err := amParams(r)
		if err != nil {
			return writeReply(c, &api.Reply{Status: http.StatusBadRequest, ContentType: "text/plain; charset=utf-8",
				Body: []byte("Invalid request parameters: " + err.Error())})
		}
		call.Params = params.Of(ps)
		return writeReply(c, h(r.Context(), call))
	}
}

func amParams(r *http.Request) (*rackquery.Hash, error) {
	q, err := rackquery.Parse(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if len(body) > maxBody {
		return nil, fmt.Errorf("body over %d bytes", maxBody)
	}
	var form *rackquery.Hash
	switch mt := rackquery.MediaType(r.Header.Get("Content-Type")); {
	case mt == "application/json":
		if len(bytes.TrimSpace(body)) > 0 {
			if form, err = jsonParams(body); err != nil {
				return nil, err
			}
		}
	case mt == rackquery.FormURLEncoded || mt == rackquery.FormMultipart || (mt == "" && len(body) > 0):
		if form, err = rackquery.ParseForm(body, r.Header.Get("Content-Type")); err != nil {
			return nil, err
		}
	}
	if form != nil {
		rackquery.Merge(q, form)
	}
	return q, nil
}

// jsonParams reads a JSON object body as Rails' params: scalars become
// their text, objects hashes, arrays arrays.
func jsonParams(body []byte) (*rackquery.Hash, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("invalid JSON: the body must be an object")
	}
	return jsonValue(obj).(*rackquery.Hash), nil
}

func jsonValue(v any) rackquery.Value {
	switch v := v.(type) {
	case map[string]any:
		h := rackquery.NewHash()
		for k, e := range v {
			h.Set(k, jsonValue(e))
		}
		return h
	case []any:
		a := make(rackquery.Array, len(v))
		for i, e := range v {
			a[i] = jsonValue(e)
		}
		return a
	case nil:
		return rackquery.Nil{}
	case string:
		return rackquery.String(v)
	default:
		return rackquery.String(fmt.Sprint(v))
	}
}

func writeReply(c echo.Context, rep *api.Reply) error {
	w := c.Response()
	if rep.ContentType != "" {
		w.Header().Set("Content-Type", rep.ContentType)
	}
	w.WriteHeader(rep.Status)
	if len(rep.Body) > 0 {
		_, err := w.Write(rep.Body)
		return err
	}
	return nil
}
