package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync/atomic"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/auth"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Who is asking (issue 13 item 1: two modes, one code path). Every gated
// route goes through requireOwner, which puts the owner in the request's
// context; handlers read it with ownerOf and nothing else.
//
//   - One person: on a loopback address while no account has a password,
//     the owner is the configured single account, admitted by the launch
//     token (a Bearer header, or the cookie the printed address sets).
//   - Accounts: as soon as any account has a password, or the address is not
//     loopback, a request needs a signed-in session's cookie or, on /api/v1,
//     an API token; the launch token admits no one.
//
// An API token works in both modes.

// codeUnauthenticated is a request without a valid credential.
const codeUnauthenticated = "unauthenticated"

// launchCookieName holds the value a launch token is exchanged for. A plain
// name (no __Host- prefix): that prefix needs Secure, and the loopback
// server speaks plain HTTP.
const launchCookieName = "upshot_launch"

// launchCookieAge is how long a browser stays admitted without opening the
// printed address again.
const launchCookieAge = 90 * 24 * 60 * 60 // seconds

// Session cookies: the __Host- prefix makes the browser refuse a cookie that
// is not Secure, has a Domain, or a Path other than /, so another site or
// subdomain cannot plant or read one. It needs HTTPS; over plain HTTP (only
// ever on loopback) the cookie goes without the prefix.
const (
	sessionCookieSecure = "__Host-upshot_session"
	sessionCookiePlain  = "upshot_session"
)

// router is the ServeMux that records every pattern it is given and puts the
// owner gate in front of each route unless the route is declared public or a
// sign-in page. Protection is the default: a route added with HandleFunc is
// gated without anyone remembering to, and the record lets tests walk every
// route.
type router struct {
	*http.ServeMux
	gate   func(http.Handler) http.Handler
	routes []route
}

type route struct {
	pattern string
	public  bool // answered without a credential: static files, the OpenAPI document
	signIn  bool // the sign-in pages: answered without a credential too
}

func newRouter(gate func(http.Handler) http.Handler) *router {
	return &router{ServeMux: http.NewServeMux(), gate: gate}
}

// HandleFunc registers a gated route.
func (r *router) HandleFunc(pattern string, h http.HandlerFunc) {
	r.routes = append(r.routes, route{pattern: pattern})
	r.ServeMux.Handle(pattern, r.gate(h))
}

// public registers a route anyone who reaches the server may use.
func (r *router) public(pattern string, h http.HandlerFunc) {
	r.routes = append(r.routes, route{pattern: pattern, public: true})
	r.ServeMux.HandleFunc(pattern, h)
}

// signInPage registers a page used to sign in or out, open to anyone.
func (r *router) signInPage(pattern string, h http.HandlerFunc) {
	r.routes = append(r.routes, route{pattern: pattern, signIn: true})
	r.ServeMux.HandleFunc(pattern, h)
}

// caller is who a gated request acts for.
type caller struct {
	owner   upshot.OwnerID
	session *upshot.AuthSession // nil unless signed in with a session cookie
}

type callerKey struct{}

// ownerOf is the owner a gated request acts for. A handler on a public route
// has none, and asking is a bug: it panics (a 500), never a default owner.
func ownerOf(r *http.Request) upshot.OwnerID {
	c, ok := r.Context().Value(callerKey{}).(*caller)
	if !ok || c.owner <= 0 {
		panic("web: a handler asked for the owner of a request that has none")
	}
	return c.owner
}

// sessionOf is the signed-in session of the request, or nil.
func sessionOf(r *http.Request) *upshot.AuthSession {
	if c, ok := r.Context().Value(callerKey{}).(*caller); ok {
		return c.session
	}
	return nil
}

func withCaller(r *http.Request, c *caller) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), callerKey{}, c))
}

// accountsMode reports whether requests need a signed-in account. Once true
// it stays true for the life of the process: a server never falls back to
// the launch token because an account was deleted while it ran.
type accountsMode struct {
	loopback bool
	on       atomic.Bool
}

func (s *Server) needAccounts(ctx context.Context) (bool, error) {
	if !s.mode.loopback || s.mode.on.Load() {
		return true, nil
	}
	exist, err := s.accounts.PasswordsExist(ctx)
	if err != nil {
		return true, err
	}
	if exist {
		s.mode.on.Store(true)
	}
	return exist, nil
}

