package upshot_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/upshot"
)

var today = upshot.NewDate(2026, 11, 28)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"2026-11-28", true}, {"2024-02-29", true}, {"2023-02-29", false}, {"2026-13-01", false},
		{"26-11-28", false}, {"2026/11/28", false}, {"", false}, {" 2026-11-28", false}, {"2026-11-28T10:00:00Z", false},
	} {
		_, err := upshot.ParseDate(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseDate(%q) error = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
	if err := upshot.CheckDate("date", today.AddDays(1), today); err == nil || !strings.Contains(err.Error(), "future") {
		t.Errorf("tomorrow accepted: %v", err)
	}
	if err := upshot.CheckDate("date", today, today); err != nil {
		t.Errorf("today refused: %v", err)
	}
	if err := upshot.CheckDate("date", upshot.NewDate(1899, 12, 31), today); err == nil {
		t.Error("1899 accepted")
	}
}

func TestMoney(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want upshot.Money
		out  string
		ok   bool
	}{
		{"80", 8000, "80", true}, {"80.5", 8050, "80.5", true}, {"80.05", 8005, "80.05", true}, {"0", 0, "0", true},
		{"1000000", 100000000, "1000000", true}, {"1000000.01", 0, "", false}, {"-5", 0, "", false},
		{"80.", 0, "", false}, {".5", 0, "", false}, {"80.123", 0, "", false}, {"1e3", 0, "", false}, {"", 0, "", false},
	} {
		m, err := upshot.ParseMoney("fee", tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseMoney(%q) error = %v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if tc.ok && (m != tc.want || m.String() != tc.out) {
			t.Errorf("ParseMoney(%q) = %d (%s), want %d (%s)", tc.in, m, m, tc.want, tc.out)
		}
	}
	b, _ := json.Marshal(struct{ Fee upshot.Money }{8050})
	if string(b) != `{"Fee":80.5}` {
		t.Errorf("marshal = %s", b)
	}
	for m, want := range map[upshot.Money]string{0: "0.00", 5: "0.05", 50: "0.50", 8050: "80.50", 531000: "5310.00", 100000000: "1000000.00", -8005: "-80.05"} {
		if got := m.Amount(); got != want {
			t.Errorf("Money(%d).Amount() = %q, want %q", m, got, want)
		}
	}
	if got := upshot.Amounts(map[string]upshot.Money{"EUR": 9050, "XXX": 1}); len(got) != 2 || got["EUR"] != "90.50" || got["XXX"] != "0.01" {
		t.Errorf("Amounts = %v", got)
	}
	if upshot.Amounts(nil) != nil {
		t.Error("Amounts(nil) is not nil: an amount that could not be worked out must stay null")
	}
}

// TestDateJSON: a date is written as the string YYYY-MM-DD (null when there
// is none) and read back to the same day, at both ends of the range.
func TestDateJSON(t *testing.T) {
	for _, d := range []upshot.Date{upshot.NewDate(1900, 1, 1), upshot.NewDate(2026, 2, 28), upshot.NewDate(9999, 12, 31)} {
		b, err := json.Marshal(struct {
			D upshot.Date `json:"d"`
		}{d})
		if want := `{"d":"` + d.String() + `"}`; err != nil || string(b) != want {
			t.Errorf("marshal %s = %s, %v; want %s", d, b, err, want)
		}
		var back struct {
			D upshot.Date `json:"d"`
		}
		if err := json.Unmarshal(b, &back); err != nil || !back.D.Equal(d) {
			t.Errorf("%s read back as %s, %v", b, back.D, err)
		}
	}
	if b, err := json.Marshal([]upshot.Date{{}}); err != nil || string(b) != "[null]" {
		t.Errorf("marshal of no date = %s, %v; want [null]", b, err)
	}
}

func TestParsers(t *testing.T) {
	f, err := upshot.ParseFocus("life=30, relationship=10,therapist=0,admin=5,other=5")
	if err != nil || f.Life != 30 || f.Relationship != 10 || f.Total() != 50 {
		t.Fatalf("ParseFocus = %+v, %v", f, err)
	}
	if got := f.RelationshipShare(); got != 0.2 {
		t.Errorf("RelationshipShare = %v, want 0.2", got)
	}
	bad := []string{"life=x", "love=10", "life=-1", "life=0", "life=10,life=5", "life", "life=601", ""}
	for _, in := range bad {
		if _, err := upshot.ParseFocus(in); err == nil || upshot.ErrorField(err) == "" {
			t.Errorf("ParseFocus(%q) accepted or no field: %v", in, err)
		}
	}
	p, err := upshot.ParseProgress("3=+1,4=-2")
	if err != nil || len(p) != 2 || *p[0].Progress != 1 || *p[1].Progress != -2 {
		t.Fatalf("ParseProgress = %+v, %v", p, err)
	}
	for _, in := range []string{"3=4", "3=-4", "x=1", "0=1", "3=1,3=2", "3"} {
		if _, err := upshot.ParseProgress(in); err == nil {
			t.Errorf("ParseProgress(%q) accepted", in)
		}
	}
	merged := upshot.MergeGoals([]int64{5, 3}, p)
	if len(merged) != 3 || merged[0].GoalID != 3 || merged[0].Progress == nil || merged[2].GoalID != 5 || merged[2].Progress != nil {
		t.Errorf("MergeGoals = %+v", merged)
	}
	c, err := upshot.ParseConduct("respect=5,empathy=4")
	if err != nil || *c.Empathy != 4 || *c.Respect != 5 || c.Honesty != nil {
		t.Fatalf("ParseConduct = %+v, %v", c, err)
	}
	for _, in := range []string{"empathy=0", "empathy=6", "warmth=3", "empathy=x"} {
		if _, err := upshot.ParseConduct(in); err == nil {
			t.Errorf("ParseConduct(%q) accepted", in)
		}
	}
	got, err := upshot.ParseGot("strategy, insight")
	if err != nil || strings.Join(got, ",") != "insight,strategy" {
		t.Errorf("ParseGot = %v, %v", got, err)
	}
	for _, in := range []string{"none,insight", "advice", "insight,insight"} {
		if _, err := upshot.ParseGot(in); err == nil {
			t.Errorf("ParseGot(%q) accepted", in)
		}
	}
	flags, err := upshot.ParseFlags("boundary,blamed")
	if err != nil || strings.Join(flags, ",") != "blamed,boundary" {
		t.Errorf("ParseFlags = %v, %v", flags, err)
	}
	if _, err := upshot.ParseFlags("rude"); err == nil || !strings.Contains(err.Error(), "pushed_relationship") {
		t.Errorf("ParseFlags(rude) error should list the allowed flags: %v", err)
	}
}

func validSession() *upshot.Session {
	return &upshot.Session{TherapistID: 1, Date: today, Minutes: upshot.Ptr(50), Helpful: upshot.Ptr(7),
		Focus: &upshot.Focus{Life: 40, Relationship: 10}, Format: "video", Agenda: "me", After: "better"}
}

func TestSessionValidate(t *testing.T) {
	if err := validSession().Validate(today); err != nil {
		t.Fatalf("valid session refused: %v", err)
	}
	for _, tc := range []struct {
		field string
		mod   func(s *upshot.Session)
	}{
		{"therapist", func(s *upshot.Session) { s.TherapistID = 0 }},
		{"date", func(s *upshot.Session) { s.Date = today.AddDays(1) }},
		{"date", func(s *upshot.Session) { s.Date = upshot.Date{} }},
		{"minutes", func(s *upshot.Session) { s.Minutes = upshot.Ptr(0) }},
		{"minutes", func(s *upshot.Session) { s.Minutes = upshot.Ptr(601) }},
		{"helpful", func(s *upshot.Session) { s.Helpful = upshot.Ptr(11) }},
		{"helpful", func(s *upshot.Session) { s.Helpful = upshot.Ptr(-1) }},
		{"format", func(s *upshot.Session) { s.Format = "letter" }},
		{"agenda", func(s *upshot.Session) { s.Agenda = "boss" }},
		{"after", func(s *upshot.Session) { s.After = "fine" }},
		{"focus", func(s *upshot.Session) { s.Focus = &upshot.Focus{} }},
		{"progress", func(s *upshot.Session) { s.Goals = []upshot.GoalProgress{{GoalID: 1, Progress: upshot.Ptr(4)}} }},
		{"goals", func(s *upshot.Session) { s.Goals = []upshot.GoalProgress{{GoalID: 1}, {GoalID: 1}} }},
		{"conduct respect", func(s *upshot.Session) { s.Conduct.Respect = upshot.Ptr(0) }},
		{"got", func(s *upshot.Session) { s.Got = []string{"none", "insight"} }},
		{"flags", func(s *upshot.Session) { s.Flags = []string{"rude"} }},
		{"note", func(s *upshot.Session) { s.Note = "a\x00b" }},
		{"note", func(s *upshot.Session) { s.Note = "\xff" }},
		{"note", func(s *upshot.Session) { s.Note = strings.Repeat("x", upshot.MaxNoteLen+1) }},
		{"fee", func(s *upshot.Session) { s.Fee = upshot.Ptr(upshot.Money(-1)) }},
	} {
		s := validSession()
		tc.mod(s)
		err := s.Validate(today)
		if upshot.ErrorCode(err) != upshot.EINVALID || upshot.ErrorField(err) != tc.field {
			t.Errorf("%s: got %v (field %q)", tc.field, err, upshot.ErrorField(err))
		}
	}
	s := validSession()
	s.Note = "line one\nline two\t<script>alert(1)</script>"
	s.Flags = []string{"boundary", "blamed"}
	if err := s.Validate(today); err != nil || s.Flags[0] != "blamed" {
		t.Errorf("multiline note or flag order: %v %v", err, s.Flags)
	}
}

func TestTherapistAndGoalValidate(t *testing.T) {
	th := &upshot.Therapist{Name: "Dr. A", Currency: "EUR", Started: today.AddDays(-10), Ended: today}
	if err := th.Validate(today); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field string
		mod   func(*upshot.Therapist)
	}{
		{"name", func(t *upshot.Therapist) { t.Name = "  " }},
		{"name", func(t *upshot.Therapist) { t.Name = "a\nb" }},
		{"currency", func(t *upshot.Therapist) { t.Currency = "eur" }},
		{"ended", func(t *upshot.Therapist) { t.Ended = t.Started.AddDays(-1) }},
		{"started", func(t *upshot.Therapist) { t.Started = today.AddDays(1) }},
	} {
		c := *th
		tc.mod(&c)
		if err := c.Validate(today); upshot.ErrorField(err) != tc.field {
			t.Errorf("%s: got %v", tc.field, err)
		}
	}
	g := &upshot.Goal{Title: "Sleep through the night", Domain: "health", Severity: upshot.Ptr(7), Status: "open", Opened: today}
	if err := g.Validate(today); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field string
		mod   func(*upshot.Goal)
	}{
		{"domain", func(g *upshot.Goal) { g.Domain = "career" }},
		{"severity", func(g *upshot.Goal) { g.Severity = upshot.Ptr(11) }},
		{"status", func(g *upshot.Goal) { g.Status = "done" }},
		{"closed", func(g *upshot.Goal) { g.Status = "solved" }},
		{"closed", func(g *upshot.Goal) { g.Closed = today }},
	} {
		c := *g
		tc.mod(&c)
		if err := c.Validate(today); upshot.ErrorField(err) != tc.field {
			t.Errorf("%s: got %v", tc.field, err)
		}
	}
}

