package store

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/period"
)

// Catalog is an immutable, in-memory snapshot of the 3scale model (everything
// but usage counters, first-traffic times, messages, errors and webhook
// deliveries). Authorization and the Account Management API's reads use
// only this and the live state, never SQLite, so reads stay off the write
// path. Every change to the model makes a new Catalog and swaps it in
// atomically; the new one shares all it did not change with the old one.
//
// The model is two graphs. The providers' configuration (providers,
// access tokens, services, metrics, plans, limits) is small and linked by
// pointers both ways (a service's Provider, a plan's Service, a metric's
// Parent); it is copied whole when any of it changes. The developer side
// (accounts, users, applications, service subscriptions) is as large as
// the world: its objects list what they own (an account's Users and
// Applications, a provider's Accounts, a service's Applications) but name
// what owns them, and their plans, by id (AccountID, ServiceID, PlanID):
// look those up in the catalog (Catalog.Account, Service, Plan, Provider).
// A change so copies the objects it changes and the lists that hold them,
// never their siblings.
type Catalog struct {
	Providers []*Provider

	// The configuration, rebuilt whole when it changes.
	providers      map[int64]*Provider
	providersByKey map[string]*Provider
	accessTokens   map[string]*AccessToken
	services       map[string]*Service
	tokens         map[tokenKey]struct{}
	plans          map[int64]*Plan
	metrics        map[int64]*Metric
	limits         map[int64]Limit

	// The developer side, copied shard by shard.
	accounts *cowMap[int64, *Account]
	users    *cowMap[int64, *User]
	apps     *cowMap[int64, *Application]
	// Invitations, by id and by the token of their link.
	invitations    *cowMap[int64, *Invitation]
	invitationKeys *cowMap[string, *Invitation]
}

type tokenKey struct{ token, serviceID string }

// Field is a named value: a builtin or extra field, or an annotation.
type Field struct{ Name, Value string }

// MarshalJSON stores a field as a [name, value] pair.
func (f Field) MarshalJSON() ([]byte, error) { return json.Marshal([2]string{f.Name, f.Value}) }

// UnmarshalJSON reads a [name, value] pair.
func (f *Field) UnmarshalJSON(b []byte) error {
	var pair [2]string
	if err := json.Unmarshal(b, &pair); err != nil {
		return err
	}
	f.Name, f.Value = pair[0], pair[1]
	return nil
}

// Fields keep their order, which is the order they are shown in.
type Fields []Field

