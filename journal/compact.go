package journal

import (
	"encoding/binary"
	"encoding/json"
	"time"
)

// A Trail is a face's record of how it decided (the Service Management
// API's *mgmt.Decision). The journal keeps it as its JSON, and the
// applications it resolved for the app_id filter: a kept entry holds no
// pointers, so that ten thousand of them cost the garbage collector
// nothing to scan.
type Trail interface {
	// AppendJSON appends the trail as encoding/json writes it (with
	// <, > and & left as they are).
	AppendJSON(b []byte) []byte
	// AppendApps appends the app_id and user_key of every application
	// the trail resolved, each after its length as a uvarint
	// (binary.AppendUvarint).
	AppendApps(b []byte) []byte
}

// releaser is a trail that can be reused once the journal has copied it
// (mgmt's Decision, taken from a pool).
type releaser interface{ Release() }

// appendString appends s after its length, as a Trail's AppendApps does.
func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// slot is one kept entry: its numbers, and its strings and bytes in data.
type slot struct {
	id       uint64
	sec      int64 // the time, in Unix seconds
	nsec     int32
	zone     int32 // the time's offset from UTC, in seconds
	status   int32
	duration time.Duration
	bodySize int64
	data     []byte // see appendEntry
}

// appendEntry writes what an entry holds beyond its numbers: each string
// or byte slice with its length before it (a slice's length plus one, 0
// for nil, so that nil and empty stay apart), the decision as JSON, then
// the applications it resolved and the suggestions, each a count and
// strings.
func appendEntry(b []byte, e *Entry) []byte {
	for _, s := range [...]string{e.Face, e.Method, e.Path, e.Query, e.ContentType, e.Options, e.UserAgent,
		e.Code, e.Message, e.Fault} {
		b = appendString(b, s)
	}
	b = appendBytes(b, e.Body)
	b = appendBytes(b, e.Response)
	b = appendDecision(b, e)
	b = appendStrings(b, e.Suggestions)
	return b
}

func appendBytes(b, v []byte) []byte {
	if v == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(v))+1)
	return append(b, v...)
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, 0)
	}
	b = binary.AppendUvarint(b, uint64(len(ss))+1)
	for _, s := range ss {
		b = appendString(b, s)
	}
	return b
}

// appendDecision writes the decision as JSON (a slice, nil for none) and
// the applications it resolved (a length-prefixed run of appendString).
func appendDecision(b []byte, e *Entry) []byte {
	var apps []byte
	switch d := e.Decision.(type) {
	case nil:
		b = append(b, 0)
	case Trail:
		b = appendPrefixed(b, d.AppendJSON)
		return appendPrefixed(b, d.AppendApps)
	case json.RawMessage: // an entry read back from the journal
		b = appendBytes(b, d)
		apps = e.apps
	default: // a bundle's, read back from JSON
		j, err := json.Marshal(d)
		if err != nil {
			j = []byte("null")
		}
		b = appendBytes(b, j)
	}
	return appendBytes(b, apps)
}

// appendPrefixed appends what write appends, as appendBytes would (never
// nil): its length is reserved before it and filled in after.
func appendPrefixed(b []byte, write func([]byte) []byte) []byte {
	const room = binary.MaxVarintLen32
	at := len(b)
	b = append(b, make([]byte, room)...)
	b = write(b)
	n := len(b) - at - room
	var prefix [binary.MaxVarintLen64]byte
	p := binary.PutUvarint(prefix[:], uint64(n)+1)
	// Move the body up against its prefix.
	copy(b[at:], prefix[:p])
	copy(b[at+p:], b[at+room:])
	return b[:at+p+n]
}

// set keeps e in the slot, its strings and bytes written to data by
// appendEntry (the caller's buffer, reused by the next entry kept here).
func (s *slot) set(e *Entry, data []byte) {
	_, zone := e.Time.Zone()
	*s = slot{id: e.ID, sec: e.Time.Unix(), nsec: int32(e.Time.Nanosecond()), zone: int32(zone),
		status: int32(e.Status), duration: e.Duration, bodySize: e.BodySize, data: data}
}

// entry decodes the slot into a new Entry.
func (s *slot) entry() *Entry {
	e := &Entry{ID: s.id, Status: int(s.status), Duration: s.duration, BodySize: s.bodySize}
	e.Time = time.Unix(s.sec, int64(s.nsec)).UTC()
	if s.zone != 0 {
		e.Time = e.Time.In(time.FixedZone("", int(s.zone)))
	}
	r := reader{b: s.data}
	for _, f := range [...]*string{&e.Face, &e.Method, &e.Path, &e.Query, &e.ContentType, &e.Options, &e.UserAgent,
		&e.Code, &e.Message, &e.Fault} {
		*f = r.string()
	}
	e.Body = r.bytes()
	e.Response = r.bytes()
	if d := r.bytes(); d != nil {
		e.Decision = json.RawMessage(d)
	}
	if apps := r.bytes(); len(apps) > 0 {
		e.apps = apps
	}
	if n := r.uvarint(); n > 0 {
		e.Suggestions = make([]string, n-1)
		for i := range e.Suggestions {
			e.Suggestions[i] = r.string()
		}
	}
	return e
}

// reader reads what appendEntry wrote; the journal wrote it, so it is
// well formed.
type reader struct{ b []byte }

func (r *reader) uvarint() uint64 {
	n, k := binary.Uvarint(r.b)
	r.b = r.b[k:]
	return n
}

func (r *reader) string() string {
	n := r.uvarint()
	s := string(r.b[:n])
	r.b = r.b[n:]
	return s
}

// bytes returns a copy of a slice written by appendBytes.
func (r *reader) bytes() []byte {
	n := r.uvarint()
	if n == 0 {
		return nil
	}
	v := append([]byte{}, r.b[:n-1]...)
	r.b = r.b[n-1:]
	return v
}

// mentions reports whether apps, as AppendApps writes them, holds id.
func mentions(apps []byte, id string) bool {
	r := reader{b: apps}
	for len(r.b) > 0 {
		n := r.uvarint()
		if string(r.b[:n]) == id {
			return true
		}
		r.b = r.b[n:]
	}
	return false
}
