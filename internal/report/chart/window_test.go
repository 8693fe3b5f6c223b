package chart

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/demo/history"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

func TestRecentWindow(t *testing.T) {
	d := upshot.NewDate
	session := func(date upshot.Date) *upshot.Session { return &upshot.Session{Date: date} }
	checkIn := func(date upshot.Date) *upshot.CheckIn { return &upshot.CheckIn{Date: date} }
	tests := []struct {
		name string
		snap *upshot.Snapshot
		want Window
	}{
		{"no records", &upshot.Snapshot{}, Window{}},
		{"latest is a session", &upshot.Snapshot{
			Sessions: []*upshot.Session{session(d(2020, 1, 6)), session(d(2026, 11, 25)), session(d(2026, 3, 2))},
			CheckIns: []*upshot.CheckIn{checkIn(d(2026, 11, 20))},
		}, Window{From: d(2025, 11, 26), To: d(2026, 11, 25)}},
		{"latest is a check-in", &upshot.Snapshot{
			Sessions: []*upshot.Session{session(d(2026, 11, 20))},
			CheckIns: []*upshot.CheckIn{checkIn(d(2026, 11, 27))},
		}, Window{From: d(2025, 11, 28), To: d(2026, 11, 27)}},
		// A therapy that ended years ago still shows its last months.
		{"records ended long ago", &upshot.Snapshot{
			Sessions: []*upshot.Session{session(d(2019, 1, 7)), session(d(2019, 6, 3))},
		}, Window{From: d(2018, 6, 4), To: d(2019, 6, 3)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := RecentWindow(tt.snap, 12)
			if !got.From.Equal(tt.want.From) || !got.To.Equal(tt.want.To) {
				t.Errorf("RecentWindow = %s..%s, want %s..%s", got.From, got.To, tt.want.From, tt.want.To)
			}
		})
	}
}

// A windowed build draws only the window but measures every score against
// the first check-in ever, and leaves the goals chart whole.
func TestBuildWindowKeepsTheBaseline(t *testing.T) {
	reg := instrument.Builtin()
	snap := history.TenYears(upshot.NewDate(2026, time.November, 28))
	full, err := Build(snap, reg, AnchorLinks)
	if err != nil {
		t.Fatal(err)
	}
	w := RecentWindow(snap, 12)
	recent, err := BuildWindow(snap, reg, AnchorLinks, w)
	if err != nil {
		t.Fatal(err)
	}
	if full.Partial || !recent.Partial {
		t.Errorf("Partial: full %v, windowed %v; want false, true", full.Partial, recent.Partial)
	}
	if len(recent.Measures) != len(full.Measures) || len(recent.Measures) != 4 {
		t.Fatalf("%d windowed score charts, %d in full; want 4 each", len(recent.Measures), len(full.Measures))
	}
	inWindow := func(t *testing.T, chart, cell string) {
		t.Helper()
		// Pages write dates as "30 Nov 2026" (issue 16 item 5).
		day, err := time.Parse("2 Jan 2006", cell)
		date := upshot.DateOf(day)
		if err != nil {
			t.Fatalf("%s: first cell %q is not a date: %v", chart, cell, err)
		}
		if date.Before(w.From) || date.After(w.To) {
			t.Errorf("%s: row of %s outside the window %s..%s", chart, date, w.From, w.To)
		}
	}
	for i, m := range recent.Measures {
		all := full.Measures[i]
		if m.ID != all.ID {
			t.Fatalf("chart %d: %s windowed, %s in full", i, m.ID, all.ID)
		}
		// Weekly check-ins: one year holds 52 or 53 of them.
		if n := len(m.Table.Rows); n < 52 || n > 53 {
			t.Errorf("%s: %d rows in a year of weekly check-ins", m.ID, n)
		}
		changeByDate := map[string]string{}
		for _, row := range all.Table.Rows {
			changeByDate[row[0].Text] = row[3].Text
		}
		for _, row := range m.Table.Rows {
			inWindow(t, m.ID, row[0].Text)
			if row[3].Text == "first check-in" || row[3].Text != changeByDate[row[0].Text] {
				t.Errorf("%s %s: change %q in the window, %q in the full history: the baseline moved",
					m.ID, row[0].Text, row[3].Text, changeByDate[row[0].Text])
			}
		}
		if !strings.Contains(m.Summary, "520 in all since") {
			t.Errorf("%s: summary does not say that earlier check-ins exist: %q", m.ID, m.Summary)
		}
		if len(m.SVG) > len(all.SVG)/5 {
			t.Errorf("%s: windowed SVG %d bytes, full %d: the window did not shrink it", m.ID, len(m.SVG), len(all.SVG))
		}
	}
	for _, f := range []*Figure{recent.Focus, recent.Conduct} {
		if f == nil {
			t.Fatal("a session chart is missing from the window")
		}
		if n := len(f.Table.Rows); n < 48 || n > 53 {
			t.Errorf("%s: %d rows in a year of weekly sessions", f.ID, n)
		}
		for _, row := range f.Table.Rows {
			inWindow(t, f.ID, row[0].Text)
		}
	}
	if !slices.EqualFunc(recent.Goals.Table.Rows, full.Goals.Table.Rows, slices.Equal[[]Cell]) {
		t.Error("the goals table differs in the window: summed progress must cover the whole goal")
	}
}

