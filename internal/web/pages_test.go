package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/upshot"
)

// Pages do not depend on the database beyond the store interface, which the
// API tests cover on both backends; they run on SQLite.

func TestPagesRenderWithDemoData(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.loadDemo()
	pages := []struct {
		path string
		want []string
	}{
		{"/", []string{"In one line", `id="chart-phq9"`, `id="chart-focus"`, `id="chart-focus-split"`, `id="chart-goal-progress"`, `id="chart-conduct-ratings"`, "Latest sessions", "Full history in the report"}},
		{"/sessions", []string{"Sessions", "Dr. Alex Morgan"}},
		{"/sessions/1", []string{"Session of"}},
		{"/sessions/1/edit", []string{"Save changes", `name="version"`}},
		{"/sessions/1/delete", []string{"Yes, delete it"}},
		{"/sessions/new", []string{"Log a session", `name="focus_life"`, "Sam Rivera"}},
		{"/checkins", []string{"History", "PHQ-9"}},
		{"/checkin/phq9", []string{"Little interest or pleasure in doing things", "Nearly every day", "Pfizer"}},
		{"/checkins/1", []string{"of 27"}},
		{"/checkins/1/delete", []string{"Yes, delete it"}},
		{"/therapists", []string{"Dr. Alex Morgan", "Sam Rivera"}},
		{"/therapists/new", []string{"Add a therapist"}},
		{"/therapists/1/edit", []string{"Dr. Alex Morgan"}},
		{"/therapists/1/delete", []string{"Delete those sessions first"}},
		{"/goals", []string{"Sleep through the night"}},
		{"/goals/new", []string{"Add a goal"}},
		{"/goals/1/edit", []string{"Stop dreading Monday meetings"}},
		{"/goals/2/delete", []string{"mark it dropped or solved"}},
		{"/settings", []string{"Crisis contacts", "recent_window", "Howard"}},
		{"/review", []string{"What your records show", "What to bring to the next session", `href="/sessions/`}},
		{"/review?therapist=1", []string{"What your records show"}},
		{"/report", []string{"Is my therapy working for me?", `id="session-1"`, "Private notes are not included"}},
	}
	for _, p := range pages {
		t.Run(p.path, func(t *testing.T) {
			r := a.get(p.path)
			if r.status != http.StatusOK {
				t.Fatalf("GET %s: status %d\n%s", p.path, r.status, r.body)
			}
			for _, w := range p.want {
				if !strings.Contains(r.text(), w) {
					t.Errorf("GET %s: page lacks %q", p.path, w)
				}
			}
			if ct := r.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", ct)
			}
		})
	}
}

func TestPagesEmptyDatabase(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	for _, path := range []string{"/", "/sessions", "/sessions/new", "/checkins", "/therapists", "/goals", "/settings", "/review", "/report"} {
		if r := a.get(path); r.status != http.StatusOK {
			t.Errorf("GET %s on an empty database: status %d\n%s", path, r.status, r.body)
		}
	}
	if r := a.get("/"); !strings.Contains(r.text(), "Add your therapist") {
		t.Errorf("the empty dashboard does not show the first steps")
	}
}

func TestPageNotFound(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	for _, path := range []string{"/nope", "/sessions/999", "/sessions/abc", "/checkins/999", "/checkin/nope", "/goals/999/edit",
		"/sessions/999/edit", "/sessions/0/delete", "/checkins/-1/delete", "/therapists/999/edit", "/therapists/999/delete", "/goals/x/delete"} {
		if r := a.get(path); r.status != http.StatusNotFound {
			t.Errorf("GET %s: status %d, want 404", path, r.status)
		}
	}
	a.seed()
	before := a.counts()
	for _, path := range []string{"/sessions/999/delete", "/checkins/abc/delete", "/therapists/999/delete", "/goals/0/delete"} {
		if r := a.postForm(path, ""); r.status != http.StatusNotFound {
			t.Errorf("POST %s: status %d, want 404", path, r.status)
		}
	}
	if after := a.counts(); after != before {
		t.Errorf("deleting unknown records changed the counts: %v -> %v", before, after)
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	for _, path := range []string{"/", "/sessions/new", "/api/v1/therapists", "/nope"} {
		r := a.get(path)
		csp := r.header.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "style-src 'self'", "script-src 'self'", "img-src 'self' data:",
			"frame-ancestors 'none'", "form-action 'self'", "base-uri 'none'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("GET %s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("GET %s: CSP allows unsafe-inline: %q", path, csp)
		}
		if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options %q", path, got)
		}
		if got := r.header.Get("Referrer-Policy"); got != "no-referrer" {
			t.Errorf("GET %s: Referrer-Policy %q", path, got)
		}
		// Nothing private stays in any cache, the browser's included.
		want := "no-store"
		if got := r.header.Get("Cache-Control"); got != want {
			t.Errorf("GET %s: Cache-Control %q, want %q", path, got, want)
		}
	}
}

