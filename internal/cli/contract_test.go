package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

type therapistJSON struct {
	ID          int64    `json:"id"`
	Name        string   `json:"name"`
	Credentials string   `json:"credentials"`
	Approach    string   `json:"approach"`
	Fee         *float64 `json:"fee"`
	Currency    string   `json:"currency"`
	Started     *string  `json:"started"`
	Ended       *string  `json:"ended"`
	Version     int      `json:"version"`
}

type goalJSON struct {
	ID         int64   `json:"id"`
	Title      string  `json:"title"`
	Domain     string  `json:"domain"`
	Severity   *int    `json:"severity"`
	SolvedWhen string  `json:"solved_when"`
	Status     string  `json:"status"`
	Opened     string  `json:"opened"`
	Closed     *string `json:"closed"`
}

type sessionJSON struct {
	ID          int64          `json:"id"`
	TherapistID int64          `json:"therapist_id"`
	Date        string         `json:"date"`
	Minutes     *int           `json:"minutes"`
	Fee         *float64       `json:"fee"`
	Format      string         `json:"format"`
	Agenda      string         `json:"agenda"`
	Focus       map[string]int `json:"focus"`
	Goals       []struct {
		GoalID   int64 `json:"goal_id"`
		Progress *int  `json:"progress"`
	} `json:"goals"`
	Got     []string       `json:"got"`
	Helpful *int           `json:"helpful"`
	After   string         `json:"after"`
	Conduct map[string]any `json:"conduct"`
	Flags   []string       `json:"flags"`
	Note    string         `json:"note"`
	Version int            `json:"version"`
}

func TestTherapistsAndGoals(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		if id := e.ok("therapist", "add", "Dr Ana Ruiz", "--credentials", "Clinical psychologist", "--approach", "CBT",
			"--fee", "90.50", "--currency", "EUR", "--since", "2024-01-15"); id != "1" {
			t.Fatalf("therapist add printed %q, want the id 1 alone", id)
		}
		if id := e.ok("therapist", "add", "Sam"); id != "2" {
			t.Fatalf("second therapist id %q, want 2", id)
		}
		e.ok("therapist", "end", "1", "--date", "2024-06-30")
		e.ok("therapist", "end", "2")

		var ts []therapistJSON
		e.jsonOf(&ts, "therapist", "list", "--json")
		if len(ts) != 2 {
			t.Fatalf("therapist list: %d therapists, want 2", len(ts))
		}
		a := ts[0]
		if a.Name != "Dr Ana Ruiz" || a.Credentials != "Clinical psychologist" || a.Approach != "CBT" || a.Fee == nil || *a.Fee != 90.5 ||
			a.Currency != "EUR" || a.Started == nil || *a.Started != "2024-01-15" || a.Ended == nil || *a.Ended != "2024-06-30" {
			t.Errorf("therapist 1 = %+v", a)
		}
		if ts[1].Ended == nil || *ts[1].Ended != today() || ts[1].Started != nil {
			t.Errorf("therapist 2: ended %v started %v, want ended today, no start", ts[1].Ended, ts[1].Started)
		}
		text := e.ok("therapist", "list")
		if !strings.Contains(text, "Dr Ana Ruiz") || !strings.Contains(text, "90.5 EUR") || !strings.HasPrefix(text, "ID") {
			t.Errorf("therapist list table:\n%s", text)
		}

		if id := e.ok("goal", "add", "Stop dreading Monday meetings", "--domain", "work", "--severity", "7",
			"--solved-when", "I sleep on Sunday nights"); id != "1" {
			t.Fatalf("goal add printed %q", id)
		}
		if id := e.ok("goal", "add", "Call my sister", "--domain", "family"); id != "2" {
			t.Fatalf("goal add printed %q", id)
		}
		e.ok("goal", "close", "2", "--status", "dropped")
		var gs []goalJSON
		e.jsonOf(&gs, "goal", "list", "--json")
		if len(gs) != 2 {
			t.Fatalf("goal list: %d goals", len(gs))
		}
		if g := gs[0]; g.Title != "Stop dreading Monday meetings" || g.Domain != "work" || g.Severity == nil || *g.Severity != 7 ||
			g.SolvedWhen != "I sleep on Sunday nights" || g.Status != "open" || g.Opened != today() || g.Closed != nil {
			t.Errorf("goal 1 = %+v", g)
		}
		if g := gs[1]; g.Status != "dropped" || g.Closed == nil || *g.Closed != today() || g.Severity != nil {
			t.Errorf("goal 2 = %+v", g)
		}
		if text := e.ok("goal", "list"); !strings.Contains(text, "Call my sister") || !strings.Contains(text, "dropped") {
			t.Errorf("goal list table:\n%s", text)
		}
		e.fails(1, "therapist", "end", "9")
		e.fails(1, "goal", "close", "9", "--status", "solved")
	})
}

