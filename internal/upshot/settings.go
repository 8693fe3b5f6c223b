package upshot

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// SettingDef describes one named setting: what it means, its default, the
// values it accepts and where the default comes from. Every review threshold
// is one of these, so no number in the review is an unexplained literal.
type SettingDef struct {
	Name    string  `json:"name"`
	Kind    string  `json:"kind"` // "int", "number" or "text"
	Default string  `json:"default"`
	Min     float64 `json:"min,omitempty"`
	Max     float64 `json:"max,omitempty"`
	Meaning string  `json:"meaning"`
	Source  string  `json:"source"`
}

const (
	KindInt    = "int"
	KindNumber = "number"
	KindText   = "text"
)

// Setting names used across packages.
const (
	SettingCrisisContacts = "crisis_contacts"
)

// DefaultCrisisContacts is true everywhere, which matters more than being specific.
const DefaultCrisisContacts = "If you are thinking about harming yourself, call your local emergency number or a crisis line now."

// Sources cited by the defaults.
const (
	SourceOurs    = "Upshot's own default (not from a published source); change it to suit you."
	SourceNHS     = "NHS Talking Therapies (formerly IAPT) outcome definitions."
	SourceHoward  = "Howard, Kopta, Krause & Orlinsky (1986), The dose-effect relationship in psychotherapy, Am Psychol 41(2):159-164: about half of clients improve by 8 sessions."
	SourceLambert = "In the spirit of Lambert's expected recovery curves (Lambert et al., OQ-45 feedback research); Upshot's simplified straight-line course."
)

// SettingDefs lists every setting in display order.
var SettingDefs = []SettingDef{
	{Name: SettingCrisisContacts, Kind: KindText, Default: DefaultCrisisContacts,
		Meaning: "Crisis contacts shown with the safety notice. Put your own local lines here, for example: 988 Suicide & Crisis Lifeline (US, call or text 988); Samaritans 116 123 (UK and Ireland).",
		Source:  "Safe-messaging practice: a calm notice that encourages reaching out, with contacts the person chooses."},
	{Name: "recent_window", Kind: KindInt, Default: "4", Min: 2, Max: 20,
		Meaning: "How many of the latest sessions with a therapist count as 'recent' for the focus, conduct and expertise findings. relationship_centred waits until there are this many sessions with a focus split.", Source: SourceOurs},
	{Name: "first_window", Kind: KindInt, Default: "4", Min: 1, Max: 20,
		Meaning: "How many of the first sessions with a therapist set the starting focus share that drift is measured against. relationship_drift waits until there are first_window + recent_window sessions with a focus split, so that the start and the recent sessions do not overlap.", Source: SourceOurs},
	{Name: "drift_min_share", Kind: KindInt, Default: "30", Min: 1, Max: 100,
		Meaning: "relationship_drift: the relationship+therapist share of recent session time (percent) at or above which drift is reported.", Source: SourceOurs},
	{Name: "drift_min_rise", Kind: KindInt, Default: "15", Min: 1, Max: 100,
		Meaning: "relationship_drift: how many percentage points the recent share must be above the first sessions' share.", Source: SourceOurs},
	{Name: "goal_neglect_sessions", Kind: KindInt, Default: "4", Min: 1, Max: 52,
		Meaning: "goal_neglected: an open goal not addressed in this many latest sessions.", Source: SourceOurs},
	{Name: "no_improvement_sessions", Kind: KindInt, Default: "8", Min: 1, Max: 200,
		Meaning: "no_reliable_improvement: sessions after which a case at baseline with no reliable improvement is reported.", Source: SourceHoward},
	{Name: "expected_sessions_to_improve", Kind: KindInt, Default: "8", Min: 2, Max: 200,
		Meaning: "off_track: the session count by which the expected course reaches a reliable improvement, for a score in the clinical range at the start (one outside it is expected to stay where it was); a latest score worse than that course by more than off_track_margin is off track.", Source: SourceLambert + " " + SourceHoward},
	{Name: "off_track_margin", Kind: KindNumber, Default: "0.5", Min: 0.1, Max: 2,
		Meaning: "off_track: how far, in reliable changes, the latest score must be worse than the expected course (0.5 is half a reliable change), so that ordinary ups and downs do not count.", Source: SourceLambert + " The margin is Upshot's own default."},
	{Name: "no_expertise_min", Kind: KindInt, Default: "2", Min: 1, Max: 20,
		Meaning: "no_expertise: recent sessions where you got nothing ('none') or an opinion you asked for was withheld, at or above which it is reported.", Source: SourceOurs},
	{Name: "conduct_concern_max", Kind: KindNumber, Default: "2", Min: 1, Max: 5,
		Meaning: "conduct_concern: a conduct quality averaging at or below this (1-5) over the recent sessions.", Source: SourceOurs},
	{Name: "conduct_trend_drop", Kind: KindNumber, Default: "1", Min: 0.1, Max: 4,
		Meaning: "conduct_trend: a fall of at least this much in a quality's average, earlier sessions against recent ones.", Source: SourceOurs},
	{Name: "conduct_trend_min_ratings", Kind: KindInt, Default: "2", Min: 1, Max: 20,
		Meaning: "conduct_trend: the fewest ratings of a quality, both in the recent sessions and before them, that a fall is judged on (one rating on each side is a difference between two sessions, not a trend).", Source: SourceOurs},
	{Name: "red_flag_window", Kind: KindInt, Default: "5", Min: 1, Max: 52,
		Meaning: "red_flags: how many latest sessions with a therapist are looked at for red flags.", Source: SourceOurs},
	{Name: "red_flag_min_sessions", Kind: KindInt, Default: "2", Min: 1, Max: 52,
		Meaning: "red_flags: any red flag in at least this many of those sessions is reported (a boundary flag is reported even once).", Source: SourceOurs},
	{Name: "worse_after_window", Kind: KindInt, Default: "5", Min: 1, Max: 52,
		Meaning: "worse_after: how many latest sessions are looked at.", Source: SourceOurs},
	{Name: "worse_after_min", Kind: KindInt, Default: "3", Min: 1, Max: 52,
		Meaning: "worse_after: feeling worse after at least this many of them is reported.", Source: SourceOurs},
}

// LookupSetting returns the definition of a named setting.
func LookupSetting(name string) (SettingDef, bool) {
	i := slices.IndexFunc(SettingDefs, func(d SettingDef) bool { return d.Name == name })
	if i < 0 {
		return SettingDef{}, false
	}
	return SettingDefs[i], true
}

// Check validates a value for this setting and returns its canonical text.
func (d SettingDef) Check(value string) (string, error) {
	field := d.Name
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
type Settings map[string]string

// CheckSetting validates name and value together.
func CheckSetting(name, value string) (string, error) {
	d, ok := LookupSetting(name)
	if !ok {
		names := make([]string, len(SettingDefs))
		for i, d := range SettingDefs {
			names[i] = d.Name
		}
		return "", Invalid("name", "setting must be one of %s, got %q", joinComma(names), name)
	}
	return d.Check(value)
}

// Get returns the value of a setting, falling back to its default. It panics
// on an unknown name: that is a programming error, not user input.
func (s Settings) Get(name string) string {
	d, ok := LookupSetting(name)
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
func (s Settings) Int(name string) int {
	n, _ := strconv.Atoi(s.Get(name))
	return n
}

// Float returns a number setting.
func (s Settings) Float(name string) float64 {
	f, _ := strconv.ParseFloat(s.Get(name), 64)
	return f
}
