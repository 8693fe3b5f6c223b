// Package web serves Upshot's web app and JSON API: mobile-first pages to log
// a session and a check-in, the dashboard, the review and the report, and
// /api/v1 for everything the pages do. Pages are rendered on the server with
// html/template and work without JavaScript; every asset is embedded.
//
// Even on loopback the server is hardened: a page on another site can make
// the person's browser talk to 127.0.0.1, so state-changing requests must be
// same-origin, the Host header must name this server (against DNS
// rebinding), and a strict Content-Security-Policy applies to every page.
package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/auth"
	"github.com/upshot-app/upshot/internal/checkin"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/report"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Config is what a server needs. Store, Registry and Owner are required.
type Config struct {
	Store    upshot.Store
	Registry *instrument.Registry
	// Addr is the address the server was asked to listen on (host:port);
	// requests whose Host header names it are accepted beside localhost and
	// 127.0.0.1 on any port.
	Addr  string
	Owner upshot.OwnerID
	// LaunchToken is the secret that admits the single person of a loopback
	// server while no account has a password (see auth.LaunchToken). Required.
	LaunchToken string
	// BehindProxy trusts X-Forwarded-Proto and X-Forwarded-For from a proxy
	// on this machine (loopback) and from nowhere else.
	BehindProxy bool
	// PublicURL is the address people open (https://upshot.example.org):
	// its host is accepted in the Host header and its origin is trusted for
	// changes. Empty for none.
	PublicURL string
	// Sessions bounds how long a sign-in lasts; zero means the defaults
	// (usecase.DefaultSessionPolicy).
	Sessions usecase.SessionPolicy
	// AuditDays is how long each account's audit events are kept; zero
	// means usecase.DefaultAuditDays.
	AuditDays int
	// Registration is who may sign up on the web; "" means closed.
	Registration usecase.Registration
	Logger       *slog.Logger // nil discards the request log
	Now          upshot.Clock // nil means time.Now
}

// loopbackAddr reports whether addr (host:port) listens on this machine
// alone. Anything else, an empty or unparsable address included, is not.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Server is the web app. It holds no per-request state; what it keeps
// between requests is the rendered dashboard of each owner.
type Server struct {
	store  upshot.Store
	reg    *instrument.Registry
	owner  upshot.OwnerID
	log    *slog.Logger
	now    upshot.Clock
	hosts  hostPolicy
	launch *auth.Launch
	// accounts and auth answer who is asking (auth.go); mode says whether
	// that takes a signed-in account.
	accounts    usecase.Accounts
	auth        *usecase.Auth
	mode        *accountsMode
	behindProxy bool
	signUps     usecase.Registration // who may sign up (page_signup.go)
	publicURL   string               // the relying party of passkeys when set (passkey.go)
	views       *views
	static      *assets
	app         *installable // the manifest, service worker and offline page
	cop         *http.CrossOriginProtection
	api         *http.ServeMux // the API routes alone, to find the methods a path allows
	router      *router        // every route, for the tests that walk them all
	handler     http.Handler

	dashboards *pageCache
	kept       *keptRecords // the dashboard's sessions and check-ins between renders
	// The full session and check-in lists, kept like the dashboard (lists.go).
	sessionLists, checkinLists *pageCache
	pages                      *listPages // built pages of the lists (sync.go)
}

