package upshot_test

import (
	"errors"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// The flag parsers take whatever a person or a script types; whatever they
// accept must be valid by the domain's own rules, and nothing may panic.

func FuzzParseFocus(f *testing.F) {
	for _, s := range []string{"life=30,relationship=10,therapist=0,admin=5,other=5", "life=1", "life=,", "=", "life=99999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fo, err := upshot.ParseFocus(s)
		if err == nil {
			if verr := fo.Validate(); verr != nil {
				t.Fatalf("ParseFocus(%q) accepted an invalid focus: %v", s, verr)
			}
		}
	})
}

func FuzzParseProgress(f *testing.F) {
	for _, s := range []string{"3=+1,4=-2", "1=0", "1=+3", "x=1", "1=1,1=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ps, err := upshot.ParseProgress(s)
		if err != nil {
			return
		}
		sess := &upshot.Session{TherapistID: 1, Date: today, Goals: ps}
		if verr := sess.Validate(today); verr != nil {
			t.Fatalf("ParseProgress(%q) accepted invalid progress: %v", s, verr)
		}
	})
}

func FuzzParseConduct(f *testing.F) {
	for _, s := range []string{"empathy=4,respect=5", "objectivity=1", "empathy=6", "x=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := upshot.ParseConduct(s)
		if err == nil {
			if verr := c.Validate(); verr != nil {
				t.Fatalf("ParseConduct(%q) accepted invalid conduct: %v", s, verr)
			}
		}
	})
}

func FuzzParseLists(f *testing.F) {
	for _, s := range []string{"insight,strategy", "none", "boundary,blamed", "", ",,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gerr := upshot.ParseGot(s)
		flags, ferr := upshot.ParseFlags(s)
		sess := &upshot.Session{TherapistID: 1, Date: today}
		if gerr == nil {
			sess.Got = got
		}
		if ferr == nil {
			sess.Flags = flags
		}
		if verr := sess.Validate(today); verr != nil {
			t.Fatalf("parsers accepted %q but the session is invalid: %v", s, verr)
		}
	})
}

// FuzzParseDate: ParseDate reads a date by position when it can; whatever
// the string, it must accept and refuse exactly what time.Parse with the
// date layout does (and 0001-01-01, Go's zero time, stays refused).
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-03-02", "2024-02-29", "2023-02-29", "2026-04-31", "2026-13-01", "2026-00-10", "2026-01-00",
		"0001-01-01", "0000-01-01", "9999-12-31", "1900-01-01", "2026-1-01", "+026-01-01", "2026-01-0x", "2026/01/01", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := upshot.ParseDate(s)
		want, werr := time.Parse(upshot.DateLayout, s)
		if werr == nil && want.IsZero() {
			werr = errors.New("the zero time")
		}
		if (err == nil) != (werr == nil) || (err == nil && !d.Time().Equal(want)) {
			t.Fatalf("ParseDate(%q) = %v, %v; time.Parse gives %v, %v", s, d, err, want, werr)
		}
	})
}
