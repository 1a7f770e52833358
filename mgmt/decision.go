package mgmt

import (
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Decision is the trail of one authorize, authrep, OAuth call or report:
// what the request resolved to and why it was answered as it was, for the
// sandbox's request journal. The Backend fills it only when the Request
// carries one, so that it costs nothing otherwise.
type Decision struct {
	Endpoint string `json:"endpoint"` // authorize, authrep, oauth_authorize, oauth_authrep, report
	// Credentials says how the provider was found: provider_key, or the
	// service_token of the service.
	Credentials string           `json:"credentials,omitempty"`
	Provider    *DecidedProvider `json:"provider,omitempty"`
	Service     *DecidedService  `json:"service,omitempty"`
	// Application is the one an authorization resolved; a report lists
	// those of its transactions in Transactions.
	Application *DecidedApp `json:"application,omitempty"`
	// Validators are the checks run, in apisonator's order, up to the one
	// that denied (Validator), if any.
	Validators []Check `json:"validators,omitempty"`
	Validator  string  `json:"validator,omitempty"`
	// Exceeded is the first limit the request would exceed.
	Exceeded *Exceeded `json:"exceeded_limit,omitempty"`
	// Usage is what was counted, each metric with its parents, as applied.
	Usage        []Applied            `json:"usage,omitempty"`
	Transactions []DecidedTransaction `json:"transactions,omitempty"`
	// TransactionsOmitted counts a report's transactions past the first
	// MaxTrailTransactions, which the trail does not list: a journal of
	// 10,000 reports of 1000 transactions would otherwise hold 2 GB.
	TransactionsOmitted int `json:"transactions_omitted,omitempty"`
	// Authorized is an authorization's outcome; Stored says whether a
	// report's batch was counted (a refused one is in the error log).
	Authorized *bool `json:"authorized,omitempty"`
	Stored     *bool `json:"stored,omitempty"`
	// Code and Message are the error or rejection reason answered.
	Code    string `json:"error,omitempty"`
	Message string `json:"message,omitempty"`

	// Room for what the pointers and the validators point to, so that a
	// trail costs few allocations.
	provider    DecidedProvider
	service     DecidedService
	application DecidedApp
	checks      [8]Check
	outcome     bool
	// omittedApps are the distinct applications of the omitted
	// transactions not listed: the journal's app_id filter finds them.
	omittedApps []DecidedApp
}

// decisions holds released trails: a trail is about 600 bytes, the
// largest allocation of an authorization of the sandbox's own, and the
// journal keeps it as JSON, not as itself.
var decisions = sync.Pool{New: func() any { return new(Decision) }}

// NewDecision returns an empty trail, to be handed back with Release once
// it has been read.
func NewDecision() *Decision { return decisions.Get().(*Decision) }

// Release empties the trail and hands it back for another request. Nothing
// may hold it afterwards: the journal calls it once it has written the
// trail into its entry and the request's log line.
func (d *Decision) Release() {
	*d = Decision{}
	decisions.Put(d)
}

// MaxTrailTransactions is how many of a report's transactions its trail
// lists.
const MaxTrailTransactions = 100

func (d *Decision) setProvider(p *store.Provider) {
	d.provider = DecidedProvider{ID: p.ID, Name: p.Name}
	d.Provider = &d.provider
}

func (d *Decision) setService(s *store.Service) {
	d.service = DecidedService{ID: s.ID, SystemName: s.SystemName, BackendVersion: s.BackendVersion}
	d.Service = &d.service
}

func (d *Decision) setApplication(a *store.Application, plan *store.Plan) {
	d.application = decidedApp(a, plan)
	d.Application = &d.application
}

// check notes a validator's outcome, in order.
func (d *Decision) check(name string, passed bool) {
	if d.Validators == nil {
		d.Validators = d.checks[:0]
	}
	d.Validators = append(d.Validators, Check{Name: name, Passed: passed})
}

func (d *Decision) setAuthorized(ok bool) {
	d.outcome = ok
	d.Authorized = &d.outcome
}

func (d *Decision) setStored(ok bool) {
	d.outcome = ok
	d.Stored = &d.outcome
}

// DecidedProvider names a provider without its key.
type DecidedProvider struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// DecidedService is the service a request resolved.
type DecidedService struct {
	ID             string `json:"id"`
	SystemName     string `json:"system_name"`
	BackendVersion string `json:"backend_version"`
}

// DecidedApp is an application a request resolved; its keys are left out.
type DecidedApp struct {
	ID      int64  `json:"id"`
	AppID   string `json:"app_id"`
	Name    string `json:"name"`
	Plan    string `json:"plan"`
	State   string `json:"state"`
	userKey string
}

// Check is one validator's outcome: passed, or denied.
type Check struct {
	Name   string `json:"name"`
	Passed bool   `json:"passed"`
}

// Exceeded is a limit and the values that exceeded it: Current is the
// stored counter, Requested what it would be with this request's usage.
type Exceeded struct {
	Metric    string `json:"metric"`
	Period    string `json:"period"`
	Current   string `json:"current"`
	Requested string `json:"requested"`
	Max       int64  `json:"max"`
}

// Applied is one metric's usage as counted: an increment, or #N for a set.
type Applied struct {
	Metric string `json:"metric"`
	Value  string `json:"value"`
}

// DecidedTransaction is one transaction of a report.
type DecidedTransaction struct {
	Application DecidedApp `json:"application"`
	Timestamp   string     `json:"timestamp"`
	Usage       []Applied  `json:"usage"`
}

// Mentions reports whether the decision resolved an application by this
// app_id or user_key (the journal's app_id filter).
func (d *Decision) Mentions(id string) bool {
	if d == nil {
		return false
	}
	if a := d.Application; a != nil && (a.AppID == id || a.userKey == id) {
		return true
	}
	for _, t := range d.Transactions {
		if t.Application.AppID == id || t.Application.userKey == id {
			return true
		}
	}
	for _, a := range d.omittedApps {
		if a.AppID == id || a.userKey == id {
			return true
		}
	}
	return false
}

// LogValue is the decision in a log line, compact.
func (d *Decision) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("endpoint", d.Endpoint)}
	if d.Service != nil {
		attrs = append(attrs, slog.String("service", d.Service.ID))
	}
	if d.Application != nil {
		attrs = append(attrs, slog.String("application", d.Application.AppID))
	}
	if len(d.Validators) > 0 {
		var b strings.Builder
		for i, c := range d.Validators {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(c.Name)
			if !c.Passed {
				b.WriteString(":denied")
			}
		}
		attrs = append(attrs, slog.String("validators", b.String()))
	}
	if e := d.Exceeded; e != nil {
		attrs = append(attrs, slog.String("exceeded", e.Metric+"/"+e.Period+" "+e.Requested+">"+itoa(e.Max)))
	}
	if len(d.Usage) > 0 {
		attrs = append(attrs, slog.String("usage", appliedText(d.Usage)))
	}
	if len(d.Transactions) > 0 {
		attrs = append(attrs, slog.Int("transactions", len(d.Transactions)+d.TransactionsOmitted))
	}
	if d.Authorized != nil {
		attrs = append(attrs, slog.Bool("authorized", *d.Authorized))
	}
	if d.Stored != nil {
		attrs = append(attrs, slog.Bool("stored", *d.Stored))
	}
	return slog.GroupValue(attrs...)
}

func appliedText(u []Applied) string {
	var b strings.Builder
	for i, a := range u {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(a.Metric + "=" + a.Value)
	}
	return b.String()
}

func itoa(n int64) string { return string(appendCount(nil, small(n))) }

// decidedApp is an application and its plan (nil when the catalog has
// none) in the trail.
func decidedApp(a *store.Application, plan *store.Plan) DecidedApp {
	d := DecidedApp{ID: a.ID, AppID: a.AppID, Name: a.Name, State: a.State, userKey: a.UserKey}
	if plan != nil {
		d.Plan = plan.SystemName
	}
	return d
}

// applied lists processed usage as it is counted.
func applied(u usage) []Applied {
	out := make([]Applied, 0, len(u))
	for _, mu := range u {
		v := mu.value.raw
		if v == "" {
			v = string(appendCount(nil, mu.value.n))
		} else if mu.value.isSet() {
			v = "#" + string(appendCount(nil, rubyToI(v[1:])))
		} else {
			v = string(appendCount(nil, mu.value.toI()))
		}
		out = append(out, Applied{Metric: mu.metric.Name, Value: v})
	}
	return out
}

func stampDecision(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
