package web

import (
	"net/http"
	"strings"

	"github.com/upshot-app/upshot/internal/auth"
	"github.com/upshot-app/upshot/internal/upshot"
)

// codeUnauthenticated is a request without a valid launch token or cookie.
const codeUnauthenticated = "unauthenticated"

// launchCookieName holds the value a launch token is exchanged for. A plain
// name (no __Host- prefix): that prefix needs Secure, and the loopback
// server speaks plain HTTP.
const launchCookieName = "upshot_launch"

// launchCookieAge is how long a browser stays admitted without opening the
// printed address again.
const launchCookieAge = 90 * 24 * 60 * 60 // seconds

// router is the ServeMux that records every pattern it is given and puts the
// launch-token gate in front of each route unless the route is declared
// public. Protection is the default: a route added with HandleFunc is gated
// without anyone remembering to, and the record lets tests walk every route.
type router struct {
	*http.ServeMux
	gate   func(http.Handler) http.Handler
	routes []route
}

type route struct {
	pattern string
	public  bool // answered without a launch token: static files, the OpenAPI document
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

// requireLaunch admits a request that carries the launch token as
// "Authorization: Bearer <token>" or the cookie it was exchanged for. A page
// opened with ?token=<token> (the address 'upshot serve' prints) sets the
// cookie and redirects to the same address without the token, so the token
// does not stay in the address bar or the history. Everything else is 401.
func (s *Server) requireLaunch(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if authz := r.Header.Get("Authorization"); authz != "" {
			// A credential that is present but wrong is refused even if a
			// good cookie rides along: fail closed.
			scheme, cred, _ := strings.Cut(authz, " ")
			if strings.EqualFold(scheme, "Bearer") && s.launch.Token(strings.TrimSpace(cred)) {
				next.ServeHTTP(w, r)
				return
			}
			s.unauthenticated(w, r)
			return
		}
		if q := r.URL.Query(); !isAPI(r) && q.Has("token") && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			if !s.launch.Token(q.Get("token")) {
				s.unauthenticated(w, r)
				return
			}
			http.SetCookie(w, &http.Cookie{
				Name: launchCookieName, Value: s.launch.Cookie(), Path: "/",
				MaxAge: launchCookieAge, HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode,
			})
			q.Del("token")
			u := *r.URL
			u.RawQuery = q.Encode()
			target := u.RequestURI()
			if !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") {
				target = "/" // never a redirect to another host
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		if c, err := r.Cookie(launchCookieName); err == nil && s.launch.CookieOK(c.Value) {
			next.ServeHTTP(w, r)
			return
		}
		s.unauthenticated(w, r)
	})
}

// unauthenticated answers 401: a JSON error for the API, and for pages a calm
// page that says how to get in.
func (s *Server) unauthenticated(w http.ResponseWriter, r *http.Request) {
	if isAPI(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="Upshot"`)
		s.fail(w, r, upshot.Errorf(codeUnauthenticated, "",
			"this Upshot server needs its launch token: send \"Authorization: Bearer <token>\" with the token from the file %s in Upshot's configuration directory",
			auth.LaunchTokenFile))
		return
	}
	s.render(w, r, http.StatusUnauthorized, "locked", page{Title: "Open Upshot from its address"})
}
