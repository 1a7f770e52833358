package mgmt

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/threescale-sandbox/threescale-sandbox/period"
	"github.com/threescale-sandbox/threescale-sandbox/rackquery"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// Auth answers authorize.xml, authrep.xml, oauth_authorize.xml and
// oauth_authrep.xml, following Listener#do_api_method and
// Transactor#validate step by step.
func (b *Backend) Auth(ctx context.Context, ep Endpoint, r *Request) *Response {
	d := r.Decision
	if d != nil {
		d.Endpoint = ep.name()
	}
	p, perr := params(r)
	if perr != nil {
		return d.refused(perr, errorResponse(perr, false)) // parse errors ignore no_body
	}
	ext, xerr := parseExtensions(r, p)
	if xerr != nil {
		return d.refused(xerr, errorResponse(xerr, false))
	}
	if !rackquery.ValidUTF8(p) {
		return d.refused(errNotValidData(), errorResponse(errNotValidData(), false))
	}
	c := &authCall{b: b, ep: ep, req: r, p: p, ext: ext, cat: b.store.Catalog(), d: d}
	resp, err := c.run(ctx)
	if err != nil {
		c.logError(err)
		return d.refused(err, errorResponse(err, ext.noBody))
	}
	if d != nil {
		d.setAuthorized(resp.Status == 200)
	}
	return resp
}

// refused notes the error a call was answered with, and returns resp.
func (d *Decision) refused(e *Error, resp *Response) *Response {
	if d != nil {
		d.Code, d.Message = e.Code, e.Message
	}
	return resp
}

// authCall carries one authorization request through its steps.
type authCall struct {
	b   *Backend
	ep  Endpoint
	req *Request
	p   *rackquery.Hash
	ext extensions
	cat *store.Catalog
	d   *Decision // nil: no trail wanted

	serviceID, appID, userKey, providerKey *string
	appKey                                 *string
	// given holds what those point to, so that they cost no allocation.
	given [5]string
	// pkForLog is the provider key the error log uses to find the service:
	// the raw parameter until the credentials are resolved.
	pkForLog *string
}

