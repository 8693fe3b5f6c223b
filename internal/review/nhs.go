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

// scaleChangeOf is one scale's change over a course as the wording needs
// it: the scores, their dates, whether the change is reliable and whether
// each score is in the clinical range.
func scaleChangeOf(d *instrument.Definition, pts []scored, o instrument.Outcome) scaleChange {
	first, last := pts[0], pts[len(pts)-1]
	return scaleChange{Def: d, From: first.score.Total, To: last.score.Total, FromDate: first.ck.Date, ToDate: last.ck.Date,
		Delta: o.Change.Delta, Reliable: o.Change.Reliable,
		CaseFrom: isCase(d, first.score.Total), CaseTo: isCase(d, last.score.Total)}
}

// pairFindings applies the NHS Talking Therapies outcomes to PHQ-9 and GAD-7
// together. Each finding states both scales' changes as facts.
func (r *run) pairFindings(c course, who []int64, phq, gad []scored) {
	p := r.judgePair(c, phq, gad)
	f := pairFacts{PHQ: scaleChangeOf(p.phqDef, phq, p.phq), GAD: scaleChangeOf(p.gadDef, gad, p.gad),
		During: r.duringWho(who), Improved: p.improved}
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
	dosed := len(p.sessions) > 0 || len(c.sessions) == 0
	subject := -1 // before the single scales
	// The scores and the rule are told once, in the first finding; the
	// others say only what they add (a reliable recovery never tells them:
	// a recovery before it has).
	told := false
	add := func(code Code) {
		fc := f
		fc.Tell = !told && code != CodeReliableRecovery
		told = told || fc.Tell
		title, detail := pairWords(code, fc)
		r.add(credit(Finding{Code: code, Instrument: pairID, Title: title, Detail: detail, Evidence: ev()}, who), subject)
	}
	if p.deteriorated {
		add(CodeReliableDeterioration)
	}
	if !dosed {
		return
	}
	if p.improved {
		add(CodeReliableImprovement)
	}
	if p.recovered {
		add(CodeRecovery)
		if p.improved {
			add(CodeReliableRecovery)
		}
	}
}
