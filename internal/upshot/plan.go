package upshot

import (
	"fmt"
	"strings"
)

// SafetyPlan is the person's own plan for a hard moment, in the structure of
// the Stanley-Brown Safety Planning Intervention (Stanley B, Brown GK. Safety
// Planning Intervention: a brief intervention to mitigate suicide risk.
// Cognitive and Behavioral Practice 2012;19:256-264). Each section is a list
// of items in the person's own words, in the order they chose. An owner has
// at most one plan; Meta.Version is 0 before it is first saved.
type SafetyPlan struct {
	WarningSigns      []string `json:"warning_signs"`
	CopingSteps       []string `json:"coping_steps"`
	PeoplePlaces      []string `json:"people_places"`
	AskForHelp        []string `json:"ask_for_help"`
	Professionals     []string `json:"professionals"`
	SaferSurroundings []string `json:"safer_surroundings"`
	ReasonsToLive     []string `json:"reasons_to_live"`
	Meta
}

// PlanSection describes one section of the safety plan: its key (the JSON
// field and the CLI's SECTION), its title and the question it answers.
type PlanSection struct {
	Key    string
	Title  string
	Prompt string
	items  func(*SafetyPlan) *[]string
}

// Items returns the section's list in p, to read or replace.
func (s PlanSection) Items(p *SafetyPlan) *[]string { return s.items(p) }

// PlanSections are the plan's sections in the order the plan is read in a
// hard moment: notice the signs, help yourself, then reach out, then make
// things safer, and hold on to what matters.
var PlanSections = []PlanSection{
	{"warning_signs", "Warning signs", "Thoughts, images, moods, situations or behaviours that tell me a hard time may be starting",
		func(p *SafetyPlan) *[]string { return &p.WarningSigns }},
	{"coping_steps", "My coping steps", "Things I can do on my own to take my mind off things or feel a little calmer",
		func(p *SafetyPlan) *[]string { return &p.CopingSteps }},
	{"people_places", "People and places that help or distract", "People I can be with and places I can go that take my mind off things",
		func(p *SafetyPlan) *[]string { return &p.PeoplePlaces }},
	{"ask_for_help", "People I can ask for help", "People I can tell how I feel and ask for help, with how to reach them",
		func(p *SafetyPlan) *[]string { return &p.AskForHelp }},
	{"professionals", "Professionals and crisis lines", "My therapist, my doctor, services and lines I can call, with their numbers",
		func(p *SafetyPlan) *[]string { return &p.Professionals }},
	{"safer_surroundings", "Making my surroundings safer", "What I can do, or ask someone to do, to keep things I could use to hurt myself out of reach",
		func(p *SafetyPlan) *[]string { return &p.SaferSurroundings }},
	{"reasons_to_live", "My reasons to live", "People, things and hopes that matter to me and are worth living for",
		func(p *SafetyPlan) *[]string { return &p.ReasonsToLive }},
}

// MaxPlanItems bounds each section: a plan is read in a hard moment and is
// short by design; the bound keeps a hostile request small.
const MaxPlanItems = 30

// LookupPlanSection finds a section by key.
func LookupPlanSection(key string) (PlanSection, bool) {
	for _, s := range PlanSections {
		if s.Key == key {
			return s, true
		}
	}
	return PlanSection{}, false
}

// PlanSectionKeys lists the keys, for messages that say what is allowed.
func PlanSectionKeys() string {
	keys := make([]string, len(PlanSections))
	for i, s := range PlanSections {
		keys[i] = s.Key
	}
	return strings.Join(keys, ", ")
}

// Empty reports whether the plan has no item at all.
func (p *SafetyPlan) Empty() bool {
	if p == nil {
		return true
	}
	for _, s := range PlanSections {
		if len(*s.Items(p)) > 0 {
			return false
		}
	}
	return true
}

// Validate checks every item: one line of text, not blank, and at most
// MaxPlanItems per section. A nil section is read as empty.
func (p *SafetyPlan) Validate() error {
	for _, s := range PlanSections {
		items := *s.Items(p)
		if len(items) > MaxPlanItems {
			return Invalid(s.Key, "%s may hold at most %d items, got %d", s.Key, MaxPlanItems, len(items))
		}
		for i, item := range items {
			field := fmt.Sprintf("%s[%d]", s.Key, i)
			if strings.TrimSpace(item) == "" {
				return Invalid(field, "%s is empty; leave an empty item out", field)
			}
			if err := CheckText(field, item, MaxTextLen, false); err != nil {
				return err
			}
		}
	}
	return nil
}

// Normalize makes every section a non-nil list, so that equal plans encode
// to equal JSON whatever their source.
func (p *SafetyPlan) Normalize() {
	for _, s := range PlanSections {
		if items := s.Items(p); *items == nil {
			*items = []string{}
		}
	}
}
