package web

import (
	"cmp"
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/upshot"
)

// routeRequest is a concrete request for a route pattern: its method and a
// path that names records that exist (ids from ids, by the path's section).
func routeRequest(t *testing.T, a *app, pattern string, ids map[string]int64) (method, path string) {
	t.Helper()
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = http.MethodGet, pattern
	}
	section := strings.Split(strings.TrimPrefix(strings.TrimPrefix(path, "/api/v1"), "/"), "/")[0]
	var parts []string
	for _, p := range strings.Split(path, "/") {
		switch p {
		case "{$}":
			p = ""
		case "{id}":
			id, ok := ids[section]
			if !ok {
				t.Fatalf("route %q: no record of %q to name", pattern, section)
			}
			p = itoa(id)
		case "{instrument}":
			p = "phq9"
		case "{slug}":
			p = "complain"
		case "{name}":
			p = "recent_window"
		case "{file}":
			if section == "calendar" {
				if a.calendarToken == "" {
					t.Fatalf("route %q: no calendar feed (seedAll makes one)", pattern)
				}
				p = a.calendarToken + ".ics"
				break
			}
			u, err := a.srv.static.url("app.css")
			if err != nil {
				t.Fatal(err)
			}
			p = u[strings.LastIndex(u, "/")+1:]
		default:
			if strings.HasPrefix(p, "{") {
				t.Fatalf("route %q: no value for %s; teach routeRequest one", pattern, p)
			}
		}
		parts = append(parts, p)
	}
	path = strings.Join(parts, "/")
	switch path {
	case "/": // the catch-all, not the dashboard ("/{$}")
		path = "/no-such-page"
	case "/api/":
		path = "/api/v1/no-such-thing"
	}
	return method, path
}

// seedAll makes one record of every kind and returns their ids by section.
func (a *app) seedAll() map[string]int64 {
	a.t.Helper()
	th, g := a.seed()
	r := a.sendJSON("POST", "/api/v1/sessions", `{"therapist_id": `+itoa(th)+`, "minutes": 50}`)
	var s upshot.Session
	decode(a.t, r, &s)
	r = a.sendJSON("POST", "/api/v1/checkins", `{"instrument": "phq9", "answers": [0,0,0,0,0,0,0,0,0]}`)
	var c upshot.CheckIn
	decode(a.t, r, &c)
	r = a.sendJSON("POST", "/api/v1/agenda", `{"text": "ask about homework"}`)
	var it upshot.AgendaItem
	decode(a.t, r, &it)
	if s.ID == 0 || c.ID == 0 || it.ID == 0 {
		a.t.Fatalf("seed: session %d, check-in %d, agenda item %d", s.ID, c.ID, it.ID)
	}
	token, err := usecase.NewCalendarFeed(context.Background(), a.db, upshot.DefaultOwner)
	if err != nil {
		a.t.Fatal(err)
	}
	a.calendarToken = token
	// "account" names a signed-in session; in one-person mode there is
	// none, and ending one that does not exist is a 404.
	return map[string]int64{"therapists": th, "goals": g, "sessions": s.ID, "checkins": c.ID, "account": 1, "agenda": it.ID}
}

