package web

import (
	"regexp"
	"strings"
	"testing"
)

// Every page names its icon, and /favicon.ico, which browsers ask for on
// their own, answers with it: no 404 on a first load.
func TestFavicon(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	page := a.get("/")
	m := regexp.MustCompile(`<link rel="icon" href="(/static/favicon\.[0-9a-f]+\.svg)"`).FindStringSubmatch(page.text())
	if m == nil {
		t.Fatalf("the dashboard links no icon:\n%s", page.text())
	}
	for _, p := range []string{m[1], "/favicon.ico"} {
		r := a.get(p)
		if r.status != 200 || r.header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(r.text(), "<svg") {
			t.Errorf("GET %s: %d %s %.60q", p, r.status, r.header.Get("Content-Type"), r.text())
		}
	}
}

// One of a thing is counted in the singular on the pages that count.
func TestPlurals(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	therapist, goal := a.seed()
	if r := a.postForm("/sessions", "therapist="+itoa(therapist)+"&date=2025-06-10&minutes=50&goal="+itoa(goal)+"&progress_"+itoa(goal)+"=1"); r.status != 303 {
		t.Fatalf("log a session: %d %s", r.status, r.text())
	}
	for path, want := range map[string]string{
		"/therapists": "1 session",
		"/goals":      "1 session worked on it",
		"/review":     "1 session and 0 check-ins",
		"/report":     "1 session and 0 check-ins",
	} {
		body := a.get(path).text()
		if !strings.Contains(body, want) || strings.Contains(body, "1 sessions") {
			t.Errorf("%s: want %q and never \"1 sessions\"", path, want)
		}
	}
	if body := a.get("/therapists/" + itoa(therapist) + "/delete").text(); !strings.Contains(body, "has 1 session in your records") {
		t.Errorf("the therapist's delete page does not say \"has 1 session\"")
	}
}