func TestSessions(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		e.ok("therapist", "add", "Dr Ana Ruiz", "--currency", "EUR")
		e.ok("goal", "add", "Stop dreading Monday meetings", "--domain", "work")
		e.ok("goal", "add", "Sleep", "--domain", "health")
		id := e.ok("session", "add", "--therapist", "1", "--date", "2024-03-05", "--minutes", "50", "--fee", "90",
			"--format", "video", "--agenda", "me", "--focus", "life=30,relationship=10,therapist=0,admin=5,other=5",
			"--goals", "1,2", "--progress", "1=+1,2=-2", "--got", "strategy,insight", "--helpful", "7", "--after", "better",
			"--conduct", "empathy=4,respect=5", "--flags", "self_focus,pushed_relationship", "--note", "talked about <work> & sleep")
		if id != "1" {
			t.Fatalf("session add printed %q, want 1", id)
		}
		var s sessionJSON
		e.jsonOf(&s, "session", "show", "1", "--json")
		want := sessionJSON{ID: 1, TherapistID: 1, Date: "2024-03-05", Minutes: ptr(50), Fee: ptr(90.0), Format: "video", Agenda: "me",
			Focus: map[string]int{"life": 30, "relationship": 10, "therapist": 0, "admin": 5, "other": 5},
			Got:   []string{"insight", "strategy"}, Helpful: ptr(7), After: "better",
			Conduct: map[string]any{"empathy": 4.0, "respect": 5.0, "compassion": nil, "kindness": nil, "judgment": nil, "honesty": nil, "integrity": nil, "objectivity": nil},
			Flags:   []string{"pushed_relationship", "self_focus"}, Note: "talked about <work> & sleep", Version: 1}
		want.Goals = s.Goals
		if !reflect.DeepEqual(s, want) {
			t.Errorf("session show --json =\n%+v\nwant\n%+v", s, want)
		}
		if len(s.Goals) != 2 || s.Goals[0].GoalID != 1 || *s.Goals[0].Progress != 1 || s.Goals[1].GoalID != 2 || *s.Goals[1].Progress != -2 {
			t.Errorf("goals = %+v", s.Goals)
		}

		// The note shows only where asked for: in show, not in the list.
		list := e.ok("session", "list")
		if strings.Contains(list, "talked about") {
			t.Errorf("session list shows the note:\n%s", list)
		}
		if !strings.Contains(list, "2024-03-05") || !strings.Contains(list, "Dr Ana Ruiz") || !strings.Contains(list, "60%") {
			t.Errorf("session list:\n%s", list)
		}
		if show := e.ok("session", "show", "1"); !strings.Contains(show, "talked about <work> & sleep") || !strings.Contains(show, "progress -2") {
			t.Errorf("session show:\n%s", show)
		}

		// Edit changes the flags given and nothing else.
		e.ok("session", "edit", "1", "--helpful", "3", "--progress", "2=+3")
		var edited sessionJSON
		e.jsonOf(&edited, "session", "show", "1", "--json")
		want2 := s
		want2.Helpful, want2.Version = ptr(3), 2
		want2.Goals = edited.Goals
		if !reflect.DeepEqual(edited, want2) {
			t.Errorf("after edit =\n%+v\nwant\n%+v", edited, want2)
		}
		if len(edited.Goals) != 2 || *edited.Goals[0].Progress != 1 || *edited.Goals[1].Progress != 3 {
			t.Errorf("edit --progress 2=+3: goals = %+v", edited.Goals)
		}
		e.ok("session", "edit", "1", "--goals", "2", "--note", "")
		e.jsonOf(&edited, "session", "show", "1", "--json")
		if len(edited.Goals) != 1 || edited.Goals[0].GoalID != 2 || *edited.Goals[0].Progress != 3 || edited.Note != "" || *edited.Helpful != 3 {
			t.Errorf("edit --goals 2 --note '': %+v", edited)
		}

		if id := e.ok("session", "add", "--therapist", "1", "--date", "2024-03-12"); id != "2" {
			t.Fatalf("second session id %q", id)
		}
		var all []sessionJSON
		e.jsonOf(&all, "session", "list", "--json")
		if len(all) != 2 || all[1].Minutes != nil || all[1].Focus != nil || all[1].Goals == nil || len(all[1].Goals) != 0 {
			t.Errorf("session list --json = %+v", all)
		}
		e.ok("session", "delete", "2")
		r := e.fails(1, "session", "show", "2")
		if !strings.Contains(r.stderr, "no session with id 2") {
			t.Errorf("show a deleted session: %s", r.stderr)
		}
		e.fails(1, "session", "delete", "2")
		e.jsonOf(&all, "session", "list", "--json")
		if len(all) != 1 {
			t.Errorf("after delete: %d sessions", len(all))
		}
	})
}

