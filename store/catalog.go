package store

import (
	"threescale-sandbox/period"
)

// Catalog is an immutable, in-memory snapshot of the 3scale model (everything
// but usage counters and errors). Authorization reads only this and the
// counters, never SQLite, so reads stay off the write path. Every change to
// the model builds a new Catalog and swaps it in atomically.
type Catalog struct {
	Providers []*Provider

	providersByKey map[string]*Provider
	services       map[string]*Service
	tokens         map[tokenKey]struct{}
}

type tokenKey struct{ token, serviceID string }

// Provider is a 3scale tenant: the API owner.
type Provider struct {
	ID                      int64
	Name                    string
	ProviderKey             string
	AccessToken             string
	AdminUsername           string
	AdminEmail              string
	AdminPasswordHash       string
	SignupEnabled           bool
	AccountApprovalRequired bool
	Webhooks                Webhooks

	// DefaultService answers requests that omit service_id; nil if none.
	DefaultService *Service
	Services       []*Service
	Accounts       []*Account
}

// Webhooks is a provider's webhook configuration.
type Webhooks struct {
	URL             string
	Active          bool
	ProviderActions bool
	Events          []string
}

// Service is one API of a provider.
type Service struct {
	ID                      string
	Provider                *Provider
	Name                    string
	SystemName              string
	Default                 bool
	State                   string // active | suspended
	BackendVersion          string // "1" | "2" | "oauth"
	ReferrerFiltersRequired bool
	Tokens                  []string
	Metrics                 []*Metric // fixture order
	Plans                   []*Plan
	Applications            []*Application

	metricsByName map[string]*Metric
	apps          map[string]*Application // by app_id
	appsByUserKey map[string]*Application
}

// Metric is a counter of a service; methods are metrics with a parent.
type Metric struct {
	ID           int64
	Service      *Service
	Name         string
	FriendlyName string
	Unit         string
	Description  string
	Parent       *Metric
	Children     []*Metric
}

// Plan is an application plan.
type Plan struct {
	ID               int64
	Service          *Service
	Name             string
	SystemName       string
	Default          bool
	State            string // published | hidden
	ApprovalRequired bool
	// Limits come in usage-report order: metrics in service order, and per
	// metric the periods from eternity to minute.
	Limits []Limit
}

// Limit is a usage limit: at most Value of Metric per Period.
type Limit struct {
	Metric *Metric
	Period period.Period
	Value  int64
}

// Account is a developer (buyer) account.
type Account struct {
	ID           int64
	Provider     *Provider
	OrgName      string
	State        string
	CreatedAt    int64
	Users        []*User
	Applications []*Application
}

// User is a person who belongs to an account.
type User struct {
	ID           int64
	Account      *Account
	Username     string
	Email        string
	PasswordHash string
	Role         string
	State        string
}

// Application is a developer's client application on a service.
type Application struct {
	ID              int64
	Account         *Account
	Service         *Service
	Plan            *Plan
	Name            string
	Description     string
	State           string // pending | live | suspended
	AppID           string
	UserKey         string
	RedirectURL     string
	Keys            []string // first one is the OAuth <application><key>
	ReferrerFilters []string
	CreatedAt       int64
}

// Live reports whether the application may be authorized.
func (a *Application) Live() bool { return a.State == "live" }

// ProviderByKey finds a provider by its provider_key.
func (c *Catalog) ProviderByKey(key string) *Provider { return c.providersByKey[key] }

// Service finds a service by id.
func (c *Catalog) Service(id string) *Service { return c.services[id] }

// TokenValid reports whether a service token was registered for a service.
func (c *Catalog) TokenValid(token, serviceID string) bool {
	_, ok := c.tokens[tokenKey{token, serviceID}]
	return ok
}

// Metric finds a metric of the service by name.
func (s *Service) Metric(name string) *Metric { return s.metricsByName[name] }

// Application finds an application of the service by app_id.
func (s *Service) Application(appID string) *Application { return s.apps[appID] }

// ApplicationByUserKey finds an application of the service by user_key.
func (s *Service) ApplicationByUserKey(key string) *Application { return s.appsByUserKey[key] }

// Active reports whether the service accepts authorizations.
func (s *Service) Active() bool { return s.State == "" || s.State == "active" }

// Ancestors returns the parent, grandparent and so on of m.
func (m *Metric) Ancestors() []*Metric {
	var out []*Metric
	for p := m.Parent; p != nil; p = p.Parent {
		out = append(out, p)
	}
	return out
}

// Descendants returns m's children, then each child's descendants in turn,
// the order apisonator walks them in.
func (m *Metric) Descendants() []*Metric {
	out := append([]*Metric(nil), m.Children...)
	for _, c := range m.Children {
		out = append(out, c.Descendants()...)
	}
	return out
}

// HasKey reports whether key is one of the application's keys.
func (a *Application) HasKey(key string) bool {
	for _, k := range a.Keys {
		if k == key {
			return true
		}
	}
	return false
}

// index fills the lookup maps once every object is in place.
func (c *Catalog) index() {
	c.providersByKey = make(map[string]*Provider, len(c.Providers))
	c.services = make(map[string]*Service)
	c.tokens = make(map[tokenKey]struct{})
	for _, p := range c.Providers {
		c.providersByKey[p.ProviderKey] = p
		for _, s := range p.Services {
			c.services[s.ID] = s
			for _, t := range s.Tokens {
				c.tokens[tokenKey{t, s.ID}] = struct{}{}
			}
			s.metricsByName = make(map[string]*Metric, len(s.Metrics))
			for _, m := range s.Metrics {
				s.metricsByName[m.Name] = m
			}
			s.apps = make(map[string]*Application, len(s.Applications))
			s.appsByUserKey = make(map[string]*Application)
			for _, a := range s.Applications {
				s.apps[a.AppID] = a
				if a.UserKey != "" {
					s.appsByUserKey[a.UserKey] = a
				}
			}
		}
	}
}
