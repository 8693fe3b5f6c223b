package review

import (
	"strings"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Wording. A rule decides what the records show and hands over the facts
// (names, counts, averages, dates, the settings applied); the sentences a
// finding says are made here, in one place, so that wording can be reviewed,
// and one day translated, without reading or touching a rule. Wording
// informs and never diagnoses: "your records show", not "you have".
//
// Every finding's sentences are made here, and so are the verdict, what is
// going well and what to bring to the next session.

// qualityAverage is a conduct quality's average over the recent sessions.
type qualityAverage struct {
	Quality string
	Average float64
}

// qualityFall is a conduct quality's average before and in the recent
// sessions.
type qualityFall struct {
	Quality         string
	Earlier, Recent float64
}

func conductConcernWords(name string, recent int, low []qualityAverage, concernMax float64) (title, detail string) {
	rated := make([]string, len(low))
	for i, q := range low {
		rated[i] = q.Quality + " " + num(q.Average, 1)
	}
	return "Low ratings of " + name + "'s conduct",
		"In your " + lastSessions(recent) + " with " + name + ", you rated " + joinAnd(rated) +
			" on average, on a scale of 1 to 5. A concern is reported at " + num(concernMax, 1) + " or below."
}

func conductTrendWords(name string, recent int, fell []qualityFall, drop float64) (title, detail string) {
	falls := make([]string, len(fell))
	for i, q := range fell {
		falls[i] = q.Quality + " from " + num(q.Earlier, 1) + " to " + num(q.Recent, 1)
	}
	return "Ratings of " + name + "'s conduct falling",
		"Your ratings of " + name + " fell from your earlier sessions to your " + lastSessions(recent) + ": " + joinAnd(falls) +
			" (1 to 5). A fall of " + num(drop, 1) + " or more is reported."
}

// flagCount is how many sessions carried one kind of red flag.
type flagCount struct {
	Flag     string
	Sessions int
}

func flagCounts(counts []flagCount) string {
	kinds := make([]string, len(counts))
	for i, c := range counts {
		kinds[i] = quote(upshot.FlagLabels[c.Flag]) + " in " + itoa(c.Sessions)
	}
	return joinAnd(kinds)
}

// redFlagFacts is what red_flags found with one therapist: a pattern in the
// recent sessions, or else one spread over a long window, and boundary
// crossings at any time. A part that did not fire is empty.
type redFlagFacts struct {
	Name string
	// The recent pattern: Flagged of the last Window sessions carried a
	// flag, reported at MinSessions.
	Flagged, Window, MinSessions int
	Kinds                        []flagCount
	Long                         *longFlagFacts
	Boundaries                   []upshot.Date
}

// longFlagFacts is the long-window part: Sessions sessions flagged with a
// slow pattern within Days days, From to To, reported at MinSessions; Notes
// are the person's own notes on them, dated.
type longFlagFacts struct {
	Days, Sessions, MinSessions int
	From, To                    upshot.Date
	Kinds                       []flagCount
	Notes                       []datedNote
}

type datedNote struct {
	Date upshot.Date
	Text string
}

func redFlagWords(f redFlagFacts) (title, detail string) {
	var parts []string
	if f.Flagged > 0 {
		parts = append(parts, "You recorded a red flag in "+itoa(f.Flagged)+" of your last "+plural(f.Window, "session")+" with "+f.Name+": "+
			flagCounts(f.Kinds)+" (reported at "+itoa(f.MinSessions)+" or more sessions with any flag).")
	}
	if l := f.Long; l != nil {
		part := "Within " + itoa(l.Days) + " days (" + l.From.String() + " to " + l.To.String() + ") you recorded with " + f.Name + " " +
			flagCounts(l.Kinds) + " sessions: " + itoa(l.Sessions) + " sessions, reported at " + itoa(l.MinSessions) + " or more even when they are spread out."
		if len(l.Notes) > 0 {
			notes := make([]string, len(l.Notes))
			for i, n := range l.Notes {
				notes[i] = n.Date.String() + ": \"" + n.Text + "\""
			}
			part += " Your notes on those sessions: " + strings.Join(notes, "; ") + "."
		}
		parts = append(parts, part)
	}
	if len(f.Boundaries) > 0 {
		dates := make([]string, len(f.Boundaries))
		for i, d := range f.Boundaries {
			dates[i] = d.String()
		}
		parts = append(parts, "You recorded that "+f.Name+" "+quote(upshot.FlagLabels[upshot.FlagBoundary])+" on "+joinAnd(dates)+
			"; a boundary crossing is reported even once.")
	}
	return "Red flags with " + f.Name, strings.Join(parts, " ")
}

// noExpertiseWords: in hit of the last recent sessions the person got
// nothing new (none of them) or an opinion asked for was withheld (withheld
// of them).
func noExpertiseWords(name string, hit, recent, none, withheld, minCount int) (title, detail string) {
	var why []string
	if none > 0 {
		why = append(why, "you got nothing new ("+plural(none, "session")+")")
	}
	if withheld > 0 {
		why = append(why, "an opinion you asked for was withheld ("+plural(withheld, "session")+")")
	}
	return "Little professional input lately",
		"In " + itoa(hit) + " of your last " + plural(recent, "session") + " with " + name + " your records show that " + joinOr(why) +
			". You pay for informed input; this is reported at " + itoa(minCount) + " or more sessions."
}

func worseAfterWords(name string, worse, recent, minCount int) (title, detail string) {
	return "Feeling worse after sessions",
		"You recorded feeling worse after " + itoa(worse) + " of your last " + plural(recent, "session") + " with " + name +
			" (reported at " + itoa(minCount) + " or more)."
}

func lowHelpfulnessWords(name string, recent, ratings int, average, lowMax float64) (title, detail string) {
	return "Sessions rated unhelpful",
		"You rated your " + lastSessions(recent) + " with " + name + " " + num(average, 1) + " out of 10 for how helpful they were, on average (" +
			plural(ratings, "rating") + "). Your own verdict counts, whatever the scores say; this is reported at " + num(lowMax, 1) + " or below."
}

// goalSum is the progress recorded for one goal, summed.
type goalSum struct {
	Title string
	Sum   int
}

func goalsWorseningWords(name string, recent int, worse []goalSum) (title, detail string) {
	goals := make([]string, len(worse))
	for i, g := range worse {
		goals[i] = quote(g.Title) + " " + signed(g.Sum)
	}
	return "Goals moving the wrong way",
		"In your " + lastSessions(recent) + " with " + name + ", the progress you recorded went the wrong way: " + joinAnd(goals) +
			" (summed from -3 to +3 per session)."
}

// frequencyWords: first and recent are sessions per 28 days in a course's
// first and latest three months.
func frequencyWords(name string, first, recent, rise float64) (title, detail string) {
	return "Sessions becoming more frequent",
		"In the latest three months with " + name + " you had " + num(recent, 1) + " sessions per 28 days, against " + num(first, 1) +
			" in the first three months, while you recorded flags about relying on them or being pushed to more sessions. A rise to " + num(rise, 2) + " times the start is reported."
}

// staleWords: the latest check-in (of labels) is from latest, after sessions
// sessions (withWho names the therapists when several are in scope) and days
// days.
func staleWords(labels []string, latest upshot.Date, sessions int, withWho string, days, needSessions, needDays int) (title, detail string) {
	return "Your latest scores are old",
		"Your latest check-in (" + joinAnd(labels) + ") is from " + latest.String() + ": " + plural(sessions, "session") + withWho +
			" and " + plural(days, "day") + " ago. The review judges the therapy on that old score; answering " + joinAnd(labels) +
			" now shows where you are. Reported at " + itoa(needSessions) + " sessions or " + itoa(needDays) + " days."
}

// focusFacts is a therapist's focus split: the relationship+therapist share
// of the first and the recent sessions and the life share of the recent
// ones (0-1). Works names what shows the therapy working for the person
// ("" when nothing does); then a relationship-heavy focus is for
// information.
type focusFacts struct {
	Name                string
	First, Recent       int
	FirstRel, RecentRel float64
	RecentLife          float64
	Works               string
	MinShare, MinRise   int
}

func (f focusFacts) lastWords() string {
	return "In your " + lastSessions(f.Recent) + " with " + f.Name
}

func (f focusFacts) worksWords() string {
	if f.Works == "" {
		return ""
	}
	return " Your records also show this therapy working for you (" + f.Works + "), and that is the test: this is for your information, not a concern."
}

func driftWords(f focusFacts) (title, detail string) {
	return "Sessions drifting to the relationship",
		f.lastWords() + ", " + pct(f.RecentRel) + " of the time went to your relationship with them or to them talking about themselves, up from " +
			pct(f.FirstRel) + " in your first " + itoa(f.First) + ". Drift is reported at " + itoa(f.MinShare) + "% or more and at least " +
			itoa(f.MinRise) + " points above the start." + f.worksWords()
}

func centredWords(f focusFacts) (title, detail string) {
	return "Relationship ahead of your life",
		f.lastWords() + ", more of the time went to your relationship with them or to them (" + pct(f.RecentRel) +
			") than to your own life and problems (" + pct(f.RecentLife) + ")." + f.worksWords()
}

// goalProgressWords lists the progress recorded per goal.
func goalProgressWords(goals []GoalSummary) (title, detail string) {
	var parts []string
	for _, g := range goals {
		parts = append(parts, quote(g.Title)+" "+signed(g.Progress)+" over "+plural(g.ProgressRecorded, "session"))
	}
	return "Progress on your goals", "The progress you recorded, summed from -3 to +3 per session: " + strings.Join(parts, "; ") + "."
}

// neglectFacts is an open goal that has not come up in the last Since
// sessions with a therapist: it was last addressed on Last, or (when zero)
// has not been since it first came up on FirstUp or was set on Opened.
type neglectFacts struct {
	Goal, Name            string
	Since                 int
	Ended                 bool // the therapy has ended: said in the past
	Last, FirstUp, Opened upshot.Date
}

func goalNeglectedWords(f neglectFacts) (title, detail string) {
	title, verb := "A goal has not come up lately", " has not come up in your "
	if f.Ended {
		title, verb = "A goal that did not come up", " did not come up in your "
	}
	when := "since you set it on " + f.Opened.String()
	switch {
	case !f.Last.IsZero():
		when = "last addressed on " + f.Last.String()
	case f.FirstUp.Before(f.Opened):
		when = "since it first came up on " + f.FirstUp.String()
	}
	return title, "Your goal " + quote(f.Goal) + verb + lastSessions(f.Since) + " with " + f.Name + " (" + when + ")."
}

// scaleChange is one scale's change from the first score of a course to the
// latest.
type scaleChange struct {
	Def              *instrument.Definition
	From, To, Delta  int
	FromDate, ToDate upshot.Date
	// Reliable is instrument.Improvement, Deterioration or NoChange.
	Reliable string
	// CaseFrom and CaseTo: the first and latest scores are in the clinical
	// range.
	CaseFrom, CaseTo bool
}

// words is the change as a plain fact, never under the NHS name: "your PHQ-9
// fell from 16 on ... to 7 on ..., a reliable improvement (...); it fell
// below its cut-off (...)".
func (c scaleChange) words() string {
	d := c.Def
	s := "your " + d.Label() + " " + moved(c.Delta) + " from " + itoa(c.From) + " on " + c.FromDate.String() +
		" to " + itoa(c.To) + " on " + c.ToDate.String()
	switch c.Reliable {
	case instrument.Improvement:
		s += ", a reliable improvement (" + sizeWords(d) + ")"
	case instrument.Deterioration:
		s += ", a reliable worsening (" + sizeWords(d) + ")"
	default:
		s += ", not a reliable change (" + sizeWords(d) + ")"
	}
	switch {
	case c.CaseFrom && !c.CaseTo:
		s += "; it fell below its cut-off (" + cutoffWords(d) + ")"
	case c.CaseFrom && c.CaseTo:
		s += "; it is still in " + d.Caseness.RangeName() + " (" + cutoffWords(d) + ")"
	case !c.CaseFrom && c.CaseTo:
		s += "; it rose into " + d.Caseness.RangeName() + " (" + cutoffWords(d) + ")"
	}
	return s
}

// pairFacts is what the NHS Talking Therapies rules found on PHQ-9 and GAD-7
// together in one course.
type pairFacts struct {
	PHQ, GAD scaleChange
	During   string // whose sessions, when there are several (duringWho)
	Improved bool   // a reliable improvement too
	// Tell: this finding is the first about the pair, which tells both
	// scales' changes and the rule.
	Tell bool
}

// pairWords words code's finding about the pair: reliable deterioration,
// reliable improvement, recovery or reliable recovery.
func pairWords(code Code, f pairFacts) (title, detail string) {
	tell := ""
	if f.Tell {
		tell = " Your records show " + f.PHQ.words() + "; and " + f.GAD.words() + "." +
			" NHS Talking Therapies judges PHQ-9 and GAD-7 together: a case at the start if either is at its cut-off; recovery when both are below it at the end; " +
			"reliable improvement when at least one improves reliably and neither worsens reliably; reliable deterioration when either worsens reliably."
	}
	const by = "By the NHS Talking Therapies definitions, your scores show "
	switch code {
	case CodeReliableDeterioration:
		return "PHQ-9 and GAD-7: reliable deterioration", by + "a reliable deterioration" + f.During + "." + tell
	case CodeReliableImprovement:
		return "PHQ-9 and GAD-7: reliable improvement", by + "a reliable improvement" + f.During + "." + tell
	case CodeRecovery:
		lasts := " The change is not a reliable one on either scale, so it is worth watching whether it lasts."
		if f.Improved {
			lasts = " With the reliable improvement, this is also a reliable recovery."
		}
		now := " Now your PHQ-9 is " + itoa(f.PHQ.To) + " (" + cutoffWords(f.PHQ.Def) + ") and your GAD-7 " + itoa(f.GAD.To) +
			" (" + cutoffWords(f.GAD.Def) + ")."
		return "PHQ-9 and GAD-7: recovery", by + "a recovery" + f.During + ": at least one was at its cut-off at the start and both are below it now." + now + lasts + tell
	case CodeReliableRecovery:
		return "PHQ-9 and GAD-7: reliable recovery", by + "a reliable recovery" + f.During + ": a recovery together with a reliable improvement." + tell
	}
	panic("review: no pair wording for " + string(code))
}

// costFacts is what the records say the therapy has cost.
type costFacts struct {
	Names       []string // the therapists, in the review's order
	Total       CostLine
	GoalsSolved int
	// Since is the cost since the latest reliable (or, for WHO-5,
	// meaningful) improvement, by the scale SinceDef; nil when there is
	// none.
	Since    *CostSince
	SinceDef *instrument.Definition
	// OutcomeMeasures: some outcome questionnaire is recorded.
	OutcomeMeasures bool
}

func costWords(f costFacts) (title, detail string) {
	total := f.Total
	detail = "Your records show " + plural(total.Sessions, "session") + " with " + joinAnd(f.Names) + ": " + num(total.Hours, 1) + " hours"
	if len(total.Money) > 0 {
		detail += " and " + moneyWords(total.Money) + " in fees"
	} else {
		detail += ", with no fees recorded"
	}
	var notes []string
	if total.SessionsAtUsualFee > 0 {
		notes = append(notes, plural(total.SessionsAtUsualFee, "session")+" without a fee recorded costed at the therapist's usual fee")
	}
	if total.SessionsWithoutFee > 0 && len(total.Money) > 0 {
		notes = append(notes, plural(total.SessionsWithoutFee, "session")+" without a fee recorded and no usual fee")
	}
	if len(notes) > 0 {
		detail += " (" + strings.Join(notes, "; ") + ")"
	}
	detail += "."
	if f.GoalsSolved > 0 {
		detail += " That is " + moneyWords(total.PerGoalSolved) + " per goal solved (" + plural(f.GoalsSolved, "goal") + ")."
	}
	if since := f.Since; since != nil {
		improved := f.SinceDef.Label() + " was last " + changeWord(f.SinceDef) + "ly better on " + since.Date.String()
		if since.Sessions == 0 {
			detail += " Your " + improved + ", after your latest session."
		} else {
			detail += " Since your " + improved + ": " + plural(since.Sessions, "session") + ", " + num(since.Hours, 1) + " hours, " + moneyWords(since.Money) + "."
		}
	} else if f.OutcomeMeasures {
		detail += " No reliable (or, for WHO-5, meaningful) improvement is recorded in this period."
	}
	return "What it has cost", detail
}

// The outcome findings of one questionnaire.

// safetyWords points to the safety notice (checkin.SafetyNotice), the one
// text about it.
func safetyWords(date upshot.Date) (title, detail string) {
	return "Support is there for you", "Please read the note about support shown with this review first. It is about your check-in on " + date.String() + "."
}

// outcomeFacts is a questionnaire's change over a course.
type outcomeFacts struct {
	scaleChange
	Change          instrument.Change
	WithWho, During string // whose sessions, when there are several (withWho, duringWho)
	// Alone: PHQ-9 or GAD-7 recorded without the other, so the NHS rule is
	// applied to it alone.
	Alone            bool
	ReliableRecovery bool
}

func (f outcomeFacts) alone() string {
	if !f.Alone {
		return ""
	}
	return " NHS Talking Therapies judges PHQ-9 and GAD-7 together; only your " + f.Def.Label() + " is recorded here, so the rule is applied to it alone."
}

// from is "PHQ-9 score fell from 16 on ... to 7 on ..." and whose sessions.
func (f outcomeFacts) from() string {
	return f.Def.Label() + " score " + moved(f.Delta) + " from " + itoa(f.From) + " on " + f.FromDate.String() +
		" to " + itoa(f.To) + " on " + f.ToDate.String() + f.During
}

// changeWords words a meaningful or reliable improvement or deterioration.
func changeWords(code Code, f outcomeFacts) (title, detail string) {
	d, label := f.Def, f.Def.Label()
	const worse = " Your records show it getting worse, not better."
	switch code {
	case CodeMeaningfulImprovement:
		return label + " meaningfully better", "Your " + f.from() + ": " + meaningfulWhy(d, f.Change) + " " + directionNote(d)
	case CodeReliableImprovement:
		return label + " reliably better", "Your " + f.from() + ": " + reliableWhy(d, f.Change) + " " + directionNote(d) + f.alone()
	case CodeMeaningfulDeterioration:
		return label + " meaningfully worse", "Your " + f.from() + ": " + meaningfulWhy(d, f.Change) + " " + directionNote(d) + worse
	case CodeReliableDeterioration:
		return label + " reliably worse", "Your " + f.from() + ": " + reliableWhy(d, f.Change) + " " + directionNote(d) + worse + f.alone()
	}
	panic("review: no change wording for " + string(code))
}

// recoveryWords words a recovery or a reliable recovery.
func recoveryWords(code Code, f outcomeFacts) (title, detail string) {
	d, label := f.Def, f.Def.Label()
	rng := d.Caseness.RangeName()
	outOfRange := "Your " + label + " score was in " + rng + " at the start (" + itoa(f.From) + " on " + f.FromDate.String() + "; " + cutoffWords(d) +
		") and is not now (" + itoa(f.To) + " on " + f.ToDate.String() + ")"
	if code == CodeReliableRecovery {
		return label + ": reliable recovery",
			outOfRange + ", and the change is reliable" + f.During + ". " + recoveryRule(d, "reliable recovery") + "." + f.alone()
	}
	lasts := ". The change is smaller than a reliable change (" + sizeWords(d) + "), so it is worth watching whether it lasts."
	if f.ReliableRecovery {
		lasts = ". The change is also a reliable one (" + sizeWords(d) + "): see reliable recovery."
	}
	return label + " out of " + rng, outOfRange + f.During + ". " + recoveryRule(d, "recovery") + lasts + f.alone()
}

// noImprovementWords: a score in the clinical range at the start has not
// improved after sessions of the course (need is the setting), the latest
// score sessionsSince sessions old.
func noImprovementWords(f outcomeFacts, sessions, need, sessionsSince int) (title, detail string) {
	d, label := f.Def, f.Def.Label()
	old := ""
	if sessionsSince > 0 {
		old = " Your latest score is old: " + plural(sessionsSince, "session") + " have been since. Answering " + label + " again would show where you are now."
		if sessionsSince == 1 {
			old = " Your latest score is from before your latest session. Answering " + label + " again would show where you are now."
		}
	}
	word := changeWord(d)
	return "No " + word + " improvement yet on " + label,
		"Your " + label + " score was in " + d.Caseness.RangeName() + " at the start (" + itoa(f.From) + " on " + f.FromDate.String() + "). After " +
			plural(sessions, "session") + f.WithWho + ", your latest score is " + itoa(f.To) + " (on " + f.ToDate.String() + "): not a " + word + " improvement (" + sizeWords(d) + "). " +
			"About half of people improve reliably within " + itoa(need) + " sessions (Howard et al. 1986), so this is worth talking about." + old
}

// offTrackFacts is how far the latest score is behind the expected course.
type offTrackFacts struct {
	Sessions               int // in the course up to the latest score
	Expected, Behind, Size float64
	ExpectedSessions       int     // the setting expected_sessions_to_improve
	Margin, MarginSetting  float64 // in points, and as the setting gives it (reliable changes)
	Improve                float64 // the improvement expected by now; 0 from a start outside the clinical range
}

func offTrackWords(f outcomeFacts, o offTrackFacts) (title, detail string) {
	d, label := f.Def, f.Def.Label()
	course := "the expected course would bring your " + label + " from " + itoa(f.From) + " to about " + num(o.Expected, 1) +
		" (a straight line to a reliable improvement of " + num(o.Size, 1) + " points by session " + itoa(o.ExpectedSessions) + ")"
	if o.Improve == 0 {
		course = "the expected course would keep your " + label + " about where it started, " + itoa(f.From) +
			" (outside " + d.Caseness.RangeName() + ": " + cutoffWords(d) + ")"
	}
	return label + " behind the expected course",
		"After " + plural(o.Sessions, "session") + f.WithWho + ", " + course + ". Your latest score, " + itoa(f.To) + " on " + f.ToDate.String() + ", is " + num(o.Behind, 1) +
			" points worse than that course; off track means more than " + num(o.Margin, 1) + " points worse (" + num(o.MarginSetting, 2) + " of a reliable change)."
}

// itemMove is a focus-check item whose answer moved the worse way.
type itemMove struct{ Text, From, To string }

// focusMeanings says in words what a worse answer on each focus-check item
// shows.
var focusMeanings = map[string]string{
	"focus_free_time": "more of your free time went to thinking about your therapist or the relationship",
	"focus_put_off":   "you put off acting on problems in your life to bring them to therapy first",
	focusLifeItem:     "your life outside therapy got less of the attention it needs",
}

// focusMeaning says what a worse answer on a focus-check item shows.
func focusMeaning(item, text string) string {
	if m, ok := focusMeanings[item]; ok {
		return m
	}
	return "your answer to \"" + text + "\" moved the worse way"
}

func preoccupationWords(c scaleChange, during string, moves []itemMove, meanings []string) (title, detail string) {
	answers := make([]string, len(moves))
	for i, m := range moves {
		answers[i] = "\"" + m.Text + "\" went from \"" + m.From + "\" to \"" + m.To + "\""
	}
	return "Therapy taking up more of your life",
		"Your focus check went from " + itoa(c.From) + " on " + c.FromDate.String() + " to " + itoa(c.To) + " on " + c.ToDate.String() + during +
			" (a rise of " + sizeWords(c.Def) + " counts). Your answers to " + joinAnd(answers) + ". Your records show that " + joinAnd(meanings) +
			". The focus check is self-monitoring, not a validated scale."
}

// The words the outcome findings share.

// changeWord is "reliable", or "meaningful" for a scale whose change size is
// a meaningful change (WHO-5).
func changeWord(d *instrument.Definition) string {
	if _, ok := meaningfulSource[d.ID]; ok {
		return "meaningful"
	}
	return "reliable"
}

// recoveryRule names the rule a recovery finding applies: NHS Talking
// Therapies' own for the measures it uses, and the same rule applied to this
// scale's cut-off for any other.
func recoveryRule(d *instrument.Definition, what string) string {
	if d.ID == "phq9" || d.ID == "gad7" {
		return "By the NHS Talking Therapies definition this is " + what
	}
	return "This is " + what + " by the NHS Talking Therapies rule, applied here to this questionnaire's own cut-off"
}

// meaningfulWhy explains why a change counts as meaningful.
func meaningfulWhy(d *instrument.Definition, c instrument.Change) string {
	return "a change of " + itoa(abs(c.Delta)) + " points, where " + sizeWords(d) + " is a meaningful change (" + meaningfulSource[d.ID] +
		"). This scale has no recovery rule."
}

// reliableWhy explains why a change counts as reliable.
func reliableWhy(d *instrument.Definition, c instrument.Change) string {
	if c.RCI != nil {
		return "a reliable change by the Jacobson-Truax index (" + num(*c.RCI, 2) + "; beyond 1.96 either way counts)."
	}
	return "a change of " + itoa(abs(c.Delta)) + " points, where " + sizeWords(d) + " counts as reliable (more than measurement noise)."
}

func sizeWords(d *instrument.Definition) string {
	return num(d.ReliableChangeSize(), 1) + " points or more"
}

func directionNote(d *instrument.Definition) string {
	if d.Direction == instrument.HigherIsBetter {
		return "Higher is better on this scale."
	}
	return "Lower is better on this scale."
}

func cutoffWords(d *instrument.Definition) string {
	if d.Caseness == nil {
		return ""
	}
	if d.Caseness.Op == "<=" {
		return d.Caseness.RangeName() + " is " + itoa(d.Caseness.Value) + " or less"
	}
	return d.Caseness.RangeName() + " is " + itoa(d.Caseness.Value) + " or more"
}

func moved(delta int) string {
	switch {
	case delta < 0:
		return "fell"
	case delta > 0:
		return "rose"
	}
	return "stayed"
}

// Going well: what the records show working, a line each.

// wellOutcome is an improvement as "going well" says it.
type wellOutcome struct {
	Label    string  // the questionnaire
	With     string  // the therapist, when there are several
	From, To float64 // the first and latest scores
	OutOf    string  // the range the score is out of now, when it is
}

func (o wellOutcome) with() string {
	if o.With == "" {
		return ""
	}
	return " with " + o.With
}

func (o wellOutcome) out() string {
	if o.OutOf == "" {
		return ""
	}
	return ", and is out of " + o.OutOf + " now"
}

func (o wellOutcome) pairImproved() string {
	return "Your PHQ-9 and GAD-7 show a reliable improvement by the NHS Talking Therapies definitions" + o.with() + o.out() + "."
}

func (o wellOutcome) meaningful() string {
	return "Your " + o.Label + " score improved meaningfully" + o.with() + ", from " + num(o.From, 0) + " to " + num(o.To, 0) + "."
}

func (o wellOutcome) reliable() string {
	return "Your " + o.Label + " score improved reliably" + o.with() + ", from " + num(o.From, 0) + " to " + num(o.To, 0) + o.out() + "."
}

func (o wellOutcome) outOfRange() string {
	return "Your " + o.Label + " score is out of " + o.OutOf + " now" + o.with() + "."
}

func wellGoalSolved(title string) string { return "You solved your goal " + quote(title) + "." }

func wellGoalMoving(title string, progress, sessions int) string {
	return "Your goal " + quote(title) + " has moved " + signed(progress) + " over your latest " + plural(sessions, "session") + " that addressed it."
}

func wellLifeFocus(name string, sessions int, lifeShare float64) string {
	return "In your " + lastSessions(sessions) + " with " + name + ", " + pct(lifeShare) + " of the time went to your own life and problems."
}

func wellConduct(name string) string {
	return "You rated " + name + "'s conduct 4 or more out of 5 on average in recent sessions."
}

func wellNoFlags(name string, sessions int) string {
	return "No red flags in your " + lastSessions(sessions) + " with " + name + "."
}

func wellFeltBetter(name string, better, sessions int) string {
	return "You felt better after " + itoa(better) + " of your last " + plural(sessions, "session") + " with " + name + "."
}

func wellGotInput(name string, input, sessions int) string {
	return "You took something concrete (insight, a new view, a strategy or a skill) from " + itoa(input) + " of your last " + plural(sessions, "session") + " with " + name + "."
}

// The verdict: the review in a sentence or three.

// Short phrases for the verdict, one per code.
var verdictWords = map[Code]string{
	CodeReliableDeterioration: "scores reliably worse",
	CodeRelationshipDrift:     "sessions drifting to the relationship",
	CodeRelationshipCentred:   "the relationship ahead of your life",
	CodeConductConcern:        "low conduct ratings",
	CodeRedFlags:              "red flags",
	CodeWorseAfter:            "feeling worse after sessions",
	CodeNoReliableImprovement: "no reliable improvement yet",
	CodeOffTrack:              "scores behind the expected course",
	CodeGoalNeglected:         "goals not coming up",
	CodeNoExpertise:           "little professional input",
	CodeConductTrend:          "falling conduct ratings",
	CodePreoccupationRising:   "therapy taking up more of your life",

	CodeMeaningfulDeterioration: "wellbeing meaningfully worse",
	CodeMeasuresStale:           "scores too old to judge by",
	CodeFrequencyRising:         "sessions becoming more frequent",
	CodeLowHelpfulness:          "sessions rated unhelpful",
	CodeGoalsWorsening:          "goals moving the wrong way",
	CodeAgendaUnresolved:        "something you raised not dealt with",
}

func nothingYetWords(safety bool) string {
	if safety {
		return "Please read the note about support first."
	}
	return "There is nothing to review yet: log your sessions and a check-in or two."
}

// goodOutcomeWords is one improvement for the verdict: "reliable recovery
// on PHQ-9 and GAD-7 with Dr. B" (with: the therapist, when there are
// several).
func goodOutcomeWords(code Code, labels []string, with string) string {
	words := map[Code]string{CodeReliableImprovement: "reliable improvement on ", CodeMeaningfulImprovement: "meaningful improvement on ", CodeReliableRecovery: "reliable recovery on "}
	phrase := words[code] + joinAnd(labels)
	if with != "" {
		phrase += " with " + with
	}
	return phrase
}

// verdictGroup is the verdictWords phrases of one therapist's findings
// (With empty: one therapist, not named); Ended says how an ended therapy
// ended.
type verdictGroup struct {
	With, Ended string
	Phrases     []string
}

// verdictFacts is what the verdict tells: the concerns of the therapy going
// on, what is worth keeping an eye on, what is helping, the concerns of
// therapies that have ended, and whether the safety notice is shown.
type verdictFacts struct {
	Concerns, Past  []verdictGroup
	Attention, Good []string
	Safety          bool
}

func verdictSentences(f verdictFacts) string {
	var concerns, past []string
	for _, g := range f.Concerns {
		if g.With == "" {
			concerns = append(concerns, joinAnd(g.Phrases))
		} else {
			concerns = append(concerns, "with "+g.With+": "+joinAnd(g.Phrases))
		}
	}
	for _, g := range f.Past {
		past = append(past, "with "+g.With+" ("+g.Ended+"), your records showed "+joinAnd(g.Phrases))
	}
	good, attention := f.Good, f.Attention
	var v string
	switch {
	case len(concerns) > 0:
		v = "Your records show concerns worth raising"
		if strings.HasPrefix(concerns[0], "with ") {
			v += " " + strings.Join(concerns, "; ") + "."
		} else {
			v += ": " + strings.Join(concerns, "; ") + "."
		}
		if len(good) > 0 {
			v += " Also: " + joinAnd(good) + "."
		}
	case len(attention) > 0:
		v = "No concerns in your records; worth keeping an eye on: " + joinAnd(attention) + "."
		if len(good) > 0 {
			v += " Also: " + joinAnd(good) + "."
		}
	case len(good) > 0:
		v = "Your records show this therapy helping: " + joinAnd(good) + "."
	case len(past) > 0:
		// Only history to tell: say it plainly, without implying a
		// therapy going on when there may be none.
		v = "W" + strings.TrimPrefix(strings.Join(past, "; "), "w") + "."
	default:
		v = "No concerns in your records so far."
	}
	if len(past) > 0 && (len(concerns) > 0 || len(attention) > 0 || len(good) > 0) {
		v += " Earlier, " + strings.Join(past, "; ") + "."
	}
	if f.Safety {
		v = "Please read the note about support first. " + v
	}
	return v
}

// What to bring to the next session: an item each. with names the
// therapist when several therapies go on ("" otherwise).

func withWords(with string) string {
	if with == "" {
		return ""
	}
	return " with " + with
}

func agendaSafetyWords() string {
	return "Tell your therapist or your doctor about the difficult thoughts in your latest check-in, so they can support you with them."
}

func agendaStaleWords(labels []string) string {
	return "Answer " + joinAnd(labels) + " now, before your next session: your latest scores are too old to tell how you are."
}

func agendaGoalWords(title, with string, sessionsSince int) string {
	return "Bring up " + quote(title) + withWords(with) + ": it has not come up in your " + lastSessions(sessionsSince) + "."
}

// agendaPlanWords is the one item for scores that got worse (worse names
// the questionnaires) and feeling worse after sessions.
func agendaPlanWords(worse []string, worseAfter bool) string {
	switch {
	case len(worse) > 0 && worseAfter:
		return "Say that you feel worse after sessions and that your " + joinAnd(worse) + " scores have got worse, and ask what the plan is."
	case len(worse) > 0:
		return "Say that your " + joinAnd(worse) + " scores have got worse and ask what the plan is."
	}
	return "Say that you feel worse after sessions and ask what the plan is."
}

func agendaBackToProblemsWords(with string) string {
	return "Ask to bring the sessions" + withWords(with) + " back to the problems you came with."
}

func agendaBoundaryWords() string {
	return "Consider talking to someone outside this therapy about the boundary you recorded being crossed: a second opinion, or the therapist's professional body."
}

// agendaFlagsWords: flags are the labels of the red flags recorded.
func agendaFlagsWords(name string, flags []string) string {
	quoted := make([]string, len(flags))
	for i, f := range flags {
		quoted[i] = quote(f)
	}
	return "Tell " + name + " that you recorded " + joinAnd(quoted) + " in recent sessions, and say what you need instead."
}

func agendaRelyingWords(name string) string {
	return "Tell " + name + " what you recorded about relying on them or being kept from other help, and say what you need instead."
}

func agendaConductWords(name string, qualities []string) string {
	return "Tell " + name + " how the sessions have felt to you (you rated " + joinAnd(qualities) + " low) and what you need from them."
}

func agendaWorseFromAGoodStartWords(label string, from, to float64, with string) string {
	return "Ask what is behind your " + label + " getting worse, from " + num(from, 0) + " to " + num(to, 0) + withWords(with) + ", and what the plan is."
}

func agendaWithheldWords() string {
	return "Ask for the direct professional opinion you asked for and did not get."
}

func agendaSuggestWords(name string) string {
	return "Ask " + name + " what they suggest you do about the problems you came with."
}

func agendaConductFallWords(qualities []string) string {
	return "Say what has changed for you in the sessions lately: your ratings of " + joinAnd(qualities) + " have fallen."
}

// agendaPreoccupiedWords: what is the focus check's meaning (focusMeaning).
func agendaPreoccupiedWords(what string) string {
	return "Say that your focus check shows that " + what + ", and ask how to turn the attention back to your life."
}

func agendaUnhelpfulWords(name string, average float64) string {
	return "Tell " + name + " that the sessions have not felt helpful lately (you rated them " + num(average, 1) + " of 10), and ask what could change."
}

func agendaGoalsWorseningWords(with string) string {
	return "Say that your goals have been moving the wrong way lately" + withWords(with) + ", and ask what the plan is."
}

// agendaNotImprovedWords is one question for the questionnaires (labels)
// that have not improved after sessions sessions; openGoals are the titles
// of the open goals.
func agendaNotImprovedWords(sessions int, with string, openGoals, labels []string) string {
	connect, has := " connect to ", " has"
	if sessions == 1 {
		connect = " connects to "
	}
	if len(labels) > 1 {
		has = " have"
	}
	goals := "your goals"
	if len(openGoals) == 1 {
		goals = "your goal " + quote(openGoals[0])
	}
	return "Ask how the " + lastSessions(sessions) + withWords(with) + connect + goals + ": your " + joinAnd(labels) + has + " not improved reliably yet."
}

func agendaHelpingWords() string {
	return "Say what has been helping, so you can keep building on it."
}

func secondOpinionWords() string {
	return "Consider a second opinion from another professional: bring the report (upshot report -o report.html), which holds your scores, your session records and these findings."
}

// agendaUnresolvedFacts is what agenda_unresolved found about one item of
// the person's own agenda.
type agendaUnresolvedFacts struct {
	Name    string // the therapist it was last raised with
	Text    string
	Raised  int
	Min     int
	Dropped upshot.Date // when the person dropped it; zero while open
}

func agendaUnresolvedWords(f agendaUnresolvedFacts) (title, detail string) {
	detail = "You raised " + quote(f.Text) + " at " + plural(f.Raised, "session") + " with " + f.Name +
		" and did not record it as dealt with (reported at " + itoa(f.Min) + " or more)."
	if !f.Dropped.IsZero() {
		detail += " You dropped it on " + f.Dropped.String() + "."
	} else {
		detail += " It goes first on your agenda for the next session."
	}
	return "Something you raised has not been dealt with", detail
}

func agendaAgainWords(text string, raised int) string {
	return "Raise " + quote(text) + " again, first: you have raised it " + times(raised) + " and it has not been dealt with yet."
}

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return itoa(n) + " times"
}

