package review

import (
	"github.com/upshot-app/upshot/internal/instrument"
)

// pairOutcome is NHS Talking Therapies' judgement of a course on PHQ-9 and
// GAD-7 together: a case at baseline when either scale is at caseness;
// recovery when, from a case, both are below caseness at the end; reliable
// improvement when at least one falls reliably and neither rises reliably;
// reliable deterioration when either rises reliably; reliable recovery when
// both recovery and reliable improvement hold.
type pairOutcome struct {
	phq, gad                   instrument.Outcome
	baseCase, recovered        bool
	improved, deteriorated     bool
	phqPts, gadPts             []scored
	sessions                   []int64
	phqDef, gadDef             *instrument.Definition
	phqBaseCase, gadBaseCase   bool
	phqLatestCase, gadLatestCa bool
}

func isCase(d *instrument.Definition, total int) bool {
	c := d.IsCase(total)
	return c != nil && *c
}

func (r *run) judgePair(c course, phq, gad []scored) pairOutcome {
	p := pairOutcome{phqPts: phq, gadPts: gad, phqDef: phq[len(phq)-1].def, gadDef: gad[len(gad)-1].def}
	p.phq = outcome(p.phqDef, phq[0].score, phq[len(phq)-1].score)
	p.gad = outcome(p.gadDef, gad[0].score, gad[len(gad)-1].score)
	p.phqBaseCase, p.gadBaseCase = isCase(p.phqDef, phq[0].score.Total), isCase(p.gadDef, gad[0].score.Total)
	p.phqLatestCase, p.gadLatestCa = isCase(p.phqDef, phq[len(phq)-1].score.Total), isCase(p.gadDef, gad[len(gad)-1].score.Total)
	p.baseCase = p.phqBaseCase || p.gadBaseCase
	p.recovered = p.baseCase && !p.phqLatestCase && !p.gadLatestCa
	p.deteriorated = p.phq.Change.Reliable == instrument.Deterioration || p.gad.Change.Reliable == instrument.Deterioration
	p.improved = !p.deteriorated && (p.phq.Change.Reliable == instrument.Improvement || p.gad.Change.Reliable == instrument.Improvement)
	from, to := phq[0].ck.Date, phq[len(phq)-1].ck.Date
	if gad[0].ck.Date.Before(from) {
		from = gad[0].ck.Date
	}
	if gad[len(gad)-1].ck.Date.After(to) {
		to = gad[len(gad)-1].ck.Date
	}
	p.sessions = sessionIDsBetween(c.sessions, from, to)
	return p
}

// pairReliable reports whether the pair shows a reliable change in the
// course, which says more than "no reliable improvement" on one scale.
func (r *run) pairReliable(c course) bool {
	phq, gad := coursePoints(r.checkins[phqID], c), coursePoints(r.checkins[gadID], c)
	if len(phq) < 2 || len(gad) < 2 {
		return false
	}
	p := r.judgePair(c, phq, gad)
	return p.deteriorated || p.improved && (len(p.sessions) > 0 || len(c.sessions) == 0)
}

// scaleFact is one scale's change as a plain fact, never under the NHS
// name: "your PHQ-9 fell from 16 on ... to 7 on ..., a reliable fall, and
// below its cut-off".
func scaleFact(d *instrument.Definition, pts []scored, o instrument.Outcome) string {
	first, last := pts[0], pts[len(pts)-1]
	s := "your " + d.Label() + " " + moved(o.Change.Delta) + " from " + itoa(first.score.Total) + " on " + first.ck.Date.String() +
		" to " + itoa(last.score.Total) + " on " + last.ck.Date.String()
	switch o.Change.Reliable {
	case instrument.Improvement:
		s += ", a reliable improvement (" + sizeWords(d) + ")"
	case instrument.Deterioration:
		s += ", a reliable worsening (" + sizeWords(d) + ")"
	default:
		s += ", not a reliable change (" + sizeWords(d) + ")"
	}
	bc, lc := isCase(d, first.score.Total), isCase(d, last.score.Total)
	switch {
	case bc && !lc:
		s += "; it fell below its cut-off (" + cutoffWords(d) + ")"
	case bc && lc:
		s += "; it is still in " + d.Caseness.RangeName() + " (" + cutoffWords(d) + ")"
	case !bc && lc:
		s += "; it rose into " + d.Caseness.RangeName() + " (" + cutoffWords(d) + ")"
	}
	return s
}

