package store

import (
	"context"
	"slices"

	"github.com/upshot-app/upshot/internal/upshot"
)

// keptRecords are what ExportWithoutNotesReusing keeps: an owner's sessions
// (without their notes) and check-ins as one read saw them, each list with a
// fingerprint of its table. The dashboard
// keeps them between renders, so that a render after a change that touched
// neither list (a setting, a goal, a therapist) or only one of them (a
// logged session leaves the check-ins alone) reads again only what changed:
// on a long record those two lists are most of what a render reads.
type keptRecords struct {
	owner       upshot.OwnerID
	sessions    fingerprint
	checkins    fingerprint
	sessionList []*upshot.Session
	checkinList []*upshot.CheckIn
}

// fingerprint tells whether a table's rows of one owner are still those
// that were read. Every change moves it: ids are handed out by a counter
// that never goes back (an id is never reused after a delete), and every
// update raises the row's version. So an insert or a delete changes the
// count, or (as many inserts as deletes) raises the sum of the ids, since
// each new id is above every id there was; with neither, an update raises
// the sum of the versions. A session's goal rows change only through an
// update of the session. The latest update time is kept too, as a second
// guard against an import that refills an emptied owner with other rows.
type fingerprint struct {
	count, sumID, sumVersion int64
	lastUpdate               string
}

const fingerprintColumns = `COUNT(*), CAST(COALESCE(SUM(id), 0) AS BIGINT), CAST(COALESCE(SUM(version), 0) AS BIGINT), COALESCE(MAX(updated_at), '')`

func readFingerprint(ctx context.Context, t *tx, table string, owner upshot.OwnerID) (fingerprint, error) {
	var f fingerprint
	err := t.queryRow(ctx, `SELECT `+fingerprintColumns+` FROM `+table+` WHERE owner_id = ?`, int64(owner)).
		Scan(&f.count, &f.sumID, &f.sumVersion, &f.lastUpdate)
	return f, err
}

// ExportWithoutNotesReusing is ExportWithoutNotes that takes the sessions
// and check-ins from kept (what an earlier call returned for the same owner,
// or nil) when their tables have not changed since, and returns what to
// keep for the next call. Everything else is read afresh, all in one read
// transaction. The snapshot's lists are its own; the records in them are
// shared with kept and must not be changed.
func (db *DB) ExportWithoutNotesReusing(ctx context.Context, owner upshot.OwnerID, keep upshot.KeptRecords) (*upshot.Snapshot, upshot.KeptRecords, error) {
	kept, _ := keep.(*keptRecords)
	if kept != nil && kept.owner != owner {
		kept = nil
	}
	s := &upshot.Snapshot{Format: upshot.ExportFormat, Version: upshot.ExportVersion}
	next := &keptRecords{owner: owner}
	err := db.read(ctx, func(t *tx) (err error) {
		// The fingerprints are read before the rows: the rows are then at
		// least as recent as their fingerprint, so a list kept is never
		// older than the fingerprint it is kept under.
		if next.sessions, err = readFingerprint(ctx, t, "sessions", owner); err != nil {
			return err
		}
		if next.checkins, err = readFingerprint(ctx, t, "checkins", owner); err != nil {
			return err
		}
		if s.Therapists, err = listTherapists(ctx, t, owner, ""); err != nil {
			return err
		}
		if s.Goals, err = listGoals(ctx, t, owner, ""); err != nil {
			return err
		}
		if kept != nil && kept.sessions == next.sessions {
			next.sessionList = kept.sessionList
		} else if next.sessionList, err = listSessions(ctx, t, owner, sessionSelectNoNote, "", "s.id"); err != nil {
			return err
		}
		if kept != nil && kept.checkins == next.checkins {
			next.checkinList = kept.checkinList
		} else if next.checkinList, err = listCheckIns(ctx, t, owner, "", "id"); err != nil {
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
		return nil, nil, err
	}
	s.Sessions, s.CheckIns = slices.Clone(next.sessionList), slices.Clone(next.checkinList)
	s.ExportedAt = db.now()
	return s, next, nil
}