// send makes one request with exactly the given headers (no launch token
// unless one of them carries it) and no redirects followed.
func (a *app) send(method, path string, headers ...string) response {
	a.t.Helper()
	req, err := http.NewRequest(method, a.ts.URL+path, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	if h := req.Header.Get("Host"); h != "" {
		req.Host = h
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// Every route the router knows, but the static files and the OpenAPI
// document, answers 401 without the launch token, with a wrong one, with a
// forged cookie; and lets the request through with the token as a Bearer or
// with the cookie it is exchanged for (GET routes answer 200). The routes come
// from the router itself, so a new route is covered without anyone adding
// it here.
func TestEveryRouteNeedsTheLaunchToken(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	ids := a.seedAll()
	before := a.counts()

	// The cookie a browser gets for opening the printed address.
	r := a.send("GET", "/?token="+testToken)
	var cookie string
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == launchCookieName {
			cookie = launchCookieName + "=" + c.Value
		}
	}
	if r.status != http.StatusSeeOther || cookie == "" {
		t.Fatalf("GET /?token=: %d, cookie %q; want 303 and a cookie", r.status, cookie)
	}

	routes := slices.Clone(a.srv.router.routes)
	if len(routes) < 50 {
		t.Fatalf("the router lists %d routes; it should list them all", len(routes))
	}
	wrong := strings.Repeat("A", len(testToken))
	refused := [][]string{
		nil,
		{"Authorization: Bearer " + wrong},
		{"Authorization: Bearer " + testToken + "x"},
		{"Authorization: Basic " + testToken},
		{"Authorization: " + testToken},
		{"Cookie: " + launchCookieName + "=" + testToken},       // the token is not the cookie
		{"Cookie: " + cookie, "Authorization: Bearer " + wrong}, // a wrong credential beside a good one
	}
	var gated int
	for _, rt := range routes {
		method, path := routeRequest(t, a, rt.pattern, ids)
		if rt.signIn {
			if !strings.HasPrefix(rt.pattern, "GET /signin") && rt.pattern != "POST /signin" && rt.pattern != "POST /signout" &&
				rt.pattern != "POST /signin/passkey/options" && rt.pattern != "POST /signin/passkey" && !strings.HasSuffix(rt.pattern, " /signup") {
				t.Errorf("route %q is a sign-in page; only /signin, /signout, the passkey sign-in and /signup may be", rt.pattern)
			}
			if strings.HasSuffix(rt.pattern, " /signup") {
				// Registration is closed by default: no such page.
				if got := a.send(method, path).status; got != http.StatusNotFound {
					t.Errorf("%s %s with registration closed: %d, want 404", method, path, got)
				}
				continue
			}
			if got := a.send(method, path).status; method == "GET" && got != http.StatusOK {
				t.Errorf("%s %s (sign-in page) without a token: %d, want 200", method, path, got)
			}
			continue
		}
		if rt.public {
			if !strings.HasPrefix(rt.pattern, "GET /static/") && !publicRoutes[rt.pattern] {
				t.Errorf("route %q is public; only static files, the installable app's files and the OpenAPI document may be", rt.pattern)
			}
			if got := a.send(method, path).status; got != http.StatusOK {
				t.Errorf("%s %s (public) without a token: %d, want 200", method, path, got)
			}
			continue
		}
		gated++
		for _, creds := range refused {
			got := a.send(method, path, creds...)
			if got.status != http.StatusUnauthorized {
				t.Errorf("%s %s with %q: %d, want 401", method, path, creds, got.status)
				continue
			}
			if isAPIPath(path) {
				if got.header.Get("Content-Type") != "application/problem+json" || got.header.Get("WWW-Authenticate") == "" {
					t.Errorf("%s %s: 401 as %q without WWW-Authenticate %q", method, path, got.header.Get("Content-Type"), got.header.Get("WWW-Authenticate"))
				}
			} else if !strings.HasPrefix(got.header.Get("Content-Type"), "text/html") {
				t.Errorf("%s %s: 401 as %q, want the page", method, path, got.header.Get("Content-Type"))
			}
		}
	}
	t.Logf("%d routes, %d gated, each refused with %d kinds of missing or wrong credential", len(routes), gated, len(refused))
	if after := a.counts(); after != before {
		t.Fatalf("refused requests changed records: %v, then %v", before, after)
	}

	// Admitted: reads first (each GET is 200), then the changes, which may
	// delete what a later request names.
	slices.SortStableFunc(routes, func(x, y route) int {
		return cmp.Compare(btoi(!strings.HasPrefix(x.pattern, "GET ")), btoi(!strings.HasPrefix(y.pattern, "GET ")))
	})
	for _, rt := range routes {
		if rt.signIn {
			continue // answered without a credential, above
		}
		method, path := routeRequest(t, a, rt.pattern, ids)
		for _, creds := range []string{"Authorization: Bearer " + testToken, "Cookie: " + cookie} {
			got := a.send(method, path, creds).status
			switch {
			case got == http.StatusUnauthorized:
				t.Errorf("%s %s with %s: 401", method, path, strings.Fields(creds)[0])
			case method == http.MethodGet && !strings.Contains(path, "no-such") && got != http.StatusOK:
				t.Errorf("%s %s with %s: %d, want 200", method, path, strings.Fields(creds)[0], got)
			}
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func isAPIPath(p string) bool { return strings.HasPrefix(p, "/api/") }

// The printed address is exchanged for a cookie and a redirect to the same
// address without the token; a wrong token sets nothing. The page that
// refuses says how to get in, and the API's refusal is a JSON error.
func TestLaunchTokenExchange(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	r := a.send("GET", "/sessions?since=2025-01-01&token="+testToken)
	if r.status != http.StatusSeeOther {
		t.Fatalf("GET with the token: %d, want 303", r.status)
	}
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil || loc.Path != "/sessions" || loc.Query().Has("token") || loc.Query().Get("since") != "2025-01-01" || loc.Host != "" {
		t.Errorf("redirect to %q, want /sessions?since=2025-01-01 without the token", r.header.Get("Location"))
	}
	sc := r.header.Get("Set-Cookie")
	for _, want := range []string{launchCookieName + "=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(sc, want) {
			t.Errorf("Set-Cookie %q lacks %s", sc, want)
		}
	}
	if strings.Contains(sc, testToken) {
		t.Errorf("the cookie holds the token itself: %q", sc)
	}

	// A wrong token, and the token on the API's query string, set nothing.
	for _, p := range []string{"/sessions?token=" + strings.Repeat("A", len(testToken)), "/?token=", "/api/v1/sessions?token=" + testToken} {
		r := a.send("GET", p)
		if r.status != http.StatusUnauthorized || r.header.Get("Set-Cookie") != "" {
			t.Errorf("GET %s: %d, Set-Cookie %q; want 401 and no cookie", p, r.status, r.header.Get("Set-Cookie"))
		}
	}
	// The redirect never leaves this server.
	r = a.send("GET", "//evil.example/?token="+testToken)
	if loc := r.header.Get("Location"); !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") {
		t.Errorf("GET //evil.example/?token=: redirected to %q", loc)
	}

	page := a.send("GET", "/")
	if page.status != http.StatusUnauthorized || !strings.Contains(page.text(), "upshot serve") {
		t.Errorf("GET / without a token: %d\n%.400s", page.status, page.text())
	}
	api := a.send("GET", "/api/v1/export")
	if api.status != http.StatusUnauthorized || apiErrOf(t, api).Code != codeUnauthenticated {
		t.Errorf("GET /api/v1/export without a token: %d %s", api.status, api.body)
	}
	if strings.Contains(api.text()+page.text(), testToken) {
		t.Error("a refusal shows the token")
	}
}

// In a real browser: opening the printed address lets the browser in and
// leaves the address bar without the token; another browser (a fresh
// profile) that opens the plain address sees the page that says how to get in.
func TestBrowserLaunchToken(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	ctx := newBrowser(t, a, 1100, 900) // opens /?token=...
	loc := run(t, ctx, "read the address", chromedp.Location())
	if loc != a.ts.URL+"/" {
		t.Errorf("after opening the launch address the browser shows %q, want %q", loc, a.ts.URL+"/")
	}
	do(t, ctx, "open a page by its plain address", chromedp.Navigate(a.ts.URL+"/sessions"))
	if h := run(t, ctx, "read the heading", chromedp.Text("h1")); h != "Sessions" {
		t.Errorf("the admitted browser sees %q on /sessions", h)
	}

	other := startBrowser(t, 390, 844)
	do(t, other, "open the plain address in another browser", chromedp.Navigate(a.ts.URL+"/"))
	heading := run(t, other, "read the heading", chromedp.Text("h1"))
	if heading != "Open Upshot from its address" {
		t.Errorf("another browser sees %q, want the page that says how to get in", heading)
	}
}

// publicRoutes are the routes besides the static files that hold no record
// and are answered without a token: the favicon, the installable app's
// manifest, service worker and offline page (a browser fetches the manifest
// without credentials), and the OpenAPI document.
var publicRoutes = map[string]bool{
	"GET /favicon.ico":          true,
	"GET /manifest.webmanifest": true,
	"GET /sw.js":                true,
	"GET " + offlinePath:        true,
	"GET /calendar/{file}":      true, // its secret address is its credential
	"GET /api/v1/openapi.json":  true,
}