func TestSettings(t *testing.T) {
	s := upshot.Settings{}
	if s.Int("recent_window") != 4 || s.Float("conduct_concern_max") != 2 {
		t.Error("defaults wrong")
	}
	if _, err := upshot.CheckSetting("recent_window", "1"); err == nil || !strings.Contains(err.Error(), "2-20") {
		t.Errorf("out of range accepted or no range named: %v", err)
	}
	if _, err := upshot.CheckSetting("nope", "1"); upshot.ErrorField(err) != "name" {
		t.Errorf("unknown setting: %v", err)
	}
	for _, bad := range []string{"NaN", "nan", "Inf", "-Inf", "5.01", "0.99", ""} {
		if _, err := upshot.CheckSetting("conduct_concern_max", bad); err == nil {
			t.Errorf("conduct_concern_max %q accepted", bad)
		}
	}
	v, err := upshot.CheckSetting("conduct_concern_max", " 2.5 ")
	if err != nil || v != "2.5" {
		t.Errorf("number setting = %q, %v", v, err)
	}
	for _, d := range upshot.SettingDefs {
		if d.Meaning == "" || d.Source == "" {
			t.Errorf("setting %s lacks meaning or source", d.Name)
		}
		if _, err := d.Check(d.Default); err != nil {
			t.Errorf("default of %s is invalid: %v", d.Name, err)
		}
	}
}

