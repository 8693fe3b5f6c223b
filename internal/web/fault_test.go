package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// When the store fails under it (here: its connections closed, so every
// call errors), every page, every API route and every form answers 500 with
// the generic message: nothing of the store's error reaches the person, the
// API keeps its JSON error shape, a form does not pretend it saved.
func TestStoreFailureIsA500Everywhere(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	ids := a.seedAll()
	if err := a.db.Close(); err != nil {
		t.Fatal(err)
	}

	failed := 0
	for _, rt := range a.srv.router.routes {
		if rt.public || !strings.HasPrefix(rt.pattern, "GET ") {
			continue
		}
		_, path := routeRequest(t, a, rt.pattern, ids)
		r := a.get(path)
		switch {
		case r.status == http.StatusInternalServerError:
			failed++
		case r.status == http.StatusOK || r.status == http.StatusNotFound && strings.Contains(path, "no-such"):
			continue // a page that needs nothing from the store, or the catch-all
		case r.status == http.StatusNotFound && rt.pattern == "GET /signup":
			continue // closed by the server's flag (the default) before any read
		default:
			t.Errorf("GET %s on a failing store: %d, want 500 (or 200 for a page that reads nothing)", path, r.status)
			continue
		}
		checkGeneric500(t, "GET "+path, r)
	}
	if failed < 10 {
		t.Errorf("only %d GET routes answered 500 on a failing store; the store is not failing", failed)
	}

	// Valid writes, through the forms and the API.
	forms := map[string]url.Values{
		"/therapists": {"name": {"Dr. B"}},
		"/goals":      {"title": {"Sleep"}, "domain": {"health"}, "opened": {"2025-06-01"}},
		"/sessions":   {"therapist": {itoa(ids["therapists"])}, "date": {"2025-06-10"}, "minutes": {"50"}},
		"/checkins":   {"instrument": {"who5"}, "date": {"2025-06-10"}, "item_1": {"3"}, "item_2": {"3"}, "item_3": {"3"}, "item_4": {"3"}, "item_5": {"3"}},
		"/settings":   {"recent_window": {"5"}},
	}
	for path, form := range forms {
		r := a.postForm(path, form.Encode())
		if r.status != http.StatusInternalServerError {
			t.Errorf("POST %s (form) on a failing store: %d, want 500\n%.300s", path, r.status, r.body)
			continue
		}
		checkGeneric500(t, "POST "+path, r)
	}
	for path, body := range map[string]string{
		"/api/v1/therapists": `{"name": "Dr. B"}`,
		"/api/v1/sessions":   `{"therapist_id": ` + itoa(ids["therapists"]) + `, "minutes": 50}`,
		"/api/v1/checkins":   `{"instrument": "phq9", "answers": [0,0,0,0,0,0,0,0,0]}`,
	} {
		r := a.sendJSON("POST", path, body)
		if r.status != http.StatusInternalServerError {
			t.Errorf("POST %s on a failing store: %d, want 500\n%.300s", path, r.status, r.body)
			continue
		}
		checkGeneric500(t, "POST "+path, r)
	}
}

// checkGeneric500 checks that a 500 says "internal error" in its own shape
// and nothing of what went wrong inside.
func checkGeneric500(t *testing.T, what string, r response) {
	t.Helper()
	if strings.Contains(r.text(), "closed") || strings.Contains(r.text(), "sql") {
		t.Errorf("%s: the 500 shows the store's error:\n%.500s", what, r.body)
	}
	if strings.HasPrefix(what, "GET /api/") || strings.HasPrefix(what, "POST /api/") {
		if e := apiErrOf(t, r); e.Code != "internal" {
			t.Errorf("%s: code %q, want internal", what, e.Code)
		}
		return
	}
	if !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") {
		t.Errorf("%s: a 500 page as %q", what, r.header.Get("Content-Type"))
	}
}