func ptr[T any](v T) *T { return &v }

type changeJSON struct {
	From     int    `json:"from"`
	To       int    `json:"to"`
	Delta    int    `json:"delta"`
	Reliable string `json:"reliable"`
}

type resultJSON struct {
	ID         int64  `json:"id"`
	Instrument string `json:"instrument"`
	Date       string `json:"date"`
	Total      int    `json:"total"`
	Band       string `json:"band"`
	Caseness   *bool  `json:"caseness"`
	Safety     bool   `json:"safety"`
	Change     struct {
		Baseline *changeJSON `json:"baseline"`
		Previous *changeJSON `json:"previous"`
	} `json:"change"`
	Recovery         *bool `json:"recovery"`
	ReliableRecovery *bool `json:"reliable_recovery"`
}

func TestCheckIns(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		list := e.ok("check", "list")
		for _, id := range []string{"phq9", "gad7", "who5", "focus"} {
			if !strings.Contains(list, id) {
				t.Errorf("check list lacks %s:\n%s", id, list)
			}
		}

		// The contract's keys are all present, with null where they must be.
		out := e.ok("check", "phq9", "--answers", "1,2,0,1,1,0,0,1,0", "--date", "2024-01-10", "--json")
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(out), &raw); err != nil {
			t.Fatalf("check --json: %v\n%s", err, out)
		}
		for _, k := range []string{"id", "instrument", "date", "total", "band", "caseness", "safety", "change", "recovery", "reliable_recovery"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("check --json lacks %q:\n%s", k, out)
			}
		}
		if string(raw["recovery"]) != "null" || string(raw["reliable_recovery"]) != "null" {
			t.Errorf("first check-in: recovery %s, reliable_recovery %s, want null", raw["recovery"], raw["reliable_recovery"])
		}
		var first resultJSON
		json.Unmarshal([]byte(out), &first)
		if first.ID != 1 || first.Instrument != "phq9" || first.Date != "2024-01-10" || first.Total != 6 || first.Band != "mild" ||
			first.Caseness == nil || *first.Caseness || first.Safety || first.Change.Baseline != nil || first.Change.Previous != nil {
			t.Errorf("first PHQ-9 = %+v", first)
		}

		// A case at baseline (15), then a reliable recovery (8).
		var second, third resultJSON
		e.jsonOf(&second, "check", "phq9", "--answers", "2,2,2,2,2,2,2,1,0", "--date", "2024-02-10", "--json")
		if second.Total != 15 || second.Band != "moderately severe" || *second.Caseness != true {
			t.Errorf("second = %+v", second)
		}
		if b := second.Change.Baseline; b == nil || *b != (changeJSON{6, 15, 9, "deterioration"}) {
			t.Errorf("second baseline change = %+v", b)
		}
		if second.Recovery != nil {
			t.Errorf("baseline was not a case, recovery must be null, got %v", *second.Recovery)
		}
		e.jsonOf(&third, "check", "phq9", "--answers", "1,1,1,1,1,1,1,1,0", "--date", "2024-03-10", "--json")
		if b := third.Change.Baseline; b == nil || *b != (changeJSON{6, 8, 2, "none"}) {
			t.Errorf("third baseline change = %+v", b)
		}
		if p := third.Change.Previous; p == nil || *p != (changeJSON{15, 8, -7, "improvement"}) {
			t.Errorf("third previous change = %+v", p)
		}

		// Item 9 above 0 sets safety whatever the total, and the notice
		// comes first in text (on stderr with --json, stdout stays JSON).
		e.ok("settings", "set", "crisis_contacts", "Call 988 or Samaritans 116 123")
		r := e.run("check", "phq9", "--answers", "0,0,0,0,0,0,0,0,1", "--json")
		if r.code != 0 {
			t.Fatalf("%s", r)
		}
		var safe resultJSON
		if err := json.Unmarshal([]byte(r.stdout), &safe); err != nil {
			t.Fatalf("stdout is not one JSON value: %v\n%s", err, r.stdout)
		}
		if !safe.Safety || safe.Total != 1 || safe.Band != "minimal" {
			t.Errorf("item 9 = 1: %+v", safe)
		}
		if !strings.Contains(r.stderr, "Call 988 or Samaritans 116 123") || !strings.Contains(r.stderr, "not a crisis service") {
			t.Errorf("--json safety notice on stderr missing:\n%s", r.stderr)
		}
		text := e.ok("check", "phq9", "--answers", "0,0,0,0,0,0,0,0,2")
		if !strings.HasPrefix(text, "Your answers say") || strings.Index(text, "Call 988") > strings.Index(text, "Total") {
			t.Errorf("safety notice is not first:\n%s", text)
		}
		if notice := text[:strings.Index(text, "not a crisis service")]; strings.ContainsAny(strings.ReplaceAll(strings.ReplaceAll(notice, "988", ""), "116 123", ""), "0123456789") {
			t.Errorf("the notice must carry no scores:\n%s", notice)
		}
		if text := e.ok("check", "phq9", "--answers", "1,1,1,1,1,1,1,1,0", "--date", "2024-03-11"); strings.Contains(text, "crisis") {
			t.Errorf("notice shown without safety:\n%s", text)
		}

		// WHO-5 is reported on 0-100.
		var who resultJSON
		e.jsonOf(&who, "check", "who5", "--answers", "3,3,2,2,3", "--json")
		if who.Total != 52 || who.Instrument != "who5" || who.Date != today() {
			t.Errorf("WHO-5 = %+v, want total 52 today", who)
		}

		var hist []resultJSON
		e.jsonOf(&hist, "check", "history", "phq9", "--json")
		if len(hist) != 6 || hist[0].Total != 6 || hist[1].Total != 15 {
			t.Fatalf("history = %+v", hist)
		}
		if text := e.ok("check", "history", "who5"); !strings.Contains(text, "52/100") {
			t.Errorf("history table:\n%s", text)
		}
		// A correction is scored again, and so is every check-in measured
		// against it; refused ones change nothing.
		var fixed resultJSON
		e.jsonOf(&fixed, "check", "edit", "1", "--answers", "2,2,2,2,2,2,2,1,0", "--json")
		if fixed.ID != 1 || fixed.Total != 15 || fixed.Date != "2024-01-10" {
			t.Errorf("corrected first PHQ-9 = %+v, want id 1, total 15 on 2024-01-10", fixed)
		}
		var corrected []resultJSON
		e.jsonOf(&corrected, "check", "history", "phq9", "--json")
		if b := corrected[1].Change.Baseline; b == nil || *b != (changeJSON{15, 15, 0, "none"}) {
			t.Errorf("second against the corrected baseline = %+v", b)
		}
		e.fails(2, "check", "edit", "1", "--answers", "9,9")
		e.fails(2, "check", "edit", "1", "--date", "2099-01-01")
		e.fails(2, "check", "edit", "1")
		e.fails(1, "check", "edit", "999", "--date", "2024-01-09")
		e.jsonOf(&fixed, "check", "edit", "1", "--answers", "1,2,0,1,1,0,0,1,0", "--date", "2024-01-09", "--json")
		if fixed.Total != 6 || fixed.Date != "2024-01-09" {
			t.Errorf("first PHQ-9 corrected back = %+v", fixed)
		}

		e.ok("check", "delete", "1")
		e.jsonOf(&hist, "check", "history", "phq9", "--json")
		if len(hist) != 5 || hist[0].Total != 15 || hist[0].Change.Baseline != nil {
			t.Errorf("after deleting the first, the second is the baseline: %+v", hist[0])
		}
		e.fails(1, "check", "delete", "1")
	})
}

