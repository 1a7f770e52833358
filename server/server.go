// Package server wires HTTP to the sandbox's domains: every route of the
// Service Management API, the Account Management API and the sandbox's own
// endpoints is in this file. The two portals, each on a listener of its
// own, list their routes beside their pages: portal/admin/routes.go and
// portal/developer/routes.go.
package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/labstack/echo/v4"

	"github.com/threescale-sandbox/threescale-sandbox/clock"
	"github.com/threescale-sandbox/threescale-sandbox/contracts/openapi"
	"github.com/threescale-sandbox/threescale-sandbox/fixtures"
	"github.com/threescale-sandbox/threescale-sandbox/journal"
	"github.com/threescale-sandbox/threescale-sandbox/mgmt"
	"github.com/threescale-sandbox/threescale-sandbox/portal/admin"
	"github.com/threescale-sandbox/threescale-sandbox/portal/api"
	"github.com/threescale-sandbox/threescale-sandbox/portal/developer"
	"github.com/threescale-sandbox/threescale-sandbox/portal/porta"
	"github.com/threescale-sandbox/threescale-sandbox/store"
)

// maxBody is Rack's limit on form bodies: 4 MiB.
const maxBody = 4194304

// Options configures a server.
type Options struct {
	Store  *store.Store
	Clock  clock.Clock
	Logger *slog.Logger
	// Random supplies generated keys, ids and webhook event ids
	// (crypto/rand.Reader when nil).
	Random io.Reader
	// Validator, when set, logs every request that violates the OpenAPI
	// description (serve --validate).
	Validator *openapi.Description
	// Health is what GET /_sandbox/health reports about this process.
	Health Health
	// Links are the portals' base URLs, for the links in emails and
	// between the portals ("" when a portal is off: its links are paths).
	Links porta.Links
	// Journal records the requests (GET /_sandbox/requests); nil means one
	// of DefaultJournalSize, journal.New(0) none.
	Journal *journal.Journal
	// Baseline is the state POST /_sandbox/reset puts back: the fixtures'
	// (store.Baseline). When it is nil, LoadBaseline gives it at each use
	// (a reset, a bundle), made or read back as the caller chose: serve
	// keeps it in a file (store.Spill), and a restart from a kept database
	// seeds it aside only at the first reset.
	Baseline     *store.State
	LoadBaseline func(context.Context) (*store.State, error)
	// SnapshotDir keeps the snapshots as files (with --db: beside the
	// database); "" keeps them in memory.
	SnapshotDir string
	// World is the fixtures' world: POST /_sandbox/worlds copies its
	// providers, and a bundle carries it.
	World *fixtures.Held
	// ControlToken, when set, is required as "Authorization: Bearer
	// TOKEN" on every /_sandbox route (serve --control-token).
	ControlToken string
}

// DefaultJournalSize is how many requests the journal keeps by default.
const DefaultJournalSize = 10000

// Faces are the sandbox's three faces on one domain, each served on a
// listener of its own: the APIs (Service Management, Account Management,
// the sandbox's own), the admin portal and the developer portal.
type Faces struct {
	API, Admin, Developer http.Handler
}

// NewFaces returns the three faces. The portals sign their cookies with a
// secret kept in the store, so that a restart on the same database keeps
// the browsers signed in.
func NewFaces(ctx context.Context, o Options) (*Faces, error) {
	o = defaults(o)
	d := domain(o)
	secret, err := o.Store.Secret(ctx, "portal-cookies", 32)
	if err != nil {
		return nil, err
	}
	adm, err := admin.New(admin.Config{Domain: d, Secret: secret, Links: o.Links, Logger: o.Logger})
	if err != nil {
		return nil, fmt.Errorf("admin portal: %w", err)
	}
	dev, err := developer.New(developer.Config{Domain: d, Secret: secret, Links: o.Links, Logger: o.Logger})
	if err != nil {
		return nil, fmt.Errorf("developer portal: %w", err)
	}
	// The portals' requests are journaled and logged as the APIs' are.
	portal := func(face string, h http.Handler) http.Handler {
		return journal.Middleware(journal.Options{Journal: o.Journal, Clock: o.Clock, Logger: o.Logger,
			Face: func(string) string { return face }})(h)
	}
	return &Faces{API: apiHandler(o, d), Admin: portal(journal.FaceAdminPortal, adm),
		Developer: portal(journal.FaceDeveloperPortal, dev)}, nil
}

