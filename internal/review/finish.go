package review

import (
	"slices"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// maxAgenda keeps "what to bring to the next session" to what fits in one
// session; maxNeglectedOnAgenda leaves room for the questions.
const (
	maxAgenda            = 6
	maxNeglectedOnAgenda = 3
	maxGoingWell         = 8
)

func (r *run) finish() {
	sortFindings(r.found)
	r.out.Findings = make([]Finding, len(r.found))
	for i, f := range r.found {
		r.out.Findings[i] = f.Finding
	}
	r.goingWell()
	r.agenda()
	r.verdict()
}

func (r *run) verdict() {
	if len(r.sessions) == 0 && r.out.Scope.CheckIns == 0 {
		r.out.Verdict = nothingYetWords(r.out.Safety != nil)
		return
	}
	// Concerns are grouped by therapist when there are several, so the
	// verdict says whose work they are about. A therapy that has ended is
	// told in the past tense, after the present: its concerns are history
	// to learn from, not something to raise at a next session.
	var attention []string
	concernsOf, pastOf := map[int64][]string{}, map[int64][]string{}
	var concernOrder, pastOrder []int64
	for _, f := range r.out.Findings {
		switch {
		case f.Severity == Concern && f.Past:
			if _, ok := pastOf[f.TherapistID]; !ok {
				pastOrder = append(pastOrder, f.TherapistID)
			}
			pastOf[f.TherapistID] = appendNew(pastOf[f.TherapistID], verdictWords[f.Code])
		case f.Severity == Concern:
			who := int64(0)
			if r.multi() {
				who = f.TherapistID
			}
			if _, ok := concernsOf[who]; !ok {
				concernOrder = append(concernOrder, who)
			}
			concernsOf[who] = appendNew(concernsOf[who], verdictWords[f.Code])
		case f.Severity == Attention && !f.Past:
			attention = appendNew(attention, verdictWords[f.Code])
		}
	}
	f := verdictFacts{Attention: attention, Good: r.goodOutcomes(), Safety: r.out.Safety != nil}
	for _, who := range concernOrder {
		g := verdictGroup{Phrases: concernsOf[who]}
		if who != 0 {
			g.With = r.name(who)
		}
		f.Concerns = append(f.Concerns, g)
	}
	for _, who := range pastOrder {
		f.Past = append(f.Past, verdictGroup{With: r.name(who), Ended: r.endWords(who), Phrases: pastOf[who]})
	}
	r.out.Verdict = verdictSentences(f)
}

// ended reports whether id is a therapist in scope whose therapy has ended.
func (r *run) ended(id int64) bool {
	_, inScope := r.byTherapist[id]
	return inScope && !r.current[id]
}

// goodOutcomes phrases the improvements for the verdict, grouped so a
// recovery on three measures is one phrase: "reliable recovery on PHQ-9 and
// GAD-7 with Dr. B". A reliable recovery includes the improvement, so an
// instrument is named once, under the stronger word.
func (r *run) goodOutcomes() []string {
	type key struct {
		therapist  int64
		instrument string
	}
	best := map[key]Code{}
	var order []key
	// Only a reliable (or, for WHO-5, meaningful) improvement with sessions
	// between the scores counts as the therapy helping: a recovery without
	// one may be a one-point crossing of a cut-off.
	strength := map[Code]int{CodeMeaningfulImprovement: 1, CodeReliableImprovement: 2, CodeReliableRecovery: 3}
	for _, f := range r.out.Findings {
		if strength[f.Code] == 0 {
			continue
		}
		k := key{f.TherapistID, f.Instrument}
		if _, ok := best[k]; !ok {
			order = append(order, k)
		}
		if strength[f.Code] > strength[best[k]] {
			best[k] = f.Code
		}
	}
	var out []string
	for _, code := range []Code{CodeReliableRecovery, CodeReliableImprovement, CodeMeaningfulImprovement} {
		var therapists []int64
		names := map[int64][]string{}
		for _, k := range order {
			if best[k] != code {
				continue
			}
			if _, ok := names[k.therapist]; !ok {
				therapists = append(therapists, k.therapist)
			}
			names[k.therapist] = append(names[k.therapist], r.label(k.instrument))
		}
		for _, t := range therapists {
			with := ""
			if r.multi() && t != 0 {
				with = r.name(t)
			}
			out = append(out, goodOutcomeWords(code, names[t], with))
		}
	}
	return out
}

func appendNew(list []string, s string) []string {
	if s == "" || slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}

func (r *run) label(instrumentID string) string {
	if instrumentID == pairID {
		return joinAnd([]string{r.label(phqID), r.label(gadID)})
	}
	if i, ok := r.measureAt[instrumentID]; ok {
		return r.out.Measures[i].ShortName
	}
	return instrumentID
}

// rangeName names the range past an instrument's cut-off ("the clinical
// range").
func (r *run) rangeName(instrumentID string) string {
	if instrumentID == pairID {
		return pairRangeName
	}
	if i, ok := r.measureAt[instrumentID]; ok {
		return r.out.Measures[i].CaseCutoff.RangeName()
	}
	return (*instrument.Caseness)(nil).RangeName()
}

// goingWell says plainly what the records show working. Lines about one
// therapist are left out when that therapist has a concern finding, so good
// news never softens a warning about the same work.
func (r *run) goingWell() {
	add := func(s string) {
		if len(r.out.GoingWell) < maxGoingWell {
			r.out.GoingWell = appendNew(r.out.GoingWell, s)
		}
	}
	concern := map[int64]bool{}
	for _, f := range r.out.Findings {
		if f.Severity == Concern && f.TherapistID != 0 {
			concern[f.TherapistID] = true
		}
	}
	// One line per course: a reliable improvement's line also says the
	// score is out of the clinical range when it is, so the recovery line
	// is for a recovery without one.
	recovered, improved := map[[2]string]bool{}, map[[2]string]bool{}
	for _, f := range r.out.Findings {
		key := [2]string{itoa(f.TherapistID), f.Instrument}
		switch f.Code {
		case CodeRecovery, CodeReliableRecovery:
			recovered[key] = true
		case CodeReliableImprovement:
			improved[key] = true
		}
	}
	for _, f := range r.out.Findings {
		o := wellOutcome{Label: r.label(f.Instrument)}
		if r.multi() && f.TherapistID != 0 {
			o.With = r.name(f.TherapistID)
		}
		n, key := f.Evidence.Numbers, [2]string{itoa(f.TherapistID), f.Instrument}
		o.From, o.To = n["baseline"], n["latest"]
		if recovered[key] {
			o.OutOf = r.rangeName(f.Instrument)
		}
		switch {
		case f.Code == CodeReliableImprovement && f.Instrument == pairID:
			add(o.pairImproved())
			continue
		case f.Code == CodeMeaningfulImprovement:
			add(o.meaningful())
			continue
		}
		switch f.Code {
		case CodeReliableImprovement:
			add(o.reliable())
		case CodeRecovery:
			if !improved[key] {
				o.OutOf = r.rangeName(f.Instrument)
				add(o.outOfRange())
			}
		}
	}
	for _, g := range r.out.Goals {
		if g.Status == upshot.GoalSolved && !g.Closed.IsZero() && (r.opt.Since.IsZero() || !g.Closed.Before(r.opt.Since)) && g.SessionsAddressed > 0 {
			add(wellGoalSolved(g.Title))
		}
	}
	// Progress is going well only when it is recent, and never for a goal
	// the review also reports as not coming up.
	neglected := map[int64]bool{}
	for _, f := range r.out.Findings {
		if f.Code == CodeGoalNeglected {
			neglected[f.GoalID] = true
		}
	}
	recentProgress, recentCount := map[int64]int{}, map[int64]int{}
	for _, s := range lastN(r.sessions, r.settings.Int(upshot.SettingRecentWindow)) {
		for _, gp := range s.Goals {
			if gp.Progress != nil {
				recentProgress[gp.GoalID] += *gp.Progress
				recentCount[gp.GoalID]++
			}
		}
	}
	for _, g := range r.out.Goals {
		if p := recentProgress[g.ID]; p > 0 && g.Status == upshot.GoalOpen && !neglected[g.ID] {
			add(wellGoalMoving(g.Title, p, recentCount[g.ID]))
		}
	}
	if len(r.sessions) == 0 {
		return
	}
	recentN := r.settings.Int(upshot.SettingRecentWindow)
	minShare := r.settings.Int(upshot.SettingDriftMinShare)
	for _, w := range r.out.Focus.Therapists {
		if concern[w.TherapistID] || len(w.RecentSessions) < recentN {
			continue
		}
		if w.RecentRelationship*100 < float64(minShare) && w.RecentLife >= 0.5 {
			add(wellLifeFocus(r.name(w.TherapistID), len(w.RecentSessions), w.RecentLife))
		}
	}
	for _, c := range r.out.Conduct {
		if concern[c.TherapistID] || len(c.Qualities) == 0 {
			continue
		}
		// Going well: something was rated in the recent sessions, and
		// every quality rated there averages 4 or more.
		rated, good := false, true
		for _, q := range c.Qualities {
			if q.RecentAverage != nil {
				rated = true
				good = good && *q.RecentAverage >= 4
			}
		}
		if rated && good {
			add(wellConduct(r.name(c.TherapistID)))
		}
	}
	flagWindow := r.settings.Int(upshot.SettingRedFlagWindow)
	worseWindow := r.settings.Int(upshot.SettingWorseAfterWindow)
	for _, id := range r.order {
		if concern[id] {
			continue
		}
		ss := r.byTherapist[id]
		if len(ss) >= flagWindow {
			clean := true
			for _, s := range lastN(ss, flagWindow) {
				clean = clean && len(s.Flags) == 0
			}
			if clean {
				add(wellNoFlags(r.name(id), flagWindow))
			}
		}
		recent := lastN(ss, worseWindow)
		better := 0
		for _, s := range recent {
			if s.After == upshot.AfterBetter {
				better++
			}
		}
		if len(recent) >= 2 && better*2 > len(recent) {
			add(wellFeltBetter(r.name(id), better, len(recent)))
		}
		input := 0
		recent = lastN(ss, recentN)
		for _, s := range recent {
			if slices.ContainsFunc(s.Got, func(g string) bool { return g != upshot.GotNone }) {
				input++
			}
		}
		if len(recent) >= 2 && input*2 > len(recent) {
			add(wellGotInput(r.name(id), input, len(recent)))
		}
	}
}

// Agenda priorities: when the agenda is capped, what keeps the person safe
// and what shows harm come before goal reminders.
const (
	prioSafety = iota
	prioUnresolved
	prioStale
	prioRedFlags
	prioConduct
	prioSecondOpinion
	prioHarm
	prioQuestion
	prioGoal
)

// agenda builds what to bring to the next session: a safety word first, then
// answering stale questionnaires, red flags, conduct, a second opinion, the
// questions the findings raise, and goals that have not come up. One item per
// question (questionnaires named together); only current therapists get
// items: an ended therapy has no next session.
func (r *run) agenda() {
	type item struct {
		prio int
		text string
	}
	var items []item
	add := func(prio int, s string) {
		if !slices.ContainsFunc(items, func(i item) bool { return i.text == s }) {
			items = append(items, item{prio, s})
		}
	}
	if r.out.Safety != nil {
		add(prioSafety, agendaSafetyWords())
	}
	// What the person raised again and again and was not dealt with goes
	// first after safety: it is their own question.
	for _, f := range r.out.Findings {
		if f.Code == CodeAgendaUnresolved && r.agendaOpen[f.AgendaItemID] && (f.TherapistID == 0 || r.current[f.TherapistID]) {
			add(prioUnresolved, agendaAgainWords(r.agendaText[f.AgendaItemID], int(f.Evidence.Numbers["raised"])))
		}
	}
	// Stale scores come first: every other question rests on them.
	if len(r.staleLabels) > 0 {
		add(prioStale, agendaStaleWords(r.staleLabels))
	}
	currents := 0
	for _, id := range r.order {
		if r.current[id] {
			currents++
		}
	}
	// with names the therapist when several therapies go on.
	with := func(id int64) string {
		if currents > 1 && id != 0 {
			return r.name(id)
		}
		return ""
	}
	applies := func(f Finding) bool { return f.TherapistID == 0 || r.current[f.TherapistID] }

	neglected := 0
	for _, f := range r.out.Findings {
		if f.Code != CodeGoalNeglected || !applies(f) || neglected == maxNeglectedOnAgenda {
			continue
		}
		neglected++
		add(prioGoal, agendaGoalWords(r.goalTitle(f.GoalID), with(f.TherapistID), int(f.Evidence.Numbers["sessions_since"])))
	}

	// Some findings ask the same question; they share one item.
	var worse []string
	worseAfter := false
	conductLow, withheld := map[int64]bool{}, map[int64]bool{}
	type question struct {
		therapist int64
		sessions  int
	}
	notImproved := map[question][]string{}
	var notImprovedOrder []question
	for _, f := range r.out.Findings {
		if !applies(f) {
			continue
		}
		switch f.Code {
		case CodeReliableDeterioration, CodeMeaningfulDeterioration:
			worse = appendNew(worse, r.label(f.Instrument))
		case CodeWorseAfter:
			worseAfter = true
		case CodeConductConcern:
			conductLow[f.TherapistID] = true
		case CodeNoExpertise:
			withheld[f.TherapistID] = f.Evidence.Numbers["withheld_opinion"] > 0
		}
	}
	planWords := agendaPlanWords(worse, worseAfter)
	for _, f := range r.out.Findings {
		if !applies(f) {
			continue
		}
		n := f.Evidence.Numbers
		switch f.Code {
		case CodeRelationshipDrift, CodeRelationshipCentred:
			if f.Severity != Info {
				add(prioHarm, agendaBackToProblemsWords(with(f.TherapistID)))
			}
		case CodeRedFlags:
			if n[upshot.FlagBoundary+"_ever"] > 0 {
				add(prioRedFlags, agendaBoundaryWords())
			}
			var kinds []string
			for _, fl := range upshot.Flags {
				// The expertise item already asks for the withheld opinion.
				if n[fl] > 0 && !(fl == upshot.FlagWithheldOpinion && withheld[f.TherapistID]) {
					kinds = append(kinds, upshot.FlagLabels[fl])
				}
			}
			if len(kinds) > 0 {
				add(prioRedFlags, agendaFlagsWords(r.name(f.TherapistID), kinds))
			} else if n["long_sessions_flagged"] > 0 {
				add(prioRedFlags, agendaRelyingWords(r.name(f.TherapistID)))
			}
		case CodeConductConcern:
			add(prioConduct, agendaConductWords(r.name(f.TherapistID), qualitiesIn(n, "_recent")))
		case CodeWorseAfter, CodeReliableDeterioration, CodeMeaningfulDeterioration:
			add(prioHarm, planWords)
		case CodeOffTrack:
			if n["expected_improvement"] == 0 {
				// From a good start nothing needed to improve: the point is
				// that it got worse.
				add(prioQuestion, agendaWorseFromAGoodStartWords(r.label(f.Instrument), n["baseline"], n["latest"], with(f.TherapistID)))
				continue
			}
			fallthrough
		case CodeNoReliableImprovement:
			// One question for every questionnaire that has not improved.
			q := question{f.TherapistID, int(n["sessions"])}
			if _, ok := notImproved[q]; !ok {
				notImprovedOrder = append(notImprovedOrder, q)
			}
			notImproved[q] = appendNew(notImproved[q], r.label(f.Instrument))
		case CodeNoExpertise:
			if n["withheld_opinion"] > 0 {
				add(prioQuestion, agendaWithheldWords())
			} else {
				add(prioQuestion, agendaSuggestWords(r.name(f.TherapistID)))
			}
		case CodeConductTrend:
			if conductLow[f.TherapistID] {
				continue // the low-ratings item covers it
			}
			add(prioConduct, agendaConductFallWords(qualitiesIn(n, "_recent")))
		case CodePreoccupationRising:
			if len(r.preoccupied) > 0 {
				add(prioQuestion, agendaPreoccupiedWords(r.preoccupied[0]))
			}
		case CodeLowHelpfulness:
			add(prioQuestion, agendaUnhelpfulWords(r.name(f.TherapistID), n["average"]))
		case CodeGoalsWorsening:
			add(prioQuestion, agendaGoalsWorseningWords(with(f.TherapistID)))
		}
	}
	for _, q := range notImprovedOrder {
		add(prioQuestion, agendaNotImprovedWords(q.sessions, with(q.therapist), r.openGoals(), notImproved[q]))
	}
	if text := r.secondOpinion(); text != "" {
		add(prioSecondOpinion, text)
	}
	if len(items) == 0 && currents > 0 {
		add(prioQuestion, agendaHelpingWords())
	}
	slices.SortStableFunc(items, func(a, b item) int { return a.prio - b.prio })
	r.out.Agenda = make([]string, 0, min(len(items), maxAgenda))
	for _, it := range items[:min(len(items), maxAgenda)] {
		r.out.Agenda = append(r.out.Agenda, it.text)
	}
}

// secondOpinion suggests another professional's view when the records of a
// current therapy show 'discouraged outside', 'dependency' or a boundary
// crossing, or concerns that have lasted second_opinion_sessions sessions.
func (r *run) secondOpinion() string {
	need := r.intSetting(upshot.SettingSecondOpinionSessions)
	bring := secondOpinionWords()
	for _, id := range r.order {
		if !r.current[id] {
			continue
		}
		ss := r.byTherapist[id]
		for _, s := range ss {
			if s.HasFlag(upshot.FlagDiscouragedOutside) || s.HasFlag(upshot.FlagDependency) || s.HasFlag(upshot.FlagBoundary) {
				return bring
			}
		}
		// How long concerns have lasted: from the earliest session a
		// concern about this therapist rests on to the latest session.
		earliest := -1
		for _, f := range r.out.Findings {
			// Drift's evidence includes the first sessions it compares
			// with, which were not a concern.
			if f.TherapistID != id || f.Severity != Concern || f.Code == CodeRelationshipDrift {
				continue
			}
			for _, sid := range f.Evidence.Sessions {
				if i := slices.IndexFunc(ss, func(s *upshot.Session) bool { return s.ID == sid }); i >= 0 && (earliest < 0 || i < earliest) {
					earliest = i
				}
			}
		}
		if earliest >= 0 && len(ss)-earliest >= need {
			return bring
		}
	}
	return ""
}

func (r *run) goalTitle(id int64) string {
	for _, g := range r.goalList {
		if g.ID == id {
			return g.Title
		}
	}
	return unnamedGoal(id)
}

// openGoals lists the titles of the open goals.
func (r *run) openGoals() []string {
	var open []string
	for _, g := range r.goalList {
		if g.Status == upshot.GoalOpen {
			open = append(open, g.Title)
		}
	}
	return open
}

// qualitiesIn lists the conduct qualities named in evidence numbers.
func qualitiesIn(n map[string]float64, suffix string) []string {
	var qs []string
	for _, q := range upshot.Qualities {
		if _, ok := n[q+suffix]; ok {
			qs = append(qs, q)
		}
	}
	return qs
}