// Issue 17: the charts over time draw at most one bar, column or point a
// week, so a week holding hundreds of sessions or check-ins (a script
// logging through the API) costs what one week costs, and its table row says
// how many it stands for.
func TestChartsDrawAWeekOnce(t *testing.T) {
	reg := instrument.Builtin()
	today := upshot.NewDate(2026, time.November, 28)
	plain := history.TenYears(today)
	crowded := history.TenYears(today)
	last := crowded.Sessions[len(crowded.Sessions)-1]
	nextID := int64(100000)
	const extraSessions, extraCheckIns = 300, 40
	// The extra sessions rate respect so that the week's mean is not a whole
	// number.
	rating := 1
	if r := last.Conduct.Respect; r != nil && *r == 1 {
		rating = 2
	}
	for range extraSessions {
		s := *last
		s.ID, nextID = nextID, nextID+1
		s.Conduct.Respect = &rating
		crowded.Sessions = append(crowded.Sessions, &s)
	}
	var phq *upshot.CheckIn
	for _, c := range crowded.CheckIns {
		if c.Instrument == "phq9" && (phq == nil || c.Date.After(phq.Date)) {
			phq = c
		}
	}
	for range extraCheckIns {
		c := *phq
		c.ID, nextID = nextID, nextID+1
		crowded.CheckIns = append(crowded.CheckIns, &c)
	}
	build := func(snap *upshot.Snapshot) *Charts {
		t.Helper()
		c, err := BuildWindow(snap, reg, AnchorLinks, RecentWindow(snap, 12))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	a, b := build(plain), build(crowded)
	for _, pair := range [][2]*Figure{{a.Focus, b.Focus}, {a.Conduct, b.Conduct}, {&a.Measures[0], &b.Measures[0]}} {
		before, after := pair[0], pair[1]
		if len(after.Table.Rows) != len(before.Table.Rows) {
			t.Errorf("%s: %d table rows with %d more records in the last week, want %d (one a week)",
				after.ID, len(after.Table.Rows), extraSessions, len(before.Table.Rows))
		}
		if grow := len(after.SVG) - len(before.SVG); grow > 2000 {
			t.Errorf("%s: the SVG grew by %d bytes with one crowded week", after.ID, grow)
		}
	}
	if got := b.Focus.Table.Rows[len(b.Focus.Table.Rows)-1][0].Text; !strings.Contains(got, "(301 sessions)") {
		t.Errorf("focus: the crowded week's row says %q, want it to count 301 sessions", got)
	}
	row := b.Conduct.Table.Rows[len(b.Conduct.Table.Rows)-1]
	if respect := row[1+slices.Index(upshot.Qualities, "respect")].Text; !strings.Contains(respect, ".") {
		t.Errorf("conduct: the crowded week's respect is %q, want the week's mean", respect)
	}
	if got := b.Measures[0].Table.Rows[len(b.Measures[0].Table.Rows)-1][0].Text; !strings.Contains(got, "the latest of 41 check-ins that week") {
		t.Errorf("PHQ-9: the crowded week's row says %q", got)
	}
}
