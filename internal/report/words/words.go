// Package words says counts, dates, shares and focus categories the one way
// the report, its charts and the web pages all say them.
package words

import (
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/upshot-app/upshot/internal/upshot"
)

// Plural counts a thing in words: "1 session", "3 sessions".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// FormatDate writes a date the way people read it: 3 Mar 2025.
func FormatDate(d upshot.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time().Format("2 Jan 2006")
}

// Percent is a share of 1 as a whole percentage: "75%".
func Percent(f float64) string { return strconv.Itoa(int(math.Round(f*100))) + "%" }

var focusWords = map[string]string{
	upshot.FocusLife: "my life", upshot.FocusRelationship: "the relationship", upshot.FocusTherapist: "the therapist",
	upshot.FocusAdmin: "admin", upshot.FocusOther: "other",
}

// FocusWord is how a focus category is named to the person.
func FocusWord(category string) string { return focusWords[category] }

// Flags names a session's red flags: "Was late; Ended early".
func Flags(flags []string) string {
	labels := make([]string, len(flags))
	for i, f := range flags {
		labels[i] = upshot.FlagLabels[f]
	}
	return strings.Join(labels, "; ")
}

// isoDate is a date as the review writes it in its sentences (2026-11-30),
// the form the CLI and the JSON keep.
var isoDate = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)

// PageDates rewrites the dates in a sentence of the review the way pages
// write them ("30 Nov 2026"), so that one page never mixes two styles. A
// string that is not a real date is left as it is.
func PageDates(s string) string {
	return isoDate.ReplaceAllStringFunc(s, func(iso string) string {
		d, err := upshot.ParseDate(iso)
		if err != nil {
			return iso
		}
		return FormatDate(d)
	})
}
