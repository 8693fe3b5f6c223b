package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// accountsApp is a server in accounts mode: some accounts have passwords.
type accountsApp struct {
	*app
	clock *clock
}

// newAccountsApp starts a server on db with a movable clock and the given
// configuration changes, and adds an account with a password for each
// login (password: login + " has a long passphrase").
func newAccountsApp(t *testing.T, db *store.DB, edit func(*Config), logins ...string) *accountsApp {
	t.Helper()
	c := &clock{now: testNow}
	db.Now = c.Now
	for _, l := range logins {
		if _, err := usecase.AddAccount(context.Background(), db, l, passwordOf(l)); err != nil {
			t.Fatal(err)
		}
	}
	cfg := Config{Store: db, Registry: instrument.Builtin(), Addr: "127.0.0.1:8080", Owner: upshot.DefaultOwner, Now: c.Now,
		Logger: slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn})), LaunchToken: testToken}
	if edit != nil {
		edit(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &accountsApp{app: &app{t: t, db: db, srv: srv, ts: ts, reg: cfg.Registry}, clock: c}
}

func passwordOf(login string) string { return login + " has a long passphrase" }

// signIn signs login in and returns the session's "Cookie:" header.
func (a *accountsApp) signIn(login string, headers ...string) string {
	a.t.Helper()
	r := a.form("/signin", url.Values{"login": {login}, "password": {passwordOf(login)}}, headers...)
	if r.status != http.StatusSeeOther {
		a.t.Fatalf("sign in %s: %d\n%.600s", login, r.status, r.text())
	}
	c := cookieOf(r, sessionCookiePlain)
	if c == nil {
		c = cookieOf(r, sessionCookieSecure)
	}
	if c == nil || c.Value == "" {
		a.t.Fatalf("sign in %s: no session cookie in %q", login, r.header.Values("Set-Cookie"))
	}
	return "Cookie: " + c.Name + "=" + c.Value
}

// form posts a urlencoded form with exactly the given headers.
func (a *accountsApp) form(path string, v url.Values, headers ...string) response {
	a.t.Helper()
	return a.sendBody("POST", path, v.Encode(), append([]string{"Content-Type: application/x-www-form-urlencoded"}, headers...)...)
}

// sendBody is send with a body.
func (a *app) sendBody(method, path, body string, headers ...string) response {
	a.t.Helper()
	req, err := http.NewRequest(method, a.ts.URL+path, strings.NewReader(body))
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
	buf := new(strings.Builder)
	if _, err := copyAll(buf, resp); err != nil {
		a.t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: []byte(buf.String())}
}

func cookieOf(r response, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Sign-in, sessions and sign-out (issue 13 item 4), on both databases.
func TestSessions(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			a := newAccountsApp(t, db, nil, "alice", "bob")
			ctx := context.Background()

			// Accounts mode: nothing without a session, not even with the
			// launch token; the page asks to sign in.
			for _, h := range [][]string{nil, {"Authorization: Bearer " + testToken}} {
				r := a.send("GET", "/sessions", h...)
				if r.status != http.StatusUnauthorized || !strings.Contains(r.text(), `action="/signin"`) {
					t.Fatalf("GET /sessions with %q in accounts mode: %d\n%.300s", h, r.status, r.text())
				}
			}
			if r := a.send("GET", "/?token="+testToken); r.status != http.StatusUnauthorized || cookieOf(r, launchCookieName) != nil {
				t.Errorf("the launch address in accounts mode: %d, cookie %v", r.status, cookieOf(r, launchCookieName))
			}
			if r := a.send("GET", "/api/v1/export"); r.status != http.StatusUnauthorized || apiErrOf(t, r).Code != codeUnauthenticated {
				t.Errorf("API without a credential: %d %s", r.status, r.body)
			}

			// An unknown name and a wrong password get the same answer.
			unknown := a.form("/signin", url.Values{"login": {"nobody"}, "password": {passwordOf("alice")}})
			wrong := a.form("/signin", url.Values{"login": {"alice"}, "password": {"not alice's password at all"}})
			if unknown.status != http.StatusUnauthorized || wrong.status != http.StatusUnauthorized {
				t.Fatalf("failed sign-ins: %d, %d; want 401", unknown.status, wrong.status)
			}
			if u, w := strings.ReplaceAll(unknown.text(), "nobody", "alice"), wrong.text(); u != w {
				t.Errorf("an unknown name and a wrong password are answered differently:\n%s\n---\n%s", u, w)
			}
			if cookieOf(wrong, sessionCookiePlain) != nil {
				t.Error("a failed sign-in set a session cookie")
			}

			// Signing in: a plain-HTTP loopback cookie, HttpOnly, Lax; only
			// the token's hash in the database; redirected to next.
			r := a.form("/signin", url.Values{"login": {"Alice"}, "password": {passwordOf("alice")}, "next": {"/goals"}},
				"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
			c := cookieOf(r, sessionCookiePlain)
			if r.status != http.StatusSeeOther || r.header.Get("Location") != "/goals" || c == nil {
				t.Fatalf("sign in: %d to %q, cookie %v", r.status, r.header.Get("Location"), c)
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || len(c.Value) < 43 {
				t.Errorf("session cookie %+v: want HttpOnly, SameSite=Lax, Path=/, 256 bits", c)
			}
			alice := "Cookie: " + c.Name + "=" + c.Value
			acc, _ := db.FindAccount(ctx, "alice")
			list, err := db.AuthSessions(ctx, acc.ID)
			if err != nil || len(list) != 1 || list[0].TokenHash != usecase.HashToken(c.Value) || strings.Contains(list[0].TokenHash, c.Value) {
				t.Fatalf("stored sessions %+v, %v: want one, holding the token's hash only", list, err)
			}
			if list[0].Device != "Firefox on Linux" {
				t.Errorf("device %q, want Firefox on Linux", list[0].Device)
			}
			if r := a.send("GET", "/goals", alice); r.status != http.StatusOK {
				t.Fatalf("GET /goals signed in: %d", r.status)
			}
			page := a.send("GET", "/account", alice)
			if !strings.Contains(page.text(), "Firefox on Linux") || !strings.Contains(page.text(), "(this browser)") {
				t.Errorf("the account page does not list this browser:\n%.2000s", page.text())
			}
			// A redirect after sign-in never leaves the server.
			for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example"} {
				r := a.form("/signin", url.Values{"login": {"bob"}, "password": {passwordOf("bob")}, "next": {next}})
				if r.header.Get("Location") != "/" {
					t.Errorf("next=%q: redirected to %q", next, r.header.Get("Location"))
				}
			}

			// Renewed at sign-in: the cookie held before signing in again is
			// worth nothing after.
			again := a.form("/signin", url.Values{"login": {"alice"}, "password": {passwordOf("alice")}}, alice)
			renewed := "Cookie: " + sessionCookiePlain + "=" + cookieOf(again, sessionCookiePlain).Value
			if renewed == alice {
				t.Fatal("signing in again kept the same token")
			}
			if r := a.send("GET", "/goals", alice); r.status != http.StatusUnauthorized {
				t.Errorf("the session replaced at sign-in still works: %d", r.status)
			}
			alice = renewed

			// Another device; ended from the first, it is signed out.
			phone := a.signIn("alice", "User-Agent: Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile/15E148 Safari/604.1")
			list, _ = db.AuthSessions(ctx, acc.ID)
			if len(list) != 2 {
				t.Fatalf("%d sessions, want 2", len(list))
			}
			var phoneID int64
			for _, s := range list {
				if s.Device == "Safari on iPhone" {
					phoneID = s.ID
				}
			}
			// Bob cannot end Alice's session: 404, and it lives on.
			bob := a.signIn("bob")
			if r := a.send("POST", "/account/sessions/"+itoa(phoneID)+"/end", bob); r.status != http.StatusNotFound {
				t.Errorf("bob ends alice's session: %d, want 404", r.status)
			}
			if r := a.send("GET", "/", phone); r.status != http.StatusOK {
				t.Fatalf("the phone after bob's attempt: %d", r.status)
			}
			if r := a.send("POST", "/account/sessions/"+itoa(phoneID)+"/end", alice); r.status != http.StatusOK {
				t.Fatalf("end the phone's session: %d", r.status)
			}
			if r := a.send("GET", "/", phone); r.status != http.StatusUnauthorized {
				t.Errorf("the ended session still works: %d", r.status)
			}

			// A password change ends the others, keeps this one.
			phone = a.signIn("alice")
			r = a.form("/account/password", url.Values{"current": {passwordOf("alice")}, "new": {"a brand new long passphrase"}, "again": {"a brand new long passphrase"}}, alice)
			if r.status != http.StatusOK {
				t.Fatalf("change password: %d\n%.500s", r.status, r.text())
			}
			if r := a.send("GET", "/", phone); r.status != http.StatusUnauthorized {
				t.Errorf("another session survived a password change: %d", r.status)
			}
			if r := a.send("GET", "/", alice); r.status != http.StatusOK {
				t.Errorf("the session that changed the password ended: %d", r.status)
			}
			if r := a.send("GET", "/", bob); r.status != http.StatusOK {
				t.Errorf("bob's session ended with alice's password change: %d", r.status)
			}
			// A wrong current password changes nothing.
			r = a.form("/account/password", url.Values{"current": {"wrong wrong wrong"}, "new": {"yet another long passphrase"}, "again": {"yet another long passphrase"}}, alice)
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("change with a wrong current password: %d", r.status)
			}

			// Idle: 14 days unused ends a session; used, it lives on, up to
			// 90 days in all.
			a.clock.advance(13 * 24 * time.Hour)
			if r := a.send("GET", "/", alice); r.status != http.StatusOK {
				t.Fatalf("after 13 idle days: %d", r.status)
			}
			a.clock.advance(24*time.Hour + time.Second) // bob last used his 14 days and a second ago
			if r := a.send("GET", "/", bob); r.status != http.StatusUnauthorized || cookieOf(r, sessionCookiePlain) == nil || cookieOf(r, sessionCookiePlain).MaxAge >= 0 {
				t.Errorf("after 27 idle days bob's session: %d, want 401 and the cookie cleared", r.status)
			}
			for range 6 { // used on days 14, 27, ..., 79
				if r := a.send("GET", "/", alice); r.status != http.StatusOK {
					t.Fatalf("used every 13 days: %d", r.status)
				}
				a.clock.advance(13 * 24 * time.Hour)
			}
			// Now 92 days after alice's sign-in, 13 idle.
			if r := a.send("GET", "/", alice); r.status != http.StatusUnauthorized {
				t.Errorf("a session 93 days old: %d, want 401", r.status)
			}

			// Sign-out ends the session.
			alice = a.signIn("bob")
			if r := a.send("POST", "/signout", alice); r.status != http.StatusSeeOther {
				t.Fatalf("sign out: %d", r.status)
			}
			if r := a.send("GET", "/", alice); r.status != http.StatusUnauthorized {
				t.Errorf("after sign-out: %d", r.status)
			}
		})
	}
}

