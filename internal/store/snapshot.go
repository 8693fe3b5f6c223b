package store

import (
	"context"
	"fmt"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// Export reads everything the owner has in one read transaction, so the
// document is one consistent moment even while others write. Every list is
// sorted by id and non-nil, so equal data gives byte-identical JSON.
func (db *DB) Export(ctx context.Context, owner upshot.OwnerID) (*upshot.Snapshot, error) {
	return db.export(ctx, owner, sessionSelect)
}

// ExportWithoutNotes is Export with every session's note left empty: what
// the review and the dashboard read, which show no note. Notes are most of
// the text of a long record.
func (db *DB) ExportWithoutNotes(ctx context.Context, owner upshot.OwnerID) (*upshot.Snapshot, error) {
	return db.export(ctx, owner, sessionSelectNoNote)
}

func (db *DB) export(ctx context.Context, owner upshot.OwnerID, sessionCols string) (*upshot.Snapshot, error) {
	s := &upshot.Snapshot{Format: upshot.ExportFormat, Version: upshot.ExportVersion}
	err := db.read(ctx, func(t *tx) (err error) {
		if s.Therapists, err = listTherapists(ctx, t, owner, ""); err != nil {
			return err
		}
		if s.Goals, err = listGoals(ctx, t, owner, ""); err != nil {
			return err
		}
		if s.Sessions, err = listSessions(ctx, t, owner, sessionCols, "", "s.id"); err != nil {
			return err
		}
		if s.CheckIns, err = listCheckIns(ctx, t, owner, "", "id"); err != nil {
			return err
		}
		if s.Definitions, err = listDefinitions(ctx, t, owner); err != nil {
			return err
		}
		if s.Settings, err = listSettings(ctx, t, owner); err != nil {
			return err
		}
		if s.SafetyPlan, err = readPlan(ctx, t, owner); err != nil {
			return err
		}
		s.AgendaItems, err = listAgendaItems(ctx, t, owner, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	s.ExportedAt = db.now()
	return s, nil
}

// Import loads a snapshot into an owner that has no therapists, goals,
// sessions or check-ins yet, keeping ids and record meta, in one transaction:
// everything or nothing. The caller has run Snapshot.Validate; the schema's
// keys and checks are the last guard, and a violation refuses the whole file.
//
// Settings in the file replace the same settings of the owner; others the
// owner set stay. A definition the owner already holds must be identical.
func (db *DB) Import(ctx context.Context, owner upshot.OwnerID, s *upshot.Snapshot) error {
	if s == nil {
		return upshot.Invalid("file", "nothing to import")
	}
	now := db.now()
	return db.write(ctx, owner, func(t *tx) error {
		return db.importInto(ctx, t, owner, s, now)
	})
}

// importInto is Import's work inside a transaction (also Restore's, for
// each person).
//
// "The owner has no records" must hold until the commit, also when two
// imports run at once (on PostgreSQL both would otherwise see an empty
// database, and both commit, merging two files): the owner's row is locked
// first, so the second waits for the first and then sees its records.
// SQLite's writes are serialised anyway.
func (db *DB) importInto(ctx context.Context, t *tx, owner upshot.OwnerID, s *upshot.Snapshot, now time.Time) error {
	if s == nil {
		return upshot.Invalid("file", "nothing to import")
	}
	res, err := t.exec(ctx, `UPDATE users SET revision = revision WHERE id = ?`, int64(owner))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return noOwner(owner)
	}
	if err := requireNoRecords(ctx, t, owner); err != nil {
		return err
	}
	guard := func(place string, i int, err error) error {
		if err == nil || upshot.ErrorCode(err) != upshot.EINTERNAL || !db.d.isConstraint(err) {
			return err
		}
		return &wrapped{upshot.Errorf(upshot.ECONFLICT, fmt.Sprintf("%s[%d]", place, i),
			"%s[%d] cannot be stored: it breaks a rule of the database (a duplicate id, a missing reference or a value out of range); nothing was imported",
			place, i), err}
	}
	var maxIDs = map[string]int64{}
	bump := func(kind string, id int64) { maxIDs[kind] = max(maxIDs[kind], id) }
	for i, th := range s.Therapists {
		if th == nil {
			return upshot.Invalid(fmt.Sprintf("therapists[%d]", i), "therapists[%d] is null; nothing was imported", i)
		}
		if err := guard("therapists", i, insertTherapist(ctx, t, owner, th.ID, th, importMeta(th.Meta, now))); err != nil {
			return err
		}
		bump(kindTherapist, th.ID)
	}
	for i, g := range s.Goals {
		if g == nil {
			return upshot.Invalid(fmt.Sprintf("goals[%d]", i), "goals[%d] is null; nothing was imported", i)
		}
		if err := guard("goals", i, insertGoal(ctx, t, owner, g.ID, g, importMeta(g.Meta, now))); err != nil {
			return err
		}
		bump(kindGoal, g.ID)
	}
	for i, d := range s.Definitions {
		data, err := compactDefinition(d)
		if err != nil {
			return err
		}
		if err := guard("definitions", i, storeDefinition(ctx, t, owner, d, data)); err != nil {
			return err
		}
	}
	if len(s.AgendaItems) > 0 {
		if n, err := count(ctx, t, `SELECT COUNT(*) FROM agenda_items WHERE owner_id = ?`, int64(owner)); err != nil {
			return err
		} else if n > 0 {
			return upshot.Errorf(upshot.ECONFLICT, "agenda_items",
				"this database already has %d agenda items and the file has some too; nothing was imported (import into a new database)", n)
		}
	}
	for i, a := range s.AgendaItems {
		if a == nil {
			return upshot.Invalid(fmt.Sprintf("agenda_items[%d]", i), "agenda_items[%d] is null; nothing was imported", i)
		}
		if err := guard("agenda_items", i, insertAgendaItem(ctx, t, owner, a.ID, a, importMeta(a.Meta, now))); err != nil {
			return err
		}
		bump(kindAgenda, a.ID)
	}
	for i, ss := range s.Sessions {
		if ss == nil {
			return upshot.Invalid(fmt.Sprintf("sessions[%d]", i), "sessions[%d] is null; nothing was imported", i)
		}
		if err := guard("sessions", i, insertSession(ctx, t, owner, ss.ID, ss, importMeta(ss.Meta, now))); err != nil {
			return err
		}
		bump(kindSession, ss.ID)
	}
	for i, c := range s.CheckIns {
		if c == nil {
			return upshot.Invalid(fmt.Sprintf("checkins[%d]", i), "checkins[%d] is null; nothing was imported", i)
		}
		answers, err := encodeAnswers(c.Answers)
		if err != nil {
			return err
		}
		if err := guard("checkins", i, insertCheckIn(ctx, t, owner, c.ID, c, answers, importMeta(c.Meta, now))); err != nil {
			return err
		}
		bump(kindCheckIn, c.ID)
	}
	for name, value := range s.Settings {
		v, err := upshot.CheckSetting(string(name), value)
		if err != nil {
			return err
		}
		if err := putSetting(ctx, t, owner, name, v); err != nil {
			return err
		}
	}
	if s.SafetyPlan != nil {
		if err := s.SafetyPlan.Validate(); err != nil {
			return err
		}
		lists, err := planLists(s.SafetyPlan)
		if err != nil {
			return err
		}
		if have, err := readPlan(ctx, t, owner); err != nil {
			return err
		} else if have != nil {
			return upshot.Errorf(upshot.ECONFLICT, "safety_plan",
				"this database already has a safety plan and the file has one too; nothing was imported (import into a new database)")
		}
		if err := insertPlan(ctx, t, owner, lists, importMeta(s.SafetyPlan.Meta, now)); err != nil {
			return err
		}
	}
	// New records continue after the imported ids; a counter already past
	// them (records made and deleted before) keeps its place, so no id
	// is ever handed out twice.
	for kind, id := range maxIDs {
		if _, err := t.exec(ctx, `UPDATE id_counters SET last_id = ? WHERE owner_id = ? AND kind = ? AND last_id < ?`,
			id, int64(owner), kind, id); err != nil {
			return err
		}
	}
	return nil
}

// importMeta keeps a record's meta from the file, filling what a hand-made
// file may lack so the record is still well formed.
func importMeta(m upshot.Meta, now time.Time) upshot.Meta {
	if m.Version < 1 {
		m.Version = 1
	}
	if m.CreatedAt.IsZero() {
		m.CreatedAt = now
	}
	if m.UpdatedAt.IsZero() {
		m.UpdatedAt = m.CreatedAt
	}
	return m
}

func requireNoRecords(ctx context.Context, t *tx, owner upshot.OwnerID) error {
	var n [4]int
	for i, table := range recordTables {
		var err error
		if n[i], err = count(ctx, t, `SELECT COUNT(*) FROM `+table+` WHERE owner_id = ?`, int64(owner)); err != nil {
			return err
		}
	}
	if n[0]+n[1]+n[2]+n[3] > 0 {
		return upshot.Errorf(upshot.ECONFLICT, "file",
			"import needs an empty database, but this one already has %d therapists, %d goals, %d sessions and %d check-ins; nothing was imported (import into a new database, or export and delete these first)",
			n[0], n[1], n[2], n[3])
	}
	return nil
}