// The pages must not need anything the policy forbids: no inline script or
// style element, no style attribute, no event handler attribute.
func TestPagesNeedNoInlineCode(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	a.loadDemo()
	bad := regexp.MustCompile(`(?i)<script>|<script [^>]*>[^<]|<style|\sstyle=|\son[a-z]+=`)
	for _, path := range []string{"/", "/sessions/new", "/sessions/1", "/checkin/phq9", "/checkins/1", "/review", "/report", "/settings"} {
		if m := bad.FindString(a.get(path).text()); m != "" {
			t.Errorf("GET %s: inline code the CSP would block: %q", path, m)
		}
	}
}

func TestStaticAssetsHashedAndCached(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	page := a.get("/").text()
	for _, name := range []string{"app", "report"} {
		re := regexp.MustCompile(`/static/` + name + `\.[0-9a-f]{12}\.css`)
		u := re.FindString(page)
		if u == "" {
			t.Fatalf("page links no hashed %s.css", name)
		}
		r := a.get(u)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d", u, r.status)
		}
		if got := r.header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: Cache-Control %q", u, got)
		}
		if got := r.header.Get("Content-Type"); !strings.HasPrefix(got, "text/css") {
			t.Errorf("GET %s: Content-Type %q", u, got)
		}
	}
	js := regexp.MustCompile(`/static/app\.[0-9a-f]{12}\.js`).FindString(page)
	if js == "" {
		t.Fatal("page links no hashed app.js")
	}
	if r := a.get(js); r.status != http.StatusOK || !strings.Contains(r.header.Get("Content-Type"), "javascript") {
		t.Errorf("GET %s: %d %q", js, r.status, r.header.Get("Content-Type"))
	}
	for _, u := range []string{"/static/app.css", "/static/app.000000000000.css", "/static/nope"} {
		if r := a.get(u); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404 (only hashed names are served)", u, r.status)
		}
	}
}

func TestNoteIsEscaped(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	th, _ := a.seed()
	note := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	s := &upshot.Session{TherapistID: th, Date: upshot.DateOf(testNow), Note: note}
	if err := a.db.CreateSession(context.Background(), upshot.DefaultOwner, s); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{fmt.Sprintf("/sessions/%d", s.ID), fmt.Sprintf("/sessions/%d/edit", s.ID)} {
		body := a.get(path).text()
		if strings.Contains(body, note) || strings.Contains(body, "<script>alert") || strings.Contains(body, "<img src=x") {
			t.Errorf("GET %s: the note is not escaped", path)
		}
		if !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
			t.Errorf("GET %s: the escaped note is missing", path)
		}
	}
}