// Failed sign-ins are throttled per name and per address: after five, each
// attempt waits, doubling; a throttled attempt is not even checked, so the
// right password does not get in while it lasts; the wait is said (429,
// Retry-After). An unknown name is throttled just like a real one.
func TestSignInThrottle(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	a := newAccountsApp(t, db, func(c *Config) { c.BehindProxy = true }, "alice")
	attempt := func(login, pw, from string) response {
		return a.form("/signin", url.Values{"login": {login}, "password": {pw}}, "X-Forwarded-For: "+from)
	}
	for _, login := range []string{"alice", "nobody"} {
		for i := range 5 {
			if r := attempt(login, "wrong password number", "203.0.113."+itoa(int64(i+1))); r.status != http.StatusUnauthorized {
				t.Fatalf("%s failure %d: %d", login, i+1, r.status)
			}
		}
		r := attempt(login, passwordOf(login), "203.0.113.99")
		if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "1" || !strings.Contains(r.text(), "Too many failed sign-ins") {
			t.Fatalf("%s after 5 failures: %d, Retry-After %q", login, r.status, r.header.Get("Retry-After"))
		}
	}
	a.clock.advance(time.Second)
	if r := attempt("alice", passwordOf("alice"), "198.51.100.1"); r.status != http.StatusSeeOther {
		t.Fatalf("alice after the wait: %d", r.status)
	}
	// Per address: one address trying many names.
	for i := range 5 {
		attempt("name"+itoa(int64(i)), "wrong password number", "198.51.100.7")
	}
	if r := attempt("alice", passwordOf("alice"), "198.51.100.7"); r.status != http.StatusTooManyRequests {
		t.Errorf("an address after 5 failures: %d, want 429", r.status)
	}
	// The header counts only from the trusted proxy: a server not behind
	// one throttles by the connection's address.
	if r := attempt("alice", passwordOf("alice"), "198.51.100.8"); r.status != http.StatusSeeOther {
		t.Errorf("alice from another address: %d", r.status)
	}
}

