package api

import (
	"github.com/threescale-sandbox/threescale-sandbox/portal/jsonrep"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
)

func jsonObject(key string, value any) []byte {
	return jsonrep.Object{{Key: key, Value: value}}.Bytes()
}

// jsonErrors is the responders gem's {"errors": {"attr": ["message"]}}:
// ActiveModel::Errors#as_json, attributes in the order of their first
// error.
func jsonErrors(ps []porta.Problem) []byte {
	var errs jsonrep.Object
	index := map[string]int{}
	for _, p := range ps {
		i, seen := index[p.Field]
		if !seen {
			i = len(errs)
			index[p.Field] = i
			errs = append(errs, jsonrep.Field{Key: p.Field, Value: []string{}})
		}
		errs[i].Value = append(errs[i].Value.([]string), p.Message)
	}
	return jsonObject("errors", errs)
}
