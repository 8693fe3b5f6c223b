package store_test

import (
	"testing"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Accounts on both databases: the local account exists from the start,
// logins are unique and normalised, the hash is kept as given, disabling
// and enabling is recorded, and PasswordsExist follows the hashes.
func TestAccounts(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			db.Now = newClock().Now
			accs, err := db.Accounts(ctx)
			must(t, err)
			if len(accs) != 1 || accs[0].ID != upshot.DefaultOwner || accs[0].Login != upshot.LocalLogin || accs[0].HasPassword {
				t.Fatalf("a new database's accounts = %+v, want the local account alone, without a password", accs)
			}
			if has, err := db.PasswordsExist(ctx); err != nil || has {
				t.Fatalf("PasswordsExist on a new database = %v, %v", has, err)
			}
			id, err := db.CreateAccount(ctx, " Alice ", "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA")
			must(t, err)
			a, err := db.FindAccount(ctx, "ALICE")
			must(t, err)
			if a.ID != id || a.Login != "alice" || !a.HasPassword || a.PasswordChangedAt == nil || a.Disabled() {
				t.Fatalf("FindAccount = %+v", a)
			}
			_, err = db.CreateAccount(ctx, "alice", "")
			wantCode(t, err, upshot.ECONFLICT, "NAME")
			_, err = db.CreateAccount(ctx, "al ice", "")
			wantCode(t, err, upshot.EINVALID, "NAME")
			_, err = db.FindAccount(ctx, "bob")
			wantCode(t, err, upshot.ENOTFOUND, "NAME")
			if has, err := db.PasswordsExist(ctx); err != nil || !has {
				t.Fatalf("PasswordsExist with alice's password = %v, %v", has, err)
			}
			must(t, db.SetDisabled(ctx, id, true))
			if a, _ := db.AccountByID(ctx, id); !a.Disabled() {
				t.Fatal("alice is not disabled after SetDisabled(true)")
			}
			// Fail closed: a disabled account's password still means the
			// server asks everyone to sign in.
			if has, _ := db.PasswordsExist(ctx); !has {
				t.Fatal("PasswordsExist turned false when the account with a password was disabled")
			}
			must(t, db.SetDisabled(ctx, id, false))
			must(t, db.RehashPassword(ctx, id, "not the stored hash", "$argon2id$new"))
			if a, _ := db.AccountByID(ctx, id); a.PasswordHash == "$argon2id$new" {
				t.Fatal("RehashPassword replaced a hash that was not the one it was given")
			}
			must(t, db.SetPasswordHash(ctx, id, ""))
			if has, _ := db.PasswordsExist(ctx); has {
				t.Fatal("PasswordsExist after the only password was removed")
			}
			_, err = db.DeleteAccount(ctx, upshot.DefaultOwner)
			wantCode(t, err, upshot.ECONFLICT, "NAME")
		})
	}
}

// Deleting an account removes every row it owns in every table of the
// schema (read from the database's catalogue, so a table added later is
// covered without anyone remembering to), counts what went, and leaves
// another person's records as they were.
func TestDeleteAccountLeavesNoRow(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			db.Now = newClock().Now
			fill(t, db, upshot.DefaultOwner)
			b, err := db.CreateAccount(ctx, "bee", "")
			must(t, err)
			sam := fill(t, db, b)
			addCredentials(t, db, upshot.DefaultOwner, "local")
			addCredentials(t, db, b, "bee")
			before := exportJSON(t, db, upshot.DefaultOwner)
			tables := ownerTables(t, db)
			for _, table := range tables {
				if n := rowsOf(t, db, table, b); n == 0 {
					t.Fatalf("fill left %s without a row of the account, so this test would not see it deleted", table)
				}
			}
			n, err := db.DeleteAccount(ctx, b)
			must(t, err)
			if want := (upshot.DeletedCounts{Therapists: len(sam.therapists), Goals: len(sam.goals),
				Sessions: len(sam.sessions), CheckIns: len(sam.checkins), Settings: 2, SafetyPlan: 1}); n != want {
				t.Errorf("DeleteAccount counted %+v, want %+v", n, want)
			}
			for _, table := range tables {
				if n := rowsOf(t, db, table, b); n != 0 {
					t.Errorf("%s still holds %d rows of the deleted account", table, n)
				}
			}
			var users int
			must(t, db.SQL().QueryRow(`SELECT COUNT(*) FROM users WHERE id = `+itoa(int64(b))).Scan(&users))
			if users != 0 {
				t.Error("the deleted account's users row is still there")
			}
			if after := exportJSON(t, db, upshot.DefaultOwner); after != before {
				t.Error("deleting another account changed the local account's records")
			}
			_, err = db.FindAccount(ctx, "bee")
			wantCode(t, err, upshot.ENOTFOUND, "NAME")
			if list, _ := db.AuthSessions(ctx, upshot.DefaultOwner); len(list) != 1 {
				t.Errorf("the local account's sessions after deleting another: %d, want 1", len(list))
			}
		})
	}
}

// ownerTables lists the schema's tables that have an owner_id column.
func ownerTables(t *testing.T, db *store.DB) []string {
	t.Helper()
	q := `SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c WHERE m.type = 'table' AND c.name = 'owner_id' ORDER BY m.name`
	if db.Dialect() == "postgres" {
		q = `SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'owner_id' ORDER BY table_name`
	}
	rows, err := db.SQL().Query(q)
	must(t, err)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		must(t, rows.Scan(&name))
		out = append(out, name)
	}
	must(t, rows.Err())
	if len(out) < 9 {
		t.Fatalf("found only the owner tables %v", out)
	}
	return out
}

func rowsOf(t *testing.T, db *store.DB, table string, owner upshot.OwnerID) int {
	t.Helper()
	var n int
	must(t, db.SQL().QueryRow(`SELECT COUNT(*) FROM `+table+` WHERE owner_id = `+itoa(int64(owner))).Scan(&n))
	return n
}