func TestSettings(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		openStore(t, e.dsn) // reading needs a database that exists
		if v := e.ok("settings", "get", "recent_window"); v != "4" {
			t.Errorf("default recent_window = %q", v)
		}
		e.ok("settings", "set", "recent_window", "6")
		if v := e.ok("settings", "get", "recent_window"); v != "6" {
			t.Errorf("recent_window = %q after set", v)
		}
		list := e.ok("settings", "list")
		for _, want := range []string{"recent_window = 6", "set by you; default 4", "meaning:", "source:", "crisis_contacts"} {
			if !strings.Contains(list, want) {
				t.Errorf("settings list lacks %q:\n%s", want, list)
			}
		}
		var views []map[string]any
		e.jsonOf(&views, "settings", "list", "--json")
		if len(views) == 0 || views[0]["name"] != "crisis_contacts" || views[0]["default"] == "" {
			t.Errorf("settings list --json = %v", views)
		}
		e.ok("settings", "unset", "recent_window")
		if v := e.ok("settings", "get", "recent_window"); v != "4" {
			t.Errorf("recent_window = %q after unset", v)
		}
	})
}

func TestUsage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	if v := e.ok("version"); !strings.HasPrefix(v, "upshot ") {
		t.Errorf("version = %q", v)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"bogus"}, "unknown command"},
		{[]string{"therapist"}, "needs a command"},
		{[]string{"therapist", "fire", "1"}, "unknown command"},
		{[]string{"session", "add", "--therapist", "1", "--date", "2024-01-01", "--mood", "3"}, "unknown flag: --mood"},
		{[]string{"session", "add", "--therapist"}, "flag needs an argument"},
		{[]string{"session", "show"}, "ID is required"},
		{[]string{"session", "show", "1", "2"}, "unexpected argument"},
		{[]string{"check"}, "INSTRUMENT is required"},
		{[]string{"settings", "set", "recent_window"}, "VALUE is required"},
		{[]string{"session", "edit", "1"}, "nothing to change"},
		{[]string{"import"}, "FILE is required"},
		{[]string{"session", "show", "abc"}, "ID must be a positive whole number"},
	}
	for _, tt := range tests {
		r := e.fails(2, tt.args...)
		if !strings.Contains(r.stderr, tt.want) {
			t.Errorf("upshot %v: stderr %q lacks %q", tt.args, r.stderr, tt.want)
		}
	}
}

