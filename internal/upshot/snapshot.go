package upshot

import (
	"errors"
	"fmt"
	"time"
)

// Export document identity. ExportVersion changes only when an older Upshot
// could no longer read the document correctly; every version from
// MinExportVersion on still imports.
//
//   - 1: therapists, goals, sessions, check-ins, definitions, settings.
//   - 2: adds safety_plan.
//   - 3: adds agenda_items, and sessions' agenda_items (what became of each).
//   - 4: adds therapists' and sessions' fee_amount, the fee as an exact
//     decimal string ("90.50") beside the JSON number (written and read by
//     package archive).
const (
	ExportFormat     = "upshot-export"
	ExportVersion    = 4
	MinExportVersion = 1
)

// Snapshot is everything one owner has: the export document, the import
// unit, and the input of the review.
type Snapshot struct {
	Format      string       `json:"format"`
	Version     int          `json:"version"`
	ExportedAt  time.Time    `json:"exported_at"`
	Therapists  []*Therapist `json:"therapists"`
	Goals       []*Goal      `json:"goals"`
	Sessions    []*Session   `json:"sessions"`
	CheckIns    []*CheckIn   `json:"checkins"`
	Definitions []Definition `json:"definitions"`
	Settings    Settings     `json:"settings"`
	// SafetyPlan is null when the person has not written one (and in
	// version 1 files, which had none).
	SafetyPlan *SafetyPlan `json:"safety_plan,omitempty"`
	// AgendaItems are the things the person wanted to raise (version 3).
	AgendaItems []*AgendaItem `json:"agenda_items,omitempty"`
}

// Empty reports whether the snapshot holds no records (settings aside).
func (s *Snapshot) Empty() bool {
	return len(s.Therapists) == 0 && len(s.Goals) == 0 && len(s.Sessions) == 0 && len(s.CheckIns) == 0 && len(s.AgendaItems) == 0
}

