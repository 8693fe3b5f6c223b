// Package review answers the question Upshot exists for: is this therapy
// working for me? Run reads everything a person recorded (a Snapshot) and
// returns findings with evidence, summaries for charts, and what to bring to
// the next session.
//
// The review is a pure function: no I/O, no clock, no randomness. The same
// records, settings and options always give the same Review, so a finding can
// be checked by hand against the numbers it cites. Every threshold is a named
// setting (upshot.SettingDefs) with its source; settings_used lists the ones
// applied.
//
// Severities, chosen so that the order of a review is the order of what
// matters to the person:
//
//   - urgent: safety (thoughts of self-harm in the latest PHQ-9).
//   - concern: reliable_deterioration, meaningful_deterioration,
//     relationship_drift, relationship_centred, conduct_concern, red_flags,
//     worse_after: the records show harm or the pattern the product warns
//     about.
//   - attention: measures_stale, no_reliable_improvement, off_track,
//     goal_neglected, no_expertise, conduct_trend, frequency_rising,
//     preoccupation_rising, low_helpfulness, goals_worsening,
//     agenda_unresolved: worth raising,
//     not yet a sign of harm.
//   - info: reliable_improvement, recovery, reliable_recovery,
//     meaningful_improvement, goal_progress, cost.
//
// Wording informs and never diagnoses: "your records show", not "you have".
package review

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Severity is how pressing a finding is. It is a type of its own so that a
// mistyped severity is a compile error rather than a finding that sorts and
// renders as nothing; its JSON form is the plain string.
type Severity string

// Severities, from least to most pressing.
const (
	Info      Severity = "info"
	Attention Severity = "attention"
	Concern   Severity = "concern"
	Urgent    Severity = "urgent"
)

// Severities lists them in the order a review shows them.
var Severities = []Severity{Urgent, Concern, Attention, Info}

// Code names what a finding is about. Like Severity, it is typed so that a
// mistyped code does not compile; its JSON form is the plain string.
type Code string

// Finding codes. Their order here is the stable order of findings that share
// a severity.
const (
	CodeSafety                Code = "safety"
	CodeReliableImprovement   Code = "reliable_improvement"
	CodeReliableDeterioration Code = "reliable_deterioration"
	CodeRecovery              Code = "recovery"
	CodeReliableRecovery      Code = "reliable_recovery"
	CodeNoReliableImprovement Code = "no_reliable_improvement"
	CodeOffTrack              Code = "off_track"
	CodeRelationshipDrift     Code = "relationship_drift"
	CodeRelationshipCentred   Code = "relationship_centred"
	CodeGoalNeglected         Code = "goal_neglected"
	CodeGoalProgress          Code = "goal_progress"
	CodeNoExpertise           Code = "no_expertise"
	CodeConductConcern        Code = "conduct_concern"
	CodeConductTrend          Code = "conduct_trend"
	CodeRedFlags              Code = "red_flags"
	CodePreoccupationRising   Code = "preoccupation_rising"
	CodeWorseAfter            Code = "worse_after"
	CodeCost                  Code = "cost"
	// Codes added with the course model (issue 10).
	CodeMeaningfulImprovement   Code = "meaningful_improvement"
	CodeMeaningfulDeterioration Code = "meaningful_deterioration"
	CodeMeasuresStale           Code = "measures_stale"
	CodeFrequencyRising         Code = "frequency_rising"
	CodeLowHelpfulness          Code = "low_helpfulness"
	CodeGoalsWorsening          Code = "goals_worsening"
	// Added with the person's own agenda (issue 14).
	CodeAgendaUnresolved Code = "agenda_unresolved"
)

// Codes lists every finding code in stable order.
var Codes = []Code{
	CodeSafety, CodeMeasuresStale, CodeReliableImprovement, CodeReliableDeterioration, CodeRecovery, CodeReliableRecovery,
	CodeMeaningfulImprovement, CodeMeaningfulDeterioration, CodeNoReliableImprovement, CodeOffTrack, CodeRelationshipDrift, CodeRelationshipCentred,
	CodeGoalNeglected, CodeGoalProgress, CodeNoExpertise, CodeConductConcern, CodeConductTrend,
	CodeRedFlags, CodeFrequencyRising, CodePreoccupationRising, CodeWorseAfter, CodeLowHelpfulness, CodeGoalsWorsening, CodeAgendaUnresolved, CodeCost,
}