// normalize is normalize_non_empty_keys! as observed: non-strings become
// nil; app_key is stripped and kept even when empty; the others are kept as
// sent unless they are blank, which makes them nil.
func (c *authCall) normalize() {
	get := func(i int, k string, strip bool) *string {
		s, ok := str(c.p, k)
		if !ok {
			return nil
		}
		if strip {
			s = rubyStrip(s)
		} else if rubyStrip(s) == "" {
			return nil
		}
		c.given[i] = s
		return &c.given[i]
	}
	c.serviceID = get(0, "service_id", false)
	c.appID = get(1, "app_id", false)
	c.appKey = get(2, "app_key", true)
	c.userKey = get(3, "user_key", false)
	c.providerKey = get(4, "provider_key", false)
	c.pkForLog = c.providerKey
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (c *authCall) run(ctx context.Context) (*Response, *Error) {
	c.normalize()

	pk, err := resolveProviderKey(c.cat, c.providerKey, c.p, c.serviceID)
	if err != nil {
		return nil, err
	}
	if c.d != nil {
		c.d.Credentials = "provider_key"
		if c.providerKey == nil {
			c.d.Credentials = "service_token"
		}
	}
	if present(c.p, "user_id") {
		return nil, errEndUsers()
	}
	if u, ok := c.p.Get("usage"); ok {
		switch u.(type) {
		case *rackquery.Hash, rackquery.Nil:
		default:
			// apisonator halts with a bare 403.
			return &Response{Status: 403}, nil
		}
	}
	c.pkForLog = &pk

	svc, err := loadService(c.cat, deref(c.serviceID), pk)
	if err != nil {
		return nil, err
	}
	if c.d != nil {
		c.d.setProvider(svc.Provider)
		c.d.setService(svc)
	}
	if c.ep.oauth() && c.appID == nil {
		return nil, errApplicationNotFound("")
	}
	if c.appID != nil && c.userKey != nil {
		return nil, errAuthentication()
	}
	var app *store.Application
	if svc.BackendVersion == "1" {
		app = svc.ApplicationByUserKey(deref(c.userKey))
		if app == nil || c.userKey == nil {
			return nil, errUserKeyInvalid(deref(c.userKey))
		}
	} else {
		app = svc.Application(deref(c.appID))
		if app == nil || c.appID == nil {
			return nil, errApplicationNotFound(deref(c.appID))
		}
	}
	if c.d != nil {
		c.d.setApplication(app, c.cat.Plan(app.PlanID))
	}

	var rawUsage *rackquery.Hash
	if u, ok := c.p.Get("usage"); ok {
		rawUsage, _ = u.(*rackquery.Hash)
	}
	// With no_body and a usage, apisonator loads only the limits of the
	// named metrics and their ancestors, and fails on an unknown name (not
	// stripped) before any validator runs.
	if c.ext.noBody && rawUsage != nil && rawUsage.Len() > 0 {
		for _, name := range rawUsage.Keys() {
			if svc.Metric(name) == nil {
				return nil, errMetricInvalid(name)
			}
		}
	}

	st := &status{
		ep:            c.ep,
		app:           app,
		plan:          c.cat.Plan(app.PlanID),
		svc:           svc,
		now:           c.b.clock.Now(),
		rawUsage:      rawUsage,
		redirectField: "redirect_url",
		ext:           c.ext,
		d:             c.d,
	}
	st.starts = periodStarts(st.now)
	// The usage is parsed before the counters are locked: the lock covers
	// only reading and moving them.
	st.parseUsage(c.ext.flatUsage)
	if c.ep.reports() {
		return c.authrep(ctx, st)
	}
	var verr *Error
	c.b.store.ReadUsage(func(cs store.Counters) {
		st.readCurrent(cs)
		verr = c.validate(st)
	})
	if verr != nil {
		return nil, verr
	}
	return st.response(), nil
}

// authrep validates and, when authorized, reports the usage, under one lock
// so that concurrent authreps cannot both take the last unit of a limit.
func (c *authCall) authrep(ctx context.Context, st *status) (*Response, *Error) {
	// The usage is reported without its "0" entries (a log-only authrep
	// stores nothing).
	var report usage
	var reportErr *Error
	if st.rawUsage != nil {
		filtered := st.rawUsage
		for _, k := range st.rawUsage.Keys() {
			if v, _ := st.rawUsage.Get(k); v == rackquery.String("0") {
				filtered = nil
				break
			}
		}
		if filtered == nil {
			filtered = rackquery.NewHash()
			for _, k := range st.rawUsage.Keys() {
				if v, _ := st.rawUsage.Get(k); v != rackquery.String("0") {
					filtered.Set(k, v)
				}
			}
		}
		if filtered == st.rawUsage {
			report, reportErr = st.limitUsage, st.limitErr // the same parse
		} else if filtered.Len() > 0 {
			report, reportErr = processUsage(st.svc, filtered, c.ext.flatUsage)
		}
	}
	var verr *Error
	reported := false
	err := c.b.store.UpdateUsage(ctx, func(w *store.CounterWriter) error {
		st.readCurrent(w)
		if verr = c.validate(st); verr != nil || st.reason != nil || len(report) == 0 && reportErr == nil {
			return nil
		}
		if reportErr != nil {
			verr = reportErr
			return nil
		}
		aggregateAt(w, st.app, report, &st.starts)
		reported = true
		if c.d != nil {
			c.d.Usage = applied(report)
		}
		return nil
	})
	if verr != nil {
		return nil, verr
	}
	if err != nil {
		c.b.log.Error("authrep usage not stored", "err", err)
		return internalError(), nil
	}
	if reported {
		c.b.store.NoteTraffic(st.app, st.now)
	}
	return st.response(), nil
}

// validate runs the validators of the endpoint in apisonator's order and
// stops at the first rejection. Usage errors come back as errors.
func (c *authCall) validate(st *status) *Error {
	svc, app := st.svc, st.app
	var steps []func() *Error
	var names []string
	key := func() *Error {
		if svc.BackendVersion == "1" || len(app.Keys) == 0 || (c.appKey != nil && app.HasKey(*c.appKey)) {
			return nil
		}
		return reasonKeyInvalid(deref(c.appKey))
	}
	oauthKey := func() *Error {
		if c.appKey == nil || (*c.appKey != "" && app.HasKey(*c.appKey)) {
			return nil
		}
		return reasonKeyInvalid(*c.appKey)
	}
	oauthSetting := func() *Error {
		if svc.BackendVersion == "oauth" {
			return nil
		}
		return reasonOAuthNotEnabled()
	}
	redirect := func() *Error {
		field := "redirect_url"
		v, ok := c.p.Get(field)
		if !ok {
			if v, ok = c.p.Get("redirect_uri"); ok {
				field = "redirect_uri"
				st.redirectField = field
			}
		}
		if !ok {
			return nil
		}
		uri, empty := rubyValue(v)
		if empty || (uri == app.RedirectURL && isString(v)) {
			return nil
		}
		return reasonRedirect(field, uri)
	}
	referrer := func() *Error {
		if !svc.ReferrerFiltersRequired || len(app.ReferrerFilters) == 0 {
			return nil
		}
		ref, isStr := str(c.p, "referrer")
		if isStr && ref == "*" {
			return nil
		}
		for _, f := range app.ReferrerFilters {
			if isStr && referrerMatches(f.Value, ref) {
				return nil
			}
		}
		return reasonReferrer(ref)
	}
	state := func() *Error {
		if app.Live() {
			return nil
		}
		return reasonAppNotActive()
	}
	serviceState := func() *Error {
		if svc.Active() {
			return nil
		}
		return reasonServiceNotActive()
	}
	limits := func() *Error { return st.checkLimits() }

	// The validators, by apisonator's names for them.
	switch {
	case c.ep.oauth():
		steps = []func() *Error{oauthSetting, oauthKey, redirect, referrer, state, serviceState, limits}
		names = []string{"oauth_setting", "oauth_key", "redirect_uri", "referrer", "state", "service_state", "limits"}
	case svc.BackendVersion == "oauth":
		steps = []func() *Error{oauthKey, referrer, state, serviceState, limits}
		names = []string{"oauth_key", "referrer", "state", "service_state", "limits"}
	default:
		steps = []func() *Error{key, referrer, state, serviceState, limits}
		names = []string{"key", "referrer", "state", "service_state", "limits"}
	}
	if c.d != nil {
		c.d.Validators, c.d.Exceeded = c.d.Validators[:0], nil
	}
	for i, step := range steps {
		e := step()
		if c.d != nil {
			c.d.check(names[i], e == nil)
		}
		if e != nil {
			if c.d != nil {
				c.d.Validator = names[i]
			}
			if e.Status != 409 {
				return e // an exception, not a rejection
			}
			st.reason = e
			if c.d != nil {
				c.d.Code, c.d.Message = e.Code, e.Message
			}
			return nil
		}
	}
	return nil
}

// resolveProviderKey finds the provider key: the parameter, or the provider
// of a registered (service_token, service_id) pair.
func resolveProviderKey(cat *store.Catalog, pk *string, p *rackquery.Hash, sid *string) (string, *Error) {
	if pk != nil {
		return *pk, nil
	}
	if k, ok := tokenProvider(cat, p, deref(sid), sid != nil); ok {
		return k, nil
	}
	return "", providerKeyError(p, deref(sid), sid != nil)
}

// tokenProvider is provider_key_from: the provider key of the service whose
// token was given, if the pair is registered.
func tokenProvider(cat *store.Catalog, p *rackquery.Hash, sid string, hasSID bool) (string, bool) {
	token, _ := str(p, "service_token")
	if token == "" || !hasSID || sid == "" || !cat.TokenValid(token, sid) {
		return "", false
	}
	svc := cat.Service(sid)
	if svc == nil {
		return "", false
	}
	return svc.Provider.ProviderKey, true
}

// providerKeyError is raise_provider_key_error: which credential is wrong
// when no provider key came out of the request.
func providerKeyError(p *rackquery.Hash, sid string, hasSID bool) *Error {
	token, _ := str(p, "service_token")
	switch {
	case token == "":
		return errProviderKeyOrServiceTokenRequired()
	case !hasSID || sid == "":
		return errServiceIDMissing()
	default:
		return errServiceTokenInvalid(token, sid)
	}
}

// loadService is Service.load_with_provider_key!.
func loadService(cat *store.Catalog, id, pk string) (*store.Service, *Error) {
	if id == "" {
		if p := cat.ProviderByKey(pk); p != nil && p.DefaultService != nil {
			id = p.DefaultService.ID
		}
	}
	if id == "" {
		return nil, errProviderKeyInvalidOrServiceMissing(pk)
	}
	// Legacy ids like "abc-123" are tried as "123" first.
	var svc *store.Service
	trimmed := strings.TrimRight(id, "-")
	if last := trimmed[strings.LastIndexByte(trimmed, '-')+1:]; last != "" {
		svc = cat.Service(last)
	}
	if svc == nil {
		svc = cat.Service(id)
	}
	if svc == nil {
		return nil, errServiceIDInvalid(id)
	}
	if svc.Provider.ProviderKey != pk {
		if p := cat.ProviderByKey(pk); p == nil || p.DefaultService == nil {
			return nil, errProviderKeyInvalid(pk)
		}
		return nil, errServiceIDInvalid(id)
	}
	return svc, nil
}

// referrerMatches is apisonator's anchored filter match: '*' stands for any
// run of characters except a line break (Ruby's '.'), everything else is
// literal. Dynamic programming over bytes: UTF-8 never hides '\n' inside a
// multi-byte character.
func referrerMatches(filter, ref string) bool {
	// row[j]: filter[:i] matches ref[:j].
	row := make([]bool, len(ref)+1)
	row[0] = true
	for i := 0; i < len(filter); i++ {
		if filter[i] == '*' {
			for j := 1; j <= len(ref); j++ {
				row[j] = row[j] || (row[j-1] && ref[j-1] != '\n')
			}
			continue
		}
		for j := len(ref); j >= 1; j-- {
			row[j] = row[j-1] && ref[j-1] == filter[i]
		}
		row[0] = false
	}
	return row[len(ref)]
}

// isString reports whether a parameter value is a string.
func isString(v rackquery.Value) bool { _, ok := v.(rackquery.String); return ok }

// rubyValue renders a parameter value as Ruby's to_s would inside an error
// message, and tells whether Ruby would consider it empty.
func rubyValue(v rackquery.Value) (string, bool) {
	switch v := v.(type) {
	case rackquery.String:
		return string(v), v == ""
	case *rackquery.Hash:
		var b strings.Builder
		b.WriteByte('{')
		for i, k := range v.Keys() {
			if i > 0 {
				b.WriteString(", ")
			}
			e, _ := v.Get(k)
			s, _ := rubyValue(e)
			b.WriteString(`"` + k + `"=>` + rubyInspect(e, s))
		}
		b.WriteByte('}')
		return b.String(), v.Len() == 0
	case rackquery.Array:
		var b strings.Builder
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			s, _ := rubyValue(e)
			b.WriteString(rubyInspect(e, s))
		}
		b.WriteByte(']')
		return b.String(), len(v) == 0
	default:
		return "", true
	}
}

