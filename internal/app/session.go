package app

import (
	"context"

	"github.com/upshot-app/upshot/internal/upshot"
)

// SessionStore is what logging a session needs: the session and the
// therapist and goals it names.
type SessionStore interface {
	upshot.SessionService
	upshot.TherapistService
	upshot.GoalService
	upshot.AgendaService
}

// NewSession is what a new entry starts from: today, the current therapist,
// and that therapist's last minutes, fee and format, so that a typical entry
// is a few taps. The current therapist is the one of the latest session if
// they have not ended, else the first who has not ended, else the last added.
func NewSession(ctx context.Context, st SessionStore, owner upshot.OwnerID, now upshot.Clock) (*upshot.Session, error) {
	ss := &upshot.Session{Date: upshot.DateOf(now())}
	therapists, err := st.ListTherapists(ctx, owner)
	if err != nil {
		return nil, err
	}
	sessions, err := st.ListSessions(ctx, owner, upshot.SessionFilter{})
	if err != nil {
		return nil, err
	}
	var current *upshot.Therapist
	if n := len(sessions); n > 0 {
		last := sessions[n-1]
		for _, t := range therapists {
			if t.ID == last.TherapistID && t.Ended.IsZero() {
				current = t
			}
		}
	}
	if current == nil {
		for _, t := range therapists {
			if t.Ended.IsZero() {
				current = t
				break
			}
		}
	}
	if current == nil && len(therapists) > 0 {
		current = therapists[len(therapists)-1]
	}
	if current == nil {
		return ss, nil
	}
	ss.TherapistID = current.ID
	ss.Fee = current.Fee
	for i := len(sessions) - 1; i >= 0; i-- {
		if last := sessions[i]; last.TherapistID == current.ID {
			ss.Minutes, ss.Format = last.Minutes, last.Format
			if last.Fee != nil {
				ss.Fee = last.Fee
			}
			break
		}
	}
	return ss, nil
}

// LogSession records a session, on today when it has no date. A therapist
// or goal it names that is not the owner's is invalid input (the field
// names it), not a missing page: the request is there, what it names is not.
func LogSession(ctx context.Context, st SessionStore, owner upshot.OwnerID, now upshot.Clock, s *upshot.Session) error {
	today := upshot.DateOf(now())
	if s.Date.IsZero() {
		s.Date = today
	}
	// The store refuses a therapist, goal or agenda item that is not the
	// owner's inside its write, naming the field as checkSession would
	// (invalidRef makes that invalid input), so a new session is not looked
	// up first: three read transactions fewer for every session logged.
	if err := s.Validate(today); err != nil {
		return err
	}
	return invalidRef(st.CreateSession(ctx, owner, s))
}

// SameDaySession returns a session already logged with s's therapist on
// s's date (other than s itself), or nil. A second session on one day is
// allowed (a double session, a crisis call after the hour), so a form asks
// "another session on this day?" rather than refusing; a sent-twice entry is
// the likelier reason and is caught before it doubles the counts.
func SameDaySession(ctx context.Context, st SessionStore, owner upshot.OwnerID, s *upshot.Session) (*upshot.Session, error) {
	if s.TherapistID == 0 || s.Date.IsZero() {
		return nil, nil
	}
	list, err := st.ListSessions(ctx, owner, upshot.SessionFilter{TherapistID: s.TherapistID, Since: s.Date})
	if err != nil {
		return nil, err
	}
	for _, other := range list {
		if other.Date.Equal(s.Date) && other.ID != s.ID {
			return other, nil
		}
	}
	return nil, nil
}

// EditSession replaces a stored session, s carrying the version last read
// (a change made meanwhile is a conflict, not lost).
func EditSession(ctx context.Context, st SessionStore, owner upshot.OwnerID, now upshot.Clock, s *upshot.Session) error {
	if err := checkSession(ctx, st, owner, upshot.DateOf(now()), s); err != nil {
		return err
	}
	return invalidRef(st.UpdateSession(ctx, owner, s))
}

// checkSession validates s and makes sure the therapist and goals it names
// are the owner's. The store checks the references again inside its
// transaction; this names the field first, before anything is written.
func checkSession(ctx context.Context, st SessionStore, owner upshot.OwnerID, today upshot.Date, s *upshot.Session) error {
	if err := s.Validate(today); err != nil {
		return err
	}
	if _, err := st.FindTherapist(ctx, owner, s.TherapistID); upshot.ErrorCode(err) == upshot.ENOTFOUND {
		return upshot.Invalid("therapist", "therapist: no therapist with id %d", s.TherapistID)
	} else if err != nil {
		return err
	}
	for _, g := range s.Goals {
		if _, err := st.FindGoal(ctx, owner, g.GoalID); upshot.ErrorCode(err) == upshot.ENOTFOUND {
			return upshot.Invalid("goals", "goals: no goal with id %d", g.GoalID)
		} else if err != nil {
			return err
		}
	}
	for _, m := range s.AgendaItems {
		if _, err := st.FindAgendaItem(ctx, owner, m.ItemID); upshot.ErrorCode(err) == upshot.ENOTFOUND {
			return upshot.Invalid("agenda_items", "agenda_items: no agenda item with id %d", m.ItemID)
		} else if err != nil {
			return err
		}
	}
	return nil
}

// invalidRef turns the store's "no such therapist/goal" (a record deleted
// between the check and the write) into the invalid input checkSession
// reports; a missing session itself stays not found.
func invalidRef(err error) error {
	if upshot.ErrorCode(err) != upshot.ENOTFOUND {
		return err
	}
	switch f := upshot.ErrorField(err); f {
	case "therapist", "goals", "agenda_items":
		return upshot.Invalid(f, "%s", upshot.ErrorMessage(err))
	}
	return err
}