// SeverityOf is the severity of each code (see the package comment).
// relationship_drift and relationship_centred are info instead when the
// records show that course working: the test is whether it works for you.
var SeverityOf = map[Code]Severity{
	CodeSafety:                Urgent,
	CodeReliableImprovement:   Info,
	CodeReliableDeterioration: Concern,
	CodeRecovery:              Info,
	CodeReliableRecovery:      Info,
	CodeNoReliableImprovement: Attention,
	CodeOffTrack:              Attention,
	CodeRelationshipDrift:     Concern,
	CodeRelationshipCentred:   Concern,
	CodeGoalNeglected:         Attention,
	CodeGoalProgress:          Info,
	CodeNoExpertise:           Attention,
	CodeConductConcern:        Concern,
	CodeConductTrend:          Attention,
	CodeRedFlags:              Concern,
	CodePreoccupationRising:   Attention,
	CodeWorseAfter:            Concern,
	CodeCost:                  Info,

	CodeMeaningfulImprovement:   Info,
	CodeMeaningfulDeterioration: Concern,
	CodeMeasuresStale:           Attention,
	CodeFrequencyRising:         Attention,
	CodeLowHelpfulness:          Attention,
	CodeGoalsWorsening:          Attention,
	CodeAgendaUnresolved:        Attention,
}

// Options scope a review.
type Options struct {
	// Today bounds "now": check-ins after it are ignored, an ongoing
	// therapist's check-in window ends here, and a therapist whose end date
	// is on or before it is finished. Zero means no bound.
	Today upshot.Date
	// TherapistID limits the review to one therapist; 0 reviews all.
	TherapistID int64
	// Since ignores sessions and check-ins before it; zero keeps all.
	Since upshot.Date
}

// Review is the whole answer. Its JSON form is a contract read by the web app,
// the report and scripts.
type Review struct {
	Today        upshot.Date                   `json:"today"`
	Scope        Scope                         `json:"scope"`
	Safety       *SafetyNotice                 `json:"safety"`
	Verdict      string                        `json:"verdict"`
	Findings     []Finding                     `json:"findings"`
	GoingWell    []string                      `json:"going_well"`
	Measures     []Measure                     `json:"measures"`
	Focus        FocusSummary                  `json:"focus"`
	Goals        []GoalSummary                 `json:"goals"`
	Conduct      []ConductSummary              `json:"conduct"`
	Flags        []FlagSummary                 `json:"flags"`
	Cost         CostSummary                   `json:"cost"`
	Agenda       []string                      `json:"agenda"`
	SettingsUsed map[upshot.SettingName]string `json:"settings_used"`
}

// Scope says what the review covered.
type Scope struct {
	TherapistID int64          `json:"therapist_id,omitempty"`
	Since       upshot.Date    `json:"since"`
	Sessions    int            `json:"sessions"`
	CheckIns    int            `json:"checkins"`
	Therapists  []TherapistRef `json:"therapists"`
}

// TherapistRef names a therapist in scope, in the order they were first seen.
type TherapistRef struct {
	ID      int64       `json:"id"`
	Name    string      `json:"name"`
	First   upshot.Date `json:"first_session"`
	Last    upshot.Date `json:"last_session"`
	Ended   upshot.Date `json:"ended"`
	Current bool        `json:"current"`
}

// SafetyNotice goes first on every surface when the latest PHQ-9 check-in
// carries the safety item. Text is checkin.SafetyNotice, the one wording
// every surface shows (it says Upshot is not a crisis service); it holds no
// scores, by safe-messaging practice.
type SafetyNotice struct {
	Text           string `json:"text"`
	CrisisContacts string `json:"crisis_contacts"`
	CheckInID      int64  `json:"checkin_id"`
	Date           string `json:"date"`
}

// Finding is one thing the records show.
type Finding struct {
	Code        Code     `json:"code"`
	Severity    Severity `json:"severity"`
	Title       string   `json:"title"`
	Detail      string   `json:"detail"`
	TherapistID int64    `json:"therapist_id,omitempty"`
	// TherapistIDs names overlapping therapies an outcome is credited to
	// together (therapist_id is then left out).
	TherapistIDs []int64 `json:"therapist_ids,omitempty"`
	Instrument   string  `json:"instrument,omitempty"`
	GoalID       int64   `json:"goal_id,omitempty"`
	// AgendaItemID names the agenda item an agenda_unresolved finding is about.
	AgendaItemID int64    `json:"agenda_item_id,omitempty"`
	Evidence     Evidence `json:"evidence"`
	// Past is set on a finding about a therapy that has ended: history to
	// learn from rather than something to raise at a next session.
	Past bool `json:"past,omitempty"`
}