func rubyInspect(v rackquery.Value, s string) string {
	switch v.(type) {
	case rackquery.String:
		return `"` + s + `"`
	case rackquery.Nil:
		return "nil"
	default:
		return s
	}
}

// logError stores an error in the service's error log, as do_api_method
// does: only when the service can be told from service_id or the provider's
// default service.
func (c *authCall) logError(e *Error) {
	if c.cat == nil || e.Status == 409 {
		return
	}
	pk := deref(c.pkForLog)
	var svc *store.Service
	if c.serviceID == nil {
		if p := c.cat.ProviderByKey(pk); p != nil && c.pkForLog != nil {
			svc = p.DefaultService
		}
	} else if s := c.cat.Service(*c.serviceID); s != nil && c.pkForLog != nil && s.Provider.ProviderKey == pk {
		svc = s
	}
	if svc == nil {
		return
	}
	c.b.store.RecordError(svc.ID, store.ErrorRecord{
		Code: e.Code, Message: e.Message, Time: c.b.clock.Now(), Context: requestContext(c.req, c.ext),
	})
}

// requestContext is the context_info apisonator stores with an error.
func requestContext(r *Request, x extensions) json.RawMessage {
	type info struct {
		URL           string          `json:"url"`
		Method        string          `json:"method"`
		FormVars      *string         `json:"form_vars"`
		UserAgent     *string         `json:"user_agent"`
		IP            string          `json:"ip"`
		ContentType   *string         `json:"content_type"`
		ContentLength *string         `json:"content_length"`
		Extensions    json.RawMessage `json:"extensions"`
	}
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		s = strings.ToValidUTF8(s, "\uFFFD")
		return &s
	}
	in := info{
		URL: strings.ToValidUTF8(r.URL, "\uFFFD"), Method: r.Method, UserAgent: opt(r.UserAgent), IP: r.RemoteIP,
		ContentType: opt(r.ContentType), ContentLength: opt(r.ContentLength), Extensions: x.contextJSON(),
	}
	if mt := mediaType(r.ContentType); r.Method == "POST" && (mt == formURLEncoded || mt == "") {
		in.FormVars = opt(string(r.Body))
	}
	out, err := json.Marshal(in)
	if err != nil {
		return json.RawMessage("{}")
	}
	return out
}

// aggregate applies processed usage to an application's counters at t, in
// every period: sets replace ("#0" clears), other values add.
func aggregate(w *store.CounterWriter, app *store.Application, u usage, t time.Time) {
	starts := periodStarts(t)
	aggregateAt(w, app, u, &starts)
}

// aggregateAt is aggregate with the periods' starts at t worked out.
func aggregateAt(w *store.CounterWriter, app *store.Application, u usage, starts *[len(period.All)]int64) {
	for _, mu := range u {
		set := mu.value.isSet()
		// Beyond int64 the real backend's Redis refuses the INCRBY (and its
		// worker fails); the sandbox's counters saturate instead.
		n := getFrom(&mu.value, count{}).saturated()
		for _, p := range period.All {
			k := store.KeyAt(app, mu.metric, p, starts[p])
			if set {
				w.Set(k, n)
			} else {
				w.Add(k, n)
			}
		}
	}
}

// periodStarts are the starts of every period at t, in Unix seconds.
func periodStarts(t time.Time) [len(period.All)]int64 {
	var out [len(period.All)]int64
	for _, p := range period.All {
		out[p] = p.Start(t).Unix()
	}
	return out
}