// NewServer returns the handler of the APIs: the sandbox without its
// portals.
func NewServer(o Options) http.Handler {
	o = defaults(o)
	return apiHandler(o, domain(o))
}

func defaults(o Options) Options {
	if o.Random == nil {
		o.Random = rand.Reader
	}
	// Shared by the domain and the control API's handlers, which run
	// side by side: a test's seeded source is not safe for that alone.
	o.Random = &lockedReader{r: o.Random}
	if o.Health.Wall == nil {
		o.Health.Wall = clock.System{}
	}
	if o.Journal == nil {
		o.Journal = journal.New(DefaultJournalSize)
	}
	return o
}

// lockedReader serializes the reads of a source of random bytes.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}

// domain is porta's domain the faces share.
func domain(o Options) *porta.Domain {
	return porta.New(o.Store, o.Random, porta.WithLinks(o.Links))
}

// apiHandler routes the APIs.
func apiHandler(o Options, d *porta.Domain) http.Handler {
	h := &handlers{backend: mgmt.New(o.Store, o.Clock, o.Logger), store: o.Store, log: o.Logger,
		clock: o.Clock, about: o.Health, rnd: o.Random, world: o.World, journal: o.Journal, baseline: o.Baseline, loadBaseline: o.LoadBaseline, snapshots: newSnapshots(o.SnapshotDir)}
	p := api.New(d, o.Logger)
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = h.httpError

	// Service Management API (apisonator's listener). Sinatra answers HEAD
	// on every GET route.
	getHead := []string{http.MethodGet, http.MethodHead}
	e.Match(getHead, "/transactions/authorize.xml", h.auth(mgmt.Authorize))
	e.Match(getHead, "/transactions/authrep.xml", h.auth(mgmt.Authrep))
	e.Match(getHead, "/transactions/oauth_authorize.xml", h.auth(mgmt.OAuthAuthorize))
	e.Match(getHead, "/transactions/oauth_authrep.xml", h.auth(mgmt.OAuthAuthrep))
	e.POST("/transactions.xml", h.report)
	e.Match(getHead, "/check.txt", h.check)
	e.Match(getHead, "/status", h.status)
	e.HEAD("/available", h.available)
	e.Match(getHead, "/openapi.yaml", h.openapi)
	e.Match(getHead, "/openapi/account_management.yaml", h.amOpenAPI)

	// The per-service error log, at apisonator's internal API path.
	e.GET("/internal/services/:sid/errors", h.listErrors)
	e.GET("/internal/services/:sid/errors/", h.listErrors)
	e.DELETE("/internal/services/:sid/errors", h.deleteErrors)
	e.DELETE("/internal/services/:sid/errors/", h.deleteErrors)

	// The Account Management API (porta's /admin/api).
	route := func(method, path string, hd api.Handler) { amRoute(e, method, "/admin/api"+path, hd, "xml") }
	// Routes porta constrains to JSON (format: :json), which is their
	// default too.
	jsonRoute := func(method, path string, hd api.Handler) { amRoute(e, method, "/admin/api"+path, hd, "json") }
	route("POST", "/signup", p.Signup)
	route("GET", "/accounts", p.ListAccounts)
	route("GET", "/accounts/find", p.FindAccount)
	route("GET", "/accounts/:id", p.ShowAccount)
	route("PUT", "/accounts/:id", p.UpdateAccount)
	route("DELETE", "/accounts/:id", p.DeleteAccount)
	route("PUT", "/accounts/:id/approve", p.ApproveAccount)
	route("PUT", "/accounts/:id/reject", p.RejectAccount)
	route("PUT", "/accounts/:id/make_pending", p.MakePendingAccount)
	route("PUT", "/accounts/:id/change_plan", p.ChangeAccountPlan)
	route("POST", "/accounts/:account_id/messages", p.SendMessage)
	jsonRoute("GET", "/accounts/:account_id/service_subscriptions", p.ListSubscriptions)
	jsonRoute("POST", "/accounts/:account_id/service_subscriptions", p.CreateSubscription)
	jsonRoute("GET", "/accounts/:account_id/service_subscriptions/:id", p.ShowSubscription)
	jsonRoute("DELETE", "/accounts/:account_id/service_subscriptions/:id", p.DeleteSubscription)
	jsonRoute("PUT", "/accounts/:account_id/service_subscriptions/:id/change_plan", p.ChangeSubscriptionPlan)
	jsonRoute("PUT", "/accounts/:account_id/service_subscriptions/:id/approve", p.ApproveSubscription)

	route("GET", "/account_plans", p.ListAccountPlans)
	route("POST", "/account_plans", p.CreateAccountPlan)
	route("GET", "/account_plans/:id", p.ShowAccountPlan)
	route("PUT", "/account_plans/:id", p.UpdateAccountPlan)
	route("DELETE", "/account_plans/:id", p.DeleteAccountPlan)
	route("PUT", "/account_plans/:id/default", p.DefaultAccountPlan)

	route("GET", "/accounts/:account_id/users", p.ListUsers)
	route("POST", "/accounts/:account_id/users", p.CreateUser)
	route("GET", "/accounts/:account_id/users/:id", p.ShowUser)
	route("PUT", "/accounts/:account_id/users/:id", p.UpdateUser)
	route("DELETE", "/accounts/:account_id/users/:id", p.DeleteUser)
	route("PUT", "/accounts/:account_id/users/:id/activate", p.ActivateUser)
	route("PUT", "/accounts/:account_id/users/:id/suspend", p.SuspendUser)
	route("PUT", "/accounts/:account_id/users/:id/unsuspend", p.UnsuspendUser)
	route("PUT", "/accounts/:account_id/users/:id/admin", p.SetUserRole(porta.RoleAdmin))
	route("PUT", "/accounts/:account_id/users/:id/member", p.SetUserRole(porta.RoleMember))

	route("GET", "/applications", p.ListApplications)
	route("GET", "/applications/find", p.FindApplication)
	route("GET", "/accounts/:account_id/applications", p.ListAccountApplications)
	route("POST", "/accounts/:account_id/applications", p.CreateApplication)
	route("GET", "/accounts/:account_id/applications/find", p.FindAccountApplication)
	route("GET", "/accounts/:account_id/applications/:id", p.ShowApplication)
	route("PUT", "/accounts/:account_id/applications/:id", p.UpdateApplication)
	route("DELETE", "/accounts/:account_id/applications/:id", p.DeleteApplication)
	route("PUT", "/accounts/:account_id/applications/:id/accept", p.AcceptApplication)
	route("PUT", "/accounts/:account_id/applications/:id/suspend", p.SuspendApplication)
	route("PUT", "/accounts/:account_id/applications/:id/resume", p.ResumeApplication)
	route("PUT", "/accounts/:account_id/applications/:id/change_plan", p.ChangeApplicationPlan)
	route("PUT", "/accounts/:account_id/applications/:id/change_user_key", p.ChangeUserKey) // sandbox addition
	route("PUT", "/accounts/:account_id/applications/:id/customize_plan", p.CustomizePlan)
	route("PUT", "/accounts/:account_id/applications/:id/decustomize_plan", p.DecustomizePlan)
	route("GET", "/accounts/:account_id/applications/:application_id/keys", p.ListKeys)
	route("POST", "/accounts/:account_id/applications/:application_id/keys", p.CreateKey)
	route("DELETE", "/accounts/:account_id/applications/:application_id/keys/:key", p.DeleteKey)
	route("GET", "/accounts/:account_id/applications/:application_id/referrer_filters", p.ListReferrerFilters)
	route("POST", "/accounts/:account_id/applications/:application_id/referrer_filters", p.CreateReferrerFilter)
	route("DELETE", "/accounts/:account_id/applications/:application_id/referrer_filters/:id", p.DeleteReferrerFilter)

	route("GET", "/services", p.ListServices)
	route("POST", "/services", p.CreateService)
	route("GET", "/services/:id", p.ShowService)
	route("PUT", "/services/:id", p.UpdateService)
	route("DELETE", "/services/:id", p.DeleteService)
	route("GET", "/service_plans", p.ListAllServicePlans)
	route("GET", "/services/:service_id/service_plans", p.ListServiceServicePlans)
	route("POST", "/services/:service_id/service_plans", p.CreateServicePlan)
	route("GET", "/services/:service_id/service_plans/:id", p.ShowServicePlan)
	route("PUT", "/services/:service_id/service_plans/:id", p.UpdateServicePlan)
	route("DELETE", "/services/:service_id/service_plans/:id", p.DeleteServicePlan)
	route("PUT", "/services/:service_id/service_plans/:id/default", p.DefaultServicePlan)
	route("GET", "/application_plans", p.ListAllPlans)
	route("GET", "/services/:service_id/application_plans", p.ListServicePlans)
	route("POST", "/services/:service_id/application_plans", p.CreatePlan)
	route("GET", "/services/:service_id/application_plans/:id", p.ShowPlan)
	route("PUT", "/services/:service_id/application_plans/:id", p.UpdatePlan)
	route("DELETE", "/services/:service_id/application_plans/:id", p.DeletePlan)
	route("PUT", "/services/:service_id/application_plans/:id/default", p.DefaultPlan)
	route("GET", "/services/:service_id/metrics", p.ListMetrics)
	route("POST", "/services/:service_id/metrics", p.CreateMetric(false))
	route("GET", "/services/:service_id/metrics/:id", p.ShowMetric(false))
	route("PUT", "/services/:service_id/metrics/:id", p.UpdateMetric(false))
	route("DELETE", "/services/:service_id/metrics/:id", p.DeleteMetric(false))
	route("GET", "/services/:service_id/metrics/:metric_id/methods", p.ListMethods)
	route("POST", "/services/:service_id/metrics/:metric_id/methods", p.CreateMetric(true))
	route("GET", "/services/:service_id/metrics/:metric_id/methods/:id", p.ShowMetric(true))
	route("PUT", "/services/:service_id/metrics/:metric_id/methods/:id", p.UpdateMetric(true))
	route("DELETE", "/services/:service_id/metrics/:metric_id/methods/:id", p.DeleteMetric(true))
	route("GET", "/application_plans/:plan_id/limits", p.ListPlanLimits)
	route("GET", "/application_plans/:plan_id/metrics/:metric_id/limits", p.ListMetricLimits)
	route("POST", "/application_plans/:plan_id/metrics/:metric_id/limits", p.CreateLimit)
	route("GET", "/application_plans/:plan_id/metrics/:metric_id/limits/:id", p.ShowLimit)
	route("PUT", "/application_plans/:plan_id/metrics/:metric_id/limits/:id", p.UpdateLimit)
	route("DELETE", "/application_plans/:plan_id/metrics/:metric_id/limits/:id", p.DeleteLimit)

	route("GET", "/settings", p.ShowSettings)
	route("PUT", "/settings", p.UpdateSettings)
	route("GET", "/webhooks", p.ShowWebhooks)
	route("PUT", "/webhooks", p.UpdateWebhooks)
	route("GET", "/webhooks/failures", p.ListFailures)
	route("DELETE", "/webhooks/failures", p.DeleteFailures)

	// The sandbox's own: its health (for container health checks and CI
	// waits), every webhook event with its deliveries, every email the
	// sandbox would have sent.
	e.Match(getHead, "/_sandbox/health", h.health)
	e.GET("/_sandbox/webhooks", h.outbox)
	e.DELETE("/_sandbox/webhooks", h.clearOutbox)
	e.POST("/_sandbox/webhooks/:id/redeliver", control(h.redeliver))
	e.GET("/_sandbox/emails", h.emails)
	e.DELETE("/_sandbox/emails", h.clearEmails)
	// Reset and snapshots.
	e.POST("/_sandbox/reset", control(h.reset))
	e.GET("/_sandbox/snapshots", control(h.listSnapshots))
	e.POST("/_sandbox/snapshots", control(h.createSnapshot))
	e.POST("/_sandbox/snapshots/:name/restore", control(h.restoreSnapshot))
	e.DELETE("/_sandbox/snapshots/:name", control(h.deleteSnapshot))
	// The description of the control API.
	e.GET("/_sandbox/openapi.yaml", h.sandboxOpenapi)
	// The repro bundle.
	e.GET("/_sandbox/bundle", control(h.getBundle))
	// Isolated worlds.
	e.GET("/_sandbox/worlds", control(h.listWorlds))
	e.POST("/_sandbox/worlds", control(h.createWorld))
	e.GET("/_sandbox/worlds/:id", control(h.showWorld))
	e.DELETE("/_sandbox/worlds/:id", control(h.dropWorld))
	e.POST("/_sandbox/worlds/:id/reset", control(h.resetWorld))
	// Faults.
	e.GET("/_sandbox/faults", control(h.listFaults))
	e.PUT("/_sandbox/faults", control(h.setFaults))
	e.DELETE("/_sandbox/faults", control(h.clearFaults))
	// The clock.
	e.GET("/_sandbox/clock", control(h.getClock))
	e.PUT("/_sandbox/clock", control(h.setClock))
	e.POST("/_sandbox/clock/advance", control(h.advanceClock))
	// The request journal.
	e.GET("/_sandbox/requests", control(h.listRequests))
	e.DELETE("/_sandbox/requests", control(h.clearRequests))
	e.GET("/_sandbox/requests/:id", control(h.showRequest))

	e.RouteNotFound("/*", h.notFound)
	h.routes = knownRoutes(e)
	// What runs before routing wraps the router as plain handlers: echo
	// chains its Pre middlewares anew for every request, three closures
	// per authorize.
	var routed http.Handler = e
	if o.Validator != nil {
		routed = validate(o.Validator, o.Logger, routed)
	}
	routed = normalizeAMPath(routed)
	if o.ControlToken != "" {
		routed = controlToken(o.ControlToken, routed)
	}
	// CORS pre-flight for any path, before routing (apisonator: options '*').
	routed = preflight(routed)
	mw := journal.Middleware(journal.Options{Journal: o.Journal, Clock: o.Clock, Logger: o.Logger, Face: face})
	return &Server{handler: mw(h.withFaults(routed)), router: e}
}

