package chart

import (
	"slices"
	"strings"

	"github.com/upshot-app/upshot/internal/report/words"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The charts over time draw at most one mark, bar or column a week. A real
// record has a session or two a week, and is drawn as it is; a record with
// many sessions or check-ins in a week (entered in bulk, or a script writing
// through the API) would otherwise make a chart, its tooltips and its table
// grow with every one of them, and the page with them. A week that holds
// several is drawn once: the sessions' shares of time together, the mean of
// their conduct ratings, the latest check-in; its table row says how many it
// stands for.

// monday0 is a Monday: weeks run Monday to Sunday.
var monday0 = upshot.NewDate(2001, 1, 1)

// weekOf numbers the week d falls in.
func weekOf(d upshot.Date) int {
	n := d.DaysSince(monday0)
	if n < 0 {
		return (n - 6) / 7
	}
	return n / 7
}

// sessionWeeks groups sessions sorted by date into their weeks, in order.
func sessionWeeks(ss []*upshot.Session) [][]*upshot.Session {
	var out [][]*upshot.Session
	for i, s := range ss {
		if i > 0 && weekOf(s.Date) == weekOf(ss[i-1].Date) {
			out[len(out)-1] = append(out[len(out)-1], s)
			continue
		}
		out = append(out, []*upshot.Session{s})
	}
	return out
}

// weekLabel names a group of sessions: the date of a lone session, or the
// week's first and last dates and how many sessions there were.
func weekLabel(g []*upshot.Session) string {
	if len(g) == 1 {
		return words.FormatDate(g[0].Date)
	}
	first, last := g[0].Date, g[len(g)-1].Date
	span := words.FormatDate(first)
	if !last.Equal(first) {
		span += " to " + words.FormatDate(last)
	}
	return span + " (" + words.Plural(len(g), "session") + ")"
}

// weekCell is a group's first table cell: a link to its session, or to the
// week's latest.
func (b *builder) weekCell(g []*upshot.Session) Cell {
	return Cell{Text: weekLabel(g), Href: b.link("session", g[len(g)-1].ID)}
}

// therapistNames names the therapists of a group, each once.
func (b *builder) therapistNames(g []*upshot.Session) string {
	var names []string
	for _, s := range g {
		if n := b.therapistName(s.TherapistID); !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

// groupFlags lists the red flags recorded in a group, each once, in the
// order they were first recorded.
func groupFlags(g []*upshot.Session) []string {
	var out []string
	for _, s := range g {
		for _, f := range s.Flags {
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	return out
}

// weekFocus is a group's split of session time: per focus category, and
// the life, relationship+therapist and admin+other shares the table shows.
type weekFocus struct {
	cats            map[string]float64
	life, rel, rest float64
}

// oneFocus is one session's split, computed as the session's own shares are.
func oneFocus(f *upshot.Focus) weekFocus {
	total := float64(f.Total())
	w := weekFocus{cats: map[string]float64{}, life: f.LifeShare(), rel: f.RelationshipShare(),
		rest: float64(f.Admin+f.Other) / total}
	for _, cat := range focusStack {
		w.cats[cat] = float64(f.Get(cat)) / total
	}
	return w
}

// focusShares is a group's split of session time, each session weighted by
// its minutes (as the review weighs them: a session without minutes counts
// as long as the group's usual one, or all alike when none has minutes).
// For one session it is that session's split.
func focusShares(g []*upshot.Session) weekFocus {
	if len(g) == 1 {
		return oneFocus(g[0].Focus)
	}
	var known []int
	for _, s := range g {
		if s.Minutes != nil {
			known = append(known, *s.Minutes)
		}
	}
	usual := 1
	if len(known) > 0 {
		slices.Sort(known)
		usual = known[len(known)/2]
	}
	out := weekFocus{cats: map[string]float64{}}
	total := 0.0
	for _, s := range g {
		w := float64(usual)
		if s.Minutes != nil {
			w = float64(*s.Minutes)
		}
		one := oneFocus(s.Focus)
		for cat, v := range one.cats {
			out.cats[cat] += w * v
		}
		out.life += w * one.life
		out.rel += w * one.rel
		out.rest += w * one.rest
		total += w
	}
	for cat := range out.cats {
		out.cats[cat] /= total
	}
	out.life /= total
	out.rel /= total
	out.rest /= total
	return out
}

// latestPerWeek keeps the latest of each week's results (sorted by date),
// and how many each stands for.
func latestPerWeek(rs []Result) ([]Result, []int) {
	var out []Result
	var counts []int
	for i, r := range rs {
		if i > 0 && weekOf(r.Date) == weekOf(rs[i-1].Date) {
			out[len(out)-1] = r
			counts[len(counts)-1]++
			continue
		}
		out = append(out, r)
		counts = append(counts, 1)
	}
	return out, counts
}
