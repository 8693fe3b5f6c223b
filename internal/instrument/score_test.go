package instrument

import (
	"math"
	"testing"
)

func builtin(t testing.TB, id string) *Definition {
	t.Helper()
	d, ok := Builtin().Get(id)
	if !ok {
		t.Fatalf("no built-in %s", id)
	}
	return d
}

func ints(vs ...int) []*int {
	out := make([]*int, len(vs))
	for i := range vs {
		out[i] = &vs[i]
	}
	return out
}

// answersSumming fills items from the first with their highest option until
// the raw sum is reached, giving answers for any reachable raw total of a
// scale without reversed items.
func answersSumming(t *testing.T, d *Definition, raw int) []*int {
	t.Helper()
	out := make([]*int, len(d.Items))
	left := raw
	for i := range d.Items {
		_, hi := optionRange(d.ItemOptions(i))
		v := min(left, hi)
		out[i] = &v
		left -= v
	}
	if left != 0 {
		t.Fatalf("%s: raw %d is out of reach", d.ID, raw)
	}
	return out
}

func mustScore(t *testing.T, d *Definition, answers []*int) Score {
	t.Helper()
	s, err := d.Score(answers)
	if err != nil {
		t.Fatalf("%s: Score: %v", d.ID, err)
	}
	return s
}

func TestBandBoundaries(t *testing.T) {
	tests := []struct {
		id    string
		raw   int
		total int
		band  string
	}{
		{"phq9", 0, 0, "minimal"},
		{"phq9", 4, 4, "minimal"},
		{"phq9", 5, 5, "mild"},
		{"phq9", 9, 9, "mild"},
		{"phq9", 10, 10, "moderate"},
		{"phq9", 14, 14, "moderate"},
		{"phq9", 15, 15, "moderately severe"},
		{"phq9", 19, 19, "moderately severe"},
		{"phq9", 20, 20, "severe"},
		{"phq9", 27, 27, "severe"},

		{"gad7", 0, 0, "minimal"},
		{"gad7", 4, 4, "minimal"},
		{"gad7", 5, 5, "mild"},
		{"gad7", 9, 9, "mild"},
		{"gad7", 10, 10, "moderate"},
		{"gad7", 14, 14, "moderate"},
		{"gad7", 15, 15, "severe"},
		{"gad7", 21, 21, "severe"},

		// WHO-5 totals move in steps of 4, so each edge is tested at the
		// nearest reachable totals on each side.
		{"who5", 0, 0, "likely depression"},
		{"who5", 7, 28, "likely depression"},
		{"who5", 8, 32, "poor wellbeing"},
		{"who5", 12, 48, "poor wellbeing"},
		{"who5", 13, 52, "good wellbeing"},
		{"who5", 25, 100, "good wellbeing"},
	}
	for _, tt := range tests {
		d := builtin(t, tt.id)
		s := mustScore(t, d, answersSumming(t, d, tt.raw))
		if s.Raw != tt.raw || s.Total != tt.total || s.Band != tt.band {
			t.Errorf("%s raw %d: got raw %d total %d band %q, want total %d band %q",
				tt.id, tt.raw, s.Raw, s.Total, s.Band, tt.total, tt.band)
		}
	}
}

// The WHO-5 edges at 28/29 and 50/51 cannot be reached by answers, but a
// total from elsewhere (a custom factor, a future version) must still band
// correctly, so the band table itself is tested at every edge.
func TestBandForEveryEdge(t *testing.T) {
	for _, d := range Builtin().All() {
		for i, b := range d.Bands {
			if got := d.BandFor(b.Min); got != b.Label {
				t.Errorf("%s: BandFor(%d) = %q, want %q", d.ID, b.Min, got, b.Label)
			}
			if got := d.BandFor(b.Max); got != b.Label {
				t.Errorf("%s: BandFor(%d) = %q, want %q", d.ID, b.Max, got, b.Label)
			}
			if i > 0 {
				if got := d.BandFor(b.Min - 1); got != d.Bands[i-1].Label {
					t.Errorf("%s: BandFor(%d) = %q, want %q", d.ID, b.Min-1, got, d.Bands[i-1].Label)
				}
			}
		}
		if got := d.BandFor(d.Max + 1); got != "" {
			t.Errorf("%s: BandFor(max+1) = %q, want none", d.ID, got)
		}
	}
	who5 := builtin(t, "who5")
	for total, want := range map[int]string{28: "likely depression", 29: "poor wellbeing", 50: "poor wellbeing", 51: "good wellbeing"} {
		if got := who5.BandFor(total); got != want {
			t.Errorf("who5: BandFor(%d) = %q, want %q", total, got, want)
		}
	}
	focus := builtin(t, "focus")
	for total, want := range map[int]string{0: "low", 3: "low", 4: "some", 7: "some", 8: "high", 12: "high"} {
		if got := focus.BandFor(total); got != want {
			t.Errorf("focus: BandFor(%d) = %q, want %q", total, got, want)
		}
	}
}