// New checks the configuration, parses every template once and builds the
// routes, so that a broken template fails at start rather than on a page.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("web: no store")
	}
	if cfg.Registry == nil {
		return nil, errors.New("web: no instrument registry")
	}
	if cfg.Owner <= 0 {
		return nil, errors.New("web: no owner")
	}
	launch, err := auth.NewLaunch(cfg.LaunchToken)
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	accounts, ok := cfg.Store.(usecase.Accounts)
	if !ok {
		return nil, errors.New("web: the store keeps no accounts")
	}
	hosts := newHostPolicy(cfg.Addr)
	cop := http.NewCrossOriginProtection()
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
			return nil, fmt.Errorf("web: the public URL %q is not an origin such as https://upshot.example.org", cfg.PublicURL)
		}
		hosts.exact[strings.ToLower(u.Host)] = true
		if err := cop.AddTrustedOrigin(u.Scheme + "://" + u.Host); err != nil {
			return nil, fmt.Errorf("web: public URL: %w", err)
		}
	}
	s := &Server{
		store:  cfg.Store,
		reg:    cfg.Registry,
		owner:  cfg.Owner,
		log:    cfg.Logger,
		now:    cfg.Now,
		hosts:  hosts,
		launch: launch,
		cop:    cop,

		accounts:    accounts,
		mode:        &accountsMode{loopback: loopbackAddr(cfg.Addr) && !cfg.BehindProxy},
		behindProxy: cfg.BehindProxy,
		publicURL:   cfg.PublicURL,

		dashboards:   newPageCache(maxCachedDashboards),
		kept:         newKeptRecords(maxCachedDashboards),
		sessionLists: newPageCache(maxCachedLists),
		checkinLists: newPageCache(maxCachedLists),
		pages:        &listPages{},
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.auth = usecase.NewAuth(accounts, s.now)
	if cfg.Sessions.Idle > 0 {
		s.auth.Policy.Idle = cfg.Sessions.Idle
	}
	if cfg.Sessions.Absolute > 0 {
		s.auth.Policy.Absolute = cfg.Sessions.Absolute
	}
	if cfg.AuditDays > 0 {
		s.auth.AuditDays = cfg.AuditDays
	}
	s.auth.Log = s.log
	s.signUps = cfg.Registration
	if s.signUps == "" {
		s.signUps = usecase.RegistrationClosed
	}
	if s.static, err = newAssets(); err != nil {
		return nil, err
	}
	if s.views, err = parseViews(s.static); err != nil {
		return nil, err
	}
	// The offline page holds no record and knows no one: its notice, for a
	// check-in kept on the device, has the default crisis contacts.
	offlineSafety, err := report.SafetyHTML(checkin.SafetyNotice(upshot.DefaultCrisisContacts), planPath)
	if err != nil {
		return nil, err
	}
	offline, err := s.execute("offline", "layout", page{Title: "No connection", OfflineSafety: offlineSafety})
	if err != nil {
		return nil, err
	}
	if s.app, err = newInstallable(s.static, offline); err != nil {
		return nil, err
	}
	if s.views.pages["dashboard"].Lookup("dashboard_main") == nil {
		return nil, errors.New(`web: view dashboard defines no "dashboard_main"`)
	}
	s.router = newRouter(s.requireOwner)
	s.routes(s.router)
	s.handler = s.middleware(s.router)
	return s, nil
}

// Handler returns the whole app with its middleware.
func (s *Server) Handler() http.Handler { return s.handler }

// shutdownGrace bounds how long in-flight requests may take to finish once
// the server is told to stop.
const shutdownGrace = 10 * time.Second

// Serve answers requests on ln until ctx ends, then stops accepting new
// connections and lets in-flight requests finish before returning.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("web: shutdown: %w", err)
	}
	// Failed sign-ins' audit events are written after their answers; the
	// database stays open until they are.
	s.auth.Wait()
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// today is the person's current calendar day.
func (s *Server) today() upshot.Date { return upshot.DateOf(s.now()) }

