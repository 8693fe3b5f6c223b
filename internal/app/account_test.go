package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/auth"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Sign-in answers an unknown name, a wrong password, an account without a
// password and a disabled account with the very same error, and remakes a
// hash made at weaker parameters, without counting that as a password change.
func TestSignIn(t *testing.T) {
	ctx := context.Background()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			const pw = "tulip ferry cobalt"
			was := auth.PasswordParams
			auth.PasswordParams = auth.Argon2Params{Memory: 8 * 1024, Time: 1, Threads: 1}
			acc, err := usecase.AddAccount(ctx, db, "Alice", pw)
			auth.PasswordParams = was
			if err != nil {
				t.Fatal(err)
			}
			old := acc.PasswordHash
			if _, err := usecase.AddAccount(ctx, db, "bob", "password1234"); upshot.ErrorCode(err) != upshot.EINVALID {
				t.Fatalf("AddAccount with a common password: %v", err)
			}
			if _, err := usecase.AddAccount(ctx, db, "dora", "another long passphrase"); err != nil {
				t.Fatal(err)
			}
			if _, err := usecase.SetDisabled(ctx, db, "dora", true); err != nil {
				t.Fatal(err)
			}
			var msgs []string
			for _, c := range [][2]string{{"nobody", pw}, {"alice", "a wrong password"}, {"local", pw}, {"dora", "another long passphrase"}, {"../x", pw}, {"", ""}} {
				a, err := usecase.SignIn(ctx, db, c[0], c[1])
				if a != nil || !errors.Is(err, usecase.ErrSignIn) {
					t.Fatalf("SignIn(%q) = %v, %v; want ErrSignIn", c[0], a, err)
				}
				msgs = append(msgs, upshot.ErrorMessage(err))
			}
			for _, m := range msgs[1:] {
				if m != msgs[0] {
					t.Fatalf("sign-in failures differ: %q vs %q", msgs[0], m)
				}
			}
			a, err := usecase.SignIn(ctx, db, " ALICE ", pw)
			if err != nil || a.Login != "alice" {
				t.Fatalf("SignIn(right) = %v, %v", a, err)
			}
			after, _ := db.AccountByID(ctx, a.ID)
			if after.PasswordHash == old || !strings.HasPrefix(after.PasswordHash, "$argon2id$v=19$m=19456,t=2,p=1$") {
				t.Fatalf("the weak hash was not remade at sign-in: %.40s", after.PasswordHash)
			}
			if !after.PasswordChangedAt.Equal(*acc.PasswordChangedAt) {
				t.Fatal("remaking the hash counted as a password change")
			}
			if _, err := usecase.SignIn(ctx, db, "alice", pw); err != nil {
				t.Fatalf("SignIn with the remade hash: %v", err)
			}
		})
	}
}
