package store_test

import (
	"bytes"
	"sync"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

func addPasskey(t *testing.T, db *store.DB, owner upshot.OwnerID, name, credID string) *upshot.Passkey {
	t.Helper()
	p := &upshot.Passkey{Owner: owner, CredentialID: []byte(credID), UserHandle: []byte("handle-" + credID),
		PublicKey: []byte("key-" + credID), SignCount: 1, Authenticator: []byte(`{"flags":{}}`), Name: name, CreatedAt: db.Now()}
	must(t, db.CreatePasskey(ctx, p))
	return p
}

// Passkeys: stored and found by credential id, listed, used, renamed and
// removed per owner; another owner's are ENOTFOUND and stay; a credential
// id is stored once in the whole database; all of an owner's passkeys share
// one user handle; the last passkey of an account without a password stays.
// None of it moves the owner's revision.
func TestPasskeys(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			db.Now = newClock().Now
			b, err := db.CreateAccount(ctx, "bee", "")
			must(t, err)
			rev, err := db.Revision(ctx, b)
			must(t, err)
			phone := addPasskey(t, db, b, "phone", "c1")
			laptop := addPasskey(t, db, b, "laptop", "c2")
			if !bytes.Equal(laptop.UserHandle, phone.UserHandle) {
				t.Errorf("the second passkey got the user handle %q, want the account's %q", laptop.UserHandle, phone.UserHandle)
			}
			mine := addPasskey(t, db, upshot.DefaultOwner, "phone", "c3")

			got, err := db.PasskeyByCredentialID(ctx, []byte("c2"))
			must(t, err)
			if got.Owner != b || got.ID != laptop.ID || got.Name != "laptop" || string(got.PublicKey) != "key-c2" ||
				got.SignCount != 1 || string(got.Authenticator) != `{"flags":{}}` || got.LastUsedAt != nil {
				t.Fatalf("PasskeyByCredentialID = %+v", got)
			}
			_, err = db.PasskeyByCredentialID(ctx, []byte("nothing"))
			wantCode(t, err, upshot.ENOTFOUND, "passkey")

			// Taken names and credential ids are refused.
			dup := &upshot.Passkey{Owner: b, CredentialID: []byte("c9"), UserHandle: []byte("h"), PublicKey: []byte("k"), Name: "phone", CreatedAt: db.Now()}
			wantCode(t, db.CreatePasskey(ctx, dup), upshot.ECONFLICT, "name")
			dup.Name, dup.CredentialID = "other", []byte("c3") // the local account's
			wantCode(t, db.CreatePasskey(ctx, dup), upshot.ECONFLICT, "passkey")
			dup.Owner, dup.CredentialID = 999, []byte("c9")
			wantCode(t, db.CreatePasskey(ctx, dup), upshot.EUNAUTHORIZED, "")

			later := db.Now().Add(time.Hour)
			must(t, db.PasskeyUsed(ctx, b, phone.ID, 7, []byte(`{"flags":{"userVerified":true}}`), later))
			got, err = db.PasskeyByCredentialID(ctx, []byte("c1"))
			must(t, err)
			if got.SignCount != 7 || got.LastUsedAt == nil || !got.LastUsedAt.Equal(later.UTC().Truncate(time.Microsecond)) || string(got.Authenticator) != `{"flags":{"userVerified":true}}` {
				t.Errorf("after a use: %+v", got)
			}
			must(t, db.RenamePasskey(ctx, b, laptop.ID, "work laptop"))
			wantCode(t, db.RenamePasskey(ctx, b, laptop.ID, "phone"), upshot.ECONFLICT, "name")

			// Another owner's passkey: not found, and unchanged.
			wantCode(t, db.RenamePasskey(ctx, upshot.DefaultOwner, laptop.ID, "mine now"), upshot.ENOTFOUND, "passkey")
			wantCode(t, db.DeletePasskey(ctx, upshot.DefaultOwner, laptop.ID), upshot.ENOTFOUND, "passkey")
			wantCode(t, db.PasskeyUsed(ctx, upshot.DefaultOwner, laptop.ID, 99, []byte(`{}`), later), upshot.ENOTFOUND, "passkey")
			list, err := db.Passkeys(ctx, b)
			must(t, err)
			if len(list) != 2 || list[0].Name != "phone" || list[1].Name != "work laptop" || list[1].SignCount != 1 {
				t.Fatalf("bee's passkeys: %+v", list)
			}

			// bee has no password: the last passkey stays, and so does the
			// password of an account without passkeys.
			must(t, db.DeletePasskey(ctx, b, phone.ID))
			wantCode(t, db.DeletePasskey(ctx, b, laptop.ID), upshot.ECONFLICT, "passkey")
			wantCode(t, db.DeletePasskey(ctx, b, phone.ID), upshot.ENOTFOUND, "passkey")
			c, err := db.CreateAccount(ctx, "cee", "$argon2id$stand-in")
			must(t, err)
			wantCode(t, db.DropPassword(ctx, c), upshot.ECONFLICT, "password")
			addPasskey(t, db, c, "key", "c4")
			must(t, db.DropPassword(ctx, c))
			acc, err := db.AccountByID(ctx, c)
			must(t, err)
			if acc.HasPassword {
				t.Error("DropPassword left the password")
			}
			// The local account has a passkey; removing it with a password
			// set is allowed.
			must(t, db.SetPasswordHash(ctx, upshot.DefaultOwner, "$argon2id$stand-in"))
			must(t, db.DeletePasskey(ctx, upshot.DefaultOwner, mine.ID))

			if after, _ := db.Revision(ctx, b); after != rev {
				t.Errorf("passkeys moved the revision from %d to %d", rev, after)
			}
		})
	}
}

