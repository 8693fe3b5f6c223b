package report

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/upshot-app/upshot/internal/report/words"
	"github.com/upshot-app/upshot/internal/review"
)

// Card is the findings a person reads together: everything about one
// questionnaire with one therapist (change, cut-off and recovery in one
// place), or repeated findings of one kind ("5 goals that did not come
// up"). It works on whatever findings the review gives: the grouping is by
// the findings' own fields, not by a list of codes.
type Card struct {
	Severity review.Severity
	Title    string
	// ID is the anchor of a card of one finding (the finding's own); a card
	// of several gives each of them its anchor in its list.
	ID       string
	Findings []FindingView
}

// Subjects are the short names of a card's findings when it holds several:
// the goals of "3 goals that did not come up", or the findings' titles.
func (c Card) Subjects() []string {
	var out []string
	for _, f := range c.Findings {
		if f.Subject != "" {
			out = append(out, f.Subject)
		} else {
			out = append(out, f.Title)
		}
	}
	return out
}

// repeatedTitles word a card of several findings of one kind, by count.
var repeatedTitles = map[review.Code]string{
	review.CodeGoalNeglected: "%d goals that did not come up",
	review.CodeGoalProgress:  "Progress on %d goals",
}

// cardsOf groups findings (in the review's order: most severe first) into
// cards, each in the place of its most severe finding.
func cardsOf(fs []FindingView, measureName map[string]string) []Card {
	var cards []Card
	at := map[string]int{}
	for _, f := range fs {
		// The safety finding always stands alone: it is never folded into
		// a questionnaire's card.
		key := "c:" + string(f.Code)
		if f.Instrument != "" && f.Severity != review.Urgent {
			key = "i:" + f.Instrument
		}
		key += ":" + strconv.FormatInt(f.TherapistID, 10)
		i, ok := at[key]
		if !ok {
			at[key] = len(cards)
			cards = append(cards, Card{Severity: f.Severity})
			i = len(cards) - 1
		}
		cards[i].Findings = append(cards[i].Findings, f)
	}
	for i := range cards {
		c := &cards[i]
		first := c.Findings[0]
		switch {
		case len(c.Findings) == 1:
			c.Title, c.ID = first.Title, first.ID
		case first.Instrument != "" && !sameCode(c.Findings):
			c.Title = instrumentNames(first.Instrument, measureName)
		case repeatedTitles[first.Code] != "":
			c.Title = fmt.Sprintf(repeatedTitles[first.Code], len(c.Findings))
		default:
			c.Title = fmt.Sprintf("%s (%d)", first.Title, len(c.Findings))
		}
	}
	return cards
}

// instrumentNames names a finding's questionnaire, or the pair of a paired
// outcome ("phq9+gad7": "PHQ-9 and GAD-7").
func instrumentNames(id string, measureName map[string]string) string {
	ids := strings.Split(id, "+")
	for i, one := range ids {
		if n := measureName[one]; n != "" {
			ids[i] = n
		}
	}
	return joinAnd(ids)
}

func sameCode(fs []FindingView) bool {
	for _, f := range fs {
		if f.Code != fs[0].Code {
			return false
		}
	}
	return true
}

// findingID is a finding's anchor, unique in a review.
func findingID(f review.Finding) string { return f.Anchor() }

// pastLabel names the group of an ended therapy's findings: "From your
// therapy with Dr. A, ended 5 Jul 2026".
func pastLabel(t *review.TherapistRef) string {
	if t == nil {
		return SeverityLabel(PastGroup)
	}
	l := "From your therapy with " + t.Name
	if !t.Ended.IsZero() {
		l += ", ended " + words.FormatDate(t.Ended)
	}
	return l
}