// Without a terminal nothing prompts: the command fails at once, naming the
// flag, even with input waiting on stdin.
func TestNoPromptWithoutTerminal(t *testing.T) {
	t.Parallel()
	e := newBinaryEnv(t, "sqlite") // a real process whose stdin is a pipe
	e.ok("therapist", "add", "Dr A")
	before := e.export()
	tests := []struct {
		args []string
		flag string
	}{
		{[]string{"session", "add", "--date", "2024-01-01"}, "--therapist is required"},
		{[]string{"session", "add", "--therapist", "1"}, "--date is required"},
		{[]string{"session", "add"}, "--therapist is required"},
		{[]string{"check", "phq9"}, "--answers is required"},
		{[]string{"goal", "add", "Sleep"}, "--domain is required"},
		{[]string{"goal", "add", "--domain", "work"}, "TITLE is required"},
		{[]string{"therapist", "add"}, "NAME is required"},
		{[]string{"goal", "close", "1"}, "--status is required"},
	}
	for _, tt := range tests {
		r := e.runIn("1\n2024-01-01\n0,0,0,0,0,0,0,0,0\n", tt.args...)
		if r.code != 2 || !strings.Contains(r.stderr, tt.flag) {
			t.Errorf("want exit 2 naming %q:\n%s", tt.flag, r)
		}
	}
	if after := e.export(); after != before {
		t.Error("a refused command wrote to the database")
	}
}

