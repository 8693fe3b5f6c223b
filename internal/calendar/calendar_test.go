package calendar

import (
	"bytes"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"

	"github.com/upshot-app/upshot/internal/upshot"
)

// now is a Wednesday.
var now = time.Date(2026, 12, 2, 9, 30, 0, 0, time.UTC)

// records builds a therapy with sessions every `every` days back from the
// last one, and check-ins on the given dates.
func records(last upshot.Date, every, n int, ended upshot.Date, checkins ...upshot.Date) *upshot.Snapshot {
	s := &upshot.Snapshot{Settings: upshot.Settings{}}
	s.Therapists = []*upshot.Therapist{{ID: 1, Name: "Dr. A", Ended: ended}}
	for i := n - 1; i >= 0; i-- {
		s.Sessions = append(s.Sessions, &upshot.Session{ID: int64(n - i), TherapistID: 1, Date: last.AddDays(-i * every)})
	}
	for i, d := range checkins {
		s.CheckIns = append(s.CheckIns, &upshot.CheckIn{ID: int64(i + 1), Instrument: "phq9", Date: d})
	}
	return s
}

// parsed decodes a feed with go-ical and returns its events by kind (the
// UID's first part).
func parsed(t *testing.T, feed []byte) map[string]ical.Event {
	t.Helper()
	cal, err := ical.NewDecoder(bytes.NewReader(feed)).Decode()
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, feed)
	}
	if v, _ := cal.Props.Text(ical.PropVersion); v != "2.0" {
		t.Errorf("VERSION %q", v)
	}
	if p, _ := cal.Props.Text(ical.PropProductID); p != ProductID {
		t.Errorf("PRODID %q", p)
	}
	out := map[string]ical.Event{}
	for _, e := range cal.Events() {
		uid, _ := e.Props.Text(ical.PropUID)
		kind, _, _ := strings.Cut(uid, "-feed")
		if _, dup := out[kind]; dup {
			t.Errorf("two %s events", kind)
		}
		out[kind] = e
	}
	return out
}

// next expands an event's recurrence and returns its first n occurrences
// after now, read as floating times (in UTC here).
func next(t *testing.T, e ical.Event, n int) []time.Time {
	t.Helper()
	set, err := e.RecurrenceSet(time.UTC)
	if err != nil || set == nil {
		t.Fatalf("recurrence: %v (%v)", err, set)
	}
	var out []time.Time
	at := now
	for range n {
		at = set.After(at, false)
		if at.IsZero() {
			break
		}
		out = append(out, at)
	}
	return out
}

