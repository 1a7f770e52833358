package store

import (
	"sync"
	"time"
)

// live is an application's state that changes with traffic: its usage
// counters and first-traffic times. It sits outside the immutable catalog,
// shared by every version of the application, so that traffic never makes
// a new catalog.
type live struct {
	app      int64
	traffic  traffic
	counters counters // guarded by Store.usageMu
}

// liveCells hands every version of an application the same live state.
// mu guards the map, not the cells; whoever takes Store.usageMu takes it
// first.
type liveCells struct {
	mu    sync.Mutex
	cells map[int64]*live
}

// cell returns the application's state, made with the stored first-traffic
// times if it has none yet (a new application, or the start of the
// process). The stored times only matter then: afterwards the cell leads.
func (c *liveCells) cell(app int64, first, daily *time.Time) *live {
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.cells[app]; ok {
		return l
	}
	l := c.add(app)
	if first != nil || daily != nil {
		l.traffic.times.Store(&Traffic{First: first, FirstDaily: daily})
	}
	return l
}

// lookup returns the application's state; without create, nil if it has
// none.
func (c *liveCells) lookup(app int64, create bool) *live {
	c.mu.Lock()
	defer c.mu.Unlock()
	if l, ok := c.cells[app]; ok || !create {
		return l
	}
	return c.add(app)
}

func (c *liveCells) add(app int64) *live {
	if c.cells == nil {
		c.cells = make(map[int64]*live)
	}
	l := &live{app: app}
	c.cells[app] = l
	return l
}

// each calls fn for every application's state.
func (c *liveCells) each(fn func(*live)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range c.cells {
		fn(l)
	}
}

// forget drops the state of deleted applications (nil: of every one).
func (c *liveCells) forget(apps []int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if apps == nil {
		c.cells = nil
		return
	}
	for _, a := range apps {
		delete(c.cells, a)
	}
}

// replace makes with's cells these: an import of a whole state (Import)
// hands its catalog's cells over.
func (c *liveCells) replace(with *liveCells) {
	with.mu.Lock()
	cells := with.cells
	with.mu.Unlock()
	c.mu.Lock()
	c.cells = cells
	c.mu.Unlock()
}
