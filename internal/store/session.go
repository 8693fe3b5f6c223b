package store

import (
	"cmp"
	"context"
	"database/sql"
	"math"
	"slices"
	"strings"

	"github.com/upshot-app/upshot/internal/upshot"
)

// Session columns. Focus and conduct are one nullable integer column per
// category and quality, named after the domain's lists so the two cannot drift.
var (
	focusColumns   = prefixed("focus_", upshot.FocusCategories)
	conductColumns = prefixed("conduct_", upshot.Qualities)
	sessionColumns = "id, therapist_id, date, minutes, fee, format, agenda, " + strings.Join(focusColumns, ", ") +
		", got, helpful, felt_after, " + strings.Join(conductColumns, ", ") + ", flags, note, version, created_at, updated_at"
	sessionSelect = "s." + strings.ReplaceAll(sessionColumns, ", ", ", s.")
	// sessionSelectNoNote reads every column but the note, as an empty one.
	sessionSelectNoNote = strings.Replace(sessionSelect, "s.note,", "'' AS note,", 1)
	sessionInsert       = `INSERT INTO sessions (owner_id, ` + sessionColumns + `) VALUES (` +
		strings.TrimSuffix(strings.Repeat("?, ", strings.Count(sessionColumns, ",")+2), ", ") + `)`
	sessionSet = "therapist_id = ?, date = ?, minutes = ?, fee = ?, format = ?, agenda = ?, " +
		strings.Join(focusColumns, " = ?, ") + " = ?, got = ?, helpful = ?, felt_after = ?, " +
		strings.Join(conductColumns, " = ?, ") + " = ?, flags = ?, note = ?"
)

func prefixed(prefix string, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}

// sessionArgs are the values of the columns between id and the meta columns.
func sessionArgs(s *upshot.Session) []any {
	args := []any{s.TherapistID, s.Date.String(), nullInt(s.Minutes), nullMoney(s.Fee), s.Format, s.Agenda}
	for _, c := range upshot.FocusCategories {
		if s.Focus == nil {
			args = append(args, nil)
		} else {
			args = append(args, int64(s.Focus.Get(c)))
		}
	}
	args = append(args, joinSet(s.Got), nullInt(s.Helpful), s.After)
	for _, q := range upshot.Qualities {
		args = append(args, nullInt(s.Conduct.Get(q)))
	}
	return append(args, joinSet(s.Flags), s.Note)
}

// checkSessionRefs makes sure the therapist and goals are this owner's, so the
// error names the field instead of surfacing as a foreign-key failure.
func checkSessionRefs(ctx context.Context, t *tx, owner upshot.OwnerID, s *upshot.Session) error {
	ok, err := exists(ctx, t, "therapists", owner, s.TherapistID)
	if err != nil {
		return err
	}
	if !ok {
		return upshot.Errorf(upshot.ENOTFOUND, "therapist", "therapist: no therapist with id %d", s.TherapistID)
	}
	for _, g := range s.Goals {
		ok, err := exists(ctx, t, "goals", owner, g.GoalID)
		if err != nil {
			return err
		}
		if !ok {
			return upshot.Errorf(upshot.ENOTFOUND, "goals", "goals: no goal with id %d", g.GoalID)
		}
	}
	for _, m := range s.AgendaItems {
		ok, err := exists(ctx, t, "agenda_items", owner, m.ItemID)
		if err != nil {
			return err
		}
		if !ok {
			return upshot.Errorf(upshot.ENOTFOUND, "agenda_items", "agenda_items: no agenda item with id %d", m.ItemID)
		}
	}
	return nil
}

// goalRowsPerInsert bounds the rows of one INSERT of a session's goals: a
// session's goals go in one statement (a typical session has one to three),
// and the prepared statements, one per number of rows, stay few.
const goalRowsPerInsert = 8

