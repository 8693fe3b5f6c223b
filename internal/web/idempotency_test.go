package web

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
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