// Server is the handler of the APIs' listener: the router inside the
// journal's middleware.
type Server struct {
	handler http.Handler
	router  *echo.Echo
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes lists every route of the router.
func (s *Server) Routes() []*echo.Route { return s.router.Routes() }

// face names the face a path of the APIs' listener belongs to, for the
// journal: the control API's own paths are not recorded.
func face(path string) string {
	switch {
	case under(path, "/_sandbox"):
		return ""
	case under(path, "/admin/api"):
		return journal.FaceAccountManagement
	}
	return journal.FaceServiceManagement
}

// under reports whether path is prefix or below it.
func under(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// amRoute registers an Account Management API route. porta's routes end
// in an optional format: a path whose last segment is fixed also answers
// with .FORMAT (one ending in an id carries the format in the id, which
// the adapter splits as Rails does). GET routes answer HEAD, PUT routes
// PATCH, as Rails' do.
func amRoute(e *echo.Echo, method, path string, h api.Handler, format string) {
	methods := []string{method}
	switch method {
	case http.MethodGet:
		methods = append(methods, http.MethodHead)
	case http.MethodPut:
		methods = append(methods, http.MethodPatch)
	}
	paths := []string{path}
	if last := path[strings.LastIndexByte(path, '/')+1:]; !strings.HasPrefix(last, ":") {
		paths = append(paths, path+".:format")
	}
	for _, p := range paths {
		e.Match(methods, p, am(h, format))
	}
}

type handlers struct {
	backend *mgmt.Backend
	store   *store.Store
	log     *slog.Logger
	clock   clock.Clock
	about   Health
	rnd     io.Reader // generated ids
	world   *fixtures.Held
	journal *journal.Journal
	routes  []route // every route, for a 404's suggestions

	baseline     *store.State
	loadBaseline func(context.Context) (*store.State, error) // when baseline is nil
	snapshots    *snapshots
	faults       atomic.Pointer[faultSet] // nil: none
}

const contentTypeXML = "application/vnd.3scale-v2.0+xml"

// The values of the headers every answer carries, made once: net/http
// only reads them.
var (
	xmlContentType = []string{contentTypeXML}
	allowOrigin    = []string{"*"}
	exposeHeaders  = []string{"ETag, Link, 3scale-rejection-reason"}
	selfOnly       = []string{"default-src 'self'"}
)

// commonHeaders are what apisonator's before filter sets on every response.
func commonHeaders(h http.Header, contentType string, csp bool) {
	switch contentType {
	case "":
	case contentTypeXML:
		// Canonical, unlike the rest: net/http looks for this spelling and
		// would add a sniffed second Content-Type otherwise.
		h["Content-Type"] = xmlContentType
	default:
		h.Set("Content-Type", contentType)
	}
	h["access-control-allow-origin"] = allowOrigin
	h["access-control-expose-headers"] = exposeHeaders
	if csp {
		h["content-security-policy"] = selfOnly
	}
}

// set writes a header name as given: Rack 3 sends lower-case names, and so
// do we (net/http would otherwise canonicalize 3scale-rejection-reason to
// 3scale-Rejection-Reason). Names are case-insensitive, but byte-for-byte
// comparisons of captured traffic are not.
func set(h http.Header, name, value string) { h[name] = []string{value} }

// backendPath reports whether a path is the Service Management API's side
// of the sandbox. porta's Account Management API and the sandbox's own
// routes answer no CORS: a web page open in the user's browser must not be
// able to change the sandbox with the default world's well-known token.
func backendPath(p string) bool { return !under(p, "/admin/api") && !under(p, "/_sandbox") }

func preflight(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodOptions || !backendPath(r.URL.Path) {
			next.ServeHTTP(w, r)
			return
		}
		hd := w.Header()
		commonHeaders(hd, "", true)
		set(hd, "access-control-max-age", "86400")
		set(hd, "access-control-allow-methods", "GET, POST, PATCH, PUT, DELETE")
		set(hd, "access-control-allow-headers", "Authorization, Accept-Encoding, Content-Type, Cache-Control, Accept, "+
			"If-Match, If-Modified-Since, If-None-Match, If-Unmodified-Since, X-Requested-With, X-HTTP-Method-Override, "+
			"3scale-options")
		w.WriteHeader(http.StatusNoContent)
	})
}

