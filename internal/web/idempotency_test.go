package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// A POST sent again with the same Idempotency-Key gets the first answer
// and records nothing more; the same key with another body is refused; a
// refused request does not use its key up (issue 15 item 5, and what
// offline logging builds on).
func TestAPIIdempotencyKey(t *testing.T) {
	forEachBackend(t, func(t *testing.T, a *app) {
		therapist, _ := a.seed()
		body := fmt.Sprintf(`{"therapist_id": %d, "date": "2025-06-16", "minutes": 50, "note": "kept once"}`, therapist)
		post := func(body string, headers ...string) response {
			t.Helper()
			return a.do("POST", "/api/v1/sessions", strings.NewReader(body), append([]string{"Content-Type: application/json"}, headers...)...)
		}
		before := a.counts()
		first := post(body, "Idempotency-Key: 5f1c2a4e-0b7d-4c1e-9a53-1d2f3e4a5b6c")
		if first.status != http.StatusCreated || first.header.Get("Idempotent-Replayed") != "" {
			t.Fatalf("first POST: %d %s", first.status, first.body)
		}
		// The draft's form, a quoted string, names the same key.
		again := post(body, `Idempotency-Key: "5f1c2a4e-0b7d-4c1e-9a53-1d2f3e4a5b6c"`)
		if again.status != http.StatusCreated || string(again.body) != string(first.body) ||
			again.header.Get("Location") != first.header.Get("Location") || again.header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("retry: %d %q Location %q replayed %q; want the first answer again (%q)", again.status, again.body,
				again.header.Get("Location"), again.header.Get("Idempotent-Replayed"), first.body)
		}
		if got := a.counts(); got != a.countsAfter(before, 2, 1) {
			t.Errorf("two POSTs with one key: counts %v, want one session more than %v", got, before)
		}

		other := strings.Replace(body, "kept once", "another", 1)
		if r := post(other, "Idempotency-Key: 5f1c2a4e-0b7d-4c1e-9a53-1d2f3e4a5b6c"); r.status != http.StatusUnprocessableEntity || apiErrOf(t, r).Field != "Idempotency-Key" {
			t.Errorf("the key with another body: %d %s, want 422 on Idempotency-Key", r.status, r.body)
		}
		// The same key on another path is another request, refused too.
		if r := a.do("POST", "/api/v1/goals", strings.NewReader(`{"title": "x", "domain": "work"}`), "Content-Type: application/json",
			"Idempotency-Key: 5f1c2a4e-0b7d-4c1e-9a53-1d2f3e4a5b6c"); r.status != http.StatusUnprocessableEntity {
			t.Errorf("the key on another path: %d %s, want 422", r.status, r.body)
		}

		// A refused request leaves its key free for the corrected one.
		bad := fmt.Sprintf(`{"therapist_id": %d, "date": "2025-06-16", "helpful": 11}`, therapist)
		if r := post(bad, "Idempotency-Key: k-2"); r.status != http.StatusUnprocessableEntity {
			t.Fatalf("refused POST: %d %s", r.status, r.body)
		}
		if r := post(strings.Replace(bad, "11", "7", 1), "Idempotency-Key: k-2"); r.status != http.StatusCreated || r.header.Get("Idempotent-Replayed") != "" {
			t.Errorf("the corrected POST with the refused one's key: %d %s", r.status, r.body)
		}

		for _, key := range []string{"", `""`, strings.Repeat("k", 256), "ünï", "a b"} {
			if r := post(body, "Idempotency-Key: "+key); r.status != http.StatusUnprocessableEntity || apiErrOf(t, r).Field != "Idempotency-Key" {
				t.Errorf("Idempotency-Key %q: %d %s, want 422 on the header", key, r.status, r.body)
			}
		}
		if got := a.counts(); got != a.countsAfter(before, 2, 2) {
			t.Errorf("after the refusals: counts %v, want two sessions more than %v", got, before)
		}
	})
}

// lostAnswers is a store whose server "stops" after a POST's record is
// committed and before its answer is kept: FinishIdempotent fails while
// lose is set, as if the process had died between the two.
type lostAnswers struct {
	*store.DB
	lose atomic.Bool
}

func (l *lostAnswers) FinishIdempotent(ctx context.Context, owner upshot.OwnerID, key string, answer upshot.IdempotentAnswer) error {
	if l.lose.Load() {
		return errors.New("injected fault: the server stopped before the answer was kept")
	}
	return l.DB.FinishIdempotent(ctx, owner, key, answer)
}

