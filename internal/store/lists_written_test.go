package store

import "testing"

// TestListsWritten checks which kept lists a statement is taken to change:
// the stamps that ExportWithoutNotesReusing trusts are only as good as this.
func TestListsWritten(t *testing.T) {
	for query, want := range map[string]listMask{
		sessionInsert: keptSessions,
		`UPDATE sessions SET ` + sessionSet + ` WHERE owner_id = ? AND id = ?`:                    keptSessions,
		`DELETE FROM sessions WHERE owner_id = ? AND id = ?`:                                      keptSessions,
		`INSERT INTO session_goals (owner_id, session_id, goal_id, progress) VALUES (?, ?, ?, ?)`: keptSessions,
		`DELETE FROM session_agenda WHERE owner_id = ? AND session_id = ?`:                        keptSessions,
		"\n\t\tinsert into session_agenda(owner_id) values (?)":                                   keptSessions,
		`INSERT INTO checkins (owner_id, id) VALUES (?, ?)`:                                       keptCheckIns,
		`UPDATE checkins SET answers = ? WHERE owner_id = ? AND id = ?`:                           keptCheckIns,
		"DELETE  FROM\tcheckins WHERE owner_id = ?":                                               keptCheckIns,
		`UPDATE users SET revision = revision + 1 WHERE id = ?`:                                   0,
		`INSERT INTO settings (owner_id, name, value) VALUES (?, ?, ?)`:                           0,
		`DELETE FROM goals WHERE owner_id = ? AND id = ?`:                                         0,
		`INSERT INTO sessions_archive (owner_id) VALUES (?)`:                                      0,
		`SELECT COUNT(*) FROM sessions WHERE owner_id = ?`:                                        0,
		`SAVEPOINT write`: 0,
		// What it cannot read changes everything: a read too many, never a
		// stale list.
		`WITH x AS (SELECT 1) DELETE FROM checkins`:       keptAll,
		`REPLACE INTO sessions (owner_id) VALUES (?)`:     keptAll,
		`INSERT OR REPLACE INTO checkins (id) VALUES (?)`: keptAll,
		`UPDATE`: keptAll,
	} {
		if got := listsWritten(query); got != want {
			t.Errorf("listsWritten(%q) = %b, want %b", query, got, want)
		}
	}
}