// Validate checks the document as a whole: identity, every record's fields,
// unique ids, and that every reference points at a record in the document.
// Errors name the place ("sessions[3].therapist_id"). Check-in answers are
// checked against their definitions by the caller, which knows instruments.
func (s *Snapshot) Validate(today Date) error {
	if s.Format != ExportFormat {
		return Invalid("format", "not an Upshot export: format must be %q, got %q", ExportFormat, s.Format)
	}
	if s.Version < MinExportVersion || s.Version > ExportVersion {
		return Invalid("version", "export version %d is not supported (this Upshot reads versions %d to %d)", s.Version, MinExportVersion, ExportVersion)
	}
	at := func(kind string, i int, err error) error {
		// A record's faults are joined (see checks); the file's
		// refusal names the first, placed in the file.
		var e *Error
		if !errors.As(err, &e) {
			return err
		}
		return Invalid(fmt.Sprintf("%s[%d].%s", kind, i, e.Field), "%s[%d]: %s", kind, i, e.Message)
	}
	ids := func(kind string, i int, id int64, seen map[int64]bool) error {
		if id <= 0 || id > MaxID {
			return Invalid(fmt.Sprintf("%s[%d].id", kind, i), "%s[%d]: id must be a whole number from 1 to %d, got %d", kind, i, MaxID, id)
		}
		if seen[id] {
			return Invalid(fmt.Sprintf("%s[%d].id", kind, i), "%s[%d]: duplicate id %d", kind, i, id)
		}
		seen[id] = true
		return nil
	}
	therapists, goals, sessions, checkins := map[int64]bool{}, map[int64]bool{}, map[int64]bool{}, map[int64]bool{}
	for i, t := range s.Therapists {
		if t == nil {
			return Invalid(fmt.Sprintf("therapists[%d]", i), "therapists[%d] is null", i)
		}
		if err := ids("therapists", i, t.ID, therapists); err != nil {
			return err
		}
		if err := t.Validate(today); err != nil {
			return at("therapists", i, err)
		}
	}
	for i, g := range s.Goals {
		if g == nil {
			return Invalid(fmt.Sprintf("goals[%d]", i), "goals[%d] is null", i)
		}
		if err := ids("goals", i, g.ID, goals); err != nil {
			return err
		}
		if err := g.Validate(today); err != nil {
			return at("goals", i, err)
		}
	}
	items := map[int64]bool{}
	for i, a := range s.AgendaItems {
		if s.Version < 3 {
			return Invalid("agenda_items", "agenda_items needs export version 3 or later; this file says version %d", s.Version)
		}
		if a == nil {
			return Invalid(fmt.Sprintf("agenda_items[%d]", i), "agenda_items[%d] is null", i)
		}
		if err := ids("agenda_items", i, a.ID, items); err != nil {
			return err
		}
		if err := a.Validate(today); err != nil {
			return at("agenda_items", i, err)
		}
	}
	for i, ss := range s.Sessions {
		if ss == nil {
			return Invalid(fmt.Sprintf("sessions[%d]", i), "sessions[%d] is null", i)
		}
		if err := ids("sessions", i, ss.ID, sessions); err != nil {
			return err
		}
		if err := ss.Validate(today); err != nil {
			return at("sessions", i, err)
		}
		if !therapists[ss.TherapistID] {
			return Invalid(fmt.Sprintf("sessions[%d].therapist_id", i), "sessions[%d]: therapist %d is not in the file", i, ss.TherapistID)
		}
		for _, g := range ss.Goals {
			if !goals[g.GoalID] {
				return Invalid(fmt.Sprintf("sessions[%d].goals", i), "sessions[%d]: goal %d is not in the file", i, g.GoalID)
			}
		}
		for _, m := range ss.AgendaItems {
			if !items[m.ItemID] {
				return Invalid(fmt.Sprintf("sessions[%d].agenda_items", i), "sessions[%d]: agenda item %d is not in the file", i, m.ItemID)
			}
		}
	}
	defs := map[string]bool{}
	for i, d := range s.Definitions {
		key := fmt.Sprintf("%s@%d", d.Instrument, d.Version)
		if d.Instrument == "" || d.Version < 1 || len(d.Data) == 0 {
			return Invalid(fmt.Sprintf("definitions[%d]", i), "definitions[%d]: instrument, version and definition are required", i)
		}
		if defs[key] {
			return Invalid(fmt.Sprintf("definitions[%d]", i), "definitions[%d]: %s version %d appears twice", i, d.Instrument, d.Version)
		}
		defs[key] = true
	}
	for i, c := range s.CheckIns {
		if c == nil {
			return Invalid(fmt.Sprintf("checkins[%d]", i), "checkins[%d] is null", i)
		}
		if err := ids("checkins", i, c.ID, checkins); err != nil {
			return err
		}
		if err := CheckDate("date", c.Date, today); err != nil {
			return at("checkins", i, err)
		}
		if !defs[fmt.Sprintf("%s@%d", c.Instrument, c.InstrumentVersion)] {
			return Invalid(fmt.Sprintf("checkins[%d].instrument", i), "checkins[%d]: definition of %s version %d is not in the file", i, c.Instrument, c.InstrumentVersion)
		}
	}
	for name, v := range s.Settings {
		if _, err := CheckSetting(string(name), v); err != nil {
			return Invalid("settings."+string(name), "settings: %s", ErrorMessage(err))
		}
	}
	if s.SafetyPlan != nil {
		if s.Version < 2 {
			return Invalid("safety_plan", "safety_plan needs export version 2 or later; this file says version %d", s.Version)
		}
		if err := s.SafetyPlan.Validate(); err != nil {
			e, ok := err.(*Error)
			if !ok {
				return err
			}
			return Invalid("safety_plan."+e.Field, "safety_plan: %s", e.Message)
		}
	}
	return nil
}
