package upshot

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// SettingDef describes one named setting: what it means, its default, the
// values it accepts and where the default comes from. Every review threshold
// is one of these, so no number in the review is an unexplained literal.
type SettingDef struct {
	Name    SettingName `json:"name"`
	Kind    string      `json:"kind"` // "int", "number", "text", "choice" or "time"
	Default string      `json:"default"`
	Choices []string    `json:"choices,omitempty"` // the values a "choice" allows
	Min     float64     `json:"min,omitempty"`
	Max     float64     `json:"max,omitempty"`
	Meaning string      `json:"meaning"`
	Source  string      `json:"source"`
}

const (
	KindInt    = "int"
	KindNumber = "number"
	KindText   = "text"
	KindChoice = "choice" // one of Choices
	KindTime   = "time"   // a time of day, HH:MM (24-hour)
)

// SettingName names a setting. Code reads settings only through these
// typed constants, so a mistyped name is a compile error rather than a panic
// in Settings.Get; text from a person or a file becomes a SettingName only
// through LookupSetting.
type SettingName string

// The settings, in display order (SettingDefs holds their definitions).
const (
	SettingCrisisContacts            SettingName = "crisis_contacts"
	SettingRecentWindow              SettingName = "recent_window"
	SettingFirstWindow               SettingName = "first_window"
	SettingDriftMinShare             SettingName = "drift_min_share"
	SettingDriftMinRise              SettingName = "drift_min_rise"
	SettingGoalNeglectSessions       SettingName = "goal_neglect_sessions"
	SettingNoImprovementSessions     SettingName = "no_improvement_sessions"
	SettingExpectedSessionsToImprove SettingName = "expected_sessions_to_improve"
	SettingOffTrackMargin            SettingName = "off_track_margin"
	SettingInactiveDays              SettingName = "inactive_days"
	SettingBaselineDays              SettingName = "baseline_days"
	SettingStaleSessions             SettingName = "stale_sessions"
	SettingStaleDays                 SettingName = "stale_days"
	SettingFlagLongWindowDays        SettingName = "flag_long_window_days"
	SettingFlagLongMinSessions       SettingName = "flag_long_min_sessions"
	SettingFrequencyRise             SettingName = "frequency_rise"
	SettingHelpfulLowMax             SettingName = "helpful_low_max"
	SettingSecondOpinionSessions     SettingName = "second_opinion_sessions"
	SettingNoExpertiseMin            SettingName = "no_expertise_min"
	SettingConductConcernMax         SettingName = "conduct_concern_max"
	SettingConductTrendDrop          SettingName = "conduct_trend_drop"
	SettingConductTrendMinRatings    SettingName = "conduct_trend_min_ratings"
	SettingRedFlagWindow             SettingName = "red_flag_window"
	SettingRedFlagMinSessions        SettingName = "red_flag_min_sessions"
	SettingWorseAfterWindow          SettingName = "worse_after_window"
	SettingWorseAfterMin             SettingName = "worse_after_min"
	SettingReminderTime              SettingName = "reminder_time"
	SettingCheckinReminder           SettingName = "checkin_reminder"
	SettingCalendarTitles            SettingName = "calendar_titles"
	SettingAgendaUnresolvedRaises    SettingName = "agenda_unresolved_raises"
	SettingTombstoneDays             SettingName = "tombstone_days"
)

// DefaultCrisisContacts is true everywhere, which matters more than being specific.
const DefaultCrisisContacts = "If you are thinking about harming yourself, call your local emergency number or a crisis line now."

// Sources cited by the defaults.
const (
	SourceOurs        = "Upshot's own default (not from a published source); change it to suit you."
	SourceNHS         = "NHS Talking Therapies (formerly IAPT) outcome definitions."
	SourceHoward      = "Howard, Kopta, Krause & Orlinsky (1986), The dose-effect relationship in psychotherapy, Am Psychol 41(2):159-164: about half of clients improve by 8 sessions."
	SourceNHSBaseline = "NHS Talking Therapies takes the first measurement, usually at assessment before treatment, as the baseline; the 30-day limit is Upshot's own default."
	SourceNHSSession  = "NHS Talking Therapies asks for the measures at every session, so that the latest score is never far behind."
	SourceLambert     = "In the spirit of Lambert's expected recovery curves (Lambert et al., OQ-45 feedback research); Upshot's simplified straight-line course."
)

