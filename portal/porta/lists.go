package porta

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// porta's lists and searches, as typed filters.

// Page is one page of a list: Number counts from 1, Size is how many
// items a page holds.
type Page struct{ Number, Size int64 }

// Paginate returns the items of page pg.
func Paginate[T any](items []T, pg Page) []T {
	n := int64(len(items))
	if pg.Size < 1 || pg.Number < 1 || pg.Number-1 >= pg.Pages(len(items)) {
		return nil
	}
	lo := (pg.Number - 1) * pg.Size
	return items[lo:min(lo+pg.Size, n)]
}

// Pages is how many pages hold total items.
func (pg Page) Pages(total int) int64 {
	n := int64(total) / pg.Size
	if int64(total)%pg.Size != 0 {
		n++
	}
	return n
}

// Instant is a time given to a filter or an input: Valid is false for a
// value that is no time (a filter on it matches nothing; an input sets
// the time to none).
type Instant struct {
	Time  time.Time
	Valid bool
}

// AccountFilter selects developer accounts; its fields are ANDed.
type AccountFilter struct {
	State string // "": any
	// Query is porta's account search, search[query] (search.go); "":
	// any.
	Query  string
	PlanID *int64 // the account plan; nil: any
}

// Accounts are the developer accounts the actor sees that f keeps, in id
// order.
func Accounts(cat *store.Catalog, a Actor, f AccountFilter) []*store.Account {
	var out []*store.Account
	for _, acc := range Provider(cat, a).Accounts {
		if a.sees(acc) && f.keeps(acc) {
			out = append(out, acc)
		}
	}
	return out
}

// AccountQuery finds an account by one of its users: by Username when
// given, else by UserID, else by Email (any case).
type AccountQuery struct {
	Username *string
	UserID   *int64
	Email    string
}

// FindAccount finds the first account the actor sees with a user that q
// matches.
func FindAccount(cat *store.Catalog, a Actor, q AccountQuery) (*store.Account, error) {
	match := func(u *store.User) bool { return false }
	switch {
	case q.Username != nil:
		match = func(u *store.User) bool { return u.Username == *q.Username }
	case q.UserID != nil:
		match = func(u *store.User) bool { return u.ID == *q.UserID }
	case q.Email != "":
		match = func(u *store.User) bool { return strings.EqualFold(u.Email, q.Email) }
	}
	for _, acc := range Accounts(cat, a, AccountFilter{}) {
		if slices.ContainsFunc(acc.Users, match) {
			return acc, nil
		}
	}
	return nil, ErrNotFound
}

// UserFilter selects the users of an account.
type UserFilter struct {
	State, Role *string // nil: any
}

// Users are the users of acc that f keeps, in id order.
func Users(acc *store.Account, f UserFilter) []*store.User {
	var out []*store.User
	for _, u := range acc.Users {
		if (f.State == nil || u.State == *f.State) && (f.Role == nil || u.Role == *f.Role) {
			out = append(out, u)
		}
	}
	return out
}

// ApplicationFilter is porta's Cinstance search scopes, ANDed.
type ApplicationFilter struct {
	ServiceID string // "": any
	PlanID    *int64
	// PlanType is "free" (no setup fee, no monthly cost) or "paid"; any
	// other value keeps both.
	PlanType string
	State    string // "": any
	// ActiveSince and InactiveSince keep the applications whose first
	// daily traffic is at or after (at or before) the time; one without
	// traffic matches neither.
	ActiveSince, InactiveSince *Instant
	AccountID                  *int64
	Name                       string // a part of the name, in any case; "": any
	UserKey                    string // "": any
	// NameQuery is porta's search[name] and AccountQuery its
	// search[account_query] (search.go); "": any.
	NameQuery, AccountQuery string
}

