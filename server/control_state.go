package server

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Reset and snapshots: POST /_sandbox/reset puts back the state the
// fixtures describe; POST /_sandbox/snapshots saves the whole state under
// a name, POST /_sandbox/snapshots/:name/restore brings it back, GET lists
// them and DELETE removes one. In memory they are kept in memory; with
// --db, as database files beside it (DB.snapshots/NAME.db), which survive
// restarts.

type resetReply struct {
	TookMS float64 `json:"took_ms"`
}

// reset is POST /_sandbox/reset: the fixtures' state (model, counters,
// webhook outbox, messages, error logs, worlds) and an empty journal. The
// clock and the faults are the test's settings: they stay.
func (h *handlers) reset(c echo.Context) error {
	start := time.Now()
	baseline, err := h.fixtureState(c.Request().Context())
	if err != nil {
		return err
	}
	if baseline == nil {
		return refuse(http.StatusConflict, "", "this sandbox has no fixture state to reset to")
	}
	if err := h.store.Import(c.Request().Context(), baseline); err != nil {
		return fmt.Errorf("reset: %w", err)
	}
	h.journal.Clear()
	return replyJSON(c, http.StatusOK, resetReply{TookMS: ms(time.Since(start))})
}

// fixtureState is the state a reset puts back: Options.Baseline, or what
// Options.LoadBaseline gives at this use; nil when the sandbox has none.
func (h *handlers) fixtureState(ctx context.Context) (*store.State, error) {
	if h.baseline != nil || h.loadBaseline == nil {
		return h.baseline, nil
	}
	st, err := h.loadBaseline(ctx)
	if err != nil {
		return nil, fmt.Errorf("the fixtures' state: %w", err)
	}
	return st, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// snapshotNameRE is what a snapshot may be called: a file name anywhere.
var snapshotNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// snapshot is a saved state's description.
type snapshot struct {
	Name string `json:"name"`
	// Size is the state's size in bytes: its database and counters.
	Size int64 `json:"size"`
	// CreatedAt is the real time it was taken, Clock the sandbox's.
	CreatedAt string `json:"created_at"`
	Clock     string `json:"clock"`
	// taken orders snapshots taken in the same millisecond (UnixNano).
	taken int64
}

// snapshotMeta is what a snapshot's .json file beside its database holds.
type snapshotMeta struct {
	snapshot
	Taken int64 `json:"taken_ns"`
}

// snapshots keeps named states: in memory, or in a folder of files.
type snapshots struct {
	mu  sync.Mutex
	dir string // "" in memory
	mem map[string]memorySnapshot
}

type memorySnapshot struct {
	about snapshot
	state *store.State
}

func newSnapshots(dir string) *snapshots {
	return &snapshots{dir: dir, mem: map[string]memorySnapshot{}}
}

func (s *snapshots) path(name string) string { return filepath.Join(s.dir, name+".db") }

func (s *snapshots) save(ctx context.Context, about snapshot, st *store.State, now time.Time) (snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dir == "" {
		about.Size = stateSize(st)
		s.mem[about.Name] = memorySnapshot{about, st}
		return about, nil
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		return about, fmt.Errorf("snapshots: %w", err)
	}
	if err := store.SaveState(ctx, st, s.path(about.Name), now); err != nil {
		return about, fmt.Errorf("snapshot %s: %w", about.Name, err)
	}
	meta, _ := json.Marshal(snapshotMeta{about, about.taken}) // strings and a number
	if err := os.WriteFile(filepath.Join(s.dir, about.Name+".json"), meta, 0o644); err != nil {
		return about, fmt.Errorf("snapshot %s: %w", about.Name, err)
	}
	fi, err := os.Stat(s.path(about.Name))
	if err != nil {
		return about, fmt.Errorf("snapshot %s: %w", about.Name, err)
	}
	about.Size = fi.Size()
	return about, nil
}

func stateSize(st *store.State) int64 { return int64(len(st.DB) + 40*len(st.Usage)) }

// errNoSnapshot is the lookup of an unknown name.
var errNoSnapshot = errors.New("no such snapshot")

func (s *snapshots) load(ctx context.Context, name string, now time.Time) (*store.State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dir == "" {
		m, ok := s.mem[name]
		if !ok {
			return nil, errNoSnapshot
		}
		return m.state, nil
	}
	if _, err := os.Stat(s.path(name)); errors.Is(err, os.ErrNotExist) {
		return nil, errNoSnapshot
	}
	st, err := store.LoadState(ctx, s.path(name), now)
	if err != nil {
		return nil, fmt.Errorf("snapshot %s: %w", name, err)
	}
	return st, nil
}

func (s *snapshots) remove(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dir == "" {
		if _, ok := s.mem[name]; !ok {
			return errNoSnapshot
		}
		delete(s.mem, name)
		return nil
	}
	if err := os.Remove(s.path(name)); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return errNoSnapshot
		}
		return fmt.Errorf("snapshot %s: %w", name, err)
	}
	os.Remove(filepath.Join(s.dir, name+".json"))
	return nil
}

