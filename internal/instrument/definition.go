// Package instrument holds the questionnaires a person fills in between
// sessions and the published rules that turn answers into scores.
//
// Instruments are data, not code: a definition file carries the exact wording,
// the scoring rule, the bands and the outcome thresholds, so a clinic's own
// measure can be added without a release and a stored check-in can keep the
// definition it was scored with. Everything here is pure; only Load and
// Registry.LoadDir read files.
package instrument

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/upshot-app/upshot/internal/upshot"
)

// Directions say which way a change is good. The outcome rules are written for
// symptom scales, so a wellbeing scale needs them mirrored.
const (
	HigherIsWorse  = "higher_is_worse"
	HigherIsBetter = "higher_is_better"
)

// Limits keep every sum well inside int range, so no definition, however
// odd, can make scoring overflow.
const (
	maxItems  = 100
	maxScore  = 1000
	maxFactor = 100
)

// Definition is one questionnaire. It is decoded strictly from JSON and only
// exists validated, so scoring code can trust its shape.
type Definition struct {
	ID             string         `json:"id"`
	Version        int            `json:"version"`
	Name           string         `json:"name"`
	ShortName      string         `json:"short_name"`
	Instruction    string         `json:"instruction"`
	Options        []Option       `json:"options"`
	Items          []Item         `json:"items"`
	Scoring        Scoring        `json:"scoring"`
	Direction      string         `json:"direction"`
	Min            int            `json:"min"`
	Max            int            `json:"max"`
	Bands          []Band         `json:"bands"`
	Caseness       *Caseness      `json:"caseness"`
	ReliableChange ReliableChange `json:"reliable_change"`
	Source         string         `json:"source"`
	Licence        string         `json:"licence"`
	Attribution    string         `json:"attribution"`
	Validated      bool           `json:"validated"`
	Note           string         `json:"note,omitempty"`
	// SafetyNote is said only with a score whose safety item is above 0
	// (PHQ-9 version 2: "Item 9 above 0 needs follow-up ..."), where Note
	// is said with every score.
	SafetyNote string `json:"safety_note,omitempty"`

	// Builtin is set by the registry, never by a file, so a user file cannot
	// pass itself off as one of the shipped, checked instruments.
	Builtin bool `json:"-"`

	raw []byte
}

// Option is one answer choice. Score is what the answer counts for before any
// reversal.
type Option struct {
	Label string `json:"label"`
	Score int    `json:"score"`
}

// Item is one question. Options overrides the definition's default options
// for scales whose items are answered differently.
type Item struct {
	ID      string   `json:"id"`
	Text    string   `json:"text"`
	Options []Option `json:"options,omitempty"`
	// Reverse counts the item as (lowest + highest option) - answer, so that
	// positively worded items point the same way as the rest.
	Reverse bool `json:"reverse,omitempty"`
	// Safety marks an item whose answer above 0 must be followed up whatever
	// the total (PHQ-9 item 9).
	Safety bool `json:"safety,omitempty"`
}

// Scoring is the rule from item scores to the reported total.
type Scoring struct {
	Method string `json:"method"` // only "sum"
	// Factor scales the raw sum to the reported scale (WHO-5 reports x4).
	Factor int `json:"factor"`
	// MaxMissing is how many unanswered items still give a score.
	MaxMissing int `json:"max_missing"`
	// Prorate scales the sum of answered items up to the full item count;
	// without it a missing item simply counts as 0.
	Prorate bool `json:"prorate"`
}

// Band is a labelled range of the reported total, inclusive at both ends.
type Band struct {
	Min   int    `json:"min"`
	Max   int    `json:"max"`
	Label string `json:"label"`
}

// Caseness is the cut-off above (or below) which a score counts as in the
// clinical range; recovery is defined against it.
type Caseness struct {
	Op    string `json:"op"` // ">=" or "<="
	Value int    `json:"value"`
	Label string `json:"label"`
}

// ReliableChange is either a fixed size on the reported scale (the published
// NHS Talking Therapies values) or the SD and reliability for the
// Jacobson-Truax index, for instruments that publish those instead.
type ReliableChange struct {
	Size        float64 `json:"size,omitempty"`
	SD          float64 `json:"sd,omitempty"`
	Reliability float64 `json:"reliability,omitempty"`
}