func (f ApplicationFilter) keeps(cat *store.Catalog, a *store.Application) bool {
	free := func() bool { return freePlan(cat.Plan(a.PlanID)) }
	since := func(bound *Instant, after bool) bool {
		if bound == nil {
			return true
		}
		at := a.FirstDailyTrafficAt()
		if !bound.Valid || at == nil {
			return false
		}
		if after {
			return !at.Before(bound.Time)
		}
		return !at.After(bound.Time)
	}
	return (f.ServiceID == "" || a.ServiceID == f.ServiceID) &&
		(f.PlanID == nil || a.PlanID == *f.PlanID) &&
		(f.PlanType != "free" || free()) && (f.PlanType != "paid" || !free()) &&
		(f.State == "" || a.State == f.State) &&
		since(f.ActiveSince, true) && since(f.InactiveSince, false) &&
		(f.AccountID == nil || a.AccountID == *f.AccountID) &&
		(f.Name == "" || strings.Contains(strings.ToLower(a.Name), strings.ToLower(f.Name))) &&
		(f.UserKey == "" || a.UserKey == f.UserKey) &&
		(f.NameQuery == "" || nameQueryMatches(a, f.NameQuery)) &&
		(f.AccountQuery == "" || accountQueryMatches(cat.Account(a.AccountID), f.AccountQuery))
}

func freePlan(p *store.Plan) bool { return zeroMoney(p.CostPerMonth) && zeroMoney(p.SetupFee) }

func zeroMoney(s string) bool {
	f, err := strconv.ParseFloat(s, 64)
	return err == nil && f == 0
}

// Applications are the applications the actor sees that f keeps, in id
// order.
func Applications(cat *store.Catalog, a Actor, f ApplicationFilter) []*store.Application {
	var out []*store.Application
	for _, app := range applicationsOf(Accounts(cat, a, AccountFilter{})) {
		if f.keeps(cat, app) {
			out = append(out, app)
		}
	}
	return out
}

// applicationsOf are the applications of accs in id order.
func applicationsOf(accs []*store.Account) []*store.Application {
	var out []*store.Application
	for _, acc := range accs {
		out = append(out, acc.Applications...)
	}
	slices.SortFunc(out, func(a, b *store.Application) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// ApplicationQuery finds an application by its credentials: by UserKey
// when given (on user_key services), else by AppID (on the others), else
// by porta's id; ServiceID, when given, narrows the search.
type ApplicationQuery struct {
	ServiceID *string
	UserKey   *string
	AppID     *string
	ID        int64
}

// FindApplication finds the first application, in id order, that q
// matches.
func FindApplication(cat *store.Catalog, a Actor, q ApplicationQuery) (*store.Application, error) {
	var match func(*store.Application) bool
	byUserKey := func(app *store.Application) bool { return cat.Service(app.ServiceID).BackendVersion == "1" }
	switch {
	case q.UserKey != nil:
		match = func(app *store.Application) bool { return byUserKey(app) && app.UserKey == *q.UserKey }
	case q.AppID != nil:
		match = func(app *store.Application) bool { return !byUserKey(app) && app.AppID == *q.AppID }
	default:
		match = func(app *store.Application) bool { return app.ID == q.ID }
	}
	for _, app := range Applications(cat, a, ApplicationFilter{}) {
		if (q.ServiceID == nil || app.ServiceID == *q.ServiceID) && match(app) {
			return app, nil
		}
	}
	return nil, ErrNotFound
}

// FindAccountApplication finds an application of acc by its user_key (on
// user_key services) or its app_id (on the others), whichever is given.
func FindAccountApplication(cat *store.Catalog, acc *store.Account, userKey, appID *string) (*store.Application, error) {
	for _, app := range acc.Applications {
		byUserKey := cat.Service(app.ServiceID).BackendVersion == "1"
		if (userKey != nil && byUserKey && app.UserKey == *userKey) ||
			(appID != nil && !byUserKey && app.AppID == *appID) {
			return app, nil
		}
	}
	return nil, ErrNotFound
}