func TestSnapshotValidate(t *testing.T) {
	ok := func() *upshot.Snapshot {
		s := validSession()
		s.ID = 1
		s.Goals = []upshot.GoalProgress{{GoalID: 1}}
		return &upshot.Snapshot{Format: upshot.ExportFormat, Version: upshot.ExportVersion,
			Therapists: []*upshot.Therapist{{ID: 1, Name: "Dr. A"}},
			Goals:      []*upshot.Goal{{ID: 1, Title: "t", Domain: "work", Status: "open", Opened: today}},
			Sessions:   []*upshot.Session{s},
		}
	}
	if err := ok().Validate(today); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field string
		mod   func(*upshot.Snapshot)
	}{
		{"format", func(s *upshot.Snapshot) { s.Format = "x" }},
		{"version", func(s *upshot.Snapshot) { s.Version = 99 }},
		{"therapists[1].id", func(s *upshot.Snapshot) { s.Therapists = append(s.Therapists, &upshot.Therapist{ID: 1, Name: "B"}) }},
		{"sessions[0].therapist_id", func(s *upshot.Snapshot) { s.Sessions[0].TherapistID = 9 }},
		{"sessions[0].goals", func(s *upshot.Snapshot) { s.Sessions[0].Goals[0].GoalID = 9 }},
		{"sessions[0].helpful", func(s *upshot.Snapshot) { s.Sessions[0].Helpful = upshot.Ptr(12) }},
		{"checkins[0].instrument", func(s *upshot.Snapshot) {
			s.CheckIns = []*upshot.CheckIn{{ID: 1, Instrument: "phq9", InstrumentVersion: 1, Date: today}}
		}},
		{"settings.recent_window", func(s *upshot.Snapshot) { s.Settings = upshot.Settings{"recent_window": "0"} }},
	} {
		s := ok()
		tc.mod(s)
		if err := s.Validate(today); upshot.ErrorField(err) != tc.field {
			t.Errorf("%s: got %v (field %q)", tc.field, err, upshot.ErrorField(err))
		}
	}
}
