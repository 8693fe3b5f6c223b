package words

import (
	"testing"

	"github.com/upshot-app/upshot/internal/upshot"
)

func TestWords(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{Plural(1, "session"), "1 session"},
		{Plural(0, "session"), "0 sessions"},
		{Plural(3, "check-in"), "3 check-ins"},
		{FormatDate(upshot.NewDate(2025, 3, 3)), "3 Mar 2025"},
		{FormatDate(upshot.Date{}), ""},
		{Percent(0.754), "75%"},
		{Percent(1), "100%"},
		{FocusWord(upshot.FocusLife), "my life"},
		{FocusWord(upshot.FocusRelationship), "the relationship"},
		{Flags(nil), ""},
		{PageDates("from 16 on 2026-11-30 to 7 on 2026-02-30"), "from 16 on 30 Nov 2026 to 7 on 2026-02-30"},
		{Flags([]string{upshot.FlagBoundary, upshot.FlagDependency}), upshot.FlagLabels[upshot.FlagBoundary] + "; " + upshot.FlagLabels[upshot.FlagDependency]},
	} {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}
