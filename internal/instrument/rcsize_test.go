package instrument

import (
	"math"
	"testing"
)

func TestReliableChangeSize(t *testing.T) {
	// 1.96 * sqrt(2) * SD * sqrt(1 - r) for SD 5, r 0.8: 6.1981...
	jt := 1.96 * math.Sqrt2 * 5 * math.Sqrt(0.2)
	none := customJT(t)
	none.ReliableChange = ReliableChange{}
	tests := []struct {
		name string
		d    *Definition
		want float64
	}{
		{"PHQ-9 fixed size", builtin(t, "phq9"), 6},
		{"GAD-7 fixed size", builtin(t, "gad7"), 4},
		{"WHO-5 fixed size on the percentage scale", builtin(t, "who5"), 10},
		{"Jacobson-Truax from SD and reliability", customJT(t), jt},
		{"no reliable-change rule", none, 0},
	}
	for _, tt := range tests {
		if got := tt.d.ReliableChangeSize(); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%s: ReliableChangeSize() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// The size agrees with Change: a change of the size (rounded up to a whole
// point) is reliable, one point less is not, on every instrument.
func TestReliableChangeSizeAgreesWithChange(t *testing.T) {
	for _, d := range append(Builtin().All(), customJT(t)) {
		size := d.ReliableChangeSize()
		if size <= 0 {
			continue
		}
		at := int(math.Ceil(size))
		if d.Max-d.Min < at {
			t.Fatalf("%s: scale %d..%d too short for a reliable change of %v", d.ID, d.Min, d.Max, size)
		}
		if c := d.Change(Score{Total: d.Min}, Score{Total: d.Min + at}); c.Reliable == NoChange {
			t.Errorf("%s: a change of %d (size %v) is not reliable", d.ID, at, size)
		}
		if c := d.Change(Score{Total: d.Min}, Score{Total: d.Min + at - 1}); c.Reliable != NoChange {
			t.Errorf("%s: a change of %d (size %v) is reliable", d.ID, at-1, size)
		}
	}
}
