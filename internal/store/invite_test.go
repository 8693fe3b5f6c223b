package store_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Invitations on both databases: one signs one account up, once; a used,
// expired or unknown one is ErrInvite and writes nothing; a taken name
// leaves the invitation unused; an account made by signing up has a
// password and its own empty records.
func TestInvites(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
			must(t, db.CreateInvite(ctx, "hash-a", now, now.Add(7*24*time.Hour)))
			must(t, db.CreateInvite(ctx, "hash-b", now, now.Add(time.Hour)))
			users := func() int { return rowsCount(t, db, "users") }
			before := users()

			// A taken name: refused, the invitation stays usable.
			_, err := db.SignUp(ctx, "local", "$argon2id$x", "hash-a", now)
			wantCode(t, err, upshot.ECONFLICT, "login")
			if ok, _ := db.InviteUsable(ctx, "hash-a", now); !ok {
				t.Fatal("a refused sign-up used the invitation")
			}
			id, err := db.SignUp(ctx, "Anna", "$argon2id$x", "hash-a", now.Add(time.Minute))
			must(t, err)
			a, err := db.AccountByID(ctx, id)
			must(t, err)
			if a.Login != "anna" || !a.HasPassword || a.PasswordChangedAt == nil {
				t.Fatalf("the signed-up account = %+v", a)
			}
			if snap, err := db.Export(ctx, id); err != nil || len(snap.Therapists)+len(snap.Sessions) != 0 {
				t.Fatalf("a new account's records: %v", err)
			}
			if ok, _ := db.InviteUsable(ctx, "hash-a", now.Add(time.Minute)); ok {
				t.Fatal("a used invitation is still usable")
			}
			for _, c := range []struct {
				name, hash string
				at         time.Time
			}{{"reused", "hash-a", now.Add(2 * time.Minute)}, {"expired", "hash-b", now.Add(time.Hour)}, {"unknown", "hash-z", now}} {
				_, err := db.SignUp(ctx, "mallory-"+c.name, "$argon2id$x", c.hash, c.at)
				if err != upshot.ErrInvite {
					t.Errorf("%s invitation: %v, want ErrInvite", c.name, err)
				}
			}
			if n := users(); n != before+1 {
				t.Fatalf("users: %d, want %d (only anna)", n, before+1)
			}
			// Open registration: no invitation.
			if _, err := db.SignUp(ctx, "bob", "$argon2id$y", "", now); err != nil {
				t.Fatal(err)
			}
			_, err = db.SignUp(ctx, "carl", "", "", now)
			wantCode(t, err, upshot.EINVALID, "password")
			// Invitations long expired or used go when the next is made.
			must(t, db.CreateInvite(ctx, "hash-c", now.AddDate(0, 2, 0), now.AddDate(0, 2, 7)))
			if n := rowsCount(t, db, "invites"); n != 1 {
				t.Fatalf("invites after two months: %d, want only the new one", n)
			}
		})
	}
}

func rowsCount(t *testing.T, db interface{ SQL() *sql.DB }, table string) int {
	t.Helper()
	var n int
	must(t, db.SQL().QueryRow(`SELECT COUNT(*) FROM `+table).Scan(&n))
	return n
}