// endWords says how a course ended: on its recorded end date, or when its
// last session was.
func endWords(recorded bool, end, last upshot.Date) string {
	if recorded {
		return "ended " + end.String()
	}
	return "last session " + last.String()
}

// pairRangeName names the range past the cut-offs of PHQ-9 and GAD-7 taken
// as the NHS Talking Therapies pair.
const pairRangeName = "the clinical range"

// worksWords says what shows a course working: goals moving by progress,
// conduct rated conduct (of 5) on average and better after better of the
// recent sessions.
func worksWords(progress int, conduct float64, better, recent int) string {
	return "a reliable improvement, goals moving " + signed(progress) + ", conduct rated " + num(conduct, 1) +
		" of 5 and feeling better after " + itoa(better) + " of your " + lastSessions(recent)
}

// amountWords is an amount with its currency, or a note that none was set.
func amountWords(amount, currency string) string {
	if currency == NoCurrency {
		return amount + " (currency not set)"
	}
	return amount + " " + currency
}

// withNames names the therapists an outcome was with (" with A and B").
func withNames(names []string) string {
	return withWords(joinAnd(names))
}

// duringWords says whose sessions an outcome belongs to when there are
// several therapists.
func duringWords(names []string) string {
	w := " during your sessions" + withNames(names)
	if len(names) > 1 {
		w += " (the therapies overlapped)"
	}
	return w
}

// pastTitle marks a finding about a therapy that has ended, naming the
// therapist unless the title does already.
func pastTitle(title, name, ended string) string {
	if !strings.Contains(title, name) {
		ended = name + ", " + ended
	}
	return title + " (" + ended + ")"
}

// unnamedGoal and unnamedTherapist stand for a record without a name.
func unnamedGoal(id int64) string      { return "goal #" + itoa(id) }
func unnamedTherapist(id int64) string { return "therapist #" + itoa(id) }
