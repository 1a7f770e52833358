package mgmt

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"strconv"
)

// The journal keeps a decision as its JSON (journal.Trail): written here
// field by field, byte for byte as encoding/json writes a Decision
// (without HTML escaping), without its reflection and allocations.

// AppendJSON appends d as json.Marshal writes it, <, > and & unescaped.
func (d *Decision) AppendJSON(b []byte) []byte {
	if d == nil {
		return append(b, "null"...)
	}
	b = append(b, `{"endpoint":`...)
	b = appendString(b, d.Endpoint)
	b = optString(b, "credentials", d.Credentials)
	if p := d.Provider; p != nil {
		b = append(b, `,"provider":{"id":`...)
		b = strconv.AppendInt(b, p.ID, 10)
		b = field(b, "name", p.Name)
		b = append(b, '}')
	}
	if s := d.Service; s != nil {
		b = append(b, `,"service":{"id":`...)
		b = appendString(b, s.ID)
		b = field(b, "system_name", s.SystemName)
		b = field(b, "backend_version", s.BackendVersion)
		b = append(b, '}')
	}
	if a := d.Application; a != nil {
		b = append(b, `,"application":`...)
		b = a.appendJSON(b)
	}
	if len(d.Validators) > 0 {
		b = append(b, `,"validators":[`...)
		for i, c := range d.Validators {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			b = appendString(b, c.Name)
			b = append(b, `,"passed":`...)
			b = strconv.AppendBool(b, c.Passed)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = optString(b, "validator", d.Validator)
	if e := d.Exceeded; e != nil {
		b = append(b, `,"exceeded_limit":{"metric":`...)
		b = appendString(b, e.Metric)
		b = field(b, "period", e.Period)
		b = field(b, "current", e.Current)
		b = field(b, "requested", e.Requested)
		b = append(b, `,"max":`...)
		b = strconv.AppendInt(b, e.Max, 10)
		b = append(b, '}')
	}
	if len(d.Usage) > 0 {
		b = append(b, `,"usage":`...)
		b = appendApplied(b, d.Usage)
	}
	if len(d.Transactions) > 0 {
		b = append(b, `,"transactions":[`...)
		for i := range d.Transactions {
			t := &d.Transactions[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"application":`...)
			b = t.Application.appendJSON(b)
			b = field(b, "timestamp", t.Timestamp)
			b = append(b, `,"usage":`...)
			b = appendApplied(b, t.Usage)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if d.TransactionsOmitted != 0 {
		b = append(b, `,"transactions_omitted":`...)
		b = strconv.AppendInt(b, int64(d.TransactionsOmitted), 10)
	}
	if d.Authorized != nil {
		b = append(b, `,"authorized":`...)
		b = strconv.AppendBool(b, *d.Authorized)
	}
	if d.Stored != nil {
		b = append(b, `,"stored":`...)
		b = strconv.AppendBool(b, *d.Stored)
	}
	b = optString(b, "error", d.Code)
	b = optString(b, "message", d.Message)
	return append(b, '}')
}

// AppendApps appends the app_id and user_key of every application d
// resolved, each after its length (journal.Trail): the journal's app_id
// filter.
func (d *Decision) AppendApps(b []byte) []byte {
	if d == nil {
		return b
	}
	add := func(b []byte, a *DecidedApp) []byte {
		for _, id := range [...]string{a.AppID, a.userKey} {
			if id != "" {
				b = binary.AppendUvarint(b, uint64(len(id)))
				b = append(b, id...)
			}
		}
		return b
	}
	if d.Application != nil {
		b = add(b, d.Application)
	}
	for i := range d.Transactions {
		if i == 0 || d.Transactions[i].Application.ID != d.Transactions[i-1].Application.ID {
			b = add(b, &d.Transactions[i].Application)
		}
	}
	for i := range d.omittedApps {
		b = add(b, &d.omittedApps[i])
	}
	return b
}

func (a *DecidedApp) appendJSON(b []byte) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, a.ID, 10)
	b = field(b, "app_id", a.AppID)
	b = field(b, "name", a.Name)
	b = field(b, "plan", a.Plan)
	b = field(b, "state", a.State)
	return append(b, '}')
}

// appendApplied writes a list of usages; nil is null, as encoding/json
// writes a nil slice.
func appendApplied(b []byte, u []Applied) []byte {
	if u == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, a := range u {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"metric":`...)
		b = appendString(b, a.Metric)
		b = field(b, "value", a.Value)
		b = append(b, '}')
	}
	return append(b, ']')
}

// field writes ,"name":"value".
func field(b []byte, name, value string) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return appendString(b, value)
}

// optString is field for an omitempty string.
func optString(b []byte, name, value string) []byte {
	if value == "" {
		return b
	}
	return field(b, name, value)
}

// appendString writes s as encoding/json does without HTML escaping:
// printable ASCII other than the quote and the backslash as it is,
// anything else through encoding/json (which writes invalid UTF-8 as
// \ufffd).
func appendString(b []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s) && plain; i++ {
		plain = s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"' && s[i] != '\\'
	}
	if plain {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return append(b, bytes.TrimSuffix(out.Bytes(), []byte("\n"))...)
}