// list returns the snapshots, oldest first.
func (s *snapshots) list() ([]snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []snapshot{}
	if s.dir == "" {
		for _, m := range s.mem {
			out = append(out, m.about)
		}
	} else {
		entries, err := os.ReadDir(s.dir)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("snapshots: %w", err)
		}
		for _, e := range entries {
			name, ok := strings.CutSuffix(e.Name(), ".db")
			if !ok || !snapshotNameRE.MatchString(name) {
				continue
			}
			fi, err := e.Info()
			if err != nil {
				continue
			}
			about := snapshot{Name: name, Size: fi.Size(), CreatedAt: stamp(fi.ModTime())}
			if meta, err := os.ReadFile(filepath.Join(s.dir, name+".json")); err == nil {
				var m snapshotMeta
				if json.Unmarshal(meta, &m) == nil {
					about.CreatedAt, about.Clock, about.taken = m.CreatedAt, m.Clock, m.Taken
				}
			}
			out = append(out, about)
		}
	}
	slices.SortFunc(out, func(a, b snapshot) int {
		if c := strings.Compare(a.CreatedAt, b.CreatedAt); c != 0 {
			return c
		}
		if c := cmp.Compare(a.taken, b.taken); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out, nil
}

func (h *handlers) createSnapshot(c echo.Context) error {
	var in struct {
		Name *string `json:"name"`
	}
	if err := readJSON(c, &in, true); err != nil {
		return err
	}
	if in.Name == nil {
		return badRequest("name", `name is required, e.g. {"name": "before-test"}`)
	}
	if !snapshotNameRE.MatchString(*in.Name) {
		return badRequest("name", "name %q: use letters, digits, '.', '_' and '-' (at most 100, starting with a letter or digit)", *in.Name)
	}
	ctx := c.Request().Context()
	st, err := h.store.Export(ctx)
	if err != nil {
		return err
	}
	now := h.clock.Now()
	taken := time.Now()
	about, err := h.snapshots.save(ctx, snapshot{Name: *in.Name, CreatedAt: stamp(taken), Clock: stamp(now), taken: taken.UnixNano()}, st, now)
	if err != nil {
		return err
	}
	return replyJSON(c, http.StatusCreated, about)
}

func (h *handlers) listSnapshots(c echo.Context) error {
	list, err := h.snapshots.list()
	if err != nil {
		return err
	}
	return replyJSON(c, http.StatusOK, map[string]any{"snapshots": list})
}

func (h *handlers) restoreSnapshot(c echo.Context) error {
	name := c.Param("name")
	ctx := c.Request().Context()
	start := time.Now()
	st, err := h.snapshots.load(ctx, name, h.clock.Now())
	if errors.Is(err, errNoSnapshot) {
		return h.noSnapshot(name)
	}
	if err == nil {
		err = h.store.Import(ctx, st)
	}
	if err != nil {
		return refuse(http.StatusInternalServerError, "name", "snapshot %q could not be restored: %v; the state is unchanged", name, err)
	}
	return replyJSON(c, http.StatusOK, map[string]any{"name": name, "took_ms": ms(time.Since(start))})
}

func (h *handlers) deleteSnapshot(c echo.Context) error {
	name := c.Param("name")
	if err := h.snapshots.remove(name); err != nil {
		if errors.Is(err, errNoSnapshot) {
			return h.noSnapshot(name)
		}
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// noSnapshot names the snapshots there are.
func (h *handlers) noSnapshot(name string) error {
	list, _ := h.snapshots.list()
	var names []string
	for _, s := range list {
		names = append(names, s.Name)
	}
	known := "there are none"
	if len(names) > 0 {
		known = "there are: " + strings.Join(names, ", ")
	}
	return refuse(http.StatusNotFound, "name", "no snapshot %q (%s)", name, known)
}
