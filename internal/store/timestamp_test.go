package store

import (
	"testing"
	"time"
)

// TestParseTimeAgreesWithTimeParse: the positional reading of a stored
// timestamp gives what time.Parse gives, and refuses what it refuses.
func TestParseTimeAgreesWithTimeParse(t *testing.T) {
	cases := []string{
		"2026-03-02T12:00:00.000000Z", "1900-01-01T00:00:00.000000Z", "9999-12-31T23:59:59.999999Z",
		"2024-02-29T08:30:15.123456Z", "2023-02-29T08:30:15.123456Z", "2026-04-31T00:00:00.000000Z",
		"2026-13-01T00:00:00.000000Z", "2026-00-10T00:00:00.000000Z", "2026-01-00T00:00:00.000000Z",
		"2026-01-01T24:00:00.000000Z", "2026-01-01T00:60:00.000000Z", "2026-01-01T00:00:60.000000Z",
		"2026-01-01T00:00:00.00000xZ", "2026-01-01 00:00:00.000000Z", "2026-01-01T00:00:00.000000",
		"2026-1-01T00:00:00.000000Z", "+026-01-01T00:00:00.000000Z", "", "2026-01-01T00:00:00.000000+",
	}
	for _, sec := range []int64{0, 1, 86399, 951782400, 1772452800, 253402300799} {
		for _, us := range []int64{0, 1, 999999, 123456} {
			cases = append(cases, formatTime(time.Unix(sec, us*1000)))
		}
	}
	for _, s := range cases {
		want, werr := time.Parse(timestampLayout, s)
		got, gerr := parseTime(s)
		if (werr == nil) != (gerr == nil) || !got.Equal(want) || got.Location() != want.Location() {
			t.Errorf("parseTime(%q) = %v, %v; time.Parse gives %v, %v", s, got, gerr, want, werr)
		}
		if fast, ok := parseStoredTime(s); ok && (werr != nil || !fast.Equal(want)) {
			t.Errorf("parseStoredTime(%q) = %v; time.Parse gives %v, %v", s, fast, want, werr)
		}
	}
}

// FuzzParseTime: whatever the string, the positional reading never accepts
// what time.Parse refuses nor reads it differently.
func FuzzParseTime(f *testing.F) {
	f.Add("2026-03-02T12:00:00.000000Z")
	f.Add("2023-02-29T08:30:15.123456Z")
	f.Fuzz(func(t *testing.T, s string) {
		fast, ok := parseStoredTime(s)
		if !ok {
			return
		}
		want, err := time.Parse(timestampLayout, s)
		if err != nil || !fast.Equal(want) {
			t.Errorf("parseStoredTime(%q) = %v; time.Parse gives %v, %v", s, fast, want, err)
		}
	})
}