// Behind a proxy that says the browser used HTTPS, the cookie is __Host-
// and Secure; the same header from anyone but a proxy on this machine is
// ignored (tested in TestTrustedProxyOnlyFromLoopback).
func TestSecureSessionCookie(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	a := newAccountsApp(t, db, func(c *Config) { c.BehindProxy = true; c.PublicURL = "https://upshot.example.org" }, "alice")
	r := a.form("/signin", url.Values{"login": {"alice"}, "password": {passwordOf("alice")}}, "X-Forwarded-Proto: https", "Host: upshot.example.org")
	c := cookieOf(r, sessionCookieSecure)
	if r.status != http.StatusSeeOther || c == nil || !c.Secure || !c.HttpOnly || c.Path != "/" || c.Domain != "" {
		t.Fatalf("sign in over HTTPS: %d, cookie %+v", r.status, c)
	}
	if cookieOf(r, sessionCookiePlain) != nil {
		t.Error("a plain cookie was set over HTTPS")
	}
	// The plain cookie name is not read over HTTPS.
	if r := a.send("GET", "/", "X-Forwarded-Proto: https", "Host: upshot.example.org", "Cookie: "+sessionCookiePlain+"="+c.Value); r.status != http.StatusUnauthorized {
		t.Errorf("the token under the plain name over HTTPS: %d", r.status)
	}
	if r := a.send("GET", "/", "X-Forwarded-Proto: https", "Host: upshot.example.org", "Cookie: "+c.Name+"="+c.Value); r.status != http.StatusOK {
		t.Errorf("the secure cookie: %d", r.status)
	}
	// Another host name is refused before anything else.
	if r := a.send("GET", "/", "X-Forwarded-Proto: https", "Host: evil.example", "Cookie: "+c.Name+"="+c.Value); r.status != http.StatusMisdirectedRequest {
		t.Errorf("another Host: %d, want 421", r.status)
	}
}

