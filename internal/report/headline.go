package report

import (
	"strconv"
	"strings"

	"github.com/upshot-app/upshot/internal/report/words"
	"github.com/upshot-app/upshot/internal/review"
)

// Headline is the review's answer about the therapy going on, short enough
// to take in at a glance after a hard session: a status that fits one line
// on a phone ("Working: PHQ-9 reliably better") and one sentence. The
// review's own verdict, with the history, stays on the review page.
type Headline struct {
	// Tone is "good", "concern", "attention" or "neutral", for the colour.
	Tone, Status, Sentence string
}

// outcomeWords rank the good outcomes of a questionnaire, strongest first.
var outcomeWords = []struct {
	code             review.Code
	status, sentence string
}{
	{review.CodeReliableRecovery, "reliably better", "reliable recovery"},
	{review.CodeRecovery, "better", "recovery"},
	{review.CodeReliableImprovement, "reliably better", "reliable improvement"},
	{review.CodeMeaningfulImprovement, "better", "meaningful improvement"},
}

// HeadlineOf words r's findings about the therapy going on as a Headline.
func HeadlineOf(r *review.Review) Headline {
	if r.Scope.Sessions == 0 && r.Scope.CheckIns == 0 {
		return Headline{Tone: "neutral", Status: "Nothing to review yet", Sentence: r.Verdict}
	}
	var concerns, attention []review.Finding
	best := map[string]int{} // instrument -> index in outcomeWords
	var improved []string
	since := ""
	for _, f := range r.Findings {
		if f.Past {
			continue
		}
		switch f.Severity {
		case review.Concern:
			concerns = append(concerns, f)
		case review.Attention:
			attention = append(attention, f)
		}
		for i, w := range outcomeWords {
			if f.Code != w.code || f.Instrument == "" {
				continue
			}
			if j, ok := best[f.Instrument]; !ok || i < j {
				if !ok {
					improved = append(improved, f.Instrument)
				}
				best[f.Instrument] = i
			}
		}
	}
	names := map[string]string{}
	for _, m := range r.Measures {
		names[m.ID] = m.ShortName
	}
	var current *review.TherapistRef
	for i, t := range r.Scope.Therapists {
		if t.Current {
			current = &r.Scope.Therapists[i]
		}
	}
	if current != nil && !current.First.IsZero() {
		since = " since " + words.FormatDate(current.First)
	}
	label := func(ids []string) string {
		out := make([]string, len(ids))
		for i, id := range ids {
			out[i] = instrumentNames(id, names)
		}
		return joinAnd(out)
	}
	scores := 0 // questionnaires, a paired outcome counting both
	for _, id := range improved {
		scores += strings.Count(id, "+") + 1
	}
	h := Headline{}
	switch {
	case r.Safety != nil:
		h = Headline{Tone: "concern", Status: "Support first", Sentence: "Please read the note about support above."}
	case len(concerns) > 0:
		h = Headline{Tone: "concern", Status: "Worth raising: " + words.Plural(len(concerns), "concern"),
			Sentence: "Your records show " + lowerFirst(concerns[0].Title) + more(len(concerns)-1) + "."}
	case len(improved) > 0:
		status := "Working: "
		if scores == 1 {
			status += label(improved) + " " + outcomeWords[best[improved[0]]].status
		} else {
			status += strconv.Itoa(scores) + " scores better"
		}
		var parts []string
		for i, w := range outcomeWords {
			var ids []string
			for _, id := range improved {
				if best[id] == i {
					ids = append(ids, id)
				}
			}
			if len(ids) > 0 {
				parts = append(parts, w.sentence+" on "+label(ids))
			}
		}
		s := "Your records show " + joinAnd(parts)
		if current != nil {
			s += " with " + current.Name
		}
		h = Headline{Tone: "good", Status: status, Sentence: s + since + "."}
		if len(attention) > 0 {
			h.Sentence += " Worth keeping an eye on: " + lowerFirst(attention[0].Title) + more(len(attention)-1) + "."
		}
	case len(attention) > 0:
		h = Headline{Tone: "attention", Status: "Worth keeping an eye on",
			Sentence: "Your records show " + lowerFirst(attention[0].Title) + more(len(attention)-1) + "."}
	case current == nil && len(r.Scope.Therapists) > 0:
		h = Headline{Tone: "neutral", Status: "No therapy going on", Sentence: "Your records show no current therapist; the review keeps what they showed."}
	default:
		h = Headline{Tone: "neutral", Status: "No clear change yet", Sentence: "No concerns in your records so far" + since + "."}
	}
	return h
}

func more(n int) string {
	if n <= 0 {
		return ""
	}
	return ", and " + strconv.Itoa(n) + " more"
}

func lowerFirst(s string) string {
	// Titles start with a capital unless they start with a name or a
	// questionnaire ("PHQ-9 reliably better"): only a capital followed by
	// a small letter is lowered.
	if len(s) > 1 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'a' && s[1] <= 'z' {
		return strings.ToLower(s[:1]) + s[1:]
	}
	return s
}

func joinAnd(vs []string) string {
	switch len(vs) {
	case 0:
		return ""
	case 1:
		return vs[0]
	}
	return strings.Join(vs[:len(vs)-1], ", ") + " and " + vs[len(vs)-1]
}