// request turns an HTTP request into what the Service Management API reads.
// A body over Rack's limit gets Rack's error.
func request(c echo.Context) (*mgmt.Request, *mgmt.Response) {
	r := c.Request()
	var body []byte
	var err error
	if r.Body != nil && r.Body != http.NoBody {
		body, err = io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	}
	if err != nil {
		return nil, &mgmt.Response{Status: http.StatusBadRequest, ErrorDocument: true,
			Body: mgmt.ErrorDocument("bad_request", "request body could not be read")}
	}
	if len(body) > maxBody {
		return nil, &mgmt.Response{Status: http.StatusBadRequest, ErrorDocument: true,
			Body: mgmt.ErrorDocument("bad_request", "total query size exceeds limit ("+strconv.Itoa(maxBody)+")")}
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	opts, hasOpts := r.Header["3scale-Options"]
	ip, _, _ := net.SplitHostPort(r.RemoteAddr)
	return &mgmt.Request{
		Method:        r.Method,
		URL:           scheme + "://" + r.Host + r.RequestURI,
		RawQuery:      r.URL.RawQuery,
		Body:          body,
		ContentType:   r.Header.Get("Content-Type"),
		Options:       strings.Join(opts, ","),
		HasOptions:    hasOpts,
		UserAgent:     r.Header.Get("User-Agent"),
		RemoteIP:      ip,
		ContentLength: r.Header.Get("Content-Length"),
	}, nil
}

func write(c echo.Context, resp *mgmt.Response) error {
	defer resp.Release()
	w := c.Response()
	if resp.Bare {
		// No header at all: a nil Content-Type stops net/http sniffing one.
		w.Header()["Content-Type"] = nil
		w.WriteHeader(resp.Status)
		_, err := w.Write(resp.Body)
		return err
	}
	commonHeaders(w.Header(), contentTypeXML, !resp.ErrorDocument)
	for _, kv := range resp.Header { // mgmt names them in lower case
		set(w.Header(), kv[0], kv[1])
	}
	w.WriteHeader(resp.Status)
	if len(resp.Body) > 0 {
		_, err := w.Write(resp.Body)
		return err
	}
	return nil
}

func (h *handlers) auth(ep mgmt.Endpoint) echo.HandlerFunc {
	return func(c echo.Context) error {
		req, bad := request(c)
		if bad != nil {
			return write(c, bad)
		}
		e := decide(c, req)
		resp := h.backend.Auth(c.Request().Context(), ep, req)
		decided(e, req)
		return write(c, resp)
	}
}

func (h *handlers) report(c echo.Context) error {
	req, bad := request(c)
	if bad != nil {
		return write(c, bad)
	}
	e := decide(c, req)
	resp := h.backend.Report(c.Request().Context(), req)
	decided(e, req)
	return write(c, resp)
}

// decide asks the backend for the decision trail when the journal records
// the request.
func decide(c echo.Context, req *mgmt.Request) *journal.Entry {
	e := journal.For(c.Response())
	if e != nil {
		req.Decision = mgmt.NewDecision() // released by the journal
		e.Decision = req.Decision
	}
	return e
}

// decided copies the answer's error code or rejection reason to the entry.
func decided(e *journal.Entry, req *mgmt.Request) {
	if e != nil {
		e.Code, e.Message = req.Decision.Code, req.Decision.Message
	}
}

func (h *handlers) check(c echo.Context) error {
	commonHeaders(c.Response().Header(), "text/plain;charset=utf-8", true)
	c.Response().WriteHeader(http.StatusOK)
	_, err := io.WriteString(c.Response(), "ok")
	return err
}

func (h *handlers) status(c echo.Context) error {
	commonHeaders(c.Response().Header(), "application/json", true)
	c.Response().WriteHeader(http.StatusOK)
	_, err := io.WriteString(c.Response(), `{"status":"ok","version":{"backend":"`+mgmt.Version+`"}}`)
	return err
}

func (h *handlers) available(c echo.Context) error {
	commonHeaders(c.Response().Header(), contentTypeXML, true)
	return c.NoContent(http.StatusOK)
}

// notFound is apisonator's not_found: an empty body (Sinatra adds
// X-Cascade: pass). Under porta's and the sandbox's own paths it is porta's
// empty 404, without the backend's headers.
func (h *handlers) notFound(c echo.Context) error {
	r := c.Request()
	if under(r.URL.Path, "/_sandbox") {
		// The control API's own: JSON that names the closest routes.
		msg := fmt.Sprintf("no control route %s %s", r.Method, r.URL.Path)
		if near := suggest(h.routes, r.Method, r.URL.Path); len(near) > 0 {
			msg += " (did you mean " + strings.Join(near, " or ") + "?)"
		}
		msg += "; GET /_sandbox/openapi.yaml describes them"
		return replyJSON(c, http.StatusNotFound, &refusal{Message: msg})
	}
	if e := journal.For(c.Response()); e != nil {
		e.Suggestions = suggest(h.routes, r.Method, r.URL.Path)
	}
	hd := c.Response().Header()
	if !backendPath(c.Request().URL.Path) {
		hd.Set("Content-Type", "application/xml")
		return c.NoContent(http.StatusNotFound)
	}
	commonHeaders(hd, contentTypeXML, true)
	set(hd, "x-cascade", "pass")
	return c.NoContent(http.StatusNotFound)
}

// httpError turns the router's 404 and 405 into apisonator's 404, and
// anything unexpected into its plain 500.
func (h *handlers) httpError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var he *echo.HTTPError
	if errors.As(err, &he) && (he.Code == http.StatusNotFound || he.Code == http.StatusMethodNotAllowed) {
		_ = h.notFound(c)
		return
	}
	h.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	c.Response().Header().Set("Content-Type", "text/plain")
	c.Response().WriteHeader(http.StatusInternalServerError)
	_, _ = io.Copy(c.Response(), bytes.NewBufferString("Internal Server Error\n"))
}