func TestLogSessionForm(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	th, goal := a.seed()
	form := url.Values{
		"therapist": {fmt.Sprint(th)}, "date": {"2025-06-16"}, "minutes": {"50"}, "fee": {"80"},
		"format": {"video"}, "focus_life": {"35"}, "focus_relationship": {"10"}, "focus_admin": {"5"},
		"goal": {fmt.Sprint(goal)}, fmt.Sprintf("progress_%d", goal): {"1"},
		"got": {"insight", "strategy"}, "helpful": {"7"}, "after": {"better"},
		"conduct_empathy": {"4"}, "flag": {"self_focus"}, "note": {"talked about Mum"},
	}
	r := a.postForm("/sessions", form.Encode())
	if r.status != http.StatusSeeOther {
		t.Fatalf("POST /sessions: %d\n%s", r.status, r.body)
	}
	list, err := a.db.ListSessions(context.Background(), upshot.DefaultOwner, upshot.SessionFilter{})
	if err != nil || len(list) != 1 {
		t.Fatalf("sessions after logging: %v %v", list, err)
	}
	s := list[0]
	if *s.Minutes != 50 || *s.Fee != 8000 || s.Focus == nil || s.Focus.Life != 35 || s.Focus.Relationship != 10 ||
		len(s.Goals) != 1 || *s.Goals[0].Progress != 1 || *s.Conduct.Empathy != 4 || s.Flags[0] != "self_focus" || s.Note != "talked about Mum" {
		t.Errorf("stored session differs from the form: %+v", s)
	}

	// The next form defaults to today, this therapist, and these minutes and fee.
	next := a.get("/sessions/new").text()
	for _, want := range []string{`value="2025-06-16"`, `name="minutes" inputmode="numeric" min="1" max="600" step="1" value="50"`, `value="80"`} {
		if !strings.Contains(next, want) {
			t.Errorf("new-session form lacks default %q", want)
		}
	}

	// Bad input: the form comes back with the error and nothing is written.
	bad := url.Values{"therapist": {fmt.Sprint(th)}, "date": {"2025-06-16"}, "helpful": {"11"}}
	r = a.postForm("/sessions", bad.Encode())
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.text(), "helpful must be 0-10") {
		t.Errorf("bad form: %d, page lacks the error", r.status)
	}
	// Screen readers hear which field it is: that one input, and only it,
	// is invalid and described by the error summary.
	bad = url.Values{"therapist": {fmt.Sprint(th)}, "date": {"2025-06-16"}, "minutes": {"601"}}
	r = a.postForm("/sessions", bad.Encode())
	if page := r.text(); r.status != http.StatusUnprocessableEntity || !strings.Contains(page, `id="minutes" aria-invalid="true" aria-describedby="form-error"`) ||
		strings.Count(page, "aria-invalid") != 1 || !strings.Contains(page, `id="form-error"`) {
		t.Errorf("the refused form (%d) does not mark its one invalid field for screen readers", r.status)
	}
	if n := a.counts()[2]; n != 1 {
		t.Errorf("a refused form wrote a session: %d sessions", n)
	}
}

func TestCheckinPageSafetyNotice(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	answers := []string{"0", "0", "0", "0", "0", "0", "0", "0", "1"}
	form := url.Values{"instrument": {"phq9"}, "date": {"2025-06-16"}}
	for i, v := range answers {
		form.Set(fmt.Sprintf("item_%d", i+1), v)
	}
	r := a.postForm("/checkins", form.Encode())
	if r.status != http.StatusSeeOther {
		t.Fatalf("POST /checkins: %d\n%s", r.status, r.body)
	}
	page := a.get(r.header.Get("Location")).text()
	if !strings.Contains(page, "Support is available") || !strings.Contains(page, "Upshot is not a crisis service") {
		t.Errorf("result page with item 9 > 0 lacks the safety notice")
	}
	if !strings.Contains(page, "minimal") {
		t.Errorf("result page lacks the band")
	}
	// The dashboard leads with it too.
	if dash := a.get("/").text(); !strings.Contains(dash, "Support is available") {
		t.Errorf("dashboard lacks the safety notice")
	}
}

// postCheckin answers a questionnaire through the form and returns the
// result page's address.
func (a *app) postCheckin(instrument, date string, answers ...int) string {
	a.t.Helper()
	form := url.Values{"instrument": {instrument}, "date": {date}}
	for i, v := range answers {
		form.Set(fmt.Sprintf("item_%d", i+1), fmt.Sprint(v))
	}
	r := a.postForm("/checkins", form.Encode())
	if r.status != http.StatusSeeOther {
		a.t.Fatalf("POST /checkins %s: %d\n%s", instrument, r.status, r.body)
	}
	return r.header.Get("Location")
}

