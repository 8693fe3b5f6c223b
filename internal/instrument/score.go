package instrument

import "math"

// Reliable-change labels, as NHS Talking Therapies reports them.
const (
	Improvement   = "improvement"
	Deterioration = "deterioration"
	NoChange      = "none"
)

// jtCritical is the Jacobson-Truax threshold: a change this many standard
// errors of the difference is unlikely (p < .05) to be measurement noise.
const jtCritical = 1.96

// Score is one scored check-in.
type Score struct {
	// Raw is the sum of the answered items' scores after reversal, before
	// factor and proration: the number the paper form adds up.
	Raw int `json:"raw"`
	// Total is on the reported scale (WHO-5 0-100) and is what bands,
	// caseness and change are judged on.
	Total int    `json:"total"`
	Band  string `json:"band"`
	// Caseness is nil when the instrument has no clinical cut-off, so "not a
	// case" is never claimed for a scale that cannot say.
	Caseness *bool `json:"caseness"`
	// Safety is set by any answer above 0 on a safety item, whatever the
	// total, because a low total must not hide thoughts of self-harm.
	Safety bool `json:"safety"`
	// Items holds each item's score after reversal, -1 when unanswered, so a
	// single item (the focus check's "life attention") can be read alone.
	Items []int `json:"items"`
}

// Change compares two scores on the reported scale.
type Change struct {
	From  int `json:"from"`
	To    int `json:"to"`
	Delta int `json:"delta"` // To - From
	// Reliable is Improvement, Deterioration or NoChange, already turned the
	// right way for the instrument's direction.
	Reliable string `json:"reliable"`
	// RCI is the Jacobson-Truax index, present only for instruments defined
	// by SD and reliability rather than a fixed size.
	RCI *float64 `json:"rci,omitempty"`
}

// Outcome is the NHS Talking Therapies summary of a course of therapy.
type Outcome struct {
	Change Change `json:"change"`
	// Recovery is nil when it cannot apply: the instrument has no cut-off or
	// the baseline was not in the clinical range.
	Recovery         *bool `json:"recovery"`
	ReliableRecovery *bool `json:"reliable_recovery"`
}

// Score scores answers by the definition's rule. Answers are checked first,
// so a score is never computed from values the questionnaire does not offer.
func (d *Definition) Score(answers []*int) (Score, error) {
	if err := d.CheckAnswers(answers); err != nil {
		return Score{}, err
	}
	s := Score{Items: make([]int, len(answers))}
	answered := 0
	for i, a := range answers {
		if a == nil {
			s.Items[i] = -1
			continue
		}
		v := *a
		if d.Items[i].Reverse {
			lo, hi := optionRange(d.ItemOptions(i))
			v = lo + hi - v
		}
		if d.Items[i].Safety && *a > 0 {
			s.Safety = true
		}
		s.Items[i] = v
		s.Raw += v
		answered++
	}
	s.Total = s.Raw * d.Scoring.Factor
	if d.Scoring.Prorate && answered < len(answers) {
		// Round half up: (2x + n) / 2n with non-negative integers.
		num := s.Raw * d.Scoring.Factor * len(answers)
		s.Total = (2*num + answered) / (2 * answered)
	}
	// Proration can overshoot when items have different ranges; the reported
	// scale is a promise, so keep to it.
	s.Total = min(max(s.Total, d.Min), d.Max)
	s.Band = d.BandFor(s.Total)
	s.Caseness = d.IsCase(s.Total)
	return s, nil
}

// Change classifies the change between two scores. Only Total is read, so
// scores reloaded from storage with just a total work as well.
func (d *Definition) Change(from, to Score) Change {
	c := Change{From: from.Total, To: to.Total, Delta: to.Total - from.Total, Reliable: NoChange}
	rc := d.ReliableChange
	var reliable bool
	if rc.Size > 0 {
		reliable = math.Abs(float64(c.Delta)) >= rc.Size
	} else if rc.SD > 0 {
		se := rc.SD * math.Sqrt(1-rc.Reliability)
		index := float64(c.Delta) / math.Sqrt(2*se*se)
		c.RCI = &index
		reliable = math.Abs(index) > jtCritical
	}
	if reliable {
		better := c.Delta < 0
		if d.Direction == HigherIsBetter {
			better = c.Delta > 0
		}
		c.Reliable = Deterioration
		if better {
			c.Reliable = Improvement
		}
	}
	return c
}

// Outcome applies the NHS Talking Therapies definitions: recovery is moving
// from a case at baseline to not a case at the latest measurement; reliable
// recovery also needs a reliable improvement. Caseness is recomputed from the
// totals rather than trusted from the scores.
func (d *Definition) Outcome(baseline, latest Score) Outcome {
	o := Outcome{Change: d.Change(baseline, latest)}
	// Recovery is an outcome rule for validated scales; on a self-monitoring
	// one its cut-off and change size are the definition's own, not
	// evidence, so recovery does not apply.
	if !d.Validated {
		return o
	}
	base := d.IsCase(baseline.Total)
	if base == nil || !*base {
		return o
	}
	recovered := !*d.IsCase(latest.Total)
	reliably := recovered && o.Change.Reliable == Improvement
	o.Recovery = &recovered
	o.ReliableRecovery = &reliably
	return o
}

// BandFor returns the label of the band holding a reported total, so stored
// totals can be labelled without their answers; "" outside min..max.
func (d *Definition) BandFor(total int) string {
	for _, b := range d.Bands {
		if total >= b.Min && total <= b.Max {
			return b.Label
		}
	}
	return ""
}

// IsCase says whether a reported total is in the clinical range, nil when
// the instrument has no cut-off.
func (d *Definition) IsCase(total int) *bool {
	c := d.Caseness
	if c == nil {
		return nil
	}
	is := total >= c.Value
	if c.Op == "<=" {
		is = total <= c.Value
	}
	return &is
}
