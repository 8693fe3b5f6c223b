package review

import "github.com/upshot-app/upshot/internal/upshot"

// agendaItems reports agenda_unresolved: an item of the person's own agenda
// raised at agenda_unresolved_raises sessions in scope and not dealt with.
// The finding is about the therapist it was last raised with, so that an
// item left behind in an ended therapy reads as history; an open one goes
// first on the agenda (agenda()).
func (r *run) agendaItems() {
	if len(r.snap.AgendaItems) == 0 {
		return
	}
	min := r.intSetting(upshot.SettingAgendaUnresolvedRaises)
	for _, e := range upshot.BuildAgenda(r.snap.AgendaItems, r.sessions, min) {
		r.agendaText[e.Item.ID] = e.Item.Text
		r.agendaOpen[e.Item.ID] = e.Open()
		if e.State == upshot.AgendaDealtWith || e.Raised < min {
			continue
		}
		var raised []int64
		var last upshot.AgendaEvent
		for _, ev := range e.History {
			if ev.Mark == upshot.MarkRaised {
				raised, last = append(raised, ev.SessionID), ev
			}
		}
		facts := agendaUnresolvedFacts{Name: r.name(last.TherapistID), Text: e.Item.Text, Raised: e.Raised, Min: min}
		if e.State == upshot.AgendaDropped {
			facts.Dropped = e.Item.Closed
		}
		f := Finding{Code: CodeAgendaUnresolved, TherapistID: last.TherapistID, AgendaItemID: e.Item.ID,
			Evidence: Evidence{Sessions: raised, Numbers: map[string]float64{"raised": float64(e.Raised), "min": float64(min)}}}
		f.Title, f.Detail = agendaUnresolvedWords(facts)
		r.add(f, int(e.Item.ID))
	}
}
