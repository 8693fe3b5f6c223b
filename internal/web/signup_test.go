package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

func countRows(t *testing.T, db *store.DB, table string) int {
	t.Helper()
	var n int
	must(t, db.SQL().QueryRow(`SELECT COUNT(*) FROM `+table).Scan(&n))
	return n
}

// Signing up (issue 13 item 2), on both databases, under each registration
// rule. Closed: no page (404) and a posted form writes nothing. Invite: the
// page only with a usable link; the link makes one account, signed in, and
// then works no more; a reused, expired or missing link is refused (403)
// with nothing written; a refused password leaves the link usable. Open:
// anyone, linked from the sign-in page. A one-person loopback server takes
// no sign-ups whatever the rule.
func TestSignUp(t *testing.T) {
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			const pw = "a long walk by the river"
			form := func(login, invite string) url.Values {
				return url.Values{"login": {login}, "password": {pw}, "again": {pw}, "invite": {invite}}
			}
			written := func(db *store.DB) [3]int {
				return [3]int{countRows(t, db, "users"), countRows(t, db, "auth_sessions"), countRows(t, db, "audit_events")}
			}

			// Closed, the default.
			db := storetest.Open(t, backend)
			a := newAccountsApp(t, db, nil, "alice")
			before := written(db)
			if r := a.send("GET", "/signup"); r.status != http.StatusNotFound || !strings.Contains(r.text(), "takes no sign-ups") {
				t.Fatalf("GET /signup, closed: %d\n%.400s", r.status, r.text())
			}
			if r := a.form("/signup", form("mallory", "")); r.status != http.StatusNotFound {
				t.Fatalf("POST /signup, closed: %d", r.status)
			}
			if strings.Contains(a.send("GET", "/signin").text(), `href="/signup"`) {
				t.Error("the sign-in page links a sign-up that is closed")
			}
			token, _, err := usecase.NewInvite(ctx, db, nil, 7)
			must(t, err)
			if r := a.form("/signup", form("mallory", token)); r.status != http.StatusNotFound {
				t.Fatalf("POST /signup with an invitation, closed: %d", r.status)
			}
			if after := written(db); after != before {
				t.Fatalf("refused sign-ups wrote: %v -> %v", before, after)
			}

			// Invite.
			db = storetest.Open(t, backend)
			a = newAccountsApp(t, db, func(c *Config) { c.Registration = usecase.RegistrationInvite }, "alice")
			token, _, err = usecase.NewInvite(ctx, db, a.clock.Now, 7)
			must(t, err)
			before = written(db)
			for _, p := range []string{"/signup", "/signup?invite=" + token + "x", "/signup?invite=" + strings.Repeat("A", 43)} {
				if r := a.send("GET", p); r.status != http.StatusForbidden || !strings.Contains(r.text(), "cannot be used") {
					t.Fatalf("GET %s: %d", p, r.status)
				}
			}
			page := a.send("GET", "/signup?invite="+token)
			if page.status != http.StatusOK || !strings.Contains(page.text(), `name="invite" value="`+token+`"`) {
				t.Fatalf("GET /signup with the link: %d", page.status)
			}
			// A common password: refused, nothing written, the link still good.
			weak := url.Values{"login": {"anna"}, "password": {"password1234"}, "again": {"password1234"}, "invite": {token}}
			if r := a.form("/signup", weak); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text(), "most common") || strings.Contains(r.text(), "password1234") {
				t.Fatalf("a common password: %d\n%.600s", r.status, r.text())
			}
			short := url.Values{"login": {"anna"}, "password": {"short"}, "again": {"short"}, "invite": {token}}
			if r := a.form("/signup", short); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text(), "at least 12") {
				t.Fatalf("a short password: %d", r.status)
			}
			if r := a.form("/signup", form("alice", token)); r.status != http.StatusConflict || !strings.Contains(r.text(), "exists already") {
				t.Fatalf("a taken name: %d", r.status)
			}
			if r := a.form("/signup", url.Values{"login": {"anna"}, "password": {pw}, "again": {pw + "!"}, "invite": {token}}); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text(), "differ") {
				t.Fatalf("passwords that differ: %d", r.status)
			}
			if r := a.form("/signup", form("anna", "")); r.status != http.StatusForbidden {
				t.Fatalf("no invitation: %d", r.status)
			}
			if after := written(db); after != before {
				t.Fatalf("refused sign-ups wrote: %v -> %v", before, after)
			}
			r := a.form("/signup", form("Anna", token), "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
			if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" || cookieOf(r, sessionCookiePlain) == nil {
				t.Fatalf("sign up with the link: %d %v", r.status, r.header)
			}
			cookie := "Cookie: " + sessionCookiePlain + "=" + cookieOf(r, sessionCookiePlain).Value
			acc := a.send("GET", "/account", cookie)
			if acc.status != http.StatusOK || !strings.Contains(acc.text(), "<strong>anna</strong>") || !strings.Contains(acc.text(), "Account created: signed up with an invitation") {
				t.Fatalf("anna's account page: %d\n%.2000s", acc.status, acc.text())
			}
			if _, err := usecase.SignIn(ctx, db, "anna", pw); err != nil {
				t.Fatalf("anna cannot sign in with her password: %v", err)
			}
			before = written(db)
			if r := a.form("/signup", form("mallory", token)); r.status != http.StatusForbidden || !strings.Contains(r.text(), "cannot be used") {
				t.Fatalf("a reused link: %d", r.status)
			}
			if r := a.send("GET", "/signup?invite="+token); r.status != http.StatusForbidden {
				t.Fatalf("the page of a used link: %d", r.status)
			}
			expiring, _, err := usecase.NewInvite(ctx, db, a.clock.Now, 1)
			must(t, err)
			a.clock.advance(25 * time.Hour)
			if r := a.form("/signup", form("mallory", expiring)); r.status != http.StatusForbidden {
				t.Fatalf("an expired link: %d", r.status)
			}
			if after := written(db); after != before {
				t.Fatalf("a reused and an expired link wrote: %v -> %v", before, after)
			}
			if _, err := db.FindAccount(ctx, "mallory"); upshot.ErrorCode(err) != upshot.ENOTFOUND {
				t.Fatalf("mallory exists: %v", err)
			}

			// Open.
			db = storetest.Open(t, backend)
			a = newAccountsApp(t, db, func(c *Config) { c.Registration = usecase.RegistrationOpen }, "alice")
			if !strings.Contains(a.send("GET", "/signin").text(), `href="/signup"`) {
				t.Error("the sign-in page of an open server does not link the sign-up")
			}
			if r := a.send("GET", "/signup"); r.status != http.StatusOK || strings.Contains(r.text(), `name="invite"`) {
				t.Fatalf("GET /signup, open: %d", r.status)
			}
			if r := a.form("/signup", form("bob", "")); r.status != http.StatusSeeOther {
				t.Fatalf("sign up, open: %d %.400s", r.status, r.text())
			}
			if _, err := db.FindAccount(ctx, "bob"); err != nil {
				t.Fatal(err)
			}

			// One person on loopback (no password anywhere): no sign-up.
			db = storetest.Open(t, backend)
			solo := newAccountsApp(t, db, func(c *Config) { c.Registration = usecase.RegistrationOpen })
			if r := solo.form("/signup", form("mallory", "")); r.status != http.StatusNotFound {
				t.Fatalf("sign up on a one-person server: %d", r.status)
			}
			if n := countRows(t, db, "users"); n != 1 {
				t.Fatalf("users on the one-person server: %d", n)
			}
		})
	}
}