// SettingDefs lists every setting in display order.
var SettingDefs = []SettingDef{
	{Name: SettingCrisisContacts, Kind: KindText, Default: DefaultCrisisContacts,
		Meaning: "Crisis contacts shown with the safety notice. Put your own local lines here, for example: 988 Suicide & Crisis Lifeline (US, call or text 988); Samaritans 116 123 (UK and Ireland).",
		Source:  "Safe-messaging practice: a calm notice that encourages reaching out, with contacts the person chooses."},
	{Name: SettingRecentWindow, Kind: KindInt, Default: "4", Min: 2, Max: 20,
		Meaning: "How many of the latest sessions with a therapist count as 'recent' for the focus, conduct and expertise findings. relationship_centred waits until there are this many sessions with a focus split.", Source: SourceOurs},
	{Name: SettingFirstWindow, Kind: KindInt, Default: "4", Min: 1, Max: 20,
		Meaning: "How many of the first sessions with a therapist set the starting focus share that drift is measured against. relationship_drift waits until there are first_window + recent_window sessions with a focus split, so that the start and the recent sessions do not overlap.", Source: SourceOurs},
	{Name: SettingDriftMinShare, Kind: KindInt, Default: "30", Min: 1, Max: 100,
		Meaning: "relationship_drift: the relationship+therapist share of recent session time (percent) at or above which drift is reported.", Source: SourceOurs},
	{Name: SettingDriftMinRise, Kind: KindInt, Default: "15", Min: 1, Max: 100,
		Meaning: "relationship_drift: how many percentage points the recent share must be above the first sessions' share.", Source: SourceOurs},
	{Name: SettingGoalNeglectSessions, Kind: KindInt, Default: "4", Min: 1, Max: 52,
		Meaning: "goal_neglected: an open goal not addressed in this many latest sessions.", Source: SourceOurs},
	{Name: SettingNoImprovementSessions, Kind: KindInt, Default: "8", Min: 1, Max: 200,
		Meaning: "no_reliable_improvement: sessions after which a case at baseline with no reliable improvement is reported.", Source: SourceHoward},
	{Name: SettingExpectedSessionsToImprove, Kind: KindInt, Default: "8", Min: 2, Max: 200,
		Meaning: "off_track: the session count by which the expected course reaches a reliable improvement, for a score in the clinical range at the start (one outside it is expected to stay where it was); a latest score worse than that course by more than off_track_margin is off track.", Source: SourceLambert + " " + SourceHoward},
	{Name: SettingOffTrackMargin, Kind: KindNumber, Default: "0.5", Min: 0.1, Max: 2,
		Meaning: "off_track: how far, in reliable changes, the latest score must be worse than the expected course (0.5 is half a reliable change), so that ordinary ups and downs do not count.", Source: SourceLambert + " The margin is Upshot's own default."},
	{Name: SettingInactiveDays, Kind: KindInt, Default: "60", Min: 7, Max: 730,
		Meaning: "A therapist with no session in this many days is treated as ended even without an end date: the review speaks of that therapy in the past ('earlier, with Dr. A') and puts nothing about it on the agenda.", Source: SourceOurs},
	{Name: SettingBaselineDays, Kind: KindInt, Default: "30", Min: 0, Max: 365,
		Meaning: "The last check-in up to this many days before a therapist's first session (the usual intake questionnaire) is that course's baseline; earlier ones are not.", Source: SourceNHSBaseline},
	{Name: SettingStaleSessions, Kind: KindInt, Default: "6", Min: 1, Max: 52,
		Meaning: "measures_stale: sessions since the latest check-in at or above which the scores are reported as too old to judge the therapy by.", Source: SourceOurs + " " + SourceNHSSession},
	{Name: SettingStaleDays, Kind: KindInt, Default: "42", Min: 7, Max: 730,
		Meaning: "measures_stale: days since the latest check-in, while sessions go on, at or above which the scores are reported as too old.", Source: SourceOurs + " " + SourceNHSSession},
	{Name: SettingFlagLongWindowDays, Kind: KindInt, Default: "180", Min: 14, Max: 1095,
		Meaning: "red_flags: sessions flagged 'dependency', 'discouraged outside' or 'pressured' within this many days are counted together, so flags spread thin over a long time still count.", Source: SourceOurs},
	{Name: SettingFlagLongMinSessions, Kind: KindInt, Default: "3", Min: 2, Max: 52,
		Meaning: "red_flags: this many sessions with one of those flags within flag_long_window_days is a concern even when no red_flag_window sessions hold red_flag_min_sessions.", Source: SourceOurs},
	{Name: SettingFrequencyRise, Kind: KindNumber, Default: "1.5", Min: 1.1, Max: 5,
		Meaning: "frequency_rising: sessions per 28 days lately at or above this many times the rate of the course's first three months (1.5 is up by half) is reported when flags about dependency or pressure are recorded.", Source: SourceOurs},
	{Name: SettingHelpfulLowMax, Kind: KindNumber, Default: "3", Min: 0, Max: 10,
		Meaning: "low_helpfulness: an average 'how helpful' rating (0-10) over the recent sessions at or below this is reported, whatever the scores say.", Source: SourceOurs},
	{Name: SettingSecondOpinionSessions, Kind: KindInt, Default: "8", Min: 1, Max: 200,
		Meaning: "The agenda suggests a second opinion from another professional once concerns have lasted this many sessions (or at once when 'discouraged outside', 'dependency' or a boundary crossing was recorded).", Source: SourceHoward},
	{Name: SettingNoExpertiseMin, Kind: KindInt, Default: "2", Min: 1, Max: 20,
		Meaning: "no_expertise: recent sessions where you got nothing ('none') or an opinion you asked for was withheld, at or above which it is reported.", Source: SourceOurs},
	{Name: SettingConductConcernMax, Kind: KindNumber, Default: "2", Min: 1, Max: 5,
		Meaning: "conduct_concern: a conduct quality averaging at or below this (1-5) over the recent sessions. My record lists every single rating at or below it as a low conduct rating.", Source: SourceOurs},
	{Name: SettingConductTrendDrop, Kind: KindNumber, Default: "1", Min: 0.1, Max: 4,
		Meaning: "conduct_trend: a fall of at least this much in a quality's average, earlier sessions against recent ones.", Source: SourceOurs},
	{Name: SettingConductTrendMinRatings, Kind: KindInt, Default: "2", Min: 1, Max: 20,
		Meaning: "conduct_trend: the fewest ratings of a quality, both in the recent sessions and before them, that a fall is judged on (one rating on each side is a difference between two sessions, not a trend).", Source: SourceOurs},
	{Name: SettingRedFlagWindow, Kind: KindInt, Default: "5", Min: 1, Max: 52,
		Meaning: "red_flags: how many latest sessions with a therapist are looked at for red flags.", Source: SourceOurs},
	{Name: SettingRedFlagMinSessions, Kind: KindInt, Default: "2", Min: 1, Max: 52,
		Meaning: "red_flags: any red flag in at least this many of those sessions is reported (a boundary flag is reported even once).", Source: SourceOurs},
	{Name: SettingWorseAfterWindow, Kind: KindInt, Default: "5", Min: 1, Max: 52,
		Meaning: "worse_after: how many latest sessions are looked at.", Source: SourceOurs},
	{Name: SettingWorseAfterMin, Kind: KindInt, Default: "3", Min: 1, Max: 52,
		Meaning: "worse_after: feeling worse after at least this many of them is reported.", Source: SourceOurs},
	{Name: SettingReminderTime, Kind: KindTime, Default: "18:00",
		Meaning: "Calendar reminders: the time of day (your calendar's own time zone) at which the calendar feed reminds you to log a session on your usual session day, and to check in.", Source: SourceOurs},
	{Name: SettingCheckinReminder, Kind: KindChoice, Default: CheckinReminderWeekly,
		Choices: []string{CheckinReminderWeekly, CheckinReminderBeforeSession, CheckinReminderOff},
		Meaning: "Calendar reminders: when the calendar feed reminds you to answer your questionnaires: weekly (a week after your latest check-in, then every week), before_session (the day before your usual session day) or off.",
		Source:  SourceNHSSession},
	{Name: SettingCalendarTitles, Kind: KindChoice, Default: CalendarTitlesNeutral,
		Choices: []string{CalendarTitlesNeutral, CalendarTitlesNamed},
		Meaning: "Calendar reminders: neutral titles ('Upshot: 1 minute') say nothing about therapy to anyone who sees your calendar; named titles say what to do ('Upshot: log today's session') and name the open items you want to raise.",
		Source:  "Privacy by default: a calendar is often seen by others (a shared family calendar, a lock screen)."},
	{Name: SettingAgendaUnresolvedRaises, Kind: KindInt, Default: "3", Min: 2, Max: 20,
		Meaning: "agenda_unresolved: an item of your own agenda raised at this many sessions and not dealt with is reported, and goes first on your next agenda.", Source: SourceOurs},
	{Name: SettingTombstoneDays, Kind: KindInt, Default: "90", Min: 1, Max: 3650,
		Meaning: "Sync: how many days the API remembers a deleted record's id, so that a phone or another program that asks what changed since it last synced learns of the deletion. A program that last synced longer ago than this must read everything again (the API says so with 410).",
		Source:  "Common practice of sync APIs (a window of deletions kept, then a full read); 90 days covers a phone left unused for a season."},
}

