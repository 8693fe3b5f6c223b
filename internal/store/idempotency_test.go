package store_test

import (
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// An Idempotency-Key is claimed once per owner, keeps the answer it was
// settled with for its time to live, is released when its request failed,
// and is claimed again when its request never settled it.
func TestIdempotencyKeys(t *testing.T) {
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			clock := newClock()
			db.Now = clock.Now
			other, err := db.CreateAccount(ctx, "bee", "")
			must(t, err)
			const ttl = 24 * time.Hour
			begin := func(owner upshot.OwnerID, key, hash string) *upshot.IdempotentAnswer {
				t.Helper()
				a, err := db.BeginIdempotent(ctx, owner, key, hash, ttl)
				must(t, err)
				return a
			}
			if a := begin(upshot.DefaultOwner, "k1", "h1"); a != nil {
				t.Fatalf("a new key: %+v, want it claimed", a)
			}
			if a := begin(upshot.DefaultOwner, "k1", "h1"); a == nil || a.Status != 0 || a.RequestHash != "h1" {
				t.Fatalf("a key in flight: %+v", a)
			}
			if a := begin(other, "k1", "h9"); a != nil {
				t.Fatalf("another owner's key of the same name: %+v, want it claimed for them", a)
			}
			must(t, db.FinishIdempotent(ctx, upshot.DefaultOwner, "k1", upshot.IdempotentAnswer{Status: 201, Location: "/api/v1/goals/7", ETag: `"1"`, Body: `{"id":7}`}))
			if a := begin(upshot.DefaultOwner, "k1", "h2"); a == nil || a.Status != 201 || a.Location != "/api/v1/goals/7" || a.ETag != `"1"` || a.Body != `{"id":7}` || a.RequestHash != "h1" {
				t.Fatalf("a settled key: %+v", a)
			}
			// A failed request releases its key.
			begin(upshot.DefaultOwner, "k2", "h1")
			must(t, db.AbandonIdempotent(ctx, upshot.DefaultOwner, "k2"))
			if a := begin(upshot.DefaultOwner, "k2", "h3"); a != nil {
				t.Fatalf("a released key: %+v, want it claimed afresh", a)
			}
			// Never settled (the server went away): claimed again after a while.
			clock.mu.Lock()
			clock.t = clock.t.Add(3 * time.Minute)
			clock.mu.Unlock()
			if a := begin(upshot.DefaultOwner, "k2", "h4"); a != nil {
				t.Fatalf("a key left in flight for 3 minutes: %+v, want it claimed again", a)
			}
			// A day later every key is gone.
			clock.mu.Lock()
			clock.t = clock.t.Add(ttl)
			clock.mu.Unlock()
			if a := begin(upshot.DefaultOwner, "k1", "h5"); a != nil {
				t.Fatalf("a key older than its time to live: %+v, want it claimed afresh", a)
			}
		})
	}
}

// The record a request with an Idempotency-Key creates is noted on the key
// in the record's own transaction: when writing the note fails (a fault
// injected with a trigger, after the record's row is written), the record
// is not committed either; a retry records it once, and the key names it;
// a key naming its record is neither claimed again once stale nor
// released, so a retry never records it twice.
func TestIdempotentRecordCommitsWithItsKey(t *testing.T) {
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			clock := newClock()
			db.Now = clock.Now
			const ttl = 24 * time.Hour
			owner := upshot.DefaultOwner
			therapists := func() int {
				t.Helper()
				list, err := db.ListTherapists(ctx, owner)
				must(t, err)
				return len(list)
			}
			if a, err := db.BeginIdempotent(ctx, owner, "k1", "h1", ttl); err != nil || a != nil {
				t.Fatalf("claim k1: %+v %v", a, err)
			}
			keyed := upshot.WithIdempotencyKey(ctx, "k1")

			// The fault: the key's row cannot be written once the record's is.
			inject, remove := `CREATE TRIGGER no_note BEFORE UPDATE OF record_id ON idempotency_keys
				BEGIN SELECT RAISE(ABORT, 'injected fault'); END`, `DROP TRIGGER no_note`
			if backend == "postgres" {
				inject = `CREATE FUNCTION no_note() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$;
					CREATE TRIGGER no_note BEFORE UPDATE OF record_id ON idempotency_keys FOR EACH ROW EXECUTE FUNCTION no_note()`
				remove = `DROP TRIGGER no_note ON idempotency_keys; DROP FUNCTION no_note()`
			}
			if _, err := db.SQL().ExecContext(ctx, inject); err != nil {
				t.Fatal(err)
			}
			if err := db.CreateTherapist(keyed, owner, &upshot.Therapist{Name: "Dr. Once"}); err == nil {
				t.Fatal("the create succeeded though its key could not be written")
			}
			if n := therapists(); n != 0 {
				t.Fatalf("the record was committed without its key: %d therapists", n)
			}
			if _, err := db.SQL().ExecContext(ctx, remove); err != nil {
				t.Fatal(err)
			}

			// The retry records it, once, and the key names it.
			th := &upshot.Therapist{Name: "Dr. Once"}
			must(t, db.CreateTherapist(keyed, owner, th))
			a, err := db.BeginIdempotent(ctx, owner, "k1", "h1", ttl)
			must(t, err)
			if a == nil || a.Status != 0 || a.RecordKind != upshot.KindTherapist || a.RecordID != th.ID {
				t.Fatalf("the key after its record was created: %+v, want it naming therapist %d", a, th.ID)
			}
			// A second create under the same key (none does; a bug) keeps the first.
			must(t, db.CreateGoal(upshot.WithIdempotencyKey(ctx, "k1"), owner, &upshot.Goal{Title: "x", Domain: "health", Status: upshot.GoalOpen, Opened: upshot.DateOf(clock.Now())}))
			// Its request failed afterwards (building the answer): the key stays.
			must(t, db.AbandonIdempotent(ctx, owner, "k1"))
			// Stale, it is not claimed again: the retry is answered from the record.
			clock.mu.Lock()
			clock.t = clock.t.Add(3 * time.Minute)
			clock.mu.Unlock()
			a, err = db.BeginIdempotent(ctx, owner, "k1", "h1", ttl)
			must(t, err)
			if a == nil || a.RecordKind != upshot.KindTherapist || a.RecordID != th.ID {
				t.Fatalf("the key 3 minutes later: %+v, want it still naming therapist %d", a, th.ID)
			}
			if n := therapists(); n != 1 {
				t.Fatalf("%d therapists, want 1", n)
			}
			// Once the answer is kept, it is what the key gives.
			must(t, db.FinishIdempotent(ctx, owner, "k1", upshot.IdempotentAnswer{Status: 201, Location: "/api/v1/therapists/1", Body: `{"id":1}`}))
			if a, _ := db.BeginIdempotent(ctx, owner, "k1", "h1", ttl); a == nil || a.Status != 201 || a.RecordID != th.ID {
				t.Fatalf("the settled key: %+v", a)
			}
			// A create without a key notes nothing on any key.
			if a, err := db.BeginIdempotent(ctx, owner, "k2", "h2", ttl); err != nil || a != nil {
				t.Fatalf("claim k2: %+v %v", a, err)
			}
			must(t, db.CreateTherapist(ctx, owner, &upshot.Therapist{Name: "Dr. Unkeyed"}))
			if a, _ := db.BeginIdempotent(ctx, owner, "k2", "h2", ttl); a == nil || a.RecordID != 0 {
				t.Fatalf("k2 after an unkeyed create: %+v, want no record", a)
			}
		})
	}
}