// routes registers every route on mux, gated by requireOwner unless
// registered with mux.public or mux.signInPage.
func (s *Server) routes(mux *router) {
	// Pages.
	mux.HandleFunc("GET /{$}", s.dashboard)
	mux.HandleFunc("GET /sessions", s.sessionList)
	mux.HandleFunc("GET /sessions/new", s.sessionNew)
	mux.HandleFunc("POST /sessions", s.sessionCreate)
	mux.HandleFunc("GET /sessions/{id}", s.sessionShow)
	mux.HandleFunc("GET /sessions/{id}/edit", s.sessionEdit)
	mux.HandleFunc("POST /sessions/{id}", s.sessionUpdate)
	mux.HandleFunc("GET /sessions/{id}/delete", s.sessionDeleteConfirm)
	mux.HandleFunc("POST /sessions/{id}/delete", s.sessionDelete)

	mux.HandleFunc("GET /checkins", s.checkinList)
	mux.HandleFunc("GET /checkin/{instrument}", s.checkinNew)
	mux.HandleFunc("POST /checkins", s.checkinCreate)
	mux.HandleFunc("GET /checkins/{id}", s.checkinShow)
	mux.HandleFunc("GET /checkins/{id}/delete", s.checkinDeleteConfirm)
	mux.HandleFunc("POST /checkins/{id}/delete", s.checkinDelete)

	mux.HandleFunc("GET /therapists", s.therapistList)
	mux.HandleFunc("GET /therapists/new", s.therapistNew)
	mux.HandleFunc("POST /therapists", s.therapistCreate)
	mux.HandleFunc("GET /therapists/{id}/edit", s.therapistEdit)
	mux.HandleFunc("POST /therapists/{id}", s.therapistUpdate)
	mux.HandleFunc("GET /therapists/{id}/delete", s.therapistDeleteConfirm)
	mux.HandleFunc("POST /therapists/{id}/delete", s.therapistDelete)

	mux.HandleFunc("GET /goals", s.goalList)
	mux.HandleFunc("GET /goals/new", s.goalNew)
	mux.HandleFunc("POST /goals", s.goalCreate)
	mux.HandleFunc("GET /goals/{id}/edit", s.goalEdit)
	mux.HandleFunc("POST /goals/{id}", s.goalUpdate)
	mux.HandleFunc("GET /goals/{id}/delete", s.goalDeleteConfirm)
	mux.HandleFunc("POST /goals/{id}/delete", s.goalDelete)

	mux.HandleFunc("GET /settings", s.settingsPage)
	mux.HandleFunc("POST /settings", s.settingsSave)
	mux.HandleFunc("POST /settings/{name}/reset", s.settingReset)
	mux.HandleFunc("POST /settings/calendar", s.calendarCreate)
	mux.HandleFunc("POST /settings/calendar/delete", s.calendarDelete)

	mux.HandleFunc("GET /plan", s.planPage)
	mux.HandleFunc("POST /plan", s.planSave)

	mux.HandleFunc("GET /agenda", s.agendaPage)
	mux.HandleFunc("POST /agenda", s.agendaAdd)
	mux.HandleFunc("POST /agenda/{id}/status", s.agendaStatus)

	mux.HandleFunc("GET /record", s.recordPage)
	mux.HandleFunc("GET /guides", s.guidesPage)
	mux.HandleFunc("GET /guides/{slug}", s.guidePage)

	mux.HandleFunc("GET /review", s.reviewPage)
	mux.HandleFunc("GET /compare", s.comparePage)
	mux.HandleFunc("GET /report", s.reportPage)
	mux.HandleFunc("GET /report/download", s.reportDownload)
	mux.HandleFunc("GET /summary", s.summaryPage)
	mux.HandleFunc("GET /summary/download", s.summaryDownload)

	// Signing in and out, and the account's own page.
	mux.signInPage("GET /signin", s.signInPage)
	mux.signInPage("POST /signin", s.signIn)
	mux.signInPage("POST /signout", s.signOut)
	mux.signInPage("GET /signup", s.signUpPage)
	mux.signInPage("POST /signup", s.signUp)
	mux.HandleFunc("GET /account", s.accountPage)
	mux.HandleFunc("POST /account/password", s.accountPassword)
	mux.HandleFunc("POST /account/sessions/{id}/end", s.accountSessionEnd)
	mux.HandleFunc("POST /account/sessions/end-others", s.accountSessionsEndOthers)
	mux.HandleFunc("POST /account/tokens", s.accountTokenCreate)
	mux.HandleFunc("POST /account/tokens/revoke", s.accountTokenRevoke)
	mux.HandleFunc("GET /account/delete", s.accountDeletePage)
	mux.HandleFunc("POST /account/delete", s.accountDelete)
	s.passkeyRoutes(mux)

	mux.public("GET /static/{file}", s.static.serve)
	// Browsers ask for /favicon.ico on their own before they read a page's
	// icon link; the same icon answers, so the first load has no 404. A
	// static file, public like the others.
	mux.public("GET /favicon.ico", s.static.serveNamed("favicon.svg"))
	// The installable app: its manifest, its service worker (at the root,
	// since a worker's URL sets which pages it may serve) and the page it
	// shows offline. None holds a record.
	mux.public("GET /manifest.webmanifest", s.app.serveManifest)
	mux.public("GET /sw.js", s.app.serveWorker)
	mux.public("GET "+offlinePath, s.app.serveOffline)
	// A calendar app's subscription: the secret in the address is its
	// credential (it sends no cookie), checked by the handler.
	mux.public("GET /calendar/{file}", s.calendarFeed)

	// JSON API. Its routes are also kept on their own, so that a known path
	// asked with a method it lacks answers 405 rather than the catch-all 404.
	s.api = http.NewServeMux()
	// Each names the query parameters its operation reads; any other is
	// refused (queryParams), not ignored: a misspelt filter would
	// otherwise answer the whole list as if it had been applied.
	api := func(pattern string, h http.HandlerFunc, params ...string) {
		if strings.HasPrefix(pattern, "POST ") {
			h = s.idempotent(h)
		}
		h = queryParams(h, params...)
		mux.HandleFunc(pattern, h)
		s.api.HandleFunc(pattern, h)
	}
	// The API's description is public, as in any API: it holds no records.
	publicAPI := func(pattern string, h http.HandlerFunc) {
		mux.public(pattern, h)
		s.api.HandleFunc(pattern, h)
	}
	api("GET /api/v1/therapists", s.apiTherapistList, pageParams...)
	api("POST /api/v1/therapists", s.apiTherapistCreate)
	api("GET /api/v1/therapists/{id}", s.apiTherapistGet)
	api("PUT /api/v1/therapists/{id}", s.apiTherapistUpdate)
	api("DELETE /api/v1/therapists/{id}", s.apiTherapistDelete)

	api("GET /api/v1/goals", s.apiGoalList, pageParams...)
	api("POST /api/v1/goals", s.apiGoalCreate)
	api("GET /api/v1/goals/{id}", s.apiGoalGet)
	api("PUT /api/v1/goals/{id}", s.apiGoalUpdate)
	api("DELETE /api/v1/goals/{id}", s.apiGoalDelete)

	api("GET /api/v1/sessions", s.apiSessionList, append([]string{"therapist", "since"}, pageParams...)...)
	api("POST /api/v1/sessions", s.apiSessionCreate)
	api("GET /api/v1/sessions/{id}", s.apiSessionGet)
	api("PUT /api/v1/sessions/{id}", s.apiSessionUpdate)
	api("DELETE /api/v1/sessions/{id}", s.apiSessionDelete)

	api("GET /api/v1/checkins", s.apiCheckinList, append([]string{"instrument", "since"}, pageParams...)...)
	api("POST /api/v1/checkins", s.apiCheckinCreate)
	api("GET /api/v1/checkins/{id}", s.apiCheckinGet)
	api("PUT /api/v1/checkins/{id}", s.apiCheckinUpdate)
	api("DELETE /api/v1/checkins/{id}", s.apiCheckinDelete)

	api("GET /api/v1/settings", s.apiSettingList)
	api("PUT /api/v1/settings/{name}", s.apiSettingSet)
	api("DELETE /api/v1/settings/{name}", s.apiSettingUnset)

	api("GET /api/v1/plan", s.apiPlanGet)
	api("PUT /api/v1/plan", s.apiPlanPut)

	api("GET /api/v1/agenda", s.apiAgendaList, pageParams...)
	api("POST /api/v1/agenda", s.apiAgendaCreate)
	api("GET /api/v1/agenda/{id}", s.apiAgendaGet)
	api("PUT /api/v1/agenda/{id}", s.apiAgendaUpdate)
	api("DELETE /api/v1/agenda/{id}", s.apiAgendaDelete)

	api("GET /api/v1/record", s.apiRecord, "therapist", "kind", "since")
	api("GET /api/v1/deletions", s.apiDeletions, append([]string{"kind"}, pageParams...)...)

	api("GET /api/v1/instruments", s.apiInstrumentList)
	api("GET /api/v1/review", s.apiReview, "therapist", "since")
	api("GET /api/v1/compare", s.apiCompare, "therapist*")
	api("GET /api/v1/summary", s.apiSummary, "sections*")
	api("GET /api/v1/export", s.apiExport)
	publicAPI("GET /api/v1/openapi.json", s.apiOpenAPI)
	mux.HandleFunc("/api/", s.apiNotFound)

	mux.HandleFunc("/", s.pageNotFound)
}
