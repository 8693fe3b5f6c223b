package review

import (
	"slices"
	"strings"

	"github.com/upshot-app/upshot/internal/upshot"
)

// NoCurrency is the ISO 4217 code for "no currency", used for fees paid to a
// therapist whose currency was not recorded.
const NoCurrency = "XXX"

// CostSummary is what the therapy cost in money and time. A session without
// a fee recorded costs the therapist's usual fee when one is recorded (and
// the wording says so); with neither it is counted as without a fee.
type CostSummary struct {
	Total      CostLine   `json:"total"`
	Therapists []CostLine `json:"therapists"`
	// SinceImprovement is the cost since the latest check-in that showed a
	// reliable improvement; null when none did.
	SinceImprovement *CostSince `json:"since_improvement"`
}

// CostLine is the cost with one therapist, or in total. Money is the amount
// per currency as a JSON number (version 1's); MoneyAmount is the same as
// exact decimal strings with two decimals ("5310.00"), which a client should
// read, since a JSON number becomes a float in most clients; likewise
// PerGoalSolved and PerGoalSolvedAmount.
type CostLine struct {
	TherapistID        int64                   `json:"therapist_id,omitempty"`
	Sessions           int                     `json:"sessions"`
	Minutes            int                     `json:"minutes"`
	Hours              float64                 `json:"hours"`
	Money              map[string]upshot.Money `json:"money"`
	MoneyAmount        map[string]string       `json:"money_amount"`
	SessionsWithoutFee int                     `json:"sessions_without_fee"`
	// SessionsAtUsualFee counts sessions without a fee recorded that are
	// costed at the therapist's usual fee.
	SessionsAtUsualFee     int `json:"sessions_at_usual_fee"`
	SessionsWithoutMinutes int `json:"sessions_without_minutes"`
	// GoalsSolved counts solved goals credited to these sessions: a goal is
	// credited to the therapist of the last session that addressed it on or
	// before the day it was closed.
	GoalsSolved         int                     `json:"goals_solved"`
	PerGoalSolved       map[string]upshot.Money `json:"per_goal_solved"`
	PerGoalSolvedAmount map[string]string       `json:"per_goal_solved_amount"`
}

// CostSince is the cost after a reliable improvement.
type CostSince struct {
	CheckInID  int64       `json:"checkin_id"`
	Instrument string      `json:"instrument"`
	Date       upshot.Date `json:"date"`
	CostLine
}

func (r *run) currency(id int64) string {
	if t := r.therapists[id]; t != nil && t.Currency != "" {
		return t.Currency
	}
	return NoCurrency
}

func (r *run) addCost(l *CostLine, s *upshot.Session) {
	l.Sessions++
	if s.Minutes != nil {
		l.Minutes += *s.Minutes
	} else {
		l.SessionsWithoutMinutes++
	}
	switch t := r.therapists[s.TherapistID]; {
	case s.Fee != nil:
		l.Money[r.currency(s.TherapistID)] += *s.Fee
	case t != nil && t.Fee != nil:
		l.Money[r.currency(s.TherapistID)] += *t.Fee
		l.SessionsAtUsualFee++
	default:
		l.SessionsWithoutFee++
	}
}

func newLine(id int64) CostLine {
	return CostLine{TherapistID: id, Money: map[string]upshot.Money{}, PerGoalSolved: map[string]upshot.Money{}}
}

func (l *CostLine) finish(solved int) {
	l.Hours = round(float64(l.Minutes)/60, 1)
	l.GoalsSolved = solved
	if solved > 0 {
		for c, m := range l.Money {
			l.PerGoalSolved[c] = m.Per(solved)
		}
	}
	l.MoneyAmount, l.PerGoalSolvedAmount = upshot.Amounts(l.Money), upshot.Amounts(l.PerGoalSolved)
}

func (r *run) cost() {
	total := newLine(0)
	lines := map[int64]*CostLine{}
	for _, id := range r.order {
		l := newLine(id)
		lines[id] = &l
	}
	for _, s := range r.sessions {
		r.addCost(&total, s)
		r.addCost(lines[s.TherapistID], s)
	}
	solved := r.solvedBy()
	allSolved := 0
	for _, id := range r.order {
		lines[id].finish(solved[id])
		allSolved += solved[id]
		r.out.Cost.Therapists = append(r.out.Cost.Therapists, *lines[id])
	}
	if r.out.Cost.Therapists == nil {
		r.out.Cost.Therapists = []CostLine{}
	}
	total.finish(allSolved)
	r.out.Cost.Total = total
	if len(r.sessions) == 0 {
		return
	}

	names := make([]string, len(r.order))
	for i, id := range r.order {
		names[i] = r.name(id)
	}
	f := costFacts{Names: names, Total: total, GoalsSolved: allSolved, OutcomeMeasures: r.hasOutcomeMeasures()}
	nums := map[string]float64{"sessions": float64(total.Sessions), "hours": total.Hours, "goals_solved": float64(allSolved),
		"sessions_at_usual_fee": float64(total.SessionsAtUsualFee)}
	amounts := map[string]string{}
	for c, m := range total.Money {
		nums["money_"+c] = float64(m) / 100
		amounts["money_"+c] = m.Amount()
	}
	if li := r.lastImprovement; li != nil {
		since := CostSince{CheckInID: li.ck.ID, Instrument: li.ck.Instrument, Date: li.ck.Date, CostLine: newLine(0)}
		for _, s := range r.sessions {
			if s.Date.After(li.ck.Date) {
				r.addCost(&since.CostLine, s)
			}
		}
		since.finish(0)
		r.out.Cost.SinceImprovement = &since
		f.Since, f.SinceDef = &since, li.def
		nums["sessions_since_improvement"] = float64(since.Sessions)
	}
	title, detail := costWords(f)
	r.add(Finding{Code: CodeCost, Title: title,
		Detail: detail, Evidence: Evidence{Numbers: nums, Amounts: amounts}}, 0)
}

// solvedBy credits each solved goal (closed in scope) to the therapist of the
// last session in scope that addressed it on or before the day it closed.
func (r *run) solvedBy() map[int64]int {
	out := map[int64]int{}
	for _, g := range r.goalList {
		if g.Status != upshot.GoalSolved || g.Closed.IsZero() || r.afterToday(g.Closed) {
			continue
		}
		if !r.opt.Since.IsZero() && g.Closed.Before(r.opt.Since) {
			continue
		}
		// The credit goes by every session, not only those in scope: a
		// review of one therapist must not claim a goal that the person went
		// on to work on, and solve, with another.
		end := firstOnOrAfter(r.allSessions, g.Closed.AddDays(1))
		for i := end - 1; i >= 0; i-- {
			s := r.allSessions[i]
			if slices.ContainsFunc(s.Goals, func(gp upshot.GoalProgress) bool { return gp.GoalID == g.ID }) {
				if _, inScope := r.byTherapist[s.TherapistID]; inScope {
					out[s.TherapistID]++
				}
				break
			}
		}
	}
	return out
}

func (r *run) hasOutcomeMeasures() bool {
	for _, id := range r.instruments {
		if id != focusID && len(r.checkins[id]) > 0 {
			return true
		}
	}
	return false
}

// moneyWords writes amounts per currency in a fixed order: "4160 EUR and 300 GBP".
func moneyWords(m map[string]upshot.Money) string {
	if len(m) == 0 {
		return "no fees"
	}
	cs := make([]string, 0, len(m))
	for c := range m {
		cs = append(cs, c)
	}
	slices.Sort(cs)
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = amountWords(m[c].String(), c)
	}
	return strings.Join(parts, " and ")
}
