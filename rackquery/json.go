package rackquery

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ParseJSON reads a JSON body as Rails reads one into params (not Rack:
// ActionDispatch's JSON parameter parser), in the shape of Rack's
// parameters and in the body's order: scalars become their text, objects
// hashes, arrays arrays, null nil; a body that is not an object is
// params[:_json].
func ParseJSON(body []byte) (*Hash, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	v, err := jsonValue(dec, 0)
	if err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("invalid JSON: more than one value")
	}
	if h, ok := v.(*Hash); ok {
		return h, nil
	}
	h := NewHash()
	h.Set("_json", v)
	return h, nil
}

// maxJSONDepth bounds the nesting of a JSON body, as Ruby's JSON parser
// bounds it (max_nesting 100).
const maxJSONDepth = 100

func jsonValue(dec *json.Decoder, depth int) (Value, error) {
	if depth > maxJSONDepth {
		return nil, errors.New("nesting too deep")
	}
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			return nil, io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if t == '[' {
			a := Array{}
			for dec.More() {
				e, err := jsonValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				a = append(a, e)
			}
			_, err := dec.Token()
			return a, err
		}
		h := NewHash()
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			e, err := jsonValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			h.Set(k.(string), e)
		}
		_, err := dec.Token()
		return h, err
	case nil:
		return Nil{}, nil
	case string:
		return String(t), nil
	default:
		return String(fmt.Sprint(t)), nil
	}
}

// AppendJSON appends v to dst as JSON, hashes in their order: strings as
// JSON strings (invalid UTF-8 replaced by U+FFFD), nil as null. It leaves
// <, > and & as they are; an encoder that embeds the result escapes them
// or not, as it does its own strings.
func AppendJSON(dst []byte, v Value) []byte {
	switch v := v.(type) {
	case String:
		return appendJSONString(dst, string(v))
	case *Hash:
		dst = append(dst, '{')
		for i, k := range v.keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = appendJSONString(dst, k)
			dst = append(dst, ':')
			dst = AppendJSON(dst, v.vals[i])
		}
		return append(dst, '}')
	case Array:
		dst = append(dst, '[')
		for i, e := range v {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJSON(dst, e)
		}
		return append(dst, ']')
	}
	return append(dst, "null"...)
}

func appendJSONString(dst []byte, s string) []byte {
	// Printable ASCII other than the quote and the backslash is written
	// as it is; anything else goes to encoding/json.
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		plain = s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\'
	}
	if plain {
		dst = append(dst, '"')
		dst = append(dst, s...)
		return append(dst, '"')
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(strings.ToValidUTF8(s, "\uFFFD")) // a valid string always encodes
	return append(dst, bytes.TrimSuffix(b.Bytes(), []byte("\n"))...)
}
