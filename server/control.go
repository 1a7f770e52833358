package server

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// The sandbox's control API, under /_sandbox: JSON in and out, described
// in its own OpenAPI document (/_sandbox/openapi.yaml). Every refusal is a
// 4xx whose JSON names what was wrong: {"error": "...", "field": "..."}.

// controlToken requires "Authorization: Bearer TOKEN" on every /_sandbox
// route; the other routes are the APIs', with credentials of their own.
func controlToken(token string, next http.Handler) http.Handler {
	want := []byte("Bearer " + token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !under(r.URL.Path, "/_sandbox") {
			next.ServeHTTP(w, r)
			return
		}
		got := r.Header.Get("Authorization")
		if subtle.ConstantTimeCompare([]byte(got), want) == 1 {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="threescale-sandbox control API"`)
		msg := "this sandbox's control API requires Authorization: Bearer TOKEN, with the token of --control-token"
		if got != "" {
			msg = "wrong control token in Authorization: want Bearer and the token of --control-token"
		}
		writeControlJSON(w, http.StatusUnauthorized, &refusal{Message: msg, Field: "Authorization"})
	})
}

// maxControlBody bounds a control request's JSON body.
const maxControlBody = 1 << 20

// refusal is a control request's 4xx: its status, the message and the
// field (or parameter) it is about.
type refusal struct {
	Status  int    `json:"-"`
	Message string `json:"error"`
	Field   string `json:"field,omitempty"`
}

func (r *refusal) Error() string { return r.Message }

func refuse(status int, field, format string, args ...any) *refusal {
	return &refusal{Status: status, Field: field, Message: fmt.Sprintf(format, args...)}
}

// badRequest is the common refusal: 400 about a field.
func badRequest(field, format string, args ...any) *refusal {
	return refuse(http.StatusBadRequest, field, format, args...)
}

// replyJSON writes v as the JSON answer, never cached.
func replyJSON(c echo.Context, status int, v any) error {
	return writeControlJSON(c.Response(), status, v)
}

// writeControlJSON is replyJSON on a plain response writer.
func writeControlJSON(w http.ResponseWriter, status int, v any) error {
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false) // bodies and paths stay readable
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("encode %T: %w", v, err)
	}
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(body.Bytes())
	return err
}

// control adapts a control handler: a *refusal it returns is answered as
// such, any other error goes to the server's error handler.
func control(fn func(c echo.Context) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		err := fn(c)
		var r *refusal
		if errors.As(err, &r) {
			return replyJSON(c, r.Status, r)
		}
		return err
	}
}

// readJSON decodes the request's JSON body into v, strictly: malformed
// JSON, a field v does not have, a value of the wrong type and trailing
// data are refused, naming the field. An empty body leaves v as it is,
// unless the body is required.
func readJSON(c echo.Context, v any, required bool) error {
	raw, err := io.ReadAll(io.LimitReader(c.Request().Body, maxControlBody+1))
	if err != nil {
		return badRequest("", "the request body could not be read: %v", err)
	}
	if len(raw) > maxControlBody {
		return refuse(http.StatusRequestEntityTooLarge, "", "the request body is over %d bytes", maxControlBody)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		if required {
			return badRequest("", "a JSON body is required (%s)", fieldList(v))
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonRefusal(err, raw, v)
	}
	if dec.More() {
		return badRequest("", "malformed JSON: more than one value in the body")
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("", "malformed JSON: data after the value")
	}
	return nil
}

// jsonRefusal says what encoding/json refused, naming the field.
func jsonRefusal(err error, raw []byte, v any) *refusal {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return badRequest("", "malformed JSON at byte %d: %s", syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "malformed JSON: the body ends in the middle of a value")
	case errors.As(err, &typ):
		if typ.Field == "" {
			return badRequest("", "the body must be a JSON %s, not %s", jsonKind(typ.Type), typ.Value)
		}
		return badRequest(typ.Field, "%s: want %s, not %s", typ.Field, jsonKind(typ.Type), typ.Value)
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, `json: unknown field "`); ok {
		name = strings.TrimSuffix(name, `"`)
		return badRequest(name, "unknown field %q (%s)", name, fieldList(v))
	}
	return badRequest("", "%s", strings.TrimPrefix(msg, "json: "))
}

// jsonKind names the JSON a Go type reads.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Pointer:
		return jsonKind(t.Elem())
	}
	return t.String()
}

// fieldList names the fields of the struct v points to, for refusals.
func fieldList(v any) string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return "want " + jsonKind(t)
	}
	var names []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return "fields: " + strings.Join(names, ", ")
}