// The clinical cut-off is worded so that it is right whether a higher score
// is worse (PHQ-9) or better (WHO-5, a case at 50 or below).
func TestCheckinPageCasenessWording(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	tests := []struct {
		name       string
		instrument string
		answers    []int
		want       string // "" for an instrument without a cut-off
	}{
		// WHO-5 names its cut-off poor wellbeing, not a clinical range.
		{"WHO-5 of 80 is good wellbeing", "who5", []int{4, 4, 4, 4, 4}, "Not in the poor wellbeing range"},
		{"WHO-5 of 40 is poor wellbeing", "who5", []int{2, 2, 2, 2, 2}, "In the poor wellbeing range"},
		{"PHQ-9 of 15", "phq9", []int{2, 2, 2, 2, 2, 2, 2, 1, 0}, "In the clinical range"},
		{"PHQ-9 of 4", "phq9", []int{1, 1, 1, 1, 0, 0, 0, 0, 0}, "Not in the clinical range"},
		{"focus check has no cut-off", "focus", []int{1, 1, 2}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := a.get(a.postCheckin(tt.instrument, "2025-06-16", tt.answers...)).text()
			if strings.Contains(page, "Below the clinical range") {
				t.Error("page says 'below the clinical range', which is wrong for a higher-is-better scale")
			}
			for _, w := range []string{"In the clinical range", "Not in the clinical range", "In the poor wellbeing range", "Not in the poor wellbeing range"} {
				if got := strings.Contains(page, w); got != (w == tt.want) {
					t.Errorf("page has %q: %v, want %v", w, got, w == tt.want)
				}
			}
		})
	}
}

// The check-in history leads with the support notice while the latest
// PHQ-9 carries the safety item, and marks every such check-in in words.
func TestCheckinHistorySafetyNotice(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	const contacts = "Samaritans 116 123 (UK and Ireland)"
	if err := a.db.SetSetting(t.Context(), upshot.DefaultOwner, upshot.SettingCrisisContacts, contacts); err != nil {
		t.Fatal(err)
	}
	const mark = "Support notice: thoughts of self-harm answered"
	row := func(page, location string) string {
		id := strings.TrimPrefix(location, "/checkins/")
		i := strings.Index(page, `<tr id="checkin-`+id+`"`)
		if i < 0 {
			t.Fatalf("history lacks the row of check-in %s", id)
		}
		return page[i : i+strings.Index(page[i:], "</tr>")]
	}

	flagged := a.postCheckin("phq9", "2025-06-01", 0, 0, 0, 0, 0, 0, 0, 0, 1)
	a.postCheckin("gad7", "2025-06-10", 1, 1, 1, 1, 1, 1, 1) // another questionnaire does not replace it
	page := a.get("/checkins").text()
	notice, heading := strings.Index(page, "Support is available"), strings.Index(page, "<h1>Check in</h1>")
	if notice < 0 || heading < 0 || notice > heading {
		t.Fatalf("support notice at %d, page heading at %d: the notice must come first", notice, heading)
	}
	// The contacts as written, their number one tap to call.
	for _, want := range []string{`Samaritans <a href="tel:116123">116 123</a> (UK and Ireland)`, "Upshot is not a crisis service"} {
		if !strings.Contains(page, want) {
			t.Errorf("history page notice lacks %q", want)
		}
	}
	if !strings.Contains(row(page, flagged), mark) {
		t.Errorf("the flagged check-in's row is not marked in words")
	}

	// A later PHQ-9 without the item ends the notice; the history still
	// says which check-in had it.
	later := a.postCheckin("phq9", "2025-06-15", 0, 0, 0, 0, 0, 0, 0, 0, 0)
	page = a.get("/checkins").text()
	if strings.Contains(page, "Support is available") {
		t.Errorf("the notice stays after a later PHQ-9 without the safety item")
	}
	if !strings.Contains(row(page, flagged), mark) {
		t.Errorf("the earlier flagged check-in lost its mark")
	}
	if strings.Contains(row(page, later), mark) {
		t.Errorf("a check-in without the safety item is marked")
	}
}