// LookupSetting returns the definition of a named setting.
func LookupSetting(name string) (SettingDef, bool) {
	i := slices.IndexFunc(SettingDefs, func(d SettingDef) bool { return string(d.Name) == name })
	if i < 0 {
		return SettingDef{}, false
	}
	return SettingDefs[i], true
}

// Check validates a value for this setting and returns its canonical text.
func (d SettingDef) Check(value string) (string, error) {
	field := string(d.Name)
	switch d.Kind {
	case KindInt:
		n, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil || float64(n) < d.Min || float64(n) > d.Max {
			return "", Invalid(field, "%s must be a whole number %g-%g, got %q", field, d.Min, d.Max, value)
		}
		return strconv.Itoa(n), nil
	case KindNumber:
		f, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		// NaN compares false with everything, so it would pass the range check.
		if err != nil || math.IsNaN(f) || f < d.Min || f > d.Max {
			return "", Invalid(field, "%s must be a number %g-%g, got %q", field, d.Min, d.Max, value)
		}
		return strconv.FormatFloat(f, 'g', -1, 64), nil
	case KindChoice:
		v := strings.TrimSpace(value)
		if !slices.Contains(d.Choices, v) {
			return "", Invalid(field, "%s must be one of %s, got %q", field, joinComma(d.Choices), value)
		}
		return v, nil
	case KindTime:
		t, err := time.Parse("15:04", strings.TrimSpace(value))
		if err != nil {
			return "", Invalid(field, "%s must be a time of day as HH:MM (24-hour, e.g. 18:30), got %q", field, value)
		}
		return t.Format("15:04"), nil
	default:
		if strings.TrimSpace(value) == "" {
			return "", Invalid(field, "%s must not be empty (use 'settings unset' to restore the default)", field)
		}
		if err := CheckText(field, value, MaxTextLen, true); err != nil {
			return "", err
		}
		return value, nil
	}
}

