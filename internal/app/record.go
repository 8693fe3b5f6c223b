package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/upshot-app/upshot/internal/upshot"
)

// RecordKind is why a session is in the person's record: a red flag, a low
// conduct rating, or feeling worse after it.
type RecordKind string

const (
	RecordFlag    RecordKind = "flag"
	RecordConduct RecordKind = "conduct"
	RecordWorse   RecordKind = "worse"
)

// RecordKinds are the kinds in the order an entry lists them.
var RecordKinds = []RecordKind{RecordFlag, RecordConduct, RecordWorse}

// RecordKindLabels say each kind in words, for filters and headings.
var RecordKindLabels = map[RecordKind]string{
	RecordFlag:    "red flags",
	RecordConduct: "low conduct ratings",
	RecordWorse:   "worse after the session",
}

// ParseRecordKind reads a kind typed or sent by the person; "" is every kind.
func ParseRecordKind(field, v string) (RecordKind, error) {
	v = strings.TrimSpace(v)
	if v == "" || slices.Contains(RecordKinds, RecordKind(v)) {
		return RecordKind(v), nil
	}
	names := make([]string, len(RecordKinds))
	for i, k := range RecordKinds {
		names[i] = string(k)
	}
	return "", upshot.Invalid(field, "%s must be one of %s, got %q", field, strings.Join(names, ", "), v)
}

// RecordFilter narrows the record; the zero value is all of it.
type RecordFilter struct {
	TherapistID int64
	Kind        RecordKind
	Since       upshot.Date
}

// Rating is one conduct quality and the rating it got.
type Rating struct {
	Quality string `json:"quality"`
	Rating  int    `json:"rating"`
}

// RecordEntry is one session in the record: what made it one of the
// moments the person may want to hold on to, and their note of it.
type RecordEntry struct {
	SessionID   int64        `json:"session_id"`
	Date        upshot.Date  `json:"date"`
	TherapistID int64        `json:"therapist_id"`
	Therapist   string       `json:"therapist"`
	Kinds       []RecordKind `json:"kinds"`
	Flags       []string     `json:"flags"`
	// LowConduct are the qualities rated at or below conduct_concern_max.
	LowConduct []Rating `json:"low_conduct"`
	After      string   `json:"after"`
	Note       string   `json:"note"`
}

// What says what happened in the session, one line per kind, as the CLI,
// the pages and the report show it: in the words the person chose when
// logging it.
func (e RecordEntry) What() []string {
	var out []string
	for _, f := range e.Flags {
		out = append(out, "Red flag: "+upshot.FlagLabels[f])
	}
	if len(e.LowConduct) > 0 {
		rs := make([]string, len(e.LowConduct))
		for i, r := range e.LowConduct {
			rs[i] = fmt.Sprintf("%s %d", r.Quality, r.Rating)
		}
		out = append(out, "Conduct rated low (of 5): "+strings.Join(rs, ", "))
	}
	if e.Has(RecordWorse) {
		out = append(out, "I felt worse after the session")
	}
	return out
}

// Has reports whether the entry is of kind k.
func (e RecordEntry) Has(k RecordKind) bool { return slices.Contains(e.Kinds, k) }

// Record is the person's dated timeline of flagged sessions, low conduct
// ratings and sessions they felt worse after, oldest first, each with their
// own note: what they recorded at the time, kept in their words.
type Record struct {
	TherapistID int64       `json:"therapist_id"` // 0: every therapist
	Kind        RecordKind  `json:"kind"`         // "": every kind
	Since       upshot.Date `json:"since"`
	// ConductMax is the rating at or below which a conduct rating is low
	// (the setting conduct_concern_max).
	ConductMax float64       `json:"conduct_max"`
	Entries    []RecordEntry `json:"entries"`
}

// Describe says in one line what the record holds, for its heading.
func (r *Record) Describe() string {
	what := "Sessions with a red flag, a conduct quality rated " + strconv.FormatFloat(r.ConductMax, 'f', -1, 64) + " of 5 or lower, or feeling worse after"
	switch r.Kind {
	case RecordFlag:
		what = "Sessions with a red flag"
	case RecordConduct:
		what = "Sessions with a conduct quality rated " + strconv.FormatFloat(r.ConductMax, 'f', -1, 64) + " of 5 or lower"
	case RecordWorse:
		what = "Sessions I felt worse after"
	}
	if !r.Since.IsZero() {
		what += ", since " + r.Since.String()
	}
	return what + "."
}