// Evidence is what a finding rests on: the records and the numbers, so that
// a person can check it against their own entries.
type Evidence struct {
	Sessions    []int64            `json:"sessions"`
	CheckIns    []int64            `json:"checkins"`
	Numbers     map[string]float64 `json:"numbers"`
	TherapistID int64              `json:"therapist_id,omitempty"`
	// Amounts holds the money among Numbers (money_EUR, the cost finding's)
	// as exact decimal strings with two decimals, under the same names: a
	// number is read into a float by most clients. Left out when no number
	// is money.
	Amounts map[string]string `json:"amounts,omitempty"`
}

// Anchor is the finding's anchor on the review page and in the report
// ("finding-red_flags-1"), unique in a review: the comparison of therapists
// links each of its cells to the findings it rests on by it.
func (f Finding) Anchor() string {
	id := "finding-" + string(f.Code)
	if f.TherapistID != 0 {
		id += "-" + strconv.FormatInt(f.TherapistID, 10)
	}
	if f.Instrument != "" {
		id += "-" + f.Instrument
	}
	if f.GoalID != 0 {
		id += "-g" + strconv.FormatInt(f.GoalID, 10)
	}
	return id
}

// Run reviews the snapshot. It never fails: records it cannot interpret (a
// check-in whose definition is missing) are left out and listed as unscored
// in the measure they belong to.
func Run(s *upshot.Snapshot, reg *instrument.Registry, opt Options) *Review {
	r := newRun(s, reg, opt)
	r.scope()
	r.measures()
	r.safety()
	r.outcomes()
	r.stale()
	r.focus()
	r.goals()
	r.therapistFindings()
	r.agendaItems()
	r.cost()
	r.finish()
	return r.out
}

// ranked carries the hidden keys of the stable order.
type ranked struct {
	Finding
	therapistRank int
	subject       int
	seq           int
}

// add records a finding; subject orders findings of one code and therapist
// (instrument order, goal id).
func (r *run) add(f Finding, subject int) {
	// A code's severity is fixed, except that a rule may lower it where the
	// records say so (a relationship-heavy focus in a course that works).
	if f.Severity == "" {
		f.Severity = SeverityOf[f.Code]
	}
	f.Evidence.TherapistID = f.TherapistID
	if f.Evidence.Sessions == nil {
		f.Evidence.Sessions = []int64{}
	}
	if f.Evidence.CheckIns == nil {
		f.Evidence.CheckIns = []int64{}
	}
	if f.Evidence.Numbers == nil {
		f.Evidence.Numbers = map[string]float64{}
	}
	// A finding about a therapy that has ended says so where it is read
	// first, so nobody takes it for the state of their current therapy.
	if f.Past = r.past(f); f.Past {
		f.Title = pastTitle(f.Title, r.name(f.TherapistID), r.endWords(f.TherapistID))
	}
	rank := r.therapistRank[f.TherapistID] // 0 for findings about no one therapist
	r.found = append(r.found, ranked{Finding: f, therapistRank: rank, subject: subject, seq: len(r.found)})
}

// past reports whether f is about a therapy that has ended. A score measured
// after the end and its grace period belongs to now, even when the only
// therapist in scope (whose course then holds every check-in) has ended.
func (r *run) past(f Finding) bool {
	if !r.ended(f.TherapistID) {
		return false
	}
	c := r.courseOf[f.TherapistID]
	limit := c.To
	if c.EndRecorded || limit.IsZero() {
		limit = c.End.AddDays(checkInGraceDays)
	}
	for _, id := range f.Evidence.CheckIns {
		if r.checkinDate[id].After(limit) {
			return false
		}
	}
	return true
}

func severityRank(s Severity) int { return slices.Index(Severities, s) }

// sortFindings puts safety first, then severity, then code order, therapist
// order and subject, so equal records always read the same.
func sortFindings(fs []ranked) {
	slices.SortStableFunc(fs, func(a, b ranked) int {
		return cmp.Or(
			cmp.Compare(boolRank(a.Code != CodeSafety), boolRank(b.Code != CodeSafety)),
			cmp.Compare(severityRank(a.Severity), severityRank(b.Severity)),
			cmp.Compare(slices.Index(Codes, a.Code), slices.Index(Codes, b.Code)),
			cmp.Compare(a.therapistRank, b.therapistRank),
			cmp.Compare(a.subject, b.subject),
			cmp.Compare(a.seq, b.seq),
		)
	})
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// intSetting and floatSetting read a threshold and record that it was applied.
func (r *run) intSetting(name upshot.SettingName) int {
	n := r.settings.Int(name)
	r.out.SettingsUsed[name] = strconv.Itoa(n)
	return n
}

func (r *run) floatSetting(name upshot.SettingName) float64 {
	f := r.settings.Float(name)
	r.out.SettingsUsed[name] = strconv.FormatFloat(f, 'g', -1, 64)
	return f
}
