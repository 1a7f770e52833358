package api

import (
	"bytes"
	"encoding/json"

	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
)

// porta's JSON comes from Roar representers, whose keys keep their
// declaration order; an ordered object keeps it here.
type jsonField struct {
	key   string
	value any
}

type orderedJSON []jsonField

func (o orderedJSON) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshal(f.key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := marshal(f.value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// marshal is json.Marshal without HTML escaping, as Ruby's JSON writes.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

// mustJSON marshals values the sandbox builds itself, which always marshal.
func mustJSON(v any) []byte {
	b, err := marshal(v)
	if err != nil {
		panic("portal: " + err.Error())
	}
	return b
}

func jsonObject(key string, value any) []byte {
	return mustJSON(orderedJSON{{key, value}})
}

// jsonErrors is the responders gem's {"errors": {"attr": ["message"]}}.
func jsonErrors(ps []porta.Problem) []byte {
	var errs orderedJSON
	index := map[string]int{}
	for _, p := range ps {
		i, seen := index[p.Field]
		if !seen {
			i = len(errs)
			index[p.Field] = i
			errs = append(errs, jsonField{p.Field, []string{}})
		}
		errs[i].value = append(errs[i].value.([]string), p.Message)
	}
	return mustJSON(orderedJSON{{"errors", errs}})
}
