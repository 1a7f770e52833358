// Package journal records the requests a sandbox answers, for the control
// API's GET /_sandbox/requests: a bounded ring of entries, newest kept,
// each with what was asked (method, path, parameters), what was answered
// (status, error code or rejection reason, an error body's start) and, for
// the Service Management API, the decision trail its face attaches. Its
// middleware, which every listener wraps its handler in, also writes the
// per-request log line and the HTTP Date header, both on the sandbox clock.
package journal

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// Entry is one recorded request. The middleware fills it while the request
// runs (a face adds to it through For); once recorded it never changes.
type Entry struct {
	ID     uint64
	Time   time.Time // on the sandbox clock, when the request came in
	Face   string    // which API or portal answered it (the Faces)
	Method string
	Path   string
	Query  string // raw, as sent
	// ContentType, Options (the 3scale-options header) and UserAgent are
	// the request headers that change or explain an answer.
	ContentType string
	Options     string
	UserAgent   string
	// Body holds the first MaxBody bytes of the request body; BodySize
	// counts all of it.
	Body     []byte
	BodySize int64

	Status   int // 0: the connection was closed without an answer (a fault)
	Duration time.Duration
	// Code is the error code or rejection reason of the answer, Message
	// its text: set by the face.
	Code, Message string
	// Response holds the first MaxResponse bytes of an answer with a
	// status of 400 or more.
	Response []byte
	// Decision is the decision trail of authorize, authrep and report,
	// set by the Service Management face (a *mgmt.Decision).
	Decision any
	// Suggestions are the routes closest to a path no route serves.
	Suggestions []string
	// Fault describes the injected fault that changed the answer.
	Fault string

	// apps are the applications an entry read back from the journal
	// resolved (its Decision is then JSON), as Trail.AppendApps writes
	// them.
	apps []byte
}

// How much of a body an entry keeps.
const (
	MaxBody     = 4 << 10
	MaxResponse = 1 << 10
)

// The faces a request can be recorded under.
const (
	FaceServiceManagement = "service_management"
	FaceAccountManagement = "account_management"
	FaceAdminPortal       = "admin_portal"
	FaceDeveloperPortal   = "developer_portal"
)

// Journal is a bounded record of requests, oldest dropped first. It is
// safe for concurrent use. It keeps each entry in a compact form, its
// strings in one byte slice that the next entry kept in its place reuses,
// and makes an Entry of it again when it is read.
type Journal struct {
	mu sync.Mutex
	// ring[(start+i)%size] is the i-th oldest. It grows to size as
	// entries come (start is 0 until it is full): an idle sandbox keeps no
	// room for 10,000 requests it has not had.
	ring    []slot
	size    int
	start   int
	n       int
	lastID  uint64
	dropped uint64
}

// New returns a journal that keeps the last size requests; size 0 keeps
// none (Record is then a no-op).
func New(size int) *Journal { return &Journal{size: max(size, 0)} }

// Size is how many requests the journal keeps.
func (j *Journal) Size() int { return j.size }

// On reports whether the journal keeps anything.
func (j *Journal) On() bool { return j != nil && j.size > 0 }

// Record numbers e and keeps a copy of it, dropping the oldest entry when
// full; e may be reused afterwards.
func (j *Journal) Record(e *Entry) {
	j.record(e, nil)
}

// record is Record with a buffer for the entry's strings, which it
// returns: the one the slot it took held before, for the caller's next
// entry. Keeping an entry then costs no allocation once the buffers are
// as large as the entries.
func (j *Journal) record(e *Entry, buf []byte) []byte {
	if !j.On() {
		return buf
	}
	if buf == nil {
		buf = make([]byte, 0, 512) // most entries fit
	}
	data := appendEntry(buf[:0], e)
	j.mu.Lock()
	j.lastID++
	e.ID = j.lastID
	var s *slot
	switch {
	case j.n == j.size:
		s = &j.ring[j.start]
		j.start = (j.start + 1) % j.size
		j.dropped++
	case j.n == len(j.ring): // not full, so start is 0
		j.ring = append(j.ring, slot{})
		s = &j.ring[j.n]
		j.n++
	default:
		s = &j.ring[j.n]
		j.n++
	}
	old := s.data
	s.set(e, data)
	j.mu.Unlock()
	if cap(old) > 2*MaxBody+MaxResponse {
		old = nil // a rare big entry's buffer is not kept for small ones
	}
	return old
}

