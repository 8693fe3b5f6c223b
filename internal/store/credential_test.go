package store_test

import (
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// addCredentials gives owner a session, an API token, a passkey and a
// passkey registration under way, made from tag.
func addCredentials(t *testing.T, db *store.DB, owner upshot.OwnerID, tag string) (*upshot.AuthSession, *upshot.APIToken) {
	t.Helper()
	now := db.Now()
	s := &upshot.AuthSession{Owner: owner, TokenHash: "session-" + tag, Device: "Firefox on Linux", CreatedAt: now, LastUsedAt: now}
	must(t, db.CreateAuthSession(ctx, s))
	tk := &upshot.APIToken{Owner: owner, Name: "script", TokenHash: "token-" + tag, CreatedAt: now}
	must(t, db.CreateAPIToken(ctx, tk))
	addPasskey(t, db, owner, "phone", "cred-"+tag)
	must(t, db.BeginCeremony(ctx, &upshot.PasskeyCeremony{TokenHash: "ceremony-" + tag, Kind: upshot.CeremonyRegister,
		Owner: owner, Data: []byte(`{}`), ExpiresAt: now.Add(5 * time.Minute)}, 100))
	must(t, db.AddAuditEvent(ctx, &upshot.AuditEvent{Owner: owner, Kind: upshot.AuditSignIn, Device: "Firefox on Linux", At: now}, time.Time{}))
	return s, tk
}

// Sessions and API tokens: stored and found by hash, listed, touched and
// deleted per owner; another owner's are ENOTFOUND and stay. Writing them
// never moves the owner's revision (their cached pages stay good).
func TestCredentials(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			db.Now = newClock().Now
			b, err := db.CreateAccount(ctx, "bee", "")
			must(t, err)
			rev, err := db.Revision(ctx, b)
			must(t, err)
			sa, ta := addCredentials(t, db, upshot.DefaultOwner, "a")
			sb, tb := addCredentials(t, db, b, "b")
			if sa.ID == 0 || sb.ID == sa.ID || ta.ID == 0 || tb.ID == ta.ID {
				t.Fatalf("ids: sessions %d %d, tokens %d %d", sa.ID, sb.ID, ta.ID, tb.ID)
			}
			got, err := db.AuthSessionByHash(ctx, "session-b")
			must(t, err)
			if got.Owner != b || got.ID != sb.ID || got.Device != "Firefox on Linux" || !got.CreatedAt.Equal(sb.CreatedAt.UTC().Truncate(time.Microsecond)) {
				t.Fatalf("AuthSessionByHash = %+v", got)
			}
			_, err = db.AuthSessionByHash(ctx, "session-x")
			wantCode(t, err, upshot.ENOTFOUND, "session")
			later := db.Now().Add(time.Hour)
			must(t, db.TouchAuthSession(ctx, sb.ID, later))
			if got, _ := db.AuthSessionByHash(ctx, "session-b"); !got.LastUsedAt.Equal(later.UTC().Truncate(time.Microsecond)) {
				t.Errorf("last use %v, want %v", got.LastUsedAt, later)
			}
			// Another owner's session or token is not found, and stays.
			wantCode(t, db.DeleteAuthSession(ctx, upshot.DefaultOwner, sb.ID), upshot.ENOTFOUND, "session")
			wantCode(t, db.DeleteAPIToken(ctx, upshot.DefaultOwner, "nothing"), upshot.ENOTFOUND, "name")
			if list, _ := db.AuthSessions(ctx, b); len(list) != 1 {
				t.Fatalf("bee's sessions after another owner's delete: %d", len(list))
			}
			tk := &upshot.APIToken{Owner: b, Name: "script", TokenHash: "token-b2", CreatedAt: db.Now()}
			wantCode(t, db.CreateAPIToken(ctx, tk), upshot.ECONFLICT, "name")
			exp := db.Now().Add(24 * time.Hour)
			tk = &upshot.APIToken{Owner: b, Name: "phone", TokenHash: "token-b3", CreatedAt: db.Now(), ExpiresAt: &exp}
			must(t, db.CreateAPIToken(ctx, tk))
			must(t, db.TouchAPIToken(ctx, tk.ID, later))
			list, err := db.APITokens(ctx, b)
			must(t, err)
			if len(list) != 2 || list[0].Name != "phone" || list[0].ExpiresAt == nil || list[0].LastUsedAt == nil || list[1].LastUsedAt != nil {
				t.Fatalf("APITokens = %+v", list)
			}
			if got, err := db.APITokenByHash(ctx, "token-b3"); err != nil || got.Owner != b || got.Name != "phone" {
				t.Fatalf("APITokenByHash = %+v, %v", got, err)
			}
			// Ending all but one.
			s2 := &upshot.AuthSession{Owner: b, TokenHash: "session-b2", Device: "Safari on iPhone", CreatedAt: db.Now(), LastUsedAt: db.Now()}
			must(t, db.CreateAuthSession(ctx, s2))
			n, err := db.DeleteAuthSessions(ctx, b, s2.ID)
			must(t, err)
			if list, _ := db.AuthSessions(ctx, b); n != 1 || len(list) != 1 || list[0].ID != s2.ID {
				t.Fatalf("DeleteAuthSessions ended %d, left %+v", n, list)
			}
			if list, _ := db.AuthSessions(ctx, upshot.DefaultOwner); len(list) != 1 {
				t.Fatalf("another owner's sessions went too: %d left", len(list))
			}
			must(t, db.DeleteAPIToken(ctx, b, "phone"))
			if after, _ := db.Revision(ctx, b); after != rev {
				t.Errorf("credentials moved the revision: %d -> %d", rev, after)
			}
		})
	}
}
