package upshot

import (
	"slices"
	"strings"
)

// The closed vocabularies of PRODUCT.md. Each list is in display order, which is
// also the canonical order in which sets of them are stored and exported.

// Domains are the life domains a goal can belong to.
var Domains = []string{"work", "study", "partner", "family", "friends", "health", "money", "home", "self", "other"}

// Goal statuses.
const (
	GoalOpen    = "open"
	GoalSolved  = "solved"
	GoalDropped = "dropped"
)

var GoalStatuses = []string{GoalOpen, GoalSolved, GoalDropped}

// Session formats and who set the agenda.
var Formats = []string{"in_person", "video", "phone"}
var Agendas = []string{"me", "therapist", "both", "nobody"}

// After: how the person felt after the session compared with before it.
const (
	AfterBetter = "better"
	AfterSame   = "same"
	AfterWorse  = "worse"
)

var Afters = []string{AfterBetter, AfterSame, AfterWorse}

// Focus categories: where the session time went.
const (
	FocusLife         = "life"
	FocusRelationship = "relationship"
	FocusTherapist    = "therapist"
	FocusAdmin        = "admin"
	FocusOther        = "other"
)

var FocusCategories = []string{FocusLife, FocusRelationship, FocusTherapist, FocusAdmin, FocusOther}

// What I got: the kinds of professional input a session gave.
const GotNone = "none"

var Inputs = []string{"insight", "reframe", "strategy", "skill", "information", "homework", "opinion", "referral", GotNone}

// Conduct qualities, rated 1-5.
var Qualities = []string{"empathy", "compassion", "respect", "kindness", "judgment", "honesty", "integrity", "objectivity"}

// Red flags.
const (
	FlagDismissedAccount   = "dismissed_account"
	FlagPushedRelationship = "pushed_relationship"
	FlagBlamed             = "blamed"
	FlagBoundary           = "boundary"
	FlagSelfFocus          = "self_focus"
	FlagDiscouragedOutside = "discouraged_outside"
	FlagDependency         = "dependency"
	FlagWithheldOpinion    = "withheld_opinion"
	FlagPressured          = "pressured"
)

var Flags = []string{FlagDismissedAccount, FlagPushedRelationship, FlagBlamed, FlagBoundary, FlagSelfFocus,
	FlagDiscouragedOutside, FlagDependency, FlagWithheldOpinion, FlagPressured}

// FlagLabels are the plain-language descriptions shown to the person.
var FlagLabels = map[string]string{
	FlagDismissedAccount:   "denied or rewrote my account of what happened",
	FlagPushedRelationship: "steered away from my problem to our relationship",
	FlagBlamed:             "blamed or shamed me",
	FlagBoundary:           "crossed a professional boundary",
	FlagSelfFocus:          "talked about themselves at length",
	FlagDiscouragedOutside: "discouraged other opinions, other help, or ending",
	FlagDependency:         "encouraged me to rely on them",
	FlagWithheldOpinion:    "refused an opinion I asked for",
	FlagPressured:          "pushed more sessions or fees",
}

// oneOf checks v against allowed and names both in the error.
func oneOf(field, v string, allowed []string) error {
	if slices.Contains(allowed, v) {
		return nil
	}
	return Invalid(field, "%s must be one of %s, got %q", field, strings.Join(allowed, ", "), v)
}

// canonicalSet sorts vs into the order of allowed and refuses unknown or repeated values.
func canonicalSet(field string, vs, allowed []string) ([]string, error) {
	seen := make(map[string]bool, len(vs))
	for _, v := range vs {
		if err := oneOf(field, v, allowed); err != nil {
			return nil, err
		}
		if seen[v] {
			return nil, Invalid(field, "%s lists %q twice", field, v)
		}
		seen[v] = true
	}
	out := make([]string, 0, len(vs))
	for _, a := range allowed {
		if seen[a] {
			out = append(out, a)
		}
	}
	return out, nil
}