func build(t *testing.T, s *upshot.Snapshot) map[string]ical.Event {
	t.Helper()
	feed, err := Build(Feed{Records: s, Now: now, UID: "feed0123456789abcdef", Link: "http://127.0.0.1:8080/"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(feed, []byte("\r\n")) {
		t.Errorf("lines do not end in CRLF")
	}
	return parsed(t, feed)
}

// Weekly Tuesday sessions: a reminder to log the session every Tuesday at
// the reminder time, and a check-in a week after the latest one, weekly.
func TestWeeklySessionsRemindEveryTuesday(t *testing.T) {
	tuesday := upshot.NewDate(2026, 12, 1)
	s := records(tuesday, 7, 6, upshot.Date{}, upshot.NewDate(2026, 11, 27))
	s.Settings[upshot.SettingReminderTime] = "19:15"
	events := build(t, s)
	log, ok := events["log-session"]
	if !ok {
		t.Fatalf("no log-session reminder: %v", events)
	}
	got := next(t, log, 3)
	if len(got) != 3 {
		t.Fatalf("occurrences %v", got)
	}
	for i, at := range got {
		want := time.Date(2026, 12, 8+7*i, 19, 15, 0, 0, time.UTC)
		if !at.Equal(want) {
			t.Errorf("occurrence %d at %s, want %s", i, at, want)
		}
	}
	check, ok := events["check-in"]
	if !ok {
		t.Fatal("no check-in reminder with the default weekly rhythm")
	}
	if got := next(t, check, 2); len(got) != 2 || !got[0].Equal(time.Date(2026, 12, 4, 19, 15, 0, 0, time.UTC)) || got[1].Sub(got[0]) != 7*24*time.Hour {
		t.Errorf("check-in occurrences %v, want Fridays from 4 Dec (a week after 27 Nov) at 19:15", got)
	}
	// Neutral by default: nothing on the calendar says therapy.
	for kind, e := range events {
		for _, name := range []string{ical.PropSummary, ical.PropDescription} {
			text, _ := e.Props.Text(name)
			low := strings.ToLower(text)
			for _, word := range []string{"therap", "session", "questionnaire", "phq", "mood", "check"} {
				if strings.Contains(low, word) {
					t.Errorf("%s %s %q says %q with neutral titles", kind, name, text, word)
				}
			}
		}
		if len(e.Children) != 1 || e.Children[0].Name != ical.CompAlarm {
			t.Errorf("%s has no alarm", kind)
		}
		if dtstart := e.Props.Get(ical.PropDateTimeStart); dtstart == nil || strings.HasSuffix(dtstart.Value, "Z") || dtstart.Params.Get(ical.ParamTimezoneID) != "" {
			t.Errorf("%s DTSTART %v is not a floating time", kind, dtstart)
		}
	}
	if title, _ := log.Props.Text(ical.PropSummary); title != "Upshot: 1 minute" {
		t.Errorf("log-session title %q", title)
	}
}

// Named titles say what to do, when the person asks for them.
func TestNamedTitles(t *testing.T) {
	s := records(upshot.NewDate(2026, 12, 1), 7, 4, upshot.Date{})
	s.Settings[upshot.SettingCalendarTitles] = upshot.CalendarTitlesNamed
	events := build(t, s)
	if title, _ := events["log-session"].Props.Text(ical.PropSummary); title != "Upshot: log today's session" {
		t.Errorf("named log-session title %q", title)
	}
	if title, _ := events["check-in"].Props.Text(ical.PropSummary); title != "Upshot: answer your questionnaires" {
		t.Errorf("named check-in title %q", title)
	}
}

// Every other Thursday: fortnightly reminders; check-ins the day before
// each session when asked.
func TestFortnightlyAndBeforeSession(t *testing.T) {
	thursday := upshot.NewDate(2026, 11, 26)
	s := records(thursday, 14, 5, upshot.Date{})
	s.Settings[upshot.SettingCheckinReminder] = upshot.CheckinReminderBeforeSession
	events := build(t, s)
	got := next(t, events["log-session"], 2)
	if len(got) != 2 || got[0].Weekday() != time.Thursday || got[1].Sub(got[0]) != 14*24*time.Hour || !got[0].Equal(time.Date(2026, 12, 10, 18, 0, 0, 0, time.UTC)) {
		t.Errorf("fortnightly occurrences %v, want Thursdays 14 days apart from 10 Dec at 18:00", got)
	}
	pre := next(t, events["check-in"], 1)
	if len(pre) != 1 || !pre[0].Equal(time.Date(2026, 12, 9, 18, 0, 0, 0, time.UTC)) {
		t.Errorf("before-session check-in %v, want Wednesday 9 Dec at 18:00", pre)
	}
}

// No usual day: an ended therapy, a single session, or sessions on
// scattered days give no session reminder; check-ins off give none either,
// and the feed is still a calendar an app accepts.
func TestNoReminderWithoutAUsualDay(t *testing.T) {
	cases := map[string]*upshot.Snapshot{
		"ended":      records(upshot.NewDate(2026, 12, 1), 7, 6, upshot.NewDate(2026, 12, 1)),
		"one":        records(upshot.NewDate(2026, 12, 1), 7, 1, upshot.Date{}),
		"scattered":  records(upshot.NewDate(2026, 12, 1), 8, 6, upshot.Date{}), // eight days apart: a new weekday each time
		"long ago":   records(upshot.NewDate(2026, 6, 2), 7, 6, upshot.Date{}),
		"no records": {Settings: upshot.Settings{}},
	}
	for name, s := range cases {
		s.Settings[upshot.SettingCheckinReminder] = upshot.CheckinReminderOff
		if events := build(t, s); len(events) != 0 {
			t.Errorf("%s: %d events, want none", name, len(events))
		}
		s.Settings[upshot.SettingCheckinReminder] = upshot.CheckinReminderBeforeSession
		if events := build(t, s); len(events) != 0 {
			t.Errorf("%s, check-ins before sessions: %d events, want none (no session day)", name, len(events))
		}
	}
}

// The feed carries nothing of the records beyond the reminders: no
// therapist's name, no score, no note.
func TestFeedHoldsNoRecord(t *testing.T) {
	s := records(upshot.NewDate(2026, 12, 1), 7, 6, upshot.Date{}, upshot.NewDate(2026, 11, 27))
	s.Therapists[0].Name = "Dr. Unique Name"
	s.Sessions[0].Note = "a private note"
	s.CheckIns[0].Answers = []*int{upshot.Ptr(3), upshot.Ptr(2)}
	feed, err := Build(Feed{Records: s, Now: now, UID: "feed0123456789abcdef"})
	if err != nil {
		t.Fatal(err)
	}
	for _, secret := range []string{"Unique", "private", "phq9"} {
		if bytes.Contains(feed, []byte(secret)) {
			t.Errorf("the feed holds %q:\n%s", secret, feed)
		}
	}
}