// A server that stops after a POST's record is committed and before its
// answer is kept: a retry with the key, at once or after the key's
// in-flight time, is answered 201 from the record (Idempotent-Replayed)
// and records nothing more, for every kind of record. Before the record
// and its key were committed together, the retry got 409 for two minutes
// and then recorded the record a second time.
func TestIdempotencyKeyAfterACrash(t *testing.T) {
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			db := storetest.Open(t, backend)
			var (
				mu  sync.Mutex
				now = testNow
			)
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			db.Now = clock
			st := &lostAnswers{DB: db}
			logger := slog.New(slog.NewTextHandler(io.Discard, nil)) // the lost answers are logged as errors
			srv, err := New(Config{Store: st, Registry: instrument.Builtin(), Addr: "127.0.0.1:8080", Owner: upshot.DefaultOwner, Now: testClock,
				Logger: logger, LaunchToken: testToken})
			if err != nil {
				t.Fatal(err)
			}
			ts := httptest.NewServer(srv.Handler())
			t.Cleanup(ts.Close)
			a := &app{t: t, db: db, srv: srv, ts: ts, reg: instrument.Builtin()}
			therapist, goal := a.seed()

			for _, c := range []struct{ path, body string }{
				{"/api/v1/therapists", `{"name": "Dr. Crash", "fee_amount": "80.00", "currency": "EUR"}`},
				{"/api/v1/goals", `{"title": "Walk daily", "domain": "health"}`},
				{"/api/v1/sessions", fmt.Sprintf(`{"therapist_id": %d, "date": "2025-06-16", "minutes": 50, "goals": [{"goal_id": %d, "progress": 1}]}`, therapist, goal)},
				{"/api/v1/checkins", `{"instrument": "phq9", "answers": [1,1,1,1,1,1,1,1,0], "date": "2025-06-16"}`},
				{"/api/v1/agenda", `{"text": "Ask about the crash"}`},
			} {
				key := "Idempotency-Key: crash" + strings.ReplaceAll(c.path, "/", "-")
				post := func() response {
					t.Helper()
					return a.do("POST", c.path, strings.NewReader(c.body), "Content-Type: application/json", key)
				}
				snapshot := func() string {
					t.Helper()
					snap, err := db.Export(context.Background(), upshot.DefaultOwner)
					if err != nil {
						t.Fatal(err)
					}
					return fmt.Sprint(len(snap.Therapists), len(snap.Goals), len(snap.Sessions), len(snap.CheckIns), len(snap.AgendaItems))
				}
				before := snapshot()
				st.lose.Store(true)
				first := post()
				st.lose.Store(false)
				if first.status != http.StatusCreated {
					t.Fatalf("POST %s: %d %s", c.path, first.status, first.body)
				}
				created := snapshot()
				if created == before {
					t.Fatalf("POST %s recorded nothing", c.path)
				}
				var firstBody map[string]any
				decode(t, first, &firstBody)
				for i, wait := range []time.Duration{0, 3 * time.Minute} {
					mu.Lock()
					now = now.Add(wait)
					mu.Unlock()
					r := post()
					var got map[string]any
					decode(t, r, &got)
					if r.status != http.StatusCreated || r.header.Get("Idempotent-Replayed") != "true" ||
						r.header.Get("Location") != first.header.Get("Location") || got["id"] != firstBody["id"] || r.header.Get("ETag") != first.header.Get("ETag") {
						t.Errorf("retry %d of POST %s after a lost answer: %d Location %q ETag %q replayed %q %s; want 201 replayed, %q %q %s", i+1, c.path,
							r.status, r.header.Get("Location"), r.header.Get("ETag"), r.header.Get("Idempotent-Replayed"), r.body,
							first.header.Get("Location"), first.header.Get("ETag"), first.body)
					}
					if got := snapshot(); got != created {
						t.Errorf("retry %d of POST %s after a lost answer recorded again: counts %s, want %s", i+1, c.path, got, created)
					}
				}
			}
			// A record deleted after its answer was lost: the retry says it
			// was recorded, and records nothing.
			st.lose.Store(true)
			first := a.do("POST", "/api/v1/goals", strings.NewReader(`{"title": "Gone", "domain": "work"}`), "Content-Type: application/json", "Idempotency-Key: gone")
			st.lose.Store(false)
			if first.status != http.StatusCreated {
				t.Fatalf("POST goal: %d %s", first.status, first.body)
			}
			if r := a.do("DELETE", first.header.Get("Location"), nil); r.status != http.StatusNoContent {
				t.Fatalf("DELETE: %d %s", r.status, r.body)
			}
			r := a.do("POST", "/api/v1/goals", strings.NewReader(`{"title": "Gone", "domain": "work"}`), "Content-Type: application/json", "Idempotency-Key: gone")
			if r.status != http.StatusConflict || apiErrOf(t, r).Field != "Idempotency-Key" {
				t.Errorf("retry for a record deleted since: %d %s, want 409 on Idempotency-Key", r.status, r.body)
			}
		})
	}
}
