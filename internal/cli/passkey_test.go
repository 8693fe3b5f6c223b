package cli_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// 'upshot user list' counts each account's passkeys: a passkey-only account
// shows no password and its passkeys, so the administrator sees it can sign
// in.
func TestUserListCountsPasskeys(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		if r := e.runIn("tulip ferry cobalt\n", "user", "add", "alice", "--password-stdin"); r.code != 0 {
			t.Fatalf("user add: %+v", r)
		}
		db := openStore(t, e.dsn)
		ctx := context.Background()
		alice, err := db.FindAccount(ctx, "alice")
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"phone", "laptop"} {
			if err := db.CreatePasskey(ctx, &upshot.Passkey{Owner: alice.ID, CredentialID: []byte("credential-" + name), UserHandle: []byte("handle"),
				PublicKey: []byte("key"), Authenticator: []byte(`{}`), Name: name, CreatedAt: time.Now()}); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.DropPassword(ctx, alice.ID); err != nil {
			t.Fatal(err)
		}
		list := e.ok("user", "list")
		if !strings.Contains(list, "alice  no        2") {
			t.Errorf("user list does not show alice's two passkeys and no password:\n%s", list)
		}
	})
}