// A settings form with any invalid value writes nothing, whichever order
// the values come in; a valid one writes every change.
func TestSettingsFormWritesNothingWhenAnyIsInvalid(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	tests := []struct {
		name  string
		form  url.Values
		field string
	}{
		{"invalid after valid ones", url.Values{"crisis_contacts": {"My GP: 01234 567890"}, "recent_window": {"6"}, "worse_after_min": {"99"}}, "worse_after_min"},
		{"invalid before valid ones", url.Values{"recent_window": {"1"}, "drift_min_share": {"40"}, "worse_after_min": {"4"}}, "recent_window"},
		{"not a number", url.Values{"recent_window": {"6"}, "conduct_concern_max": {"low"}}, "conduct_concern_max"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := a.postForm("/settings", tt.form.Encode())
			if r.status != http.StatusUnprocessableEntity {
				t.Fatalf("POST /settings: %d, want 422", r.status)
			}
			page := r.text()
			if !strings.Contains(page, "setting invalid\" id=\"setting-"+tt.field+"\"") {
				t.Errorf("the form does not point at %s", tt.field)
			}
			// The refused value is marked for screen readers, and the folded
			// thresholds are open so that it can be seen.
			if strings.Count(page, `aria-invalid="true"`) != 1 || !strings.Contains(page, `<details class="optional" open>`) {
				t.Errorf("the refused form does not show and mark %s", tt.field)
			}
			set, err := a.db.Settings(t.Context(), upshot.DefaultOwner)
			if err != nil || len(set) != 0 {
				t.Errorf("a refused form wrote settings: %v %v", set, err)
			}
		})
	}
	valid := url.Values{"recent_window": {"6"}, "worse_after_min": {"4"}}
	if r := a.postForm("/settings", valid.Encode()); r.status != http.StatusSeeOther {
		t.Fatalf("valid form: %d\n%s", r.status, r.body)
	}
	set, err := a.db.Settings(t.Context(), upshot.DefaultOwner)
	if err != nil || set["recent_window"] != "6" || set["worse_after_min"] != "4" || len(set) != 2 {
		t.Errorf("settings after a valid form: %v %v", set, err)
	}
}

// The dashboard's most pressing findings are about the therapy going on:
// a concern about a therapist who has ended comes after an attention point
// about the current one, and says it is history.
func TestDashboardPutsTheCurrentTherapyFirst(t *testing.T) {
	t.Parallel()
	a := newApp(t, "sqlite")
	ctx := t.Context()
	today := upshot.DateOf(testNow)
	past := &upshot.Therapist{Name: "Dr. Past", Started: today.AddDays(-200), Ended: today.AddDays(-100)}
	now := &upshot.Therapist{Name: "Dr. Now", Started: today.AddDays(-90)}
	for _, th := range []*upshot.Therapist{past, now} {
		if err := a.db.CreateTherapist(ctx, upshot.DefaultOwner, th); err != nil {
			t.Fatal(err)
		}
	}
	g := &upshot.Goal{Title: "Sleep through the night", Domain: "health", Status: upshot.GoalOpen, Opened: today.AddDays(-200)}
	if err := a.db.CreateGoal(ctx, upshot.DefaultOwner, g); err != nil {
		t.Fatal(err)
	}
	add := func(th *upshot.Therapist, day int, f upshot.Focus, goals ...upshot.GoalProgress) {
		s := &upshot.Session{TherapistID: th.ID, Date: today.AddDays(day), Minutes: upshot.Ptr(50), Focus: &f, Goals: goals}
		if err := a.db.CreateSession(ctx, upshot.DefaultOwner, s); err != nil {
			t.Fatal(err)
		}
	}
	// With Dr. Past the sessions drifted to the relationship (a concern).
	for i := range 4 {
		add(past, -190+7*i, upshot.Focus{Life: 45, Admin: 5}, upshot.GoalProgress{GoalID: g.ID})
	}
	for i := range 4 {
		add(past, -150+7*i, upshot.Focus{Life: 10, Relationship: 40})
	}
	// With Dr. Now the goal has not come up (a point for attention).
	for i := range 5 {
		add(now, -80+7*i, upshot.Focus{Life: 45, Admin: 5})
	}
	page := a.get("/").text()
	_, pressing, _ := strings.Cut(page, `id="pressing-title"`)
	neglect, drift := strings.Index(pressing, "A goal has not come up lately"), strings.Index(pressing, "Sessions drifting to the relationship (Dr. Past, ended ")
	if neglect < 0 || drift < 0 || neglect > drift {
		t.Errorf("the dashboard does not lead with the current therapy (neglect at %d, ended drift at %d):\n%.1500s", neglect, drift, pressing)
	}
}
