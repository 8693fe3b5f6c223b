package instrument

import (
	"math"
	"strconv"
	"strings"
)

// ChangeWords says what a classified change (Improvement, Deterioration or
// NoChange) means, in the words every surface uses: short for tables, marks
// and legends ("reliably better"; "" for no change), long for a sentence
// ("a reliable improvement").
//
// Only a validated scale has a reliable-change rule behind its
// classification (a published size, or the Jacobson-Truax index from its
// published SD and reliability). A questionnaire that is not validated, such
// as the focus check, is classified by its definition's own size, which no
// study backs, so its words give the size and call it the questionnaire's
// own rule of thumb instead of claiming a reliable change. Totals are whole
// numbers, so the size is shown rounded up to a tenth: "at least 3.1" is
// then exactly as true as "more than 3.04".
func ChangeWords(reliable string, validated bool, size float64) (short, long string) {
	if validated {
		switch reliable {
		case Improvement:
			return "reliably better", "a reliable improvement"
		case Deterioration:
			return "reliably worse", "a reliable deterioration"
		}
		return "", "not a reliable change"
	}
	n := strconv.FormatFloat(math.Ceil(size*10-1e-9)/10, 'f', -1, 64)
	rule := "this questionnaire's own rule of thumb for a change (it is not a validated scale)"
	switch reliable {
	case Improvement:
		return "better by " + n + "+ points, its own rule", "better by at least " + n + " points, " + rule
	case Deterioration:
		return "worse by " + n + "+ points, its own rule", "worse by at least " + n + " points, " + rule
	}
	return "", "under the " + n + " points of " + rule
}

// ChangeWords is the package function for d's own rule.
func (d *Definition) ChangeWords(reliable string) (short, long string) {
	return ChangeWords(reliable, d.Validated, d.ReliableChangeSize())
}

// RangeName names the range at or past the caseness cut-off: "the clinical
// range" (NHS Talking Therapies' caseness), or the definition's own name for
// it where that is something else (WHO-5: "the poor wellbeing range").
// A nil cut-off names the clinical range too, for words that need a name.
func (c *Caseness) RangeName() string {
	if c == nil || c.Label == "" || strings.HasPrefix(c.Label, "clinical range") {
		return "the clinical range"
	}
	return "the " + c.Label + " range"
}