// WithoutNotes is the record with every note left out: what a report shows
// unless the person asks for their notes.
func (r *Record) WithoutNotes() *Record {
	out := *r
	out.Entries = slices.Clone(r.Entries)
	for i := range out.Entries {
		out.Entries[i].Note = ""
	}
	return &out
}

// RecordStore is what the record reads.
type RecordStore interface {
	upshot.SessionService
	upshot.TherapistService
	upshot.SettingService
}

// MyRecord reads the owner's record through f. A therapist that is not the
// owner's is not found, as the review's scope is.
func MyRecord(ctx context.Context, st RecordStore, owner upshot.OwnerID, f RecordFilter) (*Record, error) {
	if _, err := ParseRecordKind("kind", string(f.Kind)); err != nil {
		return nil, err
	}
	if f.TherapistID != 0 {
		if _, err := st.FindTherapist(ctx, owner, f.TherapistID); err != nil {
			return nil, err
		}
	}
	therapists, err := st.ListTherapists(ctx, owner)
	if err != nil {
		return nil, err
	}
	sessions, err := st.ListSessions(ctx, owner, upshot.SessionFilter{TherapistID: f.TherapistID, Since: f.Since})
	if err != nil {
		return nil, err
	}
	settings, err := st.Settings(ctx, owner)
	if err != nil {
		return nil, err
	}
	return BuildRecord(sessions, therapists, settings, f), nil
}

// RecordOf is the record of a snapshot (one consistent read, as the report
// makes) through f.
func RecordOf(snap *upshot.Snapshot, f RecordFilter) *Record {
	return BuildRecord(snap.Sessions, snap.Therapists, snap.Settings, f)
}

// BuildRecord picks the sessions of the record from sessions: any red flag,
// any conduct quality rated at or below conduct_concern_max (the rating the
// review's conduct_concern reports as an average), or "worse" after.
func BuildRecord(sessions []*upshot.Session, therapists []*upshot.Therapist, settings upshot.Settings, f RecordFilter) *Record {
	names := map[int64]string{}
	for _, t := range therapists {
		names[t.ID] = t.Name
	}
	rec := &Record{TherapistID: f.TherapistID, Kind: f.Kind, Since: f.Since,
		ConductMax: settings.Float(upshot.SettingConductConcernMax), Entries: []RecordEntry{}}
	for _, s := range sessions {
		if s == nil || (f.TherapistID != 0 && s.TherapistID != f.TherapistID) || (!f.Since.IsZero() && s.Date.Before(f.Since)) {
			continue
		}
		e := RecordEntry{SessionID: s.ID, Date: s.Date, TherapistID: s.TherapistID, Therapist: names[s.TherapistID],
			Flags: slices.Clone(s.Flags), After: s.After, Note: s.Note, LowConduct: []Rating{}}
		if e.Flags == nil {
			e.Flags = []string{}
		}
		for _, q := range upshot.Qualities {
			if v := s.Conduct.Get(q); v != nil && float64(*v) <= rec.ConductMax {
				e.LowConduct = append(e.LowConduct, Rating{Quality: q, Rating: *v})
			}
		}
		if len(e.Flags) > 0 {
			e.Kinds = append(e.Kinds, RecordFlag)
		}
		if len(e.LowConduct) > 0 {
			e.Kinds = append(e.Kinds, RecordConduct)
		}
		if s.After == upshot.AfterWorse {
			e.Kinds = append(e.Kinds, RecordWorse)
		}
		if len(e.Kinds) == 0 || (f.Kind != "" && !e.Has(f.Kind)) {
			continue
		}
		rec.Entries = append(rec.Entries, e)
	}
	slices.SortStableFunc(rec.Entries, func(a, b RecordEntry) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return int(a.SessionID - b.SessionID)
	})
	return rec
}