// A passkey makes the server need sign-in, as a password does.
func TestPasskeyCountsAsCredential(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			db.Now = newClock().Now
			if on, err := db.PasswordsExist(ctx); err != nil || on {
				t.Fatalf("PasswordsExist on a new database = %v, %v", on, err)
			}
			addPasskey(t, db, upshot.DefaultOwner, "phone", "c1")
			if on, err := db.PasswordsExist(ctx); err != nil || !on {
				t.Fatalf("PasswordsExist with a passkey = %v, %v", on, err)
			}
		})
	}
}

// Ceremonies are taken once, by the kind, token and owner they were begun
// with; an expired one is not returned; a flood is bounded; of many
// concurrent takes of one ceremony exactly one gets it.
func TestPasskeyCeremonies(t *testing.T) {
	t.Parallel()
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			clock := newClock()
			db.Now = clock.Now
			b, err := db.CreateAccount(ctx, "bee", "")
			must(t, err)
			begin := func(hash, kind string, owner upshot.OwnerID, ttl time.Duration) error {
				return db.BeginCeremony(ctx, &upshot.PasskeyCeremony{TokenHash: hash, Kind: kind, Owner: owner,
					Data: []byte(`{"challenge":"` + hash + `"}`), ExpiresAt: db.Now().Add(ttl)}, 3)
			}
			must(t, begin("r1", upshot.CeremonyRegister, b, time.Minute))
			must(t, begin("s1", upshot.CeremonySignIn, 0, time.Minute))
			wantCode(t, begin("bad", upshot.CeremonySignIn, b, time.Minute), upshot.EINVALID, "ceremony")
			wantCode(t, begin("bad", upshot.CeremonyRegister, 0, time.Minute), upshot.EINVALID, "ceremony")

			now := db.Now()
			// Wrong owner, wrong kind: not found, and the ceremony stays.
			_, err = db.TakeCeremony(ctx, upshot.CeremonyRegister, "r1", upshot.DefaultOwner, now)
			wantCode(t, err, upshot.ENOTFOUND, "ceremony")
			_, err = db.TakeCeremony(ctx, upshot.CeremonySignIn, "r1", 0, now)
			wantCode(t, err, upshot.ENOTFOUND, "ceremony")
			c, err := db.TakeCeremony(ctx, upshot.CeremonyRegister, "r1", b, now)
			must(t, err)
			if c.Owner != b || string(c.Data) != `{"challenge":"r1"}` {
				t.Fatalf("taken: %+v", c)
			}
			_, err = db.TakeCeremony(ctx, upshot.CeremonyRegister, "r1", b, now)
			wantCode(t, err, upshot.ENOTFOUND, "ceremony")

			// Expired: refused, and gone.
			_, err = db.TakeCeremony(ctx, upshot.CeremonySignIn, "s1", 0, now.Add(time.Minute))
			wantCode(t, err, upshot.ENOTFOUND, "ceremony")
			_, err = db.TakeCeremony(ctx, upshot.CeremonySignIn, "s1", 0, now)
			wantCode(t, err, upshot.ENOTFOUND, "ceremony")

			// At most 3 open sign-ins; expired ones make room.
			for _, h := range []string{"s2", "s3", "s4"} {
				must(t, begin(h, upshot.CeremonySignIn, 0, time.Minute))
			}
			wantCode(t, begin("s5", upshot.CeremonySignIn, 0, time.Minute), upshot.ECONFLICT, "passkey")
			clock.mu.Lock()
			clock.t = clock.t.Add(2 * time.Minute)
			clock.mu.Unlock()
			must(t, begin("s5", upshot.CeremonySignIn, 0, time.Minute))

			var (
				wg  sync.WaitGroup
				mu  sync.Mutex
				got int
			)
			for range 8 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := db.TakeCeremony(ctx, upshot.CeremonySignIn, "s5", 0, db.Now()); err == nil {
						mu.Lock()
						got++
						mu.Unlock()
					} else if upshot.ErrorCode(err) != upshot.ENOTFOUND {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if got != 1 {
				t.Errorf("%d concurrent takes of one ceremony succeeded, want 1", got)
			}
		})
	}
}
