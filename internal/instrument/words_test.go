package instrument

import "testing"

func TestChangeWords(t *testing.T) {
	const rule = "this questionnaire's own rule of thumb for a change (it is not a validated scale)"
	tests := []struct {
		reliable    string
		validated   bool
		size        float64
		short, long string
	}{
		{Improvement, true, 6, "reliably better", "a reliable improvement"},
		{Deterioration, true, 6, "reliably worse", "a reliable deterioration"},
		{NoChange, true, 6, "", "not a reliable change"},
		{Improvement, false, 2, "better by 2+ points, its own rule", "better by at least 2 points, " + rule},
		// Rounded up: a total is whole, so 2.5 is as true as 2.449.
		{Deterioration, false, 2.449, "worse by 2.5+ points, its own rule", "worse by at least 2.5 points, " + rule},
		{NoChange, false, 2, "", "under the 2 points of " + rule},
	}
	for _, tt := range tests {
		short, long := ChangeWords(tt.reliable, tt.validated, tt.size)
		if short != tt.short || long != tt.long {
			t.Errorf("ChangeWords(%q, %v, %v) = %q, %q\nwant %q, %q", tt.reliable, tt.validated, tt.size, short, long, tt.short, tt.long)
		}
	}
}
