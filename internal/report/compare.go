package report

import (
	"slices"
	"strconv"
	"strings"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/report/chart"
	"github.com/upshot-app/upshot/internal/report/words"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// CompareTable is the comparison of therapists in words, one column per
// course and one row per thing recorded: what `upshot compare` prints and
// the comparison page shows, so the two say the same. It states the
// records; nothing in it ranks or scores a person.
type CompareTable struct {
	Head []CompareHead
	Rows []CompareRow
}

// CompareHead names a course's column.
type CompareHead struct {
	TherapistID int64
	Name        string
	// Span is when the course ran: "15 Mar 2025 to 11 Oct 2025 (ended)".
	Span string
}

// CompareRow is one thing recorded, for each course.
type CompareRow struct {
	Label string
	Cells []CompareCell
}

// CompareCell is what one course's records say, and where to check it.
type CompareCell struct {
	Text string
	// Href is the evidence: the review finding the cell rests on, or the
	// check-in or sessions behind it ("" when the caller gives no links).
	Href string
}

// CompareLinks make a cell's evidence a URL; nil makes none (the CLI).
type CompareLinks struct {
	// Finding links to a finding of the review of one therapist.
	Finding func(therapistID int64, anchor string) string
	// Sessions links to the therapist's sessions.
	Sessions func(therapistID int64) string
	// CheckIn links to a check-in.
	CheckIn func(id int64) string
}

// ComparisonTable words a comparison.
func ComparisonTable(c *usecase.Comparison, links *CompareLinks) CompareTable {
	if links == nil {
		links = &CompareLinks{}
	}
	t := CompareTable{}
	for _, co := range c.Courses {
		t.Head = append(t.Head, CompareHead{TherapistID: co.Therapist.ID, Name: co.Therapist.Name, Span: courseSpan(co)})
	}
	// evidence is the first finding the cell rests on, else what fallback
	// links to, else the therapist's sessions.
	evidence := func(co usecase.CourseRecord, findings []string, fallback string) string {
		if len(findings) > 0 && links.Finding != nil {
			return links.Finding(co.Therapist.ID, findings[0])
		}
		if fallback != "" {
			return fallback
		}
		if links.Sessions != nil {
			return links.Sessions(co.Therapist.ID)
		}
		return ""
	}
	row := func(label string, cell func(co usecase.CourseRecord) (string, []string, string)) {
		r := CompareRow{Label: label}
		for _, co := range c.Courses {
			text, findings, fallback := cell(co)
			r.Cells = append(r.Cells, CompareCell{Text: text, Href: evidence(co, findings, fallback)})
		}
		t.Rows = append(t.Rows, r)
	}

	row("Sessions", func(co usecase.CourseRecord) (string, []string, string) {
		if co.Sessions == 0 {
			return "none recorded", nil, ""
		}
		return strconv.Itoa(co.Sessions) + " (" + strconv.FormatFloat(co.Hours, 'f', -1, 64) + " hours)", nil, ""
	})
	row("Weeks, first to last session", func(co usecase.CourseRecord) (string, []string, string) {
		if co.Sessions == 0 {
			return "-", nil, ""
		}
		return strconv.FormatFloat(co.Weeks, 'f', -1, 64), nil, ""
	})
	row("Cost", func(co usecase.CourseRecord) (string, []string, string) {
		if len(co.Cost.Money) == 0 {
			return "no fees recorded", co.Cost.Findings, ""
		}
		s := moneyText(co.Cost.Money)
		if n := co.Cost.SessionsAtUsualFee; n > 0 {
			s += " (" + words.Plural(n, "session") + " at the usual fee)"
		}
		if n := co.Cost.SessionsWithoutFee; n > 0 {
			s += " (" + words.Plural(n, "session") + " without a fee)"
		}
		return s, co.Cost.Findings, ""
	})
	row("Cost per reliable improvement", func(co usecase.CourseRecord) (string, []string, string) {
		if co.Cost.PerReliableImprovement == nil {
			return "no reliable improvement", co.Cost.Findings, ""
		}
		s := moneyText(co.Cost.PerReliableImprovement)
		if n := co.Cost.ReliableImprovements; n > 1 {
			s += " (" + strconv.Itoa(n) + " reliable improvements)"
		}
		return s, co.Cost.Findings, ""
	})
	row("Cost per goal solved", func(co usecase.CourseRecord) (string, []string, string) {
		if co.Cost.PerGoalSolved == nil {
			return "no goal solved", co.Goals.Findings, ""
		}
		return moneyText(co.Cost.PerGoalSolved) + " (" + words.Plural(co.Cost.GoalsSolved, "goal") + " solved)", co.Goals.Findings, ""
	})

	// One row per questionnaire answered in any course, in the order met.
	var scales []string
	names := map[string]string{}
	for _, co := range c.Courses {
		for _, s := range co.Scales {
			if !slices.Contains(scales, s.Instrument) {
				scales = append(scales, s.Instrument)
				names[s.Instrument] = s.Name
			}
		}
	}
	for _, id := range scales {
		row(names[id]+", start to latest", func(co usecase.CourseRecord) (string, []string, string) {
			for _, s := range co.Scales {
				if s.Instrument == id {
					fallback := ""
					if links.CheckIn != nil {
						fallback = links.CheckIn(s.Latest.CheckInID)
					}
					return scaleText(s), s.Findings, fallback
				}
			}
			return "not answered", nil, ""
		})
	}
	row("NHS Talking Therapies (PHQ-9 and GAD-7)", func(co usecase.CourseRecord) (string, []string, string) {
		if co.Pair == nil {
			return "not measured (needs PHQ-9 and GAD-7 each answered twice)", nil, ""
		}
		return pairText(co.Pair.Outcomes), co.Pair.Findings, ""
	})

	row("Time on my life", func(co usecase.CourseRecord) (string, []string, string) {
		f := co.Focus
		if f.Life == nil {
			return "not recorded", f.Findings, ""
		}
		return words.Percent(*f.Life) + " (" + words.Plural(f.SessionsWithFocus, "session") + " recorded)", f.Findings, ""
	})
	row("Time on the relationship and the therapist", func(co usecase.CourseRecord) (string, []string, string) {
		f := co.Focus
		if f.Relationship == nil {
			return "not recorded", f.Findings, ""
		}
		s := words.Percent(*f.Relationship)
		if f.FirstRelationship != nil && f.RecentRelationship != nil && f.SessionsWithFocus > f.FirstSessions {
			s += " (first " + strconv.Itoa(f.FirstSessions) + ": " + words.Percent(*f.FirstRelationship) +
				", last " + strconv.Itoa(f.RecentSessions) + ": " + words.Percent(*f.RecentRelationship) + ")"
		}
		return s, f.Findings, ""
	})
	row("Goals moved", func(co usecase.CourseRecord) (string, []string, string) {
		g := co.Goals
		if len(g.Moved) == 0 {
			return "no goal addressed", g.Findings, ""
		}
		var parts []string
		for _, m := range g.Moved {
			p := m.Title + ": "
			if m.ProgressRecorded > 0 {
				p += signed(m.Progress)
			} else {
				p += "no progress recorded"
			}
			parts = append(parts, p+" in "+words.Plural(m.Sessions, "session"))
		}
		s := strings.Join(parts, "; ")
		if g.Solved > 0 {
			s += "; " + words.Plural(g.Solved, "goal") + " solved"
		}
		return s, g.Findings, ""
	})
	row("What I got", func(co usecase.CourseRecord) (string, []string, string) {
		return tallyText(co.Got, upshot.Inputs, HumanWord), co.Got.Findings, ""
	})
	row("Helpfulness (0-10)", func(co usecase.CourseRecord) (string, []string, string) {
		h := co.Helpfulness
		if h.Average == nil {
			return "not rated", h.Findings, ""
		}
		s := number(*h.Average) + " on average (" + words.Plural(h.Ratings, "rating") + ")"
		if h.RecentAverage != nil && h.RecentSessions < co.Sessions {
			s += "; " + number(*h.RecentAverage) + " in the last " + words.Plural(h.RecentSessions, "session")
		}
		return s, h.Findings, ""
	})
	row("Who set the agenda", func(co usecase.CourseRecord) (string, []string, string) {
		return tallyText(co.AgendaSetBy, upshot.Agendas, func(a string) string {
			if a == "therapist" {
				return "the therapist"
			}
			return a
		}), co.AgendaSetBy.Findings, ""
	})
	// Conduct, one row per quality rated in any course.
	for _, q := range upshot.Qualities {
		rated := false
		for _, co := range c.Courses {
			for _, qs := range co.Conduct.Qualities {
				rated = rated || qs.Quality == q
			}
		}
		if !rated {
			continue
		}
		row("Conduct: "+q+" (1-5)", func(co usecase.CourseRecord) (string, []string, string) {
			for _, qs := range co.Conduct.Qualities {
				if qs.Quality == q {
					return qualityText(qs), co.Conduct.Findings, ""
				}
			}
			return "not rated", co.Conduct.Findings, ""
		})
	}
	row("Red flags", func(co usecase.CourseRecord) (string, []string, string) {
		f := co.Flags
		if f.SessionsWithFlags == 0 {
			return "none recorded", f.Findings, ""
		}
		var parts []string
		for _, k := range upshot.Flags {
			if n := f.Counts[k]; n > 0 {
				parts = append(parts, upshot.FlagLabels[k]+": "+strconv.Itoa(n))
			}
		}
		return strings.Join(parts, "; ") + " (in " + words.Plural(f.SessionsWithFlags, "session") + ")", f.Findings, ""
	})
	row("After the session", func(co usecase.CourseRecord) (string, []string, string) {
		return tallyText(co.After, upshot.Afters, func(a string) string { return a }), co.After.Findings, ""
	})
	return t
}

// CompareDoc is the comparison as the report shows it: the table and the
// chart of the comparison page, without links (the evidence is each
// therapist's review, which the report holds only for its own scope).
type CompareDoc struct {
	Table  CompareTable
	Figure *chart.Figure
	// Since is the report's start when it has one: the comparison still
	// covers whole courses, and says so.
	Since upshot.Date
}

// compareDoc compares the therapists with a session in the report's scope,
// over their whole courses, from all the records (usecase.CompareOf: the
// figures are those of `upshot compare`). Nil when no therapist is in
// scope.
func compareDoc(snap *upshot.Snapshot, reg *instrument.Registry, r *review.Review, today upshot.Date) *CompareDoc {
	var ids []int64
	for _, t := range r.Scope.Therapists {
		ids = append(ids, t.ID)
	}
	if len(ids) == 0 {
		return nil
	}
	c := usecase.CompareOf(snap, reg, today, ids...)
	return &CompareDoc{Table: ComparisonTable(c, nil), Figure: ComparisonFigure(c, nil), Since: r.Scope.Since}
}

// ComparisonFigure is the comparison's chart: where the time of each
// course went, over the whole course and in its first and recent sessions
// (chart.CompareFocus). Nil when no course recorded its focus.
func ComparisonFigure(c *usecase.Comparison, links *CompareLinks) *chart.Figure {
	var courses []chart.CourseFocus
	for _, co := range c.Courses {
		f := co.Focus
		cf := chart.CourseFocus{Name: co.Therapist.Name}
		if f.Life != nil {
			href := ""
			if links != nil && links.Sessions != nil {
				href = links.Sessions(co.Therapist.ID)
			}
			if links != nil && links.Finding != nil && len(f.Findings) > 0 {
				href = links.Finding(co.Therapist.ID, f.Findings[0])
			}
			cf.Bars = append(cf.Bars, chart.FocusBar{Label: "all " + strconv.Itoa(f.SessionsWithFocus), Life: *f.Life, Relationship: *f.Relationship, Href: href})
			if f.SessionsWithFocus > f.FirstSessions && f.FirstLife != nil && f.RecentLife != nil {
				cf.Bars = append(cf.Bars,
					chart.FocusBar{Label: "first " + strconv.Itoa(f.FirstSessions), Life: *f.FirstLife, Relationship: *f.FirstRelationship, Href: href},
					chart.FocusBar{Label: "last " + strconv.Itoa(f.RecentSessions), Life: *f.RecentLife, Relationship: *f.RecentRelationship, Href: href})
			}
		}
		courses = append(courses, cf)
	}
	return chart.CompareFocus(courses)
}

// courseSpan says when a course ran.
func courseSpan(co usecase.CourseRecord) string {
	if co.Sessions == 0 {
		return "no sessions recorded"
	}
	s := words.FormatDate(co.FirstSession) + " to " + words.FormatDate(co.LastSession)
	switch {
	case co.Current:
		s += " (going on)"
	case co.EndRecorded:
		s += " (ended " + words.FormatDate(co.Ended) + ")"
	default:
		s += " (ended)"
	}
	return s
}

// scaleText says a questionnaire's start and latest score and the change
// by its own rule: reliable for a validated scale, meaningful for WHO-5,
// and no judgement for one that is not validated.
func scaleText(s usecase.ScaleOutcome) string {
	score := func(p *review.Point) string { return strconv.Itoa(p.Total) + " (" + p.Band + ")" }
	if s.Baseline == nil || s.Latest == nil || s.Baseline.CheckInID == s.Latest.CheckInID {
		return score(s.Latest) + ", one score"
	}
	out := score(s.Baseline) + " to " + score(s.Latest)
	kind, how := "reliable", "reliably"
	if s.Meaningful {
		kind, how = "meaningful", "meaningfully"
	}
	switch {
	case !s.Validated:
		return out + ": self-monitoring, not a validated scale"
	case s.Reliable == "improvement":
		return out + ": " + how + " better"
	case s.Reliable == "deterioration":
		return out + ": " + how + " worse"
	}
	return out + ": no " + kind + " change"
}

// pairText names the NHS Talking Therapies outcomes of a course; a reliable
// recovery is a recovery with a reliable improvement, so it is said alone.
func pairText(outcomes []string) string {
	if len(outcomes) == 0 {
		return "no reliable change"
	}
	if slices.Contains(outcomes, string(review.CodeReliableRecovery)) {
		return "reliable recovery"
	}
	return HumanWords(outcomes)
}

func tallyText(t usecase.Tally, order []string, word func(string) string) string {
	var parts []string
	for _, k := range order {
		if n := t.Counts[k]; n > 0 {
			parts = append(parts, word(k)+" "+strconv.Itoa(n))
		}
	}
	if len(parts) == 0 {
		return "not recorded"
	}
	s := strings.Join(parts, ", ")
	if t.NotRecorded > 0 {
		s += " (" + strconv.Itoa(t.NotRecorded) + " not recorded)"
	}
	return s
}

func qualityText(q review.QualitySummary) string {
	s := number(q.Average) + " (" + words.Plural(q.Ratings, "rating") + ")"
	if q.RecentAverage != nil && q.EarlierRatings > 0 {
		s += "; recently " + number(*q.RecentAverage) + " (" + words.Plural(q.RecentRatings, "rating") + ")"
	}
	return s
}

func number(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

func signed(n int) string {
	if n > 0 {
		return "+" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}