// Raw returns the bytes the definition was parsed from, so a check-in can
// store exactly the definition it was scored with. A definition built in Go
// and never parsed gets its JSON encoding instead.
func (d *Definition) Raw() []byte {
	if d.raw != nil {
		return bytes.Clone(d.raw)
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil
	}
	return b
}

// Label names the instrument the way people know it ("PHQ-9"), falling back
// to the id for definitions that gave no short name.
func (d *Definition) Label() string {
	if d.ShortName != "" {
		return d.ShortName
	}
	return d.ID
}

// ItemOptions returns the options that apply to item i (0-based).
func (d *Definition) ItemOptions(i int) []Option {
	if len(d.Items[i].Options) > 0 {
		return d.Items[i].Options
	}
	return d.Options
}

// Parse decodes and fully validates a definition. Unknown fields are refused
// because a misspelt "revers" would otherwise silently score an item the
// wrong way round.
func Parse(data []byte) (*Definition, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var d Definition
	if err := dec.Decode(&d); err != nil {
		return nil, upshot.Invalid("definition", "instrument definition: %s", jsonError(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, upshot.Invalid("definition", "instrument definition: unexpected data after the definition")
	}
	if err := d.validate(); err != nil {
		return nil, err
	}
	d.raw = bytes.Clone(data)
	return &d, nil
}

// jsonError turns decoder errors into a sentence that says where, since the
// raw ones name Go types.
func jsonError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("invalid JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("%s: cannot use a JSON %s here", typ.Field, typ.Value)
		}
		return fmt.Sprintf("cannot use a JSON %s here", typ.Value)
	case errors.Is(err, io.EOF):
		return "empty definition"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "unexpected end of JSON"
	}
	return err.Error()
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{1,31}$`)

// validate checks everything scoring relies on, so that Score never has to
// guard against a malformed definition.
func (d *Definition) validate() error {
	fail := func(field, format string, args ...any) error {
		name := "instrument"
		if d.ID != "" {
			name += " " + d.ID
		}
		return upshot.Invalid(field, "%s: %s: %s", name, field, fmt.Sprintf(format, args...))
	}
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }

	if !idPattern.MatchString(d.ID) {
		return fail("id", "must be 2-32 lowercase letters, digits or _ starting with a letter, got %q", d.ID)
	}
	if d.Version < 1 {
		return fail("version", "must be 1 or more, got %d", d.Version)
	}
	if blank(d.Name) {
		return fail("name", "must not be empty")
	}
	if blank(d.Source) {
		return fail("source", "must name where the instrument comes from")
	}
	if blank(d.Licence) {
		return fail("licence", "must state the terms of use")
	}
	if d.Direction != HigherIsWorse && d.Direction != HigherIsBetter {
		return fail("direction", "must be %q or %q, got %q", HigherIsWorse, HigherIsBetter, d.Direction)
	}
	if len(d.Options) > 0 {
		if sub, msg := checkOptions(d.Options); msg != "" {
			return fail("options"+sub, "%s", msg)
		}
	}
	if len(d.Items) == 0 {
		return fail("items", "must have at least one item")
	}
	if len(d.Items) > maxItems {
		return fail("items", "must have at most %d items, got %d", maxItems, len(d.Items))
	}
	seen := map[string]int{}
	lo, hi := 0, 0
	for i, it := range d.Items {
		at := fmt.Sprintf("items[%d]", i)
		if !idPattern.MatchString(it.ID) {
			return fail(at+".id", "must be 2-32 lowercase letters, digits or _ starting with a letter, got %q", it.ID)
		}
		if j, dup := seen[it.ID]; dup {
			return fail(at+".id", "%q is already used by items[%d]", it.ID, j)
		}
		seen[it.ID] = i
		if blank(it.Text) {
			return fail(at+".text", "must not be empty")
		}
		opts := d.ItemOptions(i)
		if len(opts) == 0 {
			return fail(at+".options", "no options: give the item options or the instrument default options")
		}
		if len(it.Options) > 0 {
			if sub, msg := checkOptions(opts); msg != "" {
				return fail(at+".options"+sub, "%s", msg)
			}
		}
		a, b := optionRange(opts)
		lo += a
		hi += b
	}
	s := d.Scoring
	if s.Method != "sum" {
		return fail("scoring.method", "must be \"sum\", got %q", s.Method)
	}
	if s.Factor < 1 || s.Factor > maxFactor {
		return fail("scoring.factor", "must be 1 to %d, got %d", maxFactor, s.Factor)
	}
	if s.MaxMissing < 0 || s.MaxMissing >= len(d.Items) {
		return fail("scoring.max_missing", "must be 0 to %d, got %d", len(d.Items)-1, s.MaxMissing)
	}
	if d.Min != lo*s.Factor {
		return fail("min", "must be %d (the items' lowest scores summed, times factor %d), got %d", lo*s.Factor, s.Factor, d.Min)
	}
	if d.Max != hi*s.Factor {
		return fail("max", "must be %d (the items' highest scores summed, times factor %d), got %d", hi*s.Factor, s.Factor, d.Max)
	}
	if len(d.Bands) == 0 {
		return fail("bands", "must have at least one band")
	}
	next := d.Min
	for i, b := range d.Bands {
		at := fmt.Sprintf("bands[%d]", i)
		if blank(b.Label) {
			return fail(at+".label", "must not be empty")
		}
		if b.Min != next {
			return fail(at+".min", "must be %d so the bands are contiguous from %d, got %d", next, d.Min, b.Min)
		}
		if b.Max < b.Min || b.Max > d.Max {
			return fail(at+".max", "must be %d to %d, got %d", b.Min, d.Max, b.Max)
		}
		next = b.Max + 1
	}
	if next != d.Max+1 {
		return fail("bands", "must cover %d..%d, the last band ends at %d", d.Min, d.Max, next-1)
	}
	if c := d.Caseness; c != nil {
		if c.Op != ">=" && c.Op != "<=" {
			return fail("caseness.op", "must be \">=\" or \"<=\", got %q", c.Op)
		}
		if c.Value < d.Min || c.Value > d.Max {
			return fail("caseness.value", "must be within %d..%d, got %d", d.Min, d.Max, c.Value)
		}
		if blank(c.Label) {
			return fail("caseness.label", "must not be empty")
		}
	}
	rc := d.ReliableChange
	finite := func(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
	switch {
	case rc.Size != 0 && (rc.SD != 0 || rc.Reliability != 0):
		return fail("reliable_change", "give either size, or sd and reliability, not both")
	case rc.Size != 0:
		if !(rc.Size > 0) || !finite(rc.Size) {
			return fail("reliable_change.size", "must be above 0, got %v", rc.Size)
		}
	case rc.SD != 0 || rc.Reliability != 0:
		if !(rc.SD > 0) || !finite(rc.SD) {
			return fail("reliable_change.sd", "must be above 0, got %v", rc.SD)
		}
		if !(rc.Reliability > 0 && rc.Reliability < 1) {
			return fail("reliable_change.reliability", "must be between 0 and 1 (exclusive), got %v", rc.Reliability)
		}
	default:
		return fail("reliable_change", "give either size, or sd and reliability")
	}
	if d.SafetyNote != "" && !slices.ContainsFunc(d.Items, func(it Item) bool { return it.Safety }) {
		return fail("safety_note", "is said when a safety item is above 0, and no item has \"safety\": true")
	}
	return nil
}

// checkOptions returns where in an option list something is wrong (a suffix
// such as "[2].score") and what, or "" and "" when the list is sound.
func checkOptions(opts []Option) (sub, msg string) {
	seen := map[int]int{}
	for j, o := range opts {
		if strings.TrimSpace(o.Label) == "" {
			return fmt.Sprintf("[%d].label", j), "must not be empty"
		}
		if o.Score < 0 || o.Score > maxScore {
			return fmt.Sprintf("[%d].score", j), fmt.Sprintf("must be 0 to %d, got %d", maxScore, o.Score)
		}
		if k, dup := seen[o.Score]; dup {
			return fmt.Sprintf("[%d].score", j), fmt.Sprintf("scores must be distinct, %d is also the score of [%d]", o.Score, k)
		}
		seen[o.Score] = j
	}
	return "", ""
}

func optionRange(opts []Option) (lo, hi int) {
	lo, hi = opts[0].Score, opts[0].Score
	for _, o := range opts[1:] {
		lo = min(lo, o.Score)
		hi = max(hi, o.Score)
	}
	return lo, hi
}