func copyAll(dst *strings.Builder, resp *http.Response) (int64, error) {
	return io.Copy(dst, resp.Body)
}

// Hostile sign-ins (issue 13, done-when): 1,000 attempts of credential
// stuffing against one name from 1,000 addresses, and 1,000 names from one
// address, check only the first five passwords of each (the rest are 429
// without a password check: nothing is learned and no CPU is spent on
// argon2); once the wait has passed the owner signs in. Forged and replayed
// cookies are 401 and an oversized sign-in body is 413; nothing is written.
func TestSignInHostile(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	a := newAccountsApp(t, db, func(c *Config) { c.BehindProxy = true }, "alice")
	ctx := context.Background()
	alice, _ := db.FindAccount(ctx, "alice")
	count := func(login, from string, n int, vary bool) (checked, throttled int) {
		for i := range n {
			l := login
			addr := from
			if vary && login == "" {
				l = "name" + itoa(int64(i))
			} else if vary {
				addr = "198.51." + itoa(int64(i/250)) + "." + itoa(int64(i%250+1))
			}
			r := a.form("/signin", url.Values{"login": {l}, "password": {"guess number " + itoa(int64(i))}}, "X-Forwarded-For: "+addr)
			switch r.status {
			case http.StatusUnauthorized:
				checked++
			case http.StatusTooManyRequests:
				throttled++
			default:
				t.Fatalf("attempt %d: %d", i, r.status)
			}
		}
		return checked, throttled
	}
	if checked, throttled := count("alice", "", 1000, true); checked != 5 || throttled != 995 {
		t.Errorf("1,000 guesses at alice from 1,000 addresses: %d checked, %d throttled; want 5 and 995", checked, throttled)
	}
	if checked, throttled := count("", "203.0.113.5", 1000, true); checked != 5 || throttled != 995 {
		t.Errorf("1,000 names from one address: %d checked, %d throttled; want 5 and 995", checked, throttled)
	}
	if list, _ := db.AuthSessions(ctx, alice.ID); len(list) != 0 {
		t.Fatalf("stuffing made %d sessions", len(list))
	}
	a.clock.advance(time.Second)
	owner := a.form("/signin", url.Values{"login": {"alice"}, "password": {passwordOf("alice")}}, "X-Forwarded-For: 192.0.2.10")
	if owner.status != http.StatusSeeOther {
		t.Fatalf("the owner after the wait: %d", owner.status)
	}
	cookie := cookieOf(owner, sessionCookiePlain)

	// Oversized bodies are refused before any check.
	big := url.Values{"login": {"alice"}, "password": {strings.Repeat("x", maxForm)}}
	if r := a.form("/signin", big, "X-Forwarded-For: 192.0.2.11"); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("an oversized sign-in body: %d, want 413", r.status)
	}
	long := url.Values{"login": {strings.Repeat("a", 5000)}, "password": {strings.Repeat("x", 5000)}}
	if r := a.form("/signin", long, "X-Forwarded-For: 192.0.2.12"); r.status != http.StatusUnauthorized || strings.Contains(r.text(), strings.Repeat("a", 5000)) {
		t.Errorf("a sign-in with a 5,000-character name and password: %d", r.status)
	}
	// Forged cookies, and the token replayed after signing out.
	for _, forged := range []string{"", "x", strings.Repeat("A", 43), cookie.Value + "A", strings.Repeat("A", 5000), usecase.HashToken(cookie.Value)} {
		if r := a.send("GET", "/", "Cookie: "+sessionCookiePlain+"="+forged); r.status != http.StatusUnauthorized {
			t.Errorf("forged cookie %.20q: %d, want 401", forged, r.status)
		}
	}
	good := "Cookie: " + sessionCookiePlain + "=" + cookie.Value
	if r := a.send("GET", "/", good); r.status != http.StatusOK {
		t.Fatalf("the owner's cookie: %d", r.status)
	}
	a.send("POST", "/signout", good)
	if r := a.send("GET", "/", good); r.status != http.StatusUnauthorized {
		t.Errorf("the cookie replayed after signing out: %d, want 401", r.status)
	}
	if list, _ := db.AuthSessions(ctx, alice.ID); len(list) != 0 {
		t.Errorf("%d sessions left after signing out", len(list))
	}
}

