package instrument

import (
	"math"
	"strconv"
)

// ChangeWords says what a classified change (Improvement, Deterioration or
// NoChange) means, in the words every surface uses: short for tables, marks
// and legends ("reliably better"; "" for no change), long for a sentence
// ("a reliable improvement").
//
// Only a validated scale has a reliable-change rule behind its
// classification (a published size, or the Jacobson-Truax index from its
// published SD and reliability). A self-monitoring check such as the focus
// check is classified by its definition's own size, which no study backs, so
// its words give the size and call it the check's own rule of thumb instead
// of claiming a reliable change.
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
	n := strconv.FormatFloat(math.Round(size*10)/10, 'f', -1, 64)
	rule := "this self-monitoring check's own rule of thumb for a change (not a validated threshold)"
	switch reliable {
	case Improvement:
		return "better by " + n + "+ points, its own rule", "better by at least " + n + " points, " + rule
	case Deterioration:
		return "worse by " + n + "+ points, its own rule", "worse by at least " + n + " points, " + rule
	}
	return "", "less than " + n + " points, " + rule
}

// ChangeWords is the package function for d's own rule.
func (d *Definition) ChangeWords(reliable string) (short, long string) {
	return ChangeWords(reliable, d.Validated, d.ReliableChangeSize())
}
