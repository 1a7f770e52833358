package rackquery

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// ParseJSON reads a JSON body as Rails reads one into params (not Rack:
// ActionDispatch's JSON parameter parser), in the shape of Rack's
// parameters: scalars become their text, objects hashes, arrays arrays,
// null nil; a body that is not an object is params[:_json].
func ParseJSON(body []byte) (*Hash, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return nil, fmt.Errorf("invalid JSON: more than one value")
	}
	if obj, ok := v.(map[string]any); ok {
		return jsonValue(obj).(*Hash), nil
	}
	h := NewHash()
	h.Set("_json", jsonValue(v))
	return h, nil
}

func jsonValue(v any) Value {
	switch v := v.(type) {
	case map[string]any:
		h := NewHash()
		for k, e := range v {
			h.Set(k, jsonValue(e))
		}
		return h
	case []any:
		a := make(Array, len(v))
		for i, e := range v {
			a[i] = jsonValue(e)
		}
		return a
	case nil:
		return Nil{}
	case string:
		return String(v)
	default:
		return String(fmt.Sprint(v))
	}
}
