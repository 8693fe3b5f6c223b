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
			must(t, db.FinishIdempotent(ctx, upshot.DefaultOwner, "k1", 201, "/api/v1/goals/7", `{"id":7}`))
			if a := begin(upshot.DefaultOwner, "k1", "h2"); a == nil || a.Status != 201 || a.Location != "/api/v1/goals/7" || a.Body != `{"id":7}` || a.RequestHash != "h1" {
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