// requireOwner admits a request with a credential and names its owner:
//   - "Authorization: Bearer <token>": an API token (on /api/ only), or in
//     one-person mode the launch token. A credential that is present but
//     wrong is refused even if a good cookie rides along: fail closed.
//   - in accounts mode, the session cookie;
//   - in one-person mode, the launch cookie. A page opened with
//     ?token=<launch token> (the address 'upshot serve' prints) sets that
//     cookie and redirects to the same address without the token, so the
//     token does not stay in the address bar or the history.
//
// Everything else is 401 (a page asks to sign in or to open the printed
// address).
func (s *Server) requireOwner(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accounts, err := s.needAccounts(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if authz := r.Header.Get("Authorization"); authz != "" {
			scheme, cred, _ := strings.Cut(authz, " ")
			cred = strings.TrimSpace(cred)
			if !strings.EqualFold(scheme, "Bearer") {
				s.unauthenticated(w, r, accounts)
				return
			}
			if !accounts && s.launch.Token(cred) {
				next.ServeHTTP(w, withCaller(r, &caller{owner: s.owner}))
				return
			}
			if !isAPI(r) {
				s.unauthenticated(w, r, accounts)
				return
			}
			tk, err := s.auth.TokenOwner(r.Context(), cred)
			if err != nil {
				if errors.Is(err, usecase.ErrBadToken) {
					s.unauthenticated(w, r, accounts)
				} else {
					s.fail(w, r, err)
				}
				return
			}
			next.ServeHTTP(w, withCaller(r, &caller{owner: tk.Owner}))
			return
		}
		if accounts {
			c, err := r.Cookie(s.sessionCookieName(r))
			if err != nil {
				s.unauthenticated(w, r, accounts)
				return
			}
			sess, err := s.auth.Session(r.Context(), c.Value)
			if err != nil {
				if errors.Is(err, usecase.ErrSignedOut) {
					s.clearSessionCookie(w, r)
					s.unauthenticated(w, r, accounts)
				} else {
					s.fail(w, r, err)
				}
				return
			}
			next.ServeHTTP(w, withCaller(r, &caller{owner: sess.Owner, session: sess}))
			return
		}
		if q := r.URL.Query(); !isAPI(r) && q.Has("token") && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			if !s.launch.Token(q.Get("token")) {
				s.unauthenticated(w, r, accounts)
				return
			}
			http.SetCookie(w, &http.Cookie{
				Name: launchCookieName, Value: s.launch.Cookie(), Path: "/",
				MaxAge: launchCookieAge, HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
			})
			q.Del("token")
			u := *r.URL
			u.RawQuery = q.Encode()
			http.Redirect(w, r, localTarget(u.RequestURI()), http.StatusSeeOther)
			return
		}
		if c, err := r.Cookie(launchCookieName); err == nil && s.launch.CookieOK(c.Value) {
			next.ServeHTTP(w, withCaller(r, &caller{owner: s.owner}))
			return
		}
		s.unauthenticated(w, r, accounts)
	})
}

// localTarget keeps a redirect on this server: a path, never "//host" or
// "/\host" (which browsers read as another host), else "/".
func localTarget(target string) string {
	if !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") || strings.HasPrefix(target, "/\\") {
		return "/"
	}
	return target
}

// unauthenticated answers 401: a JSON error for the API; for pages, in
// accounts mode the sign-in page (with where to go after), else a calm page
// that says how to get in with the launch token.
func (s *Server) unauthenticated(w http.ResponseWriter, r *http.Request, accounts bool) {
	if isAPI(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="Upshot"`)
		msg := "sign-in required: send \"Authorization: Bearer <token>\" with an API token ('upshot token add')"
		if !accounts {
			msg = "this Upshot server needs its launch token: send \"Authorization: Bearer <token>\" with the token from the file " +
				auth.LaunchTokenFile + " in Upshot's configuration directory"
		}
		s.fail(w, r, upshot.Errorf(codeUnauthenticated, "", "%s", msg))
		return
	}
	if accounts {
		next := ""
		if r.Method == http.MethodGet {
			next = r.URL.RequestURI()
		}
		s.renderSignIn(w, r, http.StatusUnauthorized, signInForm{Next: next})
		return
	}
	s.render(w, r, http.StatusUnauthorized, "locked", page{Title: "Open Upshot from its address", Public: true})
}

// secure reports whether the browser reached this server over HTTPS: TLS
// here, or a proxy on this machine that says so.
func (s *Server) secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return s.fromTrustedProxy(r) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// fromTrustedProxy reports whether the request came through the proxy
// --behind-proxy trusts: one on this machine. Anyone else's
// X-Forwarded-* headers are ignored.
func (s *Server) fromTrustedProxy(r *http.Request) bool {
	if !s.behindProxy {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// clientAddress is the address a request came from, for the sign-in
// throttle: the last hop a trusted proxy added to X-Forwarded-For, else the
// connection's.
func (s *Server) clientAddress(r *http.Request) string {
	if s.fromTrustedProxy(r) {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			hops := strings.Split(xff[len(xff)-1], ",")
			if ip := net.ParseIP(strings.TrimSpace(hops[len(hops)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) sessionCookieName(r *http.Request) string {
	if s.secure(r) {
		return sessionCookieSecure
	}
	return sessionCookiePlain
}

func (s *Server) setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: s.sessionCookieName(r), Value: token, Path: "/",
		MaxAge: int(s.auth.Policy.Absolute.Seconds()), HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: s.sessionCookieName(r), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}
