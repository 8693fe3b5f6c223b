package web

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/store/storetest"
)

// API tokens (issue 13 item 5): "Authorization: Bearer" on /api/v1 acts as
// the token's account, and only there; a forged, revoked or expired token,
// or one of a disabled or deleted account, is refused with 401 and nothing
// is written. The last use is recorded.
func TestAPITokens(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			a := newAccountsApp(t, db, nil, "alice", "bob")
			ctx := context.Background()
			au := usecase.NewAuth(db, a.clock.Now)
			alice, _ := db.FindAccount(ctx, "alice")
			seedOwner(t, db, a.reg, alice.ID, "Alice-record", false)
			token, tk, err := au.AddToken(ctx, "alice", "phone shortcut", 30)
			must(t, err)
			if tk.ExpiresAt == nil || !tk.ExpiresAt.Equal(a.clock.Now().Add(30*24*time.Hour)) {
				t.Errorf("expires %v, want in 30 days", tk.ExpiresAt)
			}
			bearer := "Authorization: Bearer " + token
			r := a.send("GET", "/api/v1/therapists", bearer)
			if r.status != http.StatusOK || !strings.Contains(r.text(), "Alice-record") {
				t.Fatalf("GET /api/v1/therapists with alice's token: %d %s", r.status, r.body)
			}
			if list, _ := db.APITokens(ctx, alice.ID); len(list) != 2 || list[0].Name != "phone shortcut" || list[0].LastUsedAt == nil {
				t.Errorf("the token's last use was not recorded: %+v", list)
			}
			if strings.Contains(tokenRows(t, a), token) {
				t.Error("the database holds the token itself")
			}
			// Pages are for browsers: a token opens none.
			if r := a.send("GET", "/", bearer); r.status != http.StatusUnauthorized {
				t.Errorf("GET / with an API token: %d, want 401", r.status)
			}
			before := ownerState(t, db, alice.ID)
			refused := map[string]string{
				"forged":           strings.Repeat("A", len(token)),
				"a character more": token + "x",
				"empty":            "",
				"huge":             strings.Repeat("x", 10000),
			}
			for what, tok := range refused {
				r := a.send("POST", "/api/v1/therapists", "Authorization: Bearer "+tok, "Content-Type: application/json")
				if r.status != http.StatusUnauthorized {
					t.Errorf("%s token: %d, want 401", what, r.status)
				}
			}
			// Expired.
			a.clock.advance(30 * 24 * time.Hour)
			if r := a.send("GET", "/api/v1/therapists", bearer); r.status != http.StatusUnauthorized {
				t.Errorf("an expired token: %d, want 401", r.status)
			}
			// Disabled, then enabled, then revoked.
			token, _, err = au.AddToken(ctx, "alice", "cron", 0)
			must(t, err)
			bearer = "Authorization: Bearer " + token
			must(t, db.SetDisabled(ctx, alice.ID, true))
			if r := a.send("GET", "/api/v1/therapists", bearer); r.status != http.StatusUnauthorized {
				t.Errorf("a disabled account's token: %d, want 401", r.status)
			}
			must(t, db.SetDisabled(ctx, alice.ID, false))
			if r := a.send("GET", "/api/v1/therapists", bearer); r.status != http.StatusOK {
				t.Errorf("the token after enabling again: %d", r.status)
			}
			must(t, au.RevokeToken(ctx, "alice", "cron"))
			if r := a.send("GET", "/api/v1/therapists", bearer); r.status != http.StatusUnauthorized {
				t.Errorf("a revoked token: %d, want 401", r.status)
			}
			if after := ownerState(t, db, alice.ID); after != before {
				t.Error("refused tokens changed alice's records")
			}
			// A deleted account's token.
			bobToken, _, err := au.AddToken(ctx, "bob", "script", 0)
			must(t, err)
			if r := a.send("GET", "/api/v1/export", "Authorization: Bearer "+bobToken); r.status != http.StatusOK {
				t.Fatalf("bob's token: %d", r.status)
			}
			if _, err := usecase.DeleteAccount(ctx, db, "bob"); err != nil {
				t.Fatal(err)
			}
			if r := a.send("GET", "/api/v1/export", "Authorization: Bearer "+bobToken); r.status != http.StatusUnauthorized {
				t.Errorf("a deleted account's token: %d, want 401", r.status)
			}
		})
	}
}

// tokenRows is every stored token hash, to check no token is kept itself.
func tokenRows(t *testing.T, a *accountsApp) string {
	t.Helper()
	rows, err := a.db.SQL().Query(`SELECT token_hash FROM api_tokens`)
	must(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var h string
		must(t, rows.Scan(&h))
		out = append(out, h)
	}
	return strings.Join(out, "\n")
}

// The Account page makes an API token, shows it once, lists it with its
// last use and revokes it (issue 13 item 5, from the web).
func TestAccountPageTokens(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "sqlite")
	a := newAccountsApp(t, db, nil, "alice")
	c := a.signIn("alice")
	r := a.form("/account/tokens", map[string][]string{"name": {"phone shortcut"}, "expires": {"30"}}, c)
	if r.status != http.StatusOK {
		t.Fatalf("make a token: %d", r.status)
	}
	i := strings.Index(r.text(), `id="new-token" readonly value="`)
	if i < 0 {
		t.Fatalf("the new token is not shown:\n%.2000s", r.text())
	}
	token := r.text()[i+len(`id="new-token" readonly value="`):]
	token = token[:strings.Index(token, `"`)]
	if got := a.send("GET", "/api/v1/therapists", "Authorization: Bearer "+token); got.status != http.StatusOK {
		t.Fatalf("the token from the page: %d", got.status)
	}
	page := a.send("GET", "/account", c).text()
	if strings.Contains(page, token) || !strings.Contains(page, "phone shortcut") {
		t.Error("the account page shows the token again, or does not list it")
	}
	if r := a.form("/account/tokens", map[string][]string{"name": {"x"}, "expires": {"-1"}}, c); r.status != http.StatusUnprocessableEntity {
		t.Errorf("expires -1: %d", r.status)
	}
	if r := a.form("/account/tokens/revoke", map[string][]string{"name": {"phone shortcut"}}, c); r.status != http.StatusOK {
		t.Fatalf("revoke: %d", r.status)
	}
	if got := a.send("GET", "/api/v1/therapists", "Authorization: Bearer "+token); got.status != http.StatusUnauthorized {
		t.Errorf("a revoked token: %d", got.status)
	}
}