// Settings holds the values a person has set; unset names take their default.
type Settings map[SettingName]string

// SettingChange is one setting's new value, as typed (CheckSetting makes it
// canonical).
type SettingChange struct {
	Name  SettingName
	Value string
}

// CheckSetting validates name and value together.
func CheckSetting(name, value string) (string, error) {
	d, ok := LookupSetting(name)
	if !ok {
		names := make([]string, len(SettingDefs))
		for i, d := range SettingDefs {
			names[i] = string(d.Name)
		}
		return "", Invalid("name", "setting must be one of %s, got %q", joinComma(names), name)
	}
	return d.Check(value)
}

// Get returns the value of a setting, falling back to its default. It panics
// on an unknown name: that is a programming error, not user input.
func (s Settings) Get(name SettingName) string {
	d, ok := LookupSetting(string(name))
	if !ok {
		panic(fmt.Sprintf("upshot: unknown setting %q", name))
	}
	if v, ok := s[name]; ok {
		if c, err := d.Check(v); err == nil {
			return c
		}
	}
	return d.Default
}

// Int returns an int setting.
func (s Settings) Int(name SettingName) int {
	n, _ := strconv.Atoi(s.Get(name))
	return n
}

// Float returns a number setting.
func (s Settings) Float(name SettingName) float64 {
	f, _ := strconv.ParseFloat(s.Get(name), 64)
	return f
}