// pairFindings applies the NHS Talking Therapies outcomes to PHQ-9 and GAD-7
// together. Each finding states both scales' changes as facts.
func (r *run) pairFindings(c course, who []int64, phq, gad []scored) {
	p := r.judgePair(c, phq, gad)
	facts := "Your records show " + scaleFact(p.phqDef, phq, p.phq) + "; and " + scaleFact(p.gadDef, gad, p.gad) + "."
	rule := " NHS Talking Therapies judges PHQ-9 and GAD-7 together: a case at the start if either is at its cut-off; recovery when both are below it at the end; " +
		"reliable improvement when at least one improves reliably and neither worsens reliably; reliable deterioration when either worsens reliably."
	nums := func() map[string]float64 {
		return map[string]float64{
			"phq9_baseline": float64(phq[0].score.Total), "phq9_latest": float64(phq[len(phq)-1].score.Total), "phq9_change": float64(p.phq.Change.Delta),
			"gad7_baseline": float64(gad[0].score.Total), "gad7_latest": float64(gad[len(gad)-1].score.Total), "gad7_change": float64(p.gad.Change.Delta),
			"sessions": float64(len(p.sessions)),
		}
	}
	ev := func() Evidence {
		return Evidence{Sessions: p.sessions, CheckIns: []int64{phq[0].ck.ID, phq[len(phq)-1].ck.ID, gad[0].ck.ID, gad[len(gad)-1].ck.ID}, Numbers: nums()}
	}
	during := r.duringWho(who)
	dosed := len(p.sessions) > 0 || len(c.sessions) == 0
	subject := -1 // before the single scales
	// The scores and the rule are told once, in the first finding; the
	// others say only what they add.
	told := false
	tell := func() string {
		if told {
			return ""
		}
		told = true
		return " " + facts + rule
	}
	if p.deteriorated {
		r.add(credit(Finding{Code: CodeReliableDeterioration, Instrument: pairID,
			Title:    "PHQ-9 and GAD-7: reliable deterioration",
			Detail:   "By the NHS Talking Therapies definitions, your scores show a reliable deterioration" + during + "." + tell(),
			Evidence: ev()}, who), subject)
	}
	if !dosed {
		return
	}
	if p.improved {
		r.add(credit(Finding{Code: CodeReliableImprovement, Instrument: pairID,
			Title:    "PHQ-9 and GAD-7: reliable improvement",
			Detail:   "By the NHS Talking Therapies definitions, your scores show a reliable improvement" + during + "." + tell(),
			Evidence: ev()}, who), subject)
	}
	if p.recovered {
		lasts := " The change is not a reliable one on either scale, so it is worth watching whether it lasts."
		if p.improved {
			lasts = " With the reliable improvement, this is also a reliable recovery."
		}
		now := " Now your PHQ-9 is " + itoa(phq[len(phq)-1].score.Total) + " (" + cutoffWords(p.phqDef) + ") and your GAD-7 " + itoa(gad[len(gad)-1].score.Total) +
			" (" + cutoffWords(p.gadDef) + ")."
		r.add(credit(Finding{Code: CodeRecovery, Instrument: pairID,
			Title:    "PHQ-9 and GAD-7: recovery",
			Detail:   "By the NHS Talking Therapies definitions, your scores show a recovery" + during + ": at least one was at its cut-off at the start and both are below it now." + now + lasts + tell(),
			Evidence: ev()}, who), subject)
		if p.improved {
			r.add(credit(Finding{Code: CodeReliableRecovery, Instrument: pairID,
				Title:    "PHQ-9 and GAD-7: reliable recovery",
				Detail:   "By the NHS Talking Therapies definitions, your scores show a reliable recovery" + during + ": a recovery together with a reliable improvement.",
				Evidence: ev()}, who), subject)
		}
	}
}
