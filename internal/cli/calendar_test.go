package cli_test

import (
	"strings"
	"testing"
)

// TestCalendarCommands: 'calendar new' prints the address alone on stdout,
// once; status says since when; a second 'new' replaces it; 'stop' ends it;
// a bad --base is refused with nothing made.
func TestCalendarCommands(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *env) {
		e.ok("therapist", "add", "Dr. A")
		if out := e.ok("calendar", "status"); !strings.Contains(out, "No calendar address") {
			t.Fatalf("status before: %q", out)
		}
		for _, bad := range []string{"ftp://x", "127.0.0.1:8080", "https://x/?a=1", "https://user:pw@x"} {
			if r := e.fails(2, "calendar", "new", "--base", bad); !strings.Contains(r.stderr, "--base must be an http:// or https:// address") {
				t.Errorf("--base %s: %s", bad, r)
			}
		}
		if out := e.ok("calendar", "status"); !strings.Contains(out, "No calendar address") {
			t.Fatalf("a refused 'new' made an address: %q", out)
		}
		r := e.run("calendar", "new", "--base", "https://upshot.example.org/")
		address := strings.TrimSpace(r.stdout)
		if r.code != 0 || !strings.HasPrefix(address, "https://upshot.example.org/calendar/") || !strings.HasSuffix(address, ".ics") || strings.Count(r.stdout, "\n") != 1 {
			t.Fatalf("new: %s", r)
		}
		if !strings.Contains(r.stderr, "shown only now") || strings.Contains(r.stderr, address) {
			t.Errorf("new's note: %q", r.stderr)
		}
		var status struct {
			Active bool   `json:"active"`
			Since  string `json:"since"`
		}
		e.jsonOf(&status, "calendar", "status", "--json")
		if !status.Active || status.Since != "2026-03-10" {
			t.Errorf("status --json: %+v", status)
		}
		again := strings.TrimSpace(e.ok("calendar", "new"))
		if !strings.HasPrefix(again, "http://127.0.0.1:8080/calendar/") || strings.TrimPrefix(again, "http://127.0.0.1:8080") == strings.TrimPrefix(address, "https://upshot.example.org") {
			t.Errorf("second new: %q after %q", again, address)
		}
		if out := e.ok("calendar", "stop"); !strings.Contains(out, "no longer works") {
			t.Errorf("stop: %q", out)
		}
		if out := e.ok("calendar", "stop"); !strings.Contains(out, "There was no calendar address") {
			t.Errorf("stop again: %q", out)
		}
	})
}
