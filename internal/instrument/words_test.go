package instrument

import "testing"

func TestChangeWords(t *testing.T) {
	tests := []struct {
		reliable    string
		validated   bool
		size        float64
		short, long string
	}{
		{Improvement, true, 6, "reliably better", "a reliable improvement"},
		{Deterioration, true, 6, "reliably worse", "a reliable deterioration"},
		{NoChange, true, 6, "", "not a reliable change"},
		{Improvement, false, 2, "better by 2+ points, its own rule", "better by at least 2 points, this self-monitoring check's own rule of thumb for a change (not a validated threshold)"},
		{Deterioration, false, 2.449, "worse by 2.4+ points, its own rule", "worse by at least 2.4 points, this self-monitoring check's own rule of thumb for a change (not a validated threshold)"},
		{NoChange, false, 2, "", "less than 2 points, this self-monitoring check's own rule of thumb for a change (not a validated threshold)"},
	}
	for _, tt := range tests {
		short, long := ChangeWords(tt.reliable, tt.validated, tt.size)
		if short != tt.short || long != tt.long {
			t.Errorf("ChangeWords(%q, %v, %v) = %q, %q\nwant %q, %q", tt.reliable, tt.validated, tt.size, short, long, tt.short, tt.long)
		}
	}
}