func TestCaseness(t *testing.T) {
	tests := []struct {
		id   string
		raw  int
		want bool
	}{
		{"phq9", 9, false},
		{"phq9", 10, true},
		{"gad7", 7, false},
		{"gad7", 8, true},
		{"who5", 12, true},  // 48: poor wellbeing is the case
		{"who5", 13, false}, // 52
	}
	for _, tt := range tests {
		d := builtin(t, tt.id)
		s := mustScore(t, d, answersSumming(t, d, tt.raw))
		if s.Caseness == nil || *s.Caseness != tt.want {
			t.Errorf("%s raw %d (total %d): caseness %v, want %v", tt.id, tt.raw, s.Total, s.Caseness, tt.want)
		}
	}
	for total, want := range map[int]bool{50: true, 51: false} {
		if got := builtin(t, "who5").IsCase(total); got == nil || *got != want {
			t.Errorf("who5: IsCase(%d) = %v, want %v", total, got, want)
		}
	}
	focus := builtin(t, "focus")
	if s := mustScore(t, focus, ints(4, 4, 0)); s.Caseness != nil {
		t.Errorf("focus has no caseness, got %v", *s.Caseness)
	}
}

func TestReliableChange(t *testing.T) {
	tests := []struct {
		id       string
		from, to int // reported totals
		want     string
	}{
		{"phq9", 16, 10, Improvement},
		{"phq9", 16, 11, NoChange},
		{"phq9", 10, 16, Deterioration},
		{"phq9", 10, 15, NoChange},
		{"phq9", 12, 12, NoChange},

		{"gad7", 12, 8, Improvement},
		{"gad7", 12, 9, NoChange},
		{"gad7", 8, 12, Deterioration},
		{"gad7", 8, 11, NoChange},

		// Higher is better: a rise is an improvement. Totals are multiples
		// of 4, so 12 is the smallest reachable reliable change and 8 falls
		// short; 10 is the exact threshold for totals from elsewhere.
		{"who5", 40, 52, Improvement},
		{"who5", 40, 48, NoChange},
		{"who5", 52, 40, Deterioration},
		{"who5", 48, 40, NoChange},
		{"who5", 40, 50, Improvement},
		{"who5", 50, 40, Deterioration},
		{"who5", 40, 49, NoChange},
		{"who5", 49, 40, NoChange},

		{"focus", 6, 4, Improvement},
		{"focus", 6, 5, NoChange},
		{"focus", 4, 6, Deterioration},
	}
	for _, tt := range tests {
		d := builtin(t, tt.id)
		c := d.Change(Score{Total: tt.from}, Score{Total: tt.to})
		if c.Reliable != tt.want || c.Delta != tt.to-tt.from || c.From != tt.from || c.To != tt.to {
			t.Errorf("%s %d -> %d: got %+v, want %s", tt.id, tt.from, tt.to, c, tt.want)
		}
		if c.RCI != nil {
			t.Errorf("%s: fixed-size instrument reported an RCI", tt.id)
		}
	}
}

func TestOutcome(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name          string
		id            string
		base, latest  int
		recovery, rel *bool
		reliable      string
	}{
		{"case to non-case with reliable improvement", "phq9", 15, 9, &yes, &yes, Improvement},
		{"case to non-case without reliable improvement", "phq9", 12, 9, &yes, &no, NoChange},
		{"case stays case despite reliable improvement", "phq9", 20, 14, &no, &no, Improvement},
		{"non-case baseline", "phq9", 9, 3, nil, nil, Improvement},
		{"gad7 recovery", "gad7", 12, 7, &yes, &yes, Improvement},
		{"gad7 recovery by one point short", "gad7", 10, 7, &yes, &no, NoChange},
		{"who5 poor to good reliably", "who5", 40, 52, &yes, &yes, Improvement},
		{"who5 poor to good unreliably", "who5", 48, 52, &yes, &no, NoChange},
		{"who5 good baseline", "who5", 60, 80, nil, nil, Improvement},
		{"no caseness", "focus", 10, 2, nil, nil, Improvement},
	}
	for _, tt := range tests {
		d := builtin(t, tt.id)
		o := d.Outcome(Score{Total: tt.base}, Score{Total: tt.latest})
		if !eqBool(o.Recovery, tt.recovery) || !eqBool(o.ReliableRecovery, tt.rel) || o.Change.Reliable != tt.reliable {
			t.Errorf("%s: recovery %v reliable recovery %v change %s; want %v %v %s", tt.name,
				fmtBool(o.Recovery), fmtBool(o.ReliableRecovery), o.Change.Reliable,
				fmtBool(tt.recovery), fmtBool(tt.rel), tt.reliable)
		}
	}
}

