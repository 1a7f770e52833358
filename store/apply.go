package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
)

// changed is what the writes of a transaction touched since its catalog
// was last made: the catalog's next version re-reads only these rows.
type changed struct {
	all bool // everything (a reset, a seed)
	// seeded, with all, is the whole developers' side, as seeding into an
	// empty store wrote it: the next catalog is made of it, not read back.
	seeded   *developerSide
	config   bool // the providers' configuration
	accounts map[int64]struct{}
	users    map[int64]struct{}
	apps     map[int64]struct{}
}

func (c *changed) pending() bool {
	return c.all || c.config || len(c.accounts) > 0 || len(c.users) > 0 || len(c.apps) > 0
}

func mark(m *map[int64]struct{}, id int64) {
	if *m == nil {
		*m = make(map[int64]struct{})
	}
	(*m)[id] = struct{}{}
}

// sortedIDs are the ids of a set in order, so that a change is applied the
// same way every time.
func sortedIDs(m map[int64]struct{}) []int64 {
	ids := make([]int64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// apply makes the next version of base from what ch says changed, reading
// those rows in q (the transaction that wrote them). It copies the objects
// that changed and the lists and index shards that hold them; the rest is
// shared with base, which does not change.
// prep prepares the queries of the rows it reads.
func apply(ctx context.Context, q queryRower, prep func(query string) (*sql.Stmt, error), base *Catalog, ch *changed,
	cells *liveCells) (*Catalog, error) {
	if ch.all && ch.seeded != nil {
		providers, err := loadConfig(ctx, q)
		if err != nil {
			return nil, err
		}
		return assemble(providers, ch.seeded), nil
	}
	if ch.all {
		return loadCatalog(ctx, q, cells)
	}
	e := &editor{ctx: ctx, q: q, prep: prep, base: base, cells: cells, ownAccounts: map[int64]bool{}, ownLists: map[string]bool{}}
	if err := e.run(ch); err != nil {
		return nil, err
	}
	return e.done(), nil
}

// queryRower is what *sql.Tx and *sql.DB offer.
type queryRower interface {
	querier
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

type editor struct {
	ctx   context.Context
	q     queryRower
	prep  func(query string) (*sql.Stmt, error)
	base  *Catalog
	cells *liveCells

	providers map[int64]*Provider // the new configuration's
	services  map[string]*Service
	accounts  *cowEdit[int64, *Account]
	users     *cowEdit[int64, *User]
	invites   *cowEdit[int64, *Invitation]
	inviteKey *cowEdit[string, *Invitation]
	apps      *cowEdit[int64, *Application]
	byAppID   map[string]*cowEdit[string, *Application] // by service
	byUserKey map[string]*cowEdit[string, *Application]

	providersList []*Provider

	// ownAccounts are accounts made in this edit, which it may change in
	// place; ownLists the lists it copied ("p<id>" a provider's accounts,
	// "s<id>" a service's applications).
	ownAccounts map[int64]bool
	ownLists    map[string]bool
}

func (e *editor) run(ch *changed) error {
	// The configuration is new in every version that changes anything:
	// it holds the lists of accounts and applications, and is small.
	var providers []*Provider
	if ch.config {
		var err error
		if providers, err = loadConfig(e.ctx, e.q); err != nil {
			return err
		}
		e.carryOver(providers)
	} else {
		providers = cloneConfig(e.base.Providers)
	}
	e.providers = make(map[int64]*Provider, len(providers))
	e.services = map[string]*Service{}
	for _, p := range providers {
		e.providers[p.ID] = p
		for _, s := range p.Services {
			e.services[s.ID] = s
			if s.apps == nil { // a new service
				s.apps, s.appsByUserKey = newKeyMap[*Application](), newKeyMap[*Application]()
			}
		}
	}
	e.accounts, e.users, e.apps = e.base.accounts.edit(), e.base.users.edit(), e.base.apps.edit()
	e.invites, e.inviteKey = e.base.invitations.edit(), e.base.invitationKeys.edit()
	e.byAppID, e.byUserKey = map[string]*cowEdit[string, *Application]{}, map[string]*cowEdit[string, *Application]{}
	// Applications of services that went (with their provider, say) went
	// with them: SQLite cascades the delete.
	apps := ch.apps
	for id, s := range e.base.services {
		if e.services[id] == nil {
			for _, a := range s.Applications {
				mark(&apps, a.ID)
			}
		}
	}
	accounts := ch.accounts
	for _, p := range e.base.Providers {
		if e.providers[p.ID] == nil {
			for _, a := range p.Accounts {
				mark(&accounts, a.ID)
			}
		}
	}
	for _, id := range sortedIDs(accounts) {
		if err := e.account(id); err != nil {
			return err
		}
	}
	for _, id := range sortedIDs(ch.users) {
		if err := e.user(id); err != nil {
			return err
		}
	}
	for _, id := range sortedIDs(apps) {
		if err := e.application(id); err != nil {
			return err
		}
	}
	e.providersList = providers
	return nil
}

// carryOver hands a configuration read anew the developer-side lists of
// the one it replaces.
func (e *editor) carryOver(providers []*Provider) {
	for _, p := range providers {
		if old := e.base.Provider(p.ID); old != nil {
			p.Accounts = old.Accounts
		}
		for _, s := range p.Services {
			if old := e.base.Service(s.ID); old != nil {
				s.Applications, s.apps, s.appsByUserKey = old.Applications, old.apps, old.appsByUserKey
			}
		}
	}
}

// row reads one row with a prepared query.
func (e *editor) row(query string, args ...any) *sql.Row {
	st, err := e.prep(query)
	if err != nil {
		return e.q.QueryRowContext(e.ctx, query, args...) // which fails the same way
	}
	return st.QueryRowContext(e.ctx, args...)
}

// rows reads rows with a prepared query, calling scan for each.
func (e *editor) rows(query string, arg any, scan func(*sql.Rows) error) error {
	st, err := e.prep(query)
	if err != nil {
		return fmt.Errorf("query %q: %w", firstWords(query), err)
	}
	rs, err := st.QueryContext(e.ctx, arg)
	if err != nil {
		return fmt.Errorf("query %q: %w", firstWords(query), err)
	}
	defer rs.Close()
	for rs.Next() {
		if err := scan(rs); err != nil {
			return fmt.Errorf("scan %q: %w", firstWords(query), err)
		}
	}
	return rs.Err()
}

func (e *editor) done() *Catalog {
	c := &Catalog{}
	for id, ed := range e.byAppID {
		e.services[id].apps = ed.done()
	}
	for id, ed := range e.byUserKey {
		e.services[id].appsByUserKey = ed.done()
	}
	c.setConfig(e.providersList)
	c.accounts, c.users, c.apps = e.accounts.done(), e.users.done(), e.apps.done()
	c.invitations, c.invitationKeys = e.invites.done(), e.inviteKey.done()
	return c
}

// byID finds the position of id in a list in id order, or where it goes.
func byID[T any](list []T, id int64, idOf func(T) int64) (int, bool) {
	return slices.BinarySearchFunc(list, id, func(x T, id int64) int { return cmp.Compare(idOf(x), id) })
}

// put replaces or inserts x in a list in id order (x nil: removes the
// element with that id), copying the list first unless own.
func put[T comparable](list []T, id int64, x T, idOf func(T) int64, own bool) []T {
	i, found := byID(list, id, idOf)
	var zero T
	if !found && x == zero {
		return list
	}
	if !own {
		list = slices.Clone(list)
	}
	switch {
	case x == zero:
		return slices.Delete(list, i, i+1)
	case found:
		list[i] = x
		return list
	default:
		return slices.Insert(list, i, x)
	}
}

func accountID(a *Account) int64 { return a.ID }
func userID(u *User) int64       { return u.ID }
func appID(a *Application) int64 { return a.ID }

// ownAccount returns the account with id in this edit, copied once so that
// the edit may change it; nil if it is gone.
func (e *editor) ownAccount(id int64) *Account {
	a, _ := e.accounts.get(id)
	if a == nil || e.ownAccounts[id] {
		return a
	}
	cp := *a
	cp.Users = slices.Clone(a.Users)
	cp.Applications = slices.Clone(a.Applications)
	e.setAccount(&cp)
	return &cp
}

// setAccount puts an account of this edit in its place: the index and its
// provider's list.
func (e *editor) setAccount(a *Account) {
	e.ownAccounts[a.ID] = true
	e.accounts.set(a.ID, a)
	if p := e.providers[a.ProviderID]; p != nil {
		key := fmt.Sprint("p", p.ID)
		p.Accounts = put(p.Accounts, a.ID, a, accountID, e.ownLists[key])
		e.ownLists[key] = true
	}
}

// account re-reads an account and its subscriptions.
func (e *editor) account(id int64) error {
	old, _ := e.accounts.get(id)
	a, err := scanAccount(e.row(`SELECT `+accountColumns+` FROM accounts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		if old == nil {
			return nil
		}
		// Gone with its users and subscriptions (SQLite cascades); its
		// applications were deleted one by one and are re-read as such.
		e.accounts.del(id)
		e.forgetInvitations(old)
		for _, u := range old.Users {
			e.users.del(u.ID)
		}
		if p := e.providers[old.ProviderID]; p != nil {
			key := fmt.Sprint("p", p.ID)
			p.Accounts = put(p.Accounts, id, nil, accountID, e.ownLists[key])
			e.ownLists[key] = true
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("read account %d: %w", id, err)
	}
	e.forgetInvitations(old)
	if old != nil {
		a.Users, a.Applications = slices.Clone(old.Users), slices.Clone(old.Applications)
		if old.ProviderID != a.ProviderID { // never done, but not to be lost
			if p := e.providers[old.ProviderID]; p != nil {
				p.Accounts = put(p.Accounts, id, nil, accountID, false)
			}
		}
	}
	err = e.rows(`SELECT `+contractColumns+` FROM service_contracts WHERE account_id = ? ORDER BY id`, id,
		func(r *sql.Rows) error {
			sc, err := scanContract(r)
			if err != nil {
				return err
			}
			a.Contracts = append(a.Contracts, sc)
			return nil
		})
	if err != nil {
		return err
	}
	err = e.rows(`SELECT `+invitationColumns+` FROM invitations WHERE account_id = ? ORDER BY id`, id,
		func(r *sql.Rows) error {
			inv, err := scanInvitation(r)
			if err != nil {
				return err
			}
			a.Invitations = append(a.Invitations, inv)
			e.invites.set(inv.ID, inv)
			e.inviteKey.set(inv.Token, inv)
			return nil
		})
	if err != nil {
		return err
	}
	e.setAccount(a)
	return nil
}

// forgetInvitations takes an account's invitations out of the indexes
// before it is read anew (or gone).
func (e *editor) forgetInvitations(old *Account) {
	if old == nil {
		return
	}
	for _, inv := range old.Invitations {
		e.invites.del(inv.ID)
		e.inviteKey.del(inv.Token)
	}
}

// user re-reads a user.
func (e *editor) user(id int64) error {
	old, _ := e.users.get(id)
	u, err := scanUser(e.row(`SELECT `+userColumns+` FROM users WHERE id = ?`, id))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read user %d: %w", id, err)
	}
	if old != nil && (u == nil || old.AccountID != u.AccountID) {
		if acc := e.ownAccount(old.AccountID); acc != nil {
			acc.Users = put(acc.Users, id, nil, userID, true)
		}
	}
	if u == nil {
		e.users.del(id)
		return nil
	}
	e.users.set(id, u)
	if acc := e.ownAccount(u.AccountID); acc != nil {
		acc.Users = put(acc.Users, id, u, userID, true)
	}
	return nil
}

// application re-reads an application with its keys and referrer filters.
func (e *editor) application(id int64) error {
	old, _ := e.apps.get(id)
	a, err := scanApplication(e.row(`SELECT `+applicationColumns+` FROM applications WHERE id = ?`, id), e.cells)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read application %d: %w", id, err)
	}
	if a != nil {
		err := e.rows(`SELECT `+keyColumns+` FROM application_keys WHERE application_id = ? ORDER BY rowid`, id,
			func(r *sql.Rows) error {
				_, k, err := scanKey(r)
				a.Keys = append(a.Keys, k)
				return err
			})
		if err != nil {
			return err
		}
		err = e.rows(`SELECT `+filterColumns+` FROM referrer_filters WHERE application_id = ? ORDER BY id`, id,
			func(r *sql.Rows) error {
				_, f, err := scanFilter(r)
				a.ReferrerFilters = append(a.ReferrerFilters, f)
				return err
			})
		if err != nil {
			return err
		}
	}
	if old != nil {
		if a == nil || old.AccountID != a.AccountID {
			if acc := e.ownAccount(old.AccountID); acc != nil {
				acc.Applications = put(acc.Applications, id, nil, appID, true)
			}
		}
		if s := e.services[old.ServiceID]; s != nil {
			if a == nil || old.ServiceID != a.ServiceID {
				e.serviceApps(s, id, nil)
			}
			if a == nil || old.ServiceID != a.ServiceID || old.AppID != a.AppID {
				e.index(e.byAppID, s, s.apps).del(old.AppID)
			}
			if old.UserKey != "" && (a == nil || old.ServiceID != a.ServiceID || old.UserKey != a.UserKey) {
				e.index(e.byUserKey, s, s.appsByUserKey).del(old.UserKey)
			}
		}
	}
	if a == nil {
		e.apps.del(id)
		return nil
	}
	e.apps.set(id, a)
	if acc := e.ownAccount(a.AccountID); acc != nil {
		acc.Applications = put(acc.Applications, id, a, appID, true)
	}
	if s := e.services[a.ServiceID]; s != nil {
		e.serviceApps(s, id, a)
		e.index(e.byAppID, s, s.apps).set(a.AppID, a)
		if a.UserKey != "" {
			e.index(e.byUserKey, s, s.appsByUserKey).set(a.UserKey, a)
		}
	}
	return nil
}

// serviceApps puts a (nil: removes id) in a service's list.
func (e *editor) serviceApps(s *Service, id int64, a *Application) {
	key := "s" + s.ID
	s.Applications = put(s.Applications, id, a, appID, e.ownLists[key])
	e.ownLists[key] = true
}

// index returns this edit's version of one of a service's indexes.
func (e *editor) index(eds map[string]*cowEdit[string, *Application], s *Service, m *cowMap[string, *Application]) *cowEdit[string, *Application] {
	ed, ok := eds[s.ID]
	if !ok {
		ed = m.edit()
		eds[s.ID] = ed
	}
	return ed
}
