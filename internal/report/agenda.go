package report

import (
	"strconv"

	"github.com/upshot-app/upshot/internal/report/words"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// AgendaLine is one open item of the person's agenda as the report says
// it: their words, and what became of it so far.
type AgendaLine struct {
	Text  string
	State string // "raised twice since 3 Mar 2026, not dealt with yet"
}

// ownAgenda is the person's open agenda items (upshot.BuildAgenda: the ones
// raised again and again and not dealt with first), for the report's "what
// to bring" section. They are written to be said to the therapist, so the
// report carries them as it carries the review's suggestions, which already
// quote the unresolved ones; a note is another matter and stays out. A
// report about one therapy that has ended has no next session, so it lists
// none.
func ownAgenda(snap *upshot.Snapshot, r *review.Review) []AgendaLine {
	if r.Scope.TherapistID != 0 {
		current := false
		for _, t := range r.Scope.Therapists {
			current = current || t.ID == r.Scope.TherapistID && t.Current
		}
		if !current {
			return nil
		}
	}
	var out []AgendaLine
	for _, e := range upshot.BuildAgenda(snap.AgendaItems, snap.Sessions, snap.Settings.Int(upshot.SettingAgendaUnresolvedRaises)) {
		if !e.Open() {
			continue
		}
		since := " since " + words.FormatDate(e.Item.Opened)
		state := "on my agenda" + since + ", not raised yet"
		if e.Raised > 0 {
			state = "raised " + times(e.Raised) + since + ", not dealt with yet"
		}
		out = append(out, AgendaLine{Text: e.Item.Text, State: state})
	}
	return out
}

func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return strconv.Itoa(n) + " times"
}
