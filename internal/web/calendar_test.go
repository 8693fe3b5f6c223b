package web

import (
	"bytes"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	ical "github.com/emersion/go-ical"

	"github.com/upshot-app/upshot/internal/upshot"
)

var calendarAddress = regexp.MustCompile(`id="calendar-address"[^>]*value="([^"]+)"`)

// TestCalendarFeed: the settings page makes a secret calendar address and
// shows it once; a calendar app fetches it with no cookie and gets a feed a
// real iCalendar parser reads; a new address ends the old one, "stop" ends
// both, and an unknown or malformed address answers the same 404.
func TestCalendarFeed(t *testing.T) {
	t.Parallel()
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			a := newApp(t, backend)
			th, _ := a.seed()
			for _, day := range []string{"2025-05-27", "2025-06-03", "2025-06-10"} { // Tuesdays
				if r := a.sendJSON("POST", "/api/v1/sessions", `{"therapist_id": `+itoa(th)+`, "date": "`+day+`", "minutes": 50}`); r.status != http.StatusCreated {
					t.Fatalf("session: %d %s", r.status, r.body)
				}
			}

			before := a.get("/settings")
			if !strings.Contains(before.text(), "Make a calendar address") || calendarAddress.MatchString(before.text()) {
				t.Fatalf("the settings page offers no calendar address, or shows one before it is made")
			}
			made := a.postForm("/settings/calendar", "")
			m := calendarAddress.FindStringSubmatch(made.text())
			if made.status != http.StatusOK || m == nil {
				t.Fatalf("POST /settings/calendar: %d, no address shown\n%.2000s", made.status, made.text())
			}
			address := html.UnescapeString(m[1])
			u, err := url.Parse(address)
			if err != nil || u.Host != strings.TrimPrefix(a.ts.URL, "http://") || !strings.HasPrefix(u.Path, "/calendar/") || !strings.HasSuffix(u.Path, ".ics") {
				t.Fatalf("address %q", address)
			}
			token := strings.TrimSuffix(strings.TrimPrefix(u.Path, "/calendar/"), ".ics")
			if again := a.get("/settings"); strings.Contains(again.text(), token) || !strings.Contains(again.text(), "in use since") {
				t.Errorf("the settings page shows the address again, or not that one is in use")
			}
			var stored int
			if err := a.db.SQL().QueryRow(`SELECT COUNT(*) FROM calendar_feeds WHERE token_hash = '` + token + `'`).Scan(&stored); err != nil || stored != 0 {
				t.Errorf("the secret itself is stored (%d rows, %v)", stored, err)
			}

			feed := a.send("GET", u.Path) // a calendar app: no cookie, no header
			if feed.status != http.StatusOK || feed.header.Get("Content-Type") != "text/calendar; charset=utf-8" || feed.header.Get("Cache-Control") != "no-store" {
				t.Fatalf("feed: %d %q %q\n%s", feed.status, feed.header.Get("Content-Type"), feed.header.Get("Cache-Control"), feed.body)
			}
			cal, err := ical.NewDecoder(bytes.NewReader(feed.body)).Decode()
			if err != nil {
				t.Fatalf("the feed does not parse: %v\n%s", err, feed.body)
			}
			var kinds []string
			for _, e := range cal.Events() {
				uid, _ := e.Props.Text(ical.PropUID)
				kinds = append(kinds, uid)
				if strings.Contains(uid, token) {
					t.Errorf("an event's UID holds the secret: %s", uid)
				}
				if link := e.Props.Get(ical.PropURL); link == nil || link.Value != a.ts.URL+"/" {
					t.Errorf("reminder links %v", link)
				}
			}
			if len(cal.Events()) != 2 {
				t.Errorf("%d events (%v), want the session and check-in reminders", len(cal.Events()), kinds)
			}
			if strings.Contains(string(feed.body), "Dr. A") {
				t.Errorf("the feed names the therapist")
			}

			// Check-ins off: the feed follows the setting on its next fetch.
			if r := a.postForm("/settings", "checkin_reminder=off&reminder_time=07:45"); r.status != http.StatusSeeOther {
				t.Fatalf("save settings: %d\n%.1000s", r.status, r.text())
			}
			feed = a.send("GET", u.Path)
			if n := strings.Count(string(feed.body), "BEGIN:VEVENT"); n != 1 || !strings.Contains(string(feed.body), "T074500") {
				t.Errorf("after check-ins off at 07:45: %d events\n%s", n, feed.body)
			}
			if r := a.postForm("/settings", "checkin_reminder=monthly"); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text(), "checkin_reminder must be one of weekly, before_session, off") {
				t.Errorf("an unknown rhythm: %d\n%.600s", r.status, r.text())
			}
			if r := a.postForm("/settings", "reminder_time=25:00"); r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text(), "reminder_time must be a time of day") {
				t.Errorf("25:00: %d", r.status)
			}
			if s, _ := a.db.Settings(t.Context(), upshot.DefaultOwner); s.Get(upshot.SettingCheckinReminder) != "off" || s.Get(upshot.SettingReminderTime) != "07:45" {
				t.Errorf("settings after refused saves: %v", s)
			}

			// Unknown, malformed and ended addresses: one answer.
			for _, p := range []string{"/calendar/" + strings.Repeat("A", len(token)) + ".ics", "/calendar/" + token, "/calendar/x.ics", "/calendar/" + token + ".ics.ics"} {
				if r := a.send("GET", p); r.status != http.StatusNotFound {
					t.Errorf("GET %s: %d, want 404", p, r.status)
				}
			}
			renewed := calendarAddress.FindStringSubmatch(a.postForm("/settings/calendar", "").text())
			if renewed == nil || html.UnescapeString(renewed[1]) == address {
				t.Fatalf("a new address: %v", renewed)
			}
			if r := a.send("GET", u.Path); r.status != http.StatusNotFound {
				t.Errorf("the old address after a new one: %d, want 404", r.status)
			}
			newPath := strings.TrimPrefix(html.UnescapeString(renewed[1]), a.ts.URL)
			if r := a.send("GET", newPath); r.status != http.StatusOK {
				t.Errorf("the new address: %d", r.status)
			}
			if r := a.postForm("/settings/calendar/delete", ""); r.status != http.StatusSeeOther {
				t.Errorf("stop: %d", r.status)
			}
			if r := a.send("GET", newPath); r.status != http.StatusNotFound {
				t.Errorf("after stop: %d, want 404", r.status)
			}
			if page := a.get("/settings"); !strings.Contains(page.text(), "Make a calendar address") {
				t.Errorf("after stop the page does not offer a new address")
			}
		})
	}
}