// Deleting my account from the web (issue 13 item 8): it takes the password
// and the account's name typed out, deletes every record of the account
// (the store's TestDeleteAccountLeavesNoRow checks every table), says how
// many went, signs out everywhere and leaves other accounts alone.
func TestDeleteMyAccount(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			a := newAccountsApp(t, db, nil, "alice", "bob")
			ctx := context.Background()
			alice, _ := db.FindAccount(ctx, "alice")
			bob, _ := db.FindAccount(ctx, "bob")
			seedOwner(t, db, a.reg, alice.ID, "Alice-record", false)
			seedOwner(t, db, a.reg, bob.ID, "Bob-record", true)
			before := ownerState(t, db, alice.ID)
			b := a.signIn("bob")
			other := a.signIn("bob")
			if r := a.send("GET", "/account/delete", b); r.status != http.StatusOK || !strings.Contains(r.text(), `action="/account/delete"`) {
				t.Fatalf("GET /account/delete: %d", r.status)
			}
			for _, bad := range []url.Values{
				{"confirm": {"bob"}, "password": {"not bob's password"}},
				{"confirm": {"alice"}, "password": {passwordOf("bob")}},
				{"confirm": {""}, "password": {passwordOf("bob")}},
			} {
				if r := a.form("/account/delete", bad, b); r.status != http.StatusUnprocessableEntity {
					t.Errorf("delete with %v: %d, want 422", bad, r.status)
				}
			}
			if _, err := db.FindAccount(ctx, "bob"); err != nil {
				t.Fatal("a refused deletion deleted bob")
			}
			r := a.form("/account/delete", url.Values{"confirm": {"Bob"}, "password": {passwordOf("bob")}}, b)
			if r.status != http.StatusOK {
				t.Fatalf("delete bob: %d\n%.500s", r.status, r.text())
			}
			for _, want := range []string{"2 therapists", "2 goals", "2 sessions", "2 check-ins", "1 settings", "1 safety plan"} {
				if !strings.Contains(r.text(), want) {
					t.Errorf("the deletion page does not say %q:\n%.1500s", want, r.text())
				}
			}
			if c := cookieOf(r, sessionCookiePlain); c == nil || c.MaxAge >= 0 {
				t.Error("the deletion did not clear the cookie")
			}
			if _, err := db.FindAccount(ctx, "bob"); upshot.ErrorCode(err) != upshot.ENOTFOUND {
				t.Errorf("bob after deletion: %v", err)
			}
			for _, c := range []string{b, other} {
				if r := a.send("GET", "/", c); r.status != http.StatusUnauthorized {
					t.Errorf("a deleted account's session: %d, want 401", r.status)
				}
			}
			if r := a.form("/signin", url.Values{"login": {"bob"}, "password": {passwordOf("bob")}}); r.status != http.StatusUnauthorized {
				t.Errorf("signing in as the deleted bob: %d", r.status)
			}
			if after := ownerState(t, db, alice.ID); after != before {
				t.Error("deleting bob changed alice's data")
			}
		})
	}
	// The single account of a local install is not deleted from the web.
	a := newApp(t, "sqlite")
	if r := a.get("/account/delete"); r.status != http.StatusOK || !strings.Contains(r.text(), "delete its database file") {
		t.Errorf("GET /account/delete in one-person mode: %d", r.status)
	}
	if r := a.postForm("/account/delete", "confirm=local"); r.status != http.StatusConflict {
		t.Errorf("POST /account/delete of the local account: %d, want 409", r.status)
	}
}