func eqBool(a, b *bool) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func fmtBool(b *bool) string {
	if b == nil {
		return "nil"
	}
	if *b {
		return "true"
	}
	return "false"
}

func TestFocusReverse(t *testing.T) {
	d := builtin(t, "focus")
	tests := []struct {
		answers []int
		items   []int
		total   int
		band    string
	}{
		{[]int{0, 0, 4}, []int{0, 0, 0}, 0, "low"},  // life fully attended: best
		{[]int{0, 0, 0}, []int{0, 0, 4}, 4, "some"}, // life neglected counts 4
		{[]int{1, 2, 3}, []int{1, 2, 1}, 4, "some"},
		{[]int{1, 1, 3}, []int{1, 1, 1}, 3, "low"},
		{[]int{3, 2, 2}, []int{3, 2, 2}, 7, "some"},
		{[]int{3, 3, 2}, []int{3, 3, 2}, 8, "high"},
		{[]int{4, 4, 0}, []int{4, 4, 4}, 12, "high"},
	}
	for _, tt := range tests {
		s := mustScore(t, d, ints(tt.answers...))
		if s.Total != tt.total || s.Band != tt.band || !equalInts(s.Items, tt.items) {
			t.Errorf("focus %v: got total %d band %q items %v; want %d %q %v",
				tt.answers, s.Total, s.Band, s.Items, tt.total, tt.band, tt.items)
		}
	}
	if d.Items[2].ID != "focus_life" || !d.Items[2].Reverse {
		t.Errorf("focus item 3 must be the reverse-scored life-attention item, got %+v", d.Items[2])
	}
	if d.Validated || d.Note != "Self-monitoring, not a validated scale." {
		t.Errorf("focus must say it is not validated: validated=%v note=%q", d.Validated, d.Note)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestWHO5Scaling(t *testing.T) {
	d := builtin(t, "who5")
	tests := []struct {
		answers    []int
		raw, total int
	}{
		{[]int{5, 5, 5, 5, 5}, 25, 100},
		{[]int{0, 0, 0, 0, 0}, 0, 0},
		{[]int{3, 3, 2, 2, 3}, 13, 52},
		{[]int{1, 0, 0, 0, 0}, 1, 4},
	}
	for _, tt := range tests {
		s := mustScore(t, d, ints(tt.answers...))
		if s.Raw != tt.raw || s.Total != tt.total {
			t.Errorf("who5 %v: raw %d total %d, want %d %d", tt.answers, s.Raw, s.Total, tt.raw, tt.total)
		}
	}
	if d.Direction != HigherIsBetter || d.Min != 0 || d.Max != 100 {
		t.Errorf("who5: direction %s range %d..%d", d.Direction, d.Min, d.Max)
	}
}

func TestSafety(t *testing.T) {
	phq9 := builtin(t, "phq9")
	tests := []struct {
		answers []int
		safety  bool
		total   int
		band    string
	}{
		{[]int{0, 0, 0, 0, 0, 0, 0, 0, 1}, true, 1, "minimal"},
		{[]int{0, 0, 0, 0, 0, 0, 0, 0, 3}, true, 3, "minimal"},
		{[]int{3, 3, 3, 3, 3, 3, 3, 3, 0}, false, 24, "severe"},
		{[]int{0, 0, 0, 0, 0, 0, 0, 0, 0}, false, 0, "minimal"},
	}
	for _, tt := range tests {
		s := mustScore(t, phq9, ints(tt.answers...))
		if s.Safety != tt.safety || s.Total != tt.total || s.Band != tt.band {
			t.Errorf("phq9 %v: safety %v total %d band %q; want %v %d %q", tt.answers, s.Safety, s.Total, s.Band, tt.safety, tt.total, tt.band)
		}
	}
	if !phq9.Items[8].Safety {
		t.Error("phq9 item 9 must be the safety item")
	}
	for _, d := range Builtin().All() {
		for i, it := range d.Items {
			if it.Safety != (d.ID == "phq9" && i == 8) {
				t.Errorf("%s: item %d safety=%v; only PHQ-9 item 9 is a safety item", d.ID, i+1, it.Safety)
			}
		}
	}
}

func customJT(t testing.TB) *Definition {
	t.Helper()
	d, err := Parse([]byte(`{
		"id": "clinic_mood", "version": 1, "name": "Clinic mood", "instruction": "Today",
		"options": [{"label": "no", "score": 0}, {"label": "some", "score": 2}, {"label": "lots", "score": 4}],
		"items": [{"id": "a1", "text": "Low"}, {"id": "a2", "text": "Tense"}, {"id": "a3", "text": "Calm", "reverse": true}],
		"scoring": {"method": "sum", "factor": 1, "max_missing": 1, "prorate": true},
		"direction": "higher_is_worse", "min": 0, "max": 12,
		"bands": [{"min": 0, "max": 5, "label": "low"}, {"min": 6, "max": 12, "label": "high"}],
		"caseness": {"op": ">=", "value": 6, "label": "high"},
		"reliable_change": {"sd": 5, "reliability": 0.8},
		"source": "our clinic", "licence": "ours", "attribution": "", "validated": true
	}`))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestJacobsonTruax(t *testing.T) {
	d := customJT(t)
	// SE = 5*sqrt(0.2) = 2.236; S_diff = sqrt(2)*SE = 3.162; 1.96*S_diff = 6.2.
	sdiff := math.Sqrt(2 * math.Pow(5*math.Sqrt(1-0.8), 2))
	tests := []struct {
		from, to int
		want     string
	}{
		{10, 3, Improvement}, // RC -2.21
		{10, 4, NoChange},    // RC -1.90
		{3, 10, Deterioration},
		{4, 10, NoChange},
		{5, 5, NoChange},
	}
	for _, tt := range tests {
		c := d.Change(Score{Total: tt.from}, Score{Total: tt.to})
		if c.Reliable != tt.want {
			t.Errorf("JT %d -> %d: %s, want %s", tt.from, tt.to, c.Reliable, tt.want)
		}
		want := float64(tt.to-tt.from) / sdiff
		if c.RCI == nil || math.Abs(*c.RCI-want) > 1e-9 {
			t.Errorf("JT %d -> %d: RCI %v, want %.4f", tt.from, tt.to, c.RCI, want)
		}
	}
	o := d.Outcome(Score{Total: 10}, Score{Total: 3})
	if !eqBool(o.Recovery, ptr(true)) || !eqBool(o.ReliableRecovery, ptr(true)) {
		t.Errorf("JT outcome: %+v", o)
	}

	// The same scale not validated: its change is still classified by its
	// own numbers, but recovery, an outcome rule for validated scales, does
	// not apply.
	d.Validated = false
	o = d.Outcome(Score{Total: 10}, Score{Total: 3})
	if o.Change.Reliable != Improvement || o.Recovery != nil || o.ReliableRecovery != nil {
		t.Errorf("unvalidated JT outcome: %+v, want an improvement and no recovery", o)
	}
}

func ptr[T any](v T) *T { return &v }

func TestProrate(t *testing.T) {
	d := customJT(t)
	tests := []struct {
		answers []*int
		raw     int
		total   int
		items   []int
	}{
		{[]*int{ptr(4), ptr(2), ptr(0)}, 10, 10, []int{4, 2, 4}},
		{[]*int{ptr(2), nil, ptr(4)}, 2, 3, []int{2, -1, 0}}, // 2*3/2 = 3
		{[]*int{ptr(2), ptr(4), nil}, 6, 9, []int{2, 4, -1}}, // 6*3/2 = 9
		{[]*int{ptr(2), ptr(0), nil}, 2, 3, []int{2, 0, -1}},
		{[]*int{nil, ptr(4), ptr(4)}, 4, 6, []int{-1, 4, 0}},
	}
	for _, tt := range tests {
		s := mustScore(t, d, tt.answers)
		if s.Raw != tt.raw || s.Total != tt.total || !equalInts(s.Items, tt.items) {
			t.Errorf("prorate %s: raw %d total %d items %v; want %d %d %v",
				FormatAnswers(tt.answers), s.Raw, s.Total, s.Items, tt.raw, tt.total, tt.items)
		}
	}
	// Half-up rounding: 3 items, 2 answered summing 1 -> 1.5 -> 2.
	d2 := customJT(t)
	d2.Options = []Option{{"no", 0}, {"yes", 1}}
	d2.Min, d2.Max = 0, 3
	d2.Bands = []Band{{0, 3, "all"}}
	d2.Caseness = nil
	if err := d2.validate(); err != nil {
		t.Fatal(err)
	}
	if s := mustScore(t, d2, []*int{ptr(1), ptr(0), nil}); s.Raw != 1 || s.Total != 2 {
		t.Errorf("half up: raw %d total %d, want 1 2", s.Raw, s.Total)
	}
	if _, err := d.Score([]*int{nil, nil, ptr(0)}); err == nil {
		t.Error("two missing with max_missing 1 was accepted")
	}
}