const sleepDef = `{"id": "sleep", "version": 1, "name": "Sleep check", "instruction": "Last week:",
 "options": [{"label": "No", "score": 0}, {"label": "Yes", "score": 1}],
 "items": [{"id": "sleep_late", "text": "I fell asleep late"}, {"id": "sleep_early", "text": "I woke too early"}],
 "scoring": {"method": "sum", "factor": 1, "max_missing": 0, "prorate": false},
 "direction": "higher_is_worse", "min": 0, "max": 2,
 "bands": [{"min": 0, "max": 0, "label": "BAND_A"}, {"min": 1, "max": 2, "label": "poor"}],
 "reliable_change": {"size": 1}, "source": "my clinic", "licence": "for my own use", "attribution": "", "validated": false}`

func TestCustomInstruments(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	dir := filepath.Join(e.home, "config", "upshot", "instruments")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "sleep.json")
	os.WriteFile(file, []byte(strings.Replace(sleepDef, "BAND_A", "fine", 1)), 0o600)
	if list := e.ok("check", "list"); !strings.Contains(list, "sleep") || !strings.Contains(list, "your file") {
		t.Errorf("check list:\n%s", list)
	}
	var r resultJSON
	e.jsonOf(&r, "check", "sleep", "--answers", "0,0", "--json")
	if r.Total != 0 || r.Band != "fine" || r.Caseness != nil || r.Recovery != nil {
		t.Errorf("custom check-in = %+v", r)
	}

	// The same version changed under the person's feet is refused: the
	// stored check-in keeps the meaning it was answered with.
	os.WriteFile(file, []byte(strings.Replace(sleepDef, "BAND_A", "excellent", 1)), 0o600)
	res := e.fails(2, "check", "sleep", "--answers", "1,0")
	if !strings.Contains(res.stderr, "new version number") {
		t.Errorf("changed definition, same version: %s", res.stderr)
	}
	var hist []resultJSON
	e.jsonOf(&hist, "check", "history", "sleep", "--json")
	if len(hist) != 1 || hist[0].Band != "fine" {
		t.Errorf("history must use the stored definition: %+v", hist)
	}

	// A broken definition is refused with its file named; --instruments
	// picks another directory.
	os.WriteFile(file, []byte(`{"id": "sleep"`), 0o600)
	res = e.fails(2, "check", "list")
	if !strings.Contains(res.stderr, "sleep.json") {
		t.Errorf("broken definition: %s", res.stderr)
	}
	if list := e.ok("--instruments", t.TempDir(), "check", "list"); strings.Contains(list, "sleep") {
		t.Errorf("--instruments ignored:\n%s", list)
	}
}