// Entries returns every kept entry, oldest first.
func (j *Journal) Entries() []*Entry {
	if !j.On() {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	out := make([]*Entry, j.n)
	for i := range j.n {
		out[i] = j.ring[(j.start+i)%j.size].entry()
	}
	return out
}

// Stats returns how many entries are kept and how many were dropped to
// make room since the last Clear.
func (j *Journal) Stats() (kept int, dropped uint64) {
	if !j.On() {
		return 0, 0
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.n, j.dropped
}

// Get returns the entry numbered id, if it is still kept.
func (j *Journal) Get(id uint64) *Entry {
	if !j.On() {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.n == 0 {
		return nil
	}
	oldest := j.ring[j.start].id
	if id < oldest || id > j.lastID {
		return nil
	}
	return j.ring[(j.start+int(id-oldest))%j.size].entry()
}

// Clear forgets every entry; numbering goes on.
func (j *Journal) Clear() {
	if !j.On() {
		return
	}
	j.mu.Lock()
	j.ring = nil
	j.start, j.n, j.dropped = 0, 0, 0
	j.mu.Unlock()
}

// Replace keeps entries (oldest first, numbered) instead of the current
// ones, the last Size of them: a repro bundle's journal. Numbering goes on
// after the last of them.
func (j *Journal) Replace(entries []*Entry) {
	if !j.On() {
		return
	}
	entries = slices.Clone(entries)
	slices.SortFunc(entries, func(a, b *Entry) int { return compareID(a.ID, b.ID) })
	if len(entries) > j.size {
		entries = entries[len(entries)-j.size:]
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.ring = make([]slot, len(entries))
	j.start, j.n, j.dropped = 0, len(entries), 0
	// Ids must stay consecutive for Get: renumber from the first.
	for i, e := range entries {
		if i > 0 {
			e.ID = entries[i-1].ID + 1
		}
		j.lastID = e.ID
		j.ring[i].set(e, appendEntry(nil, e))
	}
}

func compareID(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Filter selects entries; zero fields select everything.
type Filter struct {
	// Path is an exact path, or a prefix when it ends in *.
	Path   string
	Method string
	// Status is an exact status, or a class (4 for 4xx) when StatusClass.
	Status      int
	StatusClass bool
	// AppID matches the app_id (or user_key) a request sent or resolved.
	AppID string
	Since time.Time // entries at or after, on the sandbox clock
	Limit int       // at most this many, newest first; 0: all
}

func (f *Filter) match(e *Entry) bool {
	if f.Path != "" {
		if prefix, ok := strings.CutSuffix(f.Path, "*"); ok {
			if !strings.HasPrefix(e.Path, prefix) {
				return false
			}
		} else if e.Path != f.Path {
			return false
		}
	}
	if f.Method != "" && !strings.EqualFold(e.Method, f.Method) {
		return false
	}
	if f.Status != 0 {
		if f.StatusClass && e.Status/100 != f.Status {
			return false
		}
		if !f.StatusClass && e.Status != f.Status {
			return false
		}
	}
	if !f.Since.IsZero() && e.Time.Before(f.Since) {
		return false
	}
	if f.AppID != "" && !e.mentionsApp(f.AppID) {
		return false
	}
	return true
}

// List returns the entries f selects, newest first.
func (j *Journal) List(f Filter) []*Entry {
	all := j.Entries()
	var out []*Entry
	for i := len(all) - 1; i >= 0; i-- {
		if f.match(all[i]) {
			out = append(out, all[i])
			if f.Limit > 0 && len(out) == f.Limit {
				break
			}
		}
	}
	return out
}
