package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// lockedBuffer is a log destination safe for the server's goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The account's activity on the account page (issue 13 item 7), on both
// databases: a failed sign-in for the account, the sign-in, a token made
// and revoked, an export, a device signed out and the password changed,
// newest first with the device; bob sees none of alice's. A failed sign-in
// for a name that is no account writes no row anywhere, and the operator's
// log says it happened without the name typed; nothing in the page or the
// log holds a record, a password or a token.
func TestAccountActivity(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			logs := &lockedBuffer{}
			a := newAccountsApp(t, db, func(c *Config) {
				c.Logger = slog.New(slog.NewTextHandler(logs, nil))
			}, "alice", "bob")
			ctx := context.Background()
			alice, err := db.FindAccount(ctx, "alice")
			must(t, err)
			th := &upshot.Therapist{Name: "Dr. Secretname"}
			must(t, db.CreateTherapist(ctx, alice.ID, th))
			firefox := "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
			iphone := "User-Agent: Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"

			rows := func() int {
				var n int
				must(t, db.SQL().QueryRow(`SELECT COUNT(*) FROM audit_events`).Scan(&n))
				return n
			}
			users := func() int {
				var n int
				must(t, db.SQL().QueryRow(`SELECT COUNT(*) FROM users`).Scan(&n))
				return n
			}
			beforeRows, beforeUsers := rows(), users()
			if r := a.form("/signin", url.Values{"login": {"mallory-typo"}, "password": {"my real password here"}}, firefox); r.status != http.StatusUnauthorized {
				t.Fatalf("unknown name: %d", r.status)
			}
			a.srv.auth.Wait()
			if rows() != beforeRows || users() != beforeUsers {
				t.Fatalf("a failed sign-in for an unknown name wrote: audit rows %d -> %d, users %d -> %d", beforeRows, rows(), beforeUsers, users())
			}
			if l := logs.String(); !strings.Contains(l, "sign-in failed for a name that is no account") || strings.Contains(l, "mallory-typo") || strings.Contains(l, "my real password") {
				t.Fatalf("the operator's log of an unknown name:\n%s", l)
			}

			if r := a.form("/signin", url.Values{"login": {"alice"}, "password": {"not alice's password"}}, iphone); r.status != http.StatusUnauthorized {
				t.Fatalf("wrong password: %d", r.status)
			}
			a.srv.auth.Wait()
			a.clock.advance(2 * 60e9)
			other := a.signIn("alice", iphone)
			a.clock.advance(60e9)
			cookie := a.signIn("alice", firefox)
			a.clock.advance(60e9)
			made := a.form("/account/tokens", url.Values{"name": {"nightly cron"}}, cookie, firefox)
			token := regexp.MustCompile(`id="new-token" readonly value="([^"]+)"`).FindStringSubmatch(made.text())
			if made.status != http.StatusOK || token == nil {
				t.Fatalf("make a token: %d", made.status)
			}
			a.clock.advance(60e9)
			if r := a.form("/account/tokens/revoke", url.Values{"name": {"nightly cron"}}, cookie, firefox); r.status != http.StatusOK {
				t.Fatalf("revoke: %d", r.status)
			}
			a.clock.advance(60e9)
			if r := a.send("GET", "/api/v1/export", cookie, firefox); r.status != http.StatusOK {
				t.Fatalf("export: %d", r.status)
			}
			a.clock.advance(60e9)
			if r := a.form("/account/sessions/end-others", nil, cookie, firefox); r.status != http.StatusOK {
				t.Fatalf("end others: %d", r.status)
			}
			a.clock.advance(60e9)
			if r := a.form("/account/password", url.Values{"current": {passwordOf("alice")}, "new": {"a brand new long passphrase"}, "again": {"a brand new long passphrase"}}, cookie, firefox); r.status != http.StatusOK {
				t.Fatalf("change password: %d %.300s", r.status, r.text())
			}
			_ = other

			page := a.send("GET", "/account", cookie, firefox)
			if page.status != http.StatusOK {
				t.Fatalf("account page: %d", page.status)
			}
			body := page.text()
			i := strings.Index(body, `id="audit-log"`)
			if i < 0 {
				t.Fatalf("no audit table on the account page:\n%.2000s", body)
			}
			table := body[i:]
			table = table[:strings.Index(table, "</table>")]
			want := []string{
				"Changed the password", "Signed out everywhere else", "Exported everything: JSON",
				"Revoked an API token: nightly cron", "Made an API token: nightly cron",
				"Signed in with the password</td><td>Firefox on Linux", "Signed in with the password</td><td>Safari on iPhone",
				"Failed sign-in: wrong password</td><td>Safari on iPhone", "Account created",
			}
			at := 0
			for _, w := range want {
				j := strings.Index(table[at:], w)
				if j < 0 {
					t.Fatalf("the audit table lacks %q after position %d (newest first):\n%s", w, at, table)
				}
				at += j + len(w)
			}
			if !strings.Contains(table, `class="audit-failed"`) {
				t.Error("a failed sign-in is not marked")
			}
			for _, secret := range []string{"Dr. Secretname", token[1], "not alice", "brand new", "mallory"} {
				if strings.Contains(table, secret) || strings.Contains(logs.String(), secret) {
					t.Errorf("%q is in the audit table or the log", secret)
				}
			}

			bob := a.send("GET", "/account", a.signIn("bob"))
			if strings.Contains(bob.text(), "nightly cron") || strings.Contains(bob.text(), "Safari on iPhone") || strings.Contains(bob.text(), "Exported") {
				t.Fatalf("bob's account page shows alice's activity:\n%s", bob.text())
			}

			// Signing out is recorded too.
			if r := a.form("/signout", nil, cookie, firefox); r.status != http.StatusSeeOther {
				t.Fatalf("sign out: %d", r.status)
			}
			list, err := db.AuditEvents(ctx, alice.ID, 1)
			must(t, err)
			if list[0].Kind != upshot.AuditSignOut || list[0].Device != "Firefox on Linux" {
				t.Fatalf("the newest event after signing out = %+v", list[0])
			}
		})
	}
}