// Get returns the value of a field and whether it is set.
func (fs Fields) Get(name string) (string, bool) {
	for _, f := range fs {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

// With returns fs with name set to value: replaced in place, or appended.
// The receiver is not modified.
func (fs Fields) With(name, value string) Fields {
	out := append(Fields(nil), fs...)
	for i := range out {
		if out[i].Name == name {
			out[i].Value = value
			return out
		}
	}
	return append(out, Field{name, value})
}

// OptionalAccountFields are porta's builtin account fields beyond org_name,
// which a provider may define; any other defined name is an extra field.
var OptionalAccountFields = []string{"org_legaladdress", "org_legaladdress_cont", "telephone_number", "vat_code",
	"vat_rate", "fiscal_code", "state_region", "city", "country", "zip", "primary_business", "business_category",
	"po_number"}

// OptionalUserFields are porta's builtin user fields beyond username and
// email.
var OptionalUserFields = []string{"title", "first_name", "last_name", "job_role"}

// SplitFields parts field values into builtin ones (names in optional) and
// extra ones, each keeping its order.
func SplitFields(optional []string, fs Fields) (builtin, extra Fields) {
	for _, f := range fs {
		if slices.Contains(optional, f.Name) {
			builtin = append(builtin, f)
		} else {
			extra = append(extra, f)
		}
	}
	return builtin, extra
}

// Provider is a 3scale tenant: the API owner.
type Provider struct {
	ProviderRecord
	AccessTokens []*AccessToken
	// DefaultService answers requests that omit service_id; nil if none.
	DefaultService *Service
	Services       []*Service
	AccountPlans   []*Plan
	Accounts       []*Account // in id order
}

// ProviderRecord is the stored row of a provider.
type ProviderRecord struct {
	ID                int64
	Name              string
	ProviderKey       string
	AdminUsername     string
	AdminEmail        string
	AdminPasswordHash string
	Settings          Settings
	Webhooks          Webhooks
	// The fields the provider defined beyond every provider's, by object:
	// optional builtin fields and extra fields, in their order.
	AccountFields     []string
	UserFields        []string
	ApplicationFields []string
	CreatedAt         time.Time
}

// Settings are a provider's developer-portal switches, as porta's
// /admin/api/settings.json names them. account_approval_required is not
// here: it is the default account plan's approval_required.
type Settings struct {
	SignupsEnabled              bool
	UserAccountAreaEnabled      bool
	HideService                 bool
	PublicSearch                bool
	AccountPlansUIVisible       bool
	ChangeAccountPlanPermission string
	ServicePlansUIVisible       bool
	ChangeServicePlanPermission string
	EnforceSSO                  bool
}

// Webhooks is a provider's webhook configuration.
type Webhooks struct {
	URL             string
	Active          bool
	ProviderActions bool
	// Events are the switched-on events, e.g. "application_suspended".
	Events []string
}

// Enabled reports whether the event (type_action, e.g. account_created) is
// delivered: webhooks active and its switch on.
func (w Webhooks) Enabled(event string) bool {
	if !w.Active {
		return false
	}
	for _, e := range w.Events {
		if e == event {
			return true
		}
	}
	return false
}

// AccessToken is a provider admin's token for the Account Management API.
type AccessToken struct {
	ID         int64
	Provider   *Provider
	ProviderID int64
	Value      string
	Name       string
	Permission string   // rw | ro
	Scopes     []string // e.g. account_management
}

// Service is one API of a provider.
type Service struct {
	ServiceRecord
	Provider     *Provider
	Tokens       []string
	Metrics      []*Metric // fixture order
	Plans        []*Plan   // application plans
	ServicePlans []*Plan
	Applications []*Application // in id order

	metricsByName map[string]*Metric
	apps          *cowMap[string, *Application] // by app_id
	appsByUserKey *cowMap[string, *Application]
}

// ServiceRecord is the stored row of a service.
type ServiceRecord struct {
	ID                        string
	ProviderID                int64
	Name                      string
	SystemName                string
	Description               string
	Default                   bool
	State                     string // active | suspended
	BackendVersion            string // "1" | "2" | "oauth"
	ReferrerFiltersRequired   bool
	IntentionsRequired        bool
	BuyersManageApps          bool
	BuyersManageKeys          bool
	CustomKeysEnabled         bool
	BuyerKeyRegenerateEnabled bool
	MandatoryAppKey           bool
	BuyerCanSelectPlan        bool
	BuyerPlanChangePermission string
	SupportEmail              string
	// DeploymentOption is where the gateway runs: hosted, self_managed…
	DeploymentOption string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// Metric is a counter of a service; methods are metrics with a parent.
type Metric struct {
	MetricRecord
	Service  *Service
	Parent   *Metric
	Children []*Metric
}

// MetricRecord is the stored row of a metric or method.
type MetricRecord struct {
	ID           int64
	ServiceID    string
	Name         string // system_name
	FriendlyName string
	Unit         string
	Description  string
	ParentID     int64 // 0 for a metric
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// The types of plans.
const (
	AccountPlan     = "account_plan"
	ServicePlan     = "service_plan"
	ApplicationPlan = "application_plan"
)

// Plan is an account, service or application plan.
type Plan struct {
	PlanRecord
	Provider *Provider
	Service  *Service // nil for account plans
	Original *Plan    // the stock plan of a customized one
	// Limits come in usage-report order: metrics in service order, and per
	// metric the periods from eternity to minute.
	Limits []Limit
}

// PlanRecord is the stored row of a plan.
type PlanRecord struct {
	ID                 int64
	ProviderID         int64
	ServiceID          string // "" for account plans
	Type               string
	Name               string
	SystemName         string
	Description        string
	Default            bool
	State              string // published | hidden
	ApprovalRequired   bool
	SetupFee           string // a decimal as porta prints it: 0.0, 9.99
	CostPerMonth       string
	TrialPeriodDays    *int64
	CancellationPeriod int64
	OriginalID         int64 // the stock plan, for a customized copy
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Custom reports whether the plan is a customized copy of another.
func (p *Plan) Custom() bool { return p.OriginalID != 0 }

// Limit is a usage limit: at most Value of Metric per Period.
type Limit struct {
	ID                   int64
	Plan                 *Plan
	Metric               *Metric
	Period               period.Period
	Value                int64
	CreatedAt, UpdatedAt time.Time
}

// LimitRecord is the stored row of a usage limit.
type LimitRecord struct {
	ID        int64
	PlanID    int64
	MetricID  int64
	Period    period.Period
	Value     int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Account is a developer (buyer) account. Its provider and account plan
// are Catalog.Provider(ProviderID) and Catalog.Plan(PlanID).
type Account struct {
	AccountRecord
	Users        []*User // in id order, as Applications and Contracts
	Applications []*Application
	Contracts    []*ServiceContract
	Invitations  []*Invitation // id order
}

// AccountRecord is the stored row of an account.
type AccountRecord struct {
	ID                     int64
	ProviderID             int64
	PlanID                 int64
	OrgName                string
	State                  string
	Fields                 Fields // builtin fields other than org_name
	ExtraFields            Fields
	Annotations            Fields
	MonthlyBillingEnabled  bool
	MonthlyChargingEnabled bool
	CreatedAt              time.Time
	UpdatedAt              time.Time
}

// User is a person who belongs to an account: Catalog.Account(AccountID).
type User struct {
	UserRecord
}

// UserRecord is the stored row of a user.
type UserRecord struct {
	ID           int64
	AccountID    int64
	Username     string
	Email        string
	PasswordHash string
	Role         string // admin | member
	State        string // pending | active | suspended
	Fields       Fields // first_name, last_name, title, job_role
	ExtraFields  Fields
	// SignupType is how the user came in, as porta's signup_type:
	// SignupNew (the developer portal's form), SignupMinimal (the API's
	// signup), SignupByProvider (the admin portal), SignupInvitation; ""
	// for a user of a fixture, who counts as having signed up.
	SignupType string
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// The signup types of a user.
const (
	SignupNew        = "new_signup"
	SignupMinimal    = "minimal"
	SignupByProvider = "created_by_provider"
	SignupInvitation = "invitation"
)

// ServiceContract is an account's subscription to a service; its account,
// service and service plan are found by AccountID, ServiceID and PlanID.
type ServiceContract struct {
	ServiceContractRecord
}

// ServiceContractRecord is the stored row of a service subscription.
type ServiceContractRecord struct {
	ID        int64
	AccountID int64
	ServiceID string
	PlanID    int64
	State     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Application is a developer's client application on a service. Its
// account, service and plan are found by AccountID, ServiceID and PlanID.
type Application struct {
	ApplicationRecord
	Keys            []AppKey // first one is the OAuth <application><key>
	ReferrerFilters []ReferrerFilter

	live *live // shared by every version of the application
}

// ApplicationRecord is the stored row of an application.
type ApplicationRecord struct {
	ID                      int64
	AccountID               int64
	ServiceID               string
	PlanID                  int64
	Name                    string
	Description             string
	State                   string // pending | live | suspended
	AppID                   string
	UserKey                 string
	ProviderVerificationKey string
	RedirectURL             string
	ExtraFields             Fields
	CreatedAt               time.Time
	UpdatedAt               time.Time
}

// AppKey is an application key.
type AppKey struct {
	Value     string
	CreatedAt time.Time
}

// ReferrerFilter is an allowed referrer pattern of an application.
type ReferrerFilter struct {
	ID        int64
	Value     string
	CreatedAt time.Time
}

// Live reports whether the application may be authorized.
func (a *Application) Live() bool { return a.State == "live" }

// ProviderByKey finds a provider by its provider_key.
func (c *Catalog) ProviderByKey(key string) *Provider { return c.providersByKey[key] }

// AccessToken finds an access token by its value.
func (c *Catalog) AccessToken(value string) *AccessToken { return c.accessTokens[value] }

// Service finds a service by id.
func (c *Catalog) Service(id string) *Service { return c.services[id] }

// Provider finds a provider by id.
func (c *Catalog) Provider(id int64) *Provider { return c.providers[id] }

// Account finds an account by id.
func (c *Catalog) Account(id int64) *Account { a, _ := c.accounts.get(id); return a }

// User finds a user by id.
func (c *Catalog) User(id int64) *User { u, _ := c.users.get(id); return u }

// Application finds an application by its porta id.
func (c *Catalog) Application(id int64) *Application { a, _ := c.apps.get(id); return a }

// ApplicationCount is the number of applications.
func (c *Catalog) ApplicationCount() int { return c.apps.len() }

// Plan finds a plan of any type by id.
func (c *Catalog) Plan(id int64) *Plan { return c.plans[id] }

// Limit finds a usage limit by id.
func (c *Catalog) Limit(id int64) (Limit, bool) {
	l, ok := c.limits[id]
	return l, ok
}

// Metric finds a metric or method by id.
func (c *Catalog) Metric(id int64) *Metric { return c.metrics[id] }

// TokenValid reports whether a service token was registered for a service.
func (c *Catalog) TokenValid(token, serviceID string) bool {
	_, ok := c.tokens[tokenKey{token, serviceID}]
	return ok
}

// DefaultAccountPlan returns the provider's default account plan.
func (p *Provider) DefaultAccountPlan() *Plan {
	for _, pl := range p.AccountPlans {
		if pl.Default {
			return pl
		}
	}
	return nil
}

// AccountApprovalRequired is porta's setting of that name: whether the
// default account plan requires approval.
func (p *Provider) AccountApprovalRequired() bool {
	pl := p.DefaultAccountPlan()
	return pl != nil && pl.ApprovalRequired
}

// Metric finds a metric of the service by name.
func (s *Service) Metric(name string) *Metric { return s.metricsByName[name] }

// Application finds an application of the service by app_id.
func (s *Service) Application(appID string) *Application { a, _ := s.apps.get(appID); return a }

// ApplicationByUserKey finds an application of the service by user_key.
func (s *Service) ApplicationByUserKey(key string) *Application {
	a, _ := s.appsByUserKey.get(key)
	return a
}

// Active reports whether the service accepts authorizations.
func (s *Service) Active() bool { return s.State == "" || s.State == "active" }

// DefaultPlan returns the service's default application plan, or nil.
func (s *Service) DefaultPlan() *Plan { return defaultOf(s.Plans) }

// DefaultServicePlan returns the service's default service plan, or nil.
func (s *Service) DefaultServicePlan() *Plan { return defaultOf(s.ServicePlans) }

func defaultOf(plans []*Plan) *Plan {
	for _, p := range plans {
		if p.Default {
			return p
		}
	}
	return nil
}

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
		if k.Value == key {
			return true
		}
	}
	return false
}

// Contract returns the account's subscription to a service, or nil.
func (a *Account) Contract(serviceID string) *ServiceContract {
	for _, c := range a.Contracts {
		if c.ServiceID == serviceID {
			return c
		}
	}
	return nil
}

// Admins returns the account's admin users.
func (a *Account) Admins() []*User {
	var out []*User
	for _, u := range a.Users {
		if u.Role == "admin" {
			out = append(out, u)
		}
	}
	return out
}

// FullName is porta's full_name: first and last name, "" when neither is
// given.
func (u *User) FullName() string {
	var parts []string
	for _, f := range []string{"first_name", "last_name"} {
		if v, _ := u.Fields.Get(f); strings.TrimSpace(v) != "" {
			parts = append(parts, v)
		}
	}
	return strings.Join(parts, " ")
}

// DisplayName is porta's display_name: the full name, else the username.
func (u *User) DisplayName() string {
	if n := u.FullName(); n != "" {
		return n
	}
	return u.Username
}

// InformalName is porta's informal_name: the first name, else the last
// name, else the username.
func (u *User) InformalName() string {
	for _, f := range []string{"first_name", "last_name"} {
		if v, _ := u.Fields.Get(f); strings.TrimSpace(v) != "" {
			return v
		}
	}
	return u.Username
}