// Two 'serve' processes on one database behave as one (issue 13 item 9):
// a session made on one is good on the other, ended on one it is refused by
// both, a password changed through one ends the other's sessions, and each
// shows the owner's records as the other wrote them (the caches follow the
// database's revision).
func TestTwoServersOneDatabase(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			dsn := storetest.DSN(t, backend)
			one := newAccountsApp(t, openStore(t, dsn), nil, "alice")
			two := newAccountsApp(t, openStore(t, dsn), nil)
			c := one.signIn("alice")
			if r := two.send("GET", "/api/v1/therapists", c); r.status != http.StatusOK {
				t.Fatalf("a session made on one server, on the other: %d", r.status)
			}
			if r := one.sendBody("POST", "/api/v1/therapists", `{"name": "Dr One"}`, c, "Content-Type: application/json"); r.status != http.StatusCreated {
				t.Fatalf("write on one: %d", r.status)
			}
			for _, s := range []*accountsApp{one, two} { // both cache the list
				if r := s.send("GET", "/api/v1/sessions", c); r.status != http.StatusOK {
					t.Fatalf("sessions: %d", r.status)
				}
			}
			if r := one.sendBody("POST", "/api/v1/sessions", `{"therapist_id": 1, "note": "Written-On-One"}`, c, "Content-Type: application/json"); r.status != http.StatusCreated {
				t.Fatalf("write on one: %d %s", r.status, r.body)
			}
			if r := two.send("GET", "/api/v1/sessions", c); !strings.Contains(r.text(), "Written-On-One") {
				t.Error("the other server's cached session list does not show a write made through the first")
			}
			other := two.signIn("alice")
			r := one.form("/account/password", url.Values{"current": {passwordOf("alice")}, "new": {"a brand new long passphrase"}, "again": {"a brand new long passphrase"}}, c)
			if r.status != http.StatusOK {
				t.Fatalf("change password: %d", r.status)
			}
			for _, s := range []*accountsApp{one, two} {
				if r := s.send("GET", "/", other); r.status != http.StatusUnauthorized {
					t.Errorf("a session ended by a password change on the other server: %d", r.status)
				}
			}
			two.send("POST", "/signout", c)
			if r := one.send("GET", "/", c); r.status != http.StatusUnauthorized {
				t.Errorf("signed out on two, still in on one: %d", r.status)
			}
		})
	}
}
