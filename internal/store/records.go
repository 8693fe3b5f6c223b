package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/upshot-app/upshot/internal/upshot"
)

// keptRecords are what ExportWithoutNotesReusing keeps: an owner's sessions
// (without their notes) and check-ins as one read saw them, each list with
// the stamp it was read at. The dashboard keeps them between renders, so
// that a render after a change that touched neither list (a setting, a goal,
// a therapist) or only one of them (a logged session leaves the check-ins
// alone) reads again only what changed: on a long record those two lists
// are most of what a render reads.
type keptRecords struct {
	owner    upshot.OwnerID
	revision int64 // the owner's revision when they were read
	// sessions and checkins are users.sessions_changed and
	// users.checkins_changed as the read saw them: the revision of the last
	// write that changed each list (schema 12, set by bumpRevision in the
	// statement that moves the revision). A write that changes a list
	// always moves its stamp to a revision it never had, so an unchanged
	// stamp is an unchanged list; reading it is one primary-key lookup,
	// however long the record (the fingerprint it replaces scanned every
	// row).
	sessions, checkins int64
	sessionList        []*upshot.Session
	checkinList        []*upshot.CheckIn
}

// listMask names the lists that keptRecords keeps, for a transaction to
// gather which of them its statements wrote to.
type listMask uint8

const (
	keptSessions listMask = 1 << iota // sessions, session_goals, session_agenda
	keptCheckIns                      // checkins
	keptAll      = keptSessions | keptCheckIns
)

// listsWritten tells which kept lists a statement may change, from its
// text: an INSERT, UPDATE or DELETE names its table after its verb. Every
// statement of a write goes through tx.exec, tx.query or tx.queryRow, which
// call it, so no write path can change a list without stamping it. A
// statement it cannot read (one that starts otherwise, WITH or REPLACE) is
// taken to change both, which costs a read, never a stale page. Deleting a
// session deletes its goal and agenda rows (ON DELETE CASCADE) and is itself
// a statement on sessions; nothing else cascades into these tables.
func listsWritten(query string) listMask {
	verb, rest := nextWord(query)
	switch strings.ToUpper(verb) {
	case "SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK":
		return 0
	case "INSERT":
		if into, rest := nextWord(rest); strings.EqualFold(into, "INTO") {
			return listOfTable(rest)
		}
	case "UPDATE":
		return listOfTable(rest)
	case "DELETE":
		if from, rest := nextWord(rest); strings.EqualFold(from, "FROM") {
			return listOfTable(rest)
		}
	}
	return keptAll
}

// listOfTable is the kept list of the table named at the start of s.
func listOfTable(s string) listMask {
	table, _ := nextWord(s)
	table, _, _ = strings.Cut(table, "(")
	switch strings.ToLower(table) {
	case "sessions", "session_goals", "session_agenda":
		return keptSessions
	case "checkins":
		return keptCheckIns
	case "":
		return keptAll
	}
	return 0
}

// nextWord splits s after its first word, leading white space skipped.
func nextWord(s string) (word, rest string) {
	s = strings.TrimLeft(s, " \t\r\n")
	if i := strings.IndexAny(s, " \t\r\n"); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
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
		// The stamps are read in the transaction that reads the rows, so
		// a list is kept under the stamp of the state it was read in.
		if err := t.queryRow(ctx, `SELECT revision, sessions_changed, checkins_changed FROM users WHERE id = ?`, int64(owner)).
			Scan(&next.revision, &next.sessions, &next.checkins); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return noOwner(owner)
			}
			return err
		}
		// A revision that went back is another user under a reused id (a
		// restore into a new database): nothing kept is theirs.
		if kept != nil && next.revision < kept.revision {
			kept = nil
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
