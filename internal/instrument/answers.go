package instrument

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/upshot-app/upshot/internal/upshot"
)

// ParseAnswers reads answers as typed on a command line ("1,2,0,1"), one per
// item in order; an empty value is a missing answer (nil). The result is
// checked with CheckAnswers, so a caller gets answers it can score or an error
// that names the item and the allowed values.
func ParseAnswers(d *Definition, s string) ([]*int, error) {
	// Nothing typed at all is not one missing answer: say so plainly.
	if strings.TrimSpace(s) == "" {
		return nil, upshot.Invalid("answers", "no answers given: %s has %d items, give one answer per item separated by commas (for example %s)", d.ID, len(d.Items), example(d))
	}
	parts := strings.Split(s, ",")
	if fields := strings.Fields(s); len(parts) == 1 && len(fields) > 1 {
		// "1 2 0 1": the way people list numbers, but not the way asked.
		return nil, upshot.Invalid("answers", "separate answers with commas: %s", strings.Join(fields, ","))
	}
	if len(parts) != len(d.Items) {
		return nil, countError(d, len(parts))
	}
	answers := make([]*int, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil {
			field := fmt.Sprintf("item %d", i+1)
			if errors.Is(err, strconv.ErrRange) {
				return nil, upshot.Invalid(field, "item %d must be one of %s, got %s", i+1, allowed(d.ItemOptions(i)), p)
			}
			return nil, upshot.Invalid(field, "item %d must be a whole number, got %q", i+1, p)
		}
		answers[i] = &n
	}
	if err := d.CheckAnswers(answers); err != nil {
		return nil, err
	}
	return answers, nil
}

// FormatAnswers is the inverse of ParseAnswers, for storing and showing
// answers in the form a person would type them.
func FormatAnswers(answers []*int) string {
	parts := make([]string, len(answers))
	for i, a := range answers {
		if a != nil {
			parts[i] = strconv.Itoa(*a)
		}
	}
	return strings.Join(parts, ",")
}

// CheckAnswers refuses answers that could not have come from the
// questionnaire: a wrong count, a value that is not one of the item's
// options, or more unanswered items than the scoring rule tolerates.
func (d *Definition) CheckAnswers(answers []*int) error {
	if len(answers) != len(d.Items) {
		return countError(d, len(answers))
	}
	var missing []string
	for i, a := range answers {
		if a == nil {
			missing = append(missing, strconv.Itoa(i+1))
			continue
		}
		opts := d.ItemOptions(i)
		if !slices.ContainsFunc(opts, func(o Option) bool { return o.Score == *a }) {
			return upshot.Invalid(fmt.Sprintf("item %d", i+1), "item %d must be one of %s, got %d", i+1, allowed(opts), *a)
		}
	}
	if len(missing) > d.Scoring.MaxMissing {
		which := "item " + missing[0]
		if len(missing) > 1 {
			which = "items " + strings.Join(missing, ", ")
		}
		if d.Scoring.MaxMissing == 0 {
			return upshot.Invalid("answers", "%s needs every item answered; %s left blank", d.ID, which)
		}
		return upshot.Invalid("answers", "%s allows at most %d unanswered items, got %d (%s left blank)", d.ID, d.Scoring.MaxMissing, len(missing), which)
	}
	return nil
}

// example is an answer line for d with every item at its lowest option.
func example(d *Definition) string {
	parts := make([]string, len(d.Items))
	for i := range d.Items {
		lo, _ := optionRange(d.ItemOptions(i))
		parts[i] = strconv.Itoa(lo)
	}
	return strings.Join(parts, ",")
}

func countError(d *Definition, got int) error {
	return upshot.Invalid("answers", "%s has %d items, got %d answers", d.ID, len(d.Items), got)
}

// allowed lists option scores in ascending order, the way people count,
// whatever order the questionnaire prints them in.
func allowed(opts []Option) string {
	scores := make([]int, len(opts))
	for i, o := range opts {
		scores[i] = o.Score
	}
	slices.Sort(scores)
	s := make([]string, len(scores))
	for i, n := range scores {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ", ")
}