// sessionGoalInserts[n] inserts n goal rows of one session.
var sessionGoalInserts = func() []string {
	out := make([]string, goalRowsPerInsert+1)
	for n := 1; n <= goalRowsPerInsert; n++ {
		out[n] = `INSERT INTO session_goals (owner_id, session_id, goal_id, progress) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?), ", n), ", ")
	}
	return out
}()

func insertSessionGoals(ctx context.Context, t *tx, owner upshot.OwnerID, id int64, goals []upshot.GoalProgress) error {
	for len(goals) > 0 {
		n := min(len(goals), goalRowsPerInsert)
		args := make([]any, 0, 4*n)
		for _, g := range goals[:n] {
			args = append(args, int64(owner), id, g.GoalID, nullInt(g.Progress))
		}
		if _, err := t.exec(ctx, sessionGoalInserts[n], args...); err != nil {
			return err
		}
		goals = goals[n:]
	}
	return nil
}

func insertSession(ctx context.Context, t *tx, owner upshot.OwnerID, id int64, s *upshot.Session, m upshot.Meta) error {
	args := append([]any{int64(owner), id}, sessionArgs(s)...)
	if _, err := t.exec(ctx, sessionInsert, append(args, metaArgs(m)...)...); err != nil {
		return err
	}
	if err := insertSessionGoals(ctx, t, owner, id, s.Goals); err != nil {
		return err
	}
	return insertSessionAgenda(ctx, t, owner, id, s.AgendaItems)
}

func (db *DB) CreateSession(ctx context.Context, owner upshot.OwnerID, s *upshot.Session) error {
	if err := s.Validate(db.today()); err != nil {
		return err
	}
	m := newMeta(db.now())
	var id int64
	create := func(checked bool) error {
		return db.write(ctx, owner, func(t *tx) (err error) {
			if checked {
				if err := checkSessionRefs(ctx, t, owner, s); err != nil {
					return err
				}
			}
			if id, err = nextID(ctx, t, owner, kindSession); err != nil {
				return err
			}
			if err := insertSession(ctx, t, owner, id, s, m); err != nil {
				return err
			}
			return noteCreated(ctx, t, owner, upshot.KindSession, id)
		})
	}
	// The composite foreign keys already refuse a therapist or goal that is
	// not this owner's, so the usual case runs no lookups inside the write
	// lock. When something is refused, the write is rolled back and done
	// again with the lookups first, which name the missing reference exactly
	// as before (and report any other failure as before).
	err := create(false)
	if err != nil && (db.d.isConstraint(err) || upshot.ErrorCode(err) == upshot.EUNAUTHORIZED) {
		err = create(true)
	}
	if err != nil {
		return err
	}
	s.ID, s.Meta = id, m
	return nil
}

func (db *DB) FindSession(ctx context.Context, owner upshot.OwnerID, id int64) (*upshot.Session, error) {
	var s *upshot.Session
	err := db.read(ctx, func(t *tx) error {
		list, err := listSessions(ctx, t, owner, sessionSelect, `AND s.id = ?`, "s.id", id)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return upshot.NotFound("session", id)
		}
		s = list[0]
		return nil
	})
	return s, err
}

func (db *DB) ListSessions(ctx context.Context, owner upshot.OwnerID, f upshot.SessionFilter) ([]*upshot.Session, error) {
	var (
		cond []string
		args []any
	)
	if f.TherapistID != 0 {
		cond, args = append(cond, "AND s.therapist_id = ?"), append(args, f.TherapistID)
	}
	if !f.Since.IsZero() {
		cond, args = append(cond, "AND s.date >= ?"), append(args, f.Since.String())
	}
	var list []*upshot.Session
	err := db.read(ctx, func(t *tx) (err error) {
		list, err = listSessions(ctx, t, owner, sessionSelect, strings.Join(cond, " "), "s.date, s.id", args...)
		return err
	})
	return list, err
}

// listSessions reads the owner's sessions matching cond (on alias s) with
// their goals: two queries in the caller's transaction, not one per session.
// sel is sessionSelect, or sessionSelectNoNote.
func listSessions(ctx context.Context, t *tx, owner upshot.OwnerID, sel, cond, order string, args ...any) ([]*upshot.Session, error) {
	list, byID, err := querySessions(ctx, t, owner, sel, cond, order, args...)
	if err != nil || len(list) == 0 {
		return list, err
	}
	return list, sessionParts(ctx, t, owner, byID, cond, args...)
}

// querySessions reads the owner's sessions matching cond (on alias s) in
// order (which may end in a LIMIT, its argument last in args), without
// their goals and agenda marks, and the same sessions by id.
func querySessions(ctx context.Context, t *tx, owner upshot.OwnerID, sel, cond, order string, args ...any) ([]*upshot.Session, map[int64]*upshot.Session, error) {
	rows, err := t.query(ctx, `SELECT `+sel+` FROM sessions s WHERE s.owner_id = ? `+cond+` ORDER BY `+order, append([]any{int64(owner)}, args...)...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	list := []*upshot.Session{}
	byID := map[int64]*upshot.Session{}
	sc := newSessionScan()
	for rows.Next() {
		s, err := sc.scan(rows)
		if err != nil {
			return nil, nil, err
		}
		list = append(list, s)
		byID[s.ID] = s
	}
	return list, byID, rows.Err()
}

// sessionParts adds to the sessions of byID their goals and agenda marks,
// read for the owner's sessions matching cond (on alias s): two queries,
// not two per session.
func sessionParts(ctx context.Context, t *tx, owner upshot.OwnerID, byID map[int64]*upshot.Session, cond string, args ...any) error {
	return readSessionParts(ctx, t, byID, func(table, p string) string {
		return `FROM ` + table + ` ` + p + ` JOIN sessions s ON s.owner_id = ` + p + `.owner_id AND s.id = ` + p + `.session_id WHERE s.owner_id = ? ` + cond
	}, append([]any{int64(owner)}, args...))
}

// sessionPartsOfPage is sessionParts for a page of sessions, the sessions
// of byID, picked by cond and order (changedAfter's, on alias s, ending in a
// LIMIT whose argument is the last of args): the page's ids again by the
// index on time of change, and their goals and marks by the primary keys
// (owner_id, session_id, ...), one index search per session. Naming the
// page's ids as query parameters instead costs twice as much: fifty values
// bound, and an IN list that SQLite first builds into a table of its own.
// CROSS JOIN keeps the page the outer loop in SQLite, whose planner otherwise
// walks all the owner's goals in session order to spare itself sorting a
// page's worth. PostgreSQL reads it as an inner join and plans by its
// statistics, and may hash the page and read the goals instead of probing
// fifty times: the range of the page's ids bounds that read to the page's
// stretch of the primary key, however long the history and however many
// owners share the table.
func sessionPartsOfPage(ctx context.Context, t *tx, owner upshot.OwnerID, byID map[int64]*upshot.Session, cond, order string, args ...any) error {
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for id := range byID {
		lo, hi = min(lo, id), max(hi, id)
	}
	return readSessionParts(ctx, t, byID, func(table, p string) string {
		return `FROM (SELECT s.id FROM sessions s WHERE s.owner_id = ? ` + cond + ` ORDER BY ` + order + `) pg CROSS JOIN ` + table + ` ` + p +
			` WHERE ` + p + `.owner_id = ? AND ` + p + `.session_id = pg.id AND ` + p + `.session_id BETWEEN ? AND ?`
	}, append(append([]any{int64(owner)}, args...), int64(owner), lo, hi))
}

// readSessionParts reads the goals (alias sg) and agenda marks (alias sa)
// that from picks into the sessions of byID. from gives the FROM clause
// (and WHERE) for the table of parts under the alias. The rows come in
// whatever order the plan reads them, and each session's goals and marks
// are put in order here (by goal and by item, a handful each): an ORDER BY
// would make SQLite gather and sort a page's parts before the first row.
func readSessionParts(ctx context.Context, t *tx, byID map[int64]*upshot.Session, from func(table, alias string) string, args []any) error {
	grows, err := t.query(ctx, `SELECT sg.session_id, sg.goal_id, sg.progress `+from("session_goals", "sg"), args...)
	if err != nil {
		return err
	}
	defer grows.Close()
	for grows.Next() {
		var (
			sid      int64
			g        upshot.GoalProgress
			progress sql.NullInt64
		)
		if err := grows.Scan(&sid, &g.GoalID, &progress); err != nil {
			return err
		}
		g.Progress = intPtr(progress)
		if s := byID[sid]; s != nil {
			s.Goals = append(s.Goals, g)
		}
	}
	if err := grows.Err(); err != nil {
		return err
	}
	grows.Close()
	arows, err := t.query(ctx, `SELECT sa.session_id, sa.item_id, sa.mark `+from("session_agenda", "sa"), args...)
	if err != nil {
		return err
	}
	defer arows.Close()
	for arows.Next() {
		var (
			sid int64
			m   upshot.AgendaMark
		)
		if err := arows.Scan(&sid, &m.ItemID, &m.Mark); err != nil {
			return err
		}
		if s := byID[sid]; s != nil {
			s.AgendaItems = append(s.AgendaItems, m)
		}
	}
	if err := arows.Err(); err != nil {
		return err
	}
	for _, s := range byID {
		slices.SortFunc(s.Goals, func(a, b upshot.GoalProgress) int { return cmp.Compare(a.GoalID, b.GoalID) })
		slices.SortFunc(s.AgendaItems, func(a, b upshot.AgendaMark) int { return cmp.Compare(a.ItemID, b.ItemID) })
	}
	return nil
}

// sessionScan is what a row of sessionSelect is scanned into: made once per
// query and reused for every row, since a list reads many rows and the
// targets made afresh for each cost about as much as the row's own values.
type sessionScan struct {
	id, therapist               int64
	date                        sql.NullString
	minutes, fee, helpful       sql.NullInt64
	focus, conduct              []sql.NullInt64
	format, agenda, after, note string
	got, flags                  string
	m                           meta
	dest                        []any
}

func newSessionScan() *sessionScan {
	sc := &sessionScan{
		focus:   make([]sql.NullInt64, len(upshot.FocusCategories)),
		conduct: make([]sql.NullInt64, len(upshot.Qualities)),
	}
	sc.dest = []any{&sc.id, &sc.therapist, &sc.date, &sc.minutes, &sc.fee, &sc.format, &sc.agenda}
	for i := range sc.focus {
		sc.dest = append(sc.dest, &sc.focus[i])
	}
	sc.dest = append(sc.dest, &sc.got, &sc.helpful, &sc.after)
	for i := range sc.conduct {
		sc.dest = append(sc.dest, &sc.conduct[i])
	}
	sc.dest = append(append(sc.dest, &sc.flags, &sc.note), sc.m.dest()...)
	return sc
}

// scan reads the current row into a new session.
func (sc *sessionScan) scan(rows *sql.Rows) (*upshot.Session, error) {
	if err := rows.Scan(sc.dest...); err != nil {
		return nil, err
	}
	s := &upshot.Session{ID: sc.id, TherapistID: sc.therapist, Format: sc.format, Agenda: sc.agenda, After: sc.after, Note: sc.note,
		Got: splitSet(sc.got), Flags: splitSet(sc.flags), Goals: []upshot.GoalProgress{}}
	var err error
	if s.Date, err = scanDate(sc.date); err != nil {
		return nil, err
	}
	// The session's optional numbers share one array, so a row costs one
	// allocation for them rather than one for each. Appends stay within
	// its capacity, so the pointers stay valid.
	nums := make([]int, 0, 2+len(sc.conduct))
	ptr := func(n sql.NullInt64) *int {
		if !n.Valid {
			return nil
		}
		nums = append(nums, int(n.Int64))
		return &nums[len(nums)-1]
	}
	s.Minutes, s.Fee, s.Helpful = ptr(sc.minutes), moneyPtr(sc.fee), ptr(sc.helpful)
	// The schema keeps the five focus columns all NULL or all set.
	if sc.focus[0].Valid {
		s.Focus = &upshot.Focus{}
		for i, c := range upshot.FocusCategories {
			s.Focus.Set(c, int(sc.focus[i].Int64))
		}
	}
	for i, q := range upshot.Qualities {
		*s.Conduct.Field(q) = ptr(sc.conduct[i])
	}
	if s.Meta, err = sc.m.get(); err != nil {
		return nil, err
	}
	return s, nil
}

func (db *DB) UpdateSession(ctx context.Context, owner upshot.OwnerID, s *upshot.Session) error {
	if err := s.Validate(db.today()); err != nil {
		return err
	}
	now := db.now()
	created := s.CreatedAt
	err := db.write(ctx, owner, func(t *tx) (err error) {
		// Look the session up before its references, so that another owner's
		// session id reads as "no such session" and not as a bad therapist.
		ok, err := exists(ctx, t, "sessions", owner, s.ID)
		if err != nil {
			return err
		}
		if !ok {
			return upshot.NotFound("session", s.ID)
		}
		if err := checkSessionRefs(ctx, t, owner, s); err != nil {
			return err
		}
		if created, err = updateRow(ctx, t, "session", "sessions", owner, s.ID, s.Version, now, sessionSet, sessionArgs(s)...); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM session_goals WHERE owner_id = ? AND session_id = ?`, int64(owner), s.ID); err != nil {
			return err
		}
		if err := insertSessionGoals(ctx, t, owner, s.ID, s.Goals); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `DELETE FROM session_agenda WHERE owner_id = ? AND session_id = ?`, int64(owner), s.ID); err != nil {
			return err
		}
		return insertSessionAgenda(ctx, t, owner, s.ID, s.AgendaItems)
	})
	if err != nil {
		return err
	}
	s.Version, s.CreatedAt, s.UpdatedAt = s.Version+1, created, now
	return nil
}

func (db *DB) DeleteSession(ctx context.Context, owner upshot.OwnerID, id int64) error {
	// session_goals and session_agenda rows go with it (ON DELETE CASCADE).
	return db.write(ctx, owner, func(t *tx) error {
		return deleteRow(ctx, t, "session", "sessions", owner, id)
	})
}
