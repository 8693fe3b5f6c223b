package store

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

const checkInColumns = `id, instrument, instrument_version, date, answers, version, created_at, updated_at`

// checkInSelect is checkInColumns of alias c.
var checkInSelect = "c." + strings.ReplaceAll(checkInColumns, ", ", ", c.")

// maxInstrumentIDLen bounds an instrument id; built-in ids are a few letters.
const maxInstrumentIDLen = 100

// checkCheckIn validates what the store itself relies on. The answers were
// checked against the definition by the caller, which knows instruments.
func checkCheckIn(c *upshot.CheckIn, def upshot.Definition, today upshot.Date) error {
	if strings.TrimSpace(c.Instrument) == "" {
		return upshot.Invalid("instrument", "instrument is required")
	}
	if err := upshot.CheckText("instrument", c.Instrument, maxInstrumentIDLen, false); err != nil {
		return err
	}
	if c.InstrumentVersion < 1 {
		return upshot.Invalid("instrument_version", "instrument_version must be 1 or more, got %d", c.InstrumentVersion)
	}
	if err := upshot.CheckDate("date", c.Date, today); err != nil {
		return err
	}
	if def.Instrument != c.Instrument || def.Version != c.InstrumentVersion {
		return upshot.Invalid("instrument", "the definition given is %s version %d, but the check-in was answered to %s version %d",
			def.Instrument, def.Version, c.Instrument, c.InstrumentVersion)
	}
	return nil
}

// compactDefinition stores a definition in one canonical form, so that the
// same definition is recognised byte for byte and exports are stable.
func compactDefinition(d upshot.Definition) ([]byte, error) {
	var b bytes.Buffer
	if len(d.Data) == 0 || json.Compact(&b, d.Data) != nil {
		return nil, upshot.Invalid("definition", "the definition of %s version %d is not valid JSON", d.Instrument, d.Version)
	}
	return b.Bytes(), nil
}

func encodeAnswers(answers []*int) (string, error) {
	if answers == nil {
		answers = []*int{}
	}
	b, err := json.Marshal(answers)
	return string(b), err
}

// decodeAnswers reads the answers column: a JSON array of integers and
// nulls, as encodeAnswers writes it (PostgreSQL may add spaces). It is read
// by hand, the values of one check-in in one allocation: every list, the
// dashboard and the review read every check-in, and decoding each through
// encoding/json's reflection was a fifth of reading them. Anything else
// goes to encoding/json, which decodes it or says what is wrong.
func decodeAnswers(s string) ([]*int, error) {
	body, open := strings.CutPrefix(strings.TrimSpace(s), "[")
	body, closed := strings.CutSuffix(body, "]")
	if !open || !closed {
		return decodeAnswersJSON(s)
	}
	if body = strings.TrimSpace(body); body == "" {
		return []*int{}, nil
	}
	n := strings.Count(body, ",") + 1
	values, out := make([]int, n), make([]*int, n)
	for i := range n {
		var item string
		item, body, _ = strings.Cut(body, ",")
		item = strings.TrimSpace(item)
		if item == "null" {
			continue
		}
		v, err := strconv.Atoi(item)
		if err != nil || !isJSONInt(item) {
			return decodeAnswersJSON(s)
		}
		values[i] = v
		out[i] = &values[i]
	}
	return out, nil
}

// isJSONInt reports whether s, which strconv.Atoi accepted, is also an
// integer as JSON writes one (no plus sign, no leading zero).
func isJSONInt(s string) bool {
	s = strings.TrimPrefix(s, "-")
	return s != "" && s[0] != '+' && (s[0] != '0' || len(s) == 1)
}

func decodeAnswersJSON(s string) ([]*int, error) {
	var answers []*int
	if err := json.Unmarshal([]byte(s), &answers); err != nil {
		return nil, err
	}
	if answers == nil {
		answers = []*int{}
	}
	return answers, nil
}

func (db *DB) CreateCheckIn(ctx context.Context, owner upshot.OwnerID, c *upshot.CheckIn, def upshot.Definition) error {
	if err := checkCheckIn(c, def, db.today()); err != nil {
		return err
	}
	data, err := compactDefinition(def)
	if err != nil {
		return err
	}
	answers, err := encodeAnswers(c.Answers)
	if err != nil {
		return err
	}
	m := newMeta(db.now())
	var id int64
	err = db.write(ctx, owner, func(t *tx) (err error) {
		if err := storeDefinition(ctx, t, owner, def, data); err != nil {
			return err
		}
		if id, err = nextID(ctx, t, owner, kindCheckIn); err != nil {
			return err
		}
		if err := insertCheckIn(ctx, t, owner, id, c, answers, m); err != nil {
			return err
		}
		return noteCreated(ctx, t, owner, upshot.KindCheckIn, id)
	})
	if err != nil {
		return err
	}
	c.ID, c.Meta = id, m
	if c.Answers == nil {
		c.Answers = []*int{}
	}
	return nil
}

// storeDefinition writes a definition version once. A version already stored
// with other content is refused: old answers must stay interpretable by the
// exact definition they were given against.
//
// The insert yields to a row that is already there (ON CONFLICT DO NOTHING)
// rather than looking first: two first check-ins of one instrument at once
// would both find no row and the second insert would fail on the key. On
// PostgreSQL the yielding insert waits for the other transaction, and the
// SELECT after it, a new statement, sees the row that transaction committed.
func storeDefinition(ctx context.Context, t *tx, owner upshot.OwnerID, def upshot.Definition, data []byte) error {
	res, err := t.exec(ctx, `INSERT INTO instrument_definitions (owner_id, instrument, version, definition) VALUES (?, ?, ?, ?)
		ON CONFLICT (owner_id, instrument, version) DO NOTHING`,
		int64(owner), def.Instrument, int64(def.Version), string(data))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	var stored string
	if err := t.queryRow(ctx, `SELECT definition FROM instrument_definitions WHERE owner_id = ? AND instrument = ? AND version = ?`,
		int64(owner), def.Instrument, int64(def.Version)).Scan(&stored); err != nil {
		return err
	}
	if stored != string(data) {
		return upshot.Errorf(upshot.ECONFLICT, "instrument",
			"%s version %d is already stored with a different definition; a changed instrument needs a new version number",
			def.Instrument, def.Version)
	}
	return nil
}

func insertCheckIn(ctx context.Context, t *tx, owner upshot.OwnerID, id int64, c *upshot.CheckIn, answers string, m upshot.Meta) error {
	args := []any{int64(owner), id, c.Instrument, int64(c.InstrumentVersion), c.Date.String(), answers}
	_, err := t.exec(ctx, `INSERT INTO checkins (owner_id, `+checkInColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		append(args, metaArgs(m)...)...)
	return err
}

func (db *DB) FindCheckIn(ctx context.Context, owner upshot.OwnerID, id int64) (*upshot.CheckIn, error) {
	var c *upshot.CheckIn
	err := db.read(ctx, func(t *tx) error {
		list, err := listCheckIns(ctx, t, owner, `AND id = ?`, "id", id)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return upshot.NotFound("check-in", id)
		}
		c = list[0]
		return nil
	})
	return c, err
}

func (db *DB) ListCheckIns(ctx context.Context, owner upshot.OwnerID, f upshot.CheckInFilter) ([]*upshot.CheckIn, error) {
	var (
		cond []string
		args []any
	)
	if f.Instrument != "" {
		cond, args = append(cond, "AND instrument = ?"), append(args, f.Instrument)
	}
	if !f.Since.IsZero() {
		cond, args = append(cond, "AND date >= ?"), append(args, f.Since.String())
	}
	var list []*upshot.CheckIn
	err := db.read(ctx, func(t *tx) (err error) {
		list, err = listCheckIns(ctx, t, owner, strings.Join(cond, " "), "date, id", args...)
		return err
	})
	return list, err
}

func listCheckIns(ctx context.Context, t *tx, owner upshot.OwnerID, cond, order string, args ...any) ([]*upshot.CheckIn, error) {
	rows, err := t.query(ctx, `SELECT `+checkInColumns+` FROM checkins WHERE owner_id = ? `+cond+` ORDER BY `+order,
		append([]any{int64(owner)}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	list := []*upshot.CheckIn{}
	for rows.Next() {
		c, err := scanCheckIn(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, c)
	}
	return list, rows.Err()
}

// scanCheckIn reads a row of checkInColumns, and into extra the columns
// after them.
func scanCheckIn(rows *sql.Rows, extra ...any) (*upshot.CheckIn, error) {
	var (
		c             upshot.CheckIn
		date, answers string
		m             meta
		err           error
	)
	dest := append([]any{&c.ID, &c.Instrument, &c.InstrumentVersion, &date, &answers}, m.dest()...)
	if err := rows.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	if c.Date, err = scanDate(sql.NullString{String: date, Valid: true}); err != nil {
		return nil, err
	}
	if c.Answers, err = decodeAnswers(answers); err != nil {
		return nil, fmt.Errorf("stored answers of check-in %d: %w", c.ID, err)
	}
	if c.Meta, err = m.get(); err != nil {
		return nil, err
	}
	return &c, nil
}

func (db *DB) UpdateCheckIn(ctx context.Context, owner upshot.OwnerID, c *upshot.CheckIn) error {
	if err := upshot.CheckDate("date", c.Date, db.today()); err != nil {
		return err
	}
	answers, err := encodeAnswers(c.Answers)
	if err != nil {
		return err
	}
	now := db.now()
	var created time.Time
	err = db.write(ctx, owner, func(t *tx) (err error) {
		var (
			instrument string
			version    int
		)
		err = t.queryRow(ctx, `SELECT instrument, instrument_version FROM checkins WHERE owner_id = ? AND id = ?`,
			int64(owner), c.ID).Scan(&instrument, &version)
		if errors.Is(err, sql.ErrNoRows) {
			return upshot.NotFound("check-in", c.ID)
		}
		if err != nil {
			return err
		}
		// The answers mean what the definition they were given against
		// says; answers to another instrument are another check-in.
		if c.Instrument != instrument || c.InstrumentVersion != version {
			return upshot.Invalid("instrument",
				"check-in %d was answered to %s version %d, not %s version %d; the instrument of a check-in cannot change (delete it and answer the other one)",
				c.ID, instrument, version, c.Instrument, c.InstrumentVersion)
		}
		created, err = updateRow(ctx, t, "check-in", "checkins", owner, c.ID, c.Version, now, `date = ?, answers = ?`,
			c.Date.String(), answers)
		return err
	})
	if err != nil {
		return err
	}
	c.Version, c.CreatedAt, c.UpdatedAt = c.Version+1, created, now
	if c.Answers == nil {
		c.Answers = []*int{}
	}
	return nil
}

func (db *DB) DeleteCheckIn(ctx context.Context, owner upshot.OwnerID, id int64) error {
	// The definition stays: other check-ins or an export may still need it.
	return db.write(ctx, owner, func(t *tx) error {
		return deleteRow(ctx, t, "check-in", "checkins", owner, id)
	})
}

func (db *DB) Definitions(ctx context.Context, owner upshot.OwnerID) ([]upshot.Definition, error) {
	var defs []upshot.Definition
	err := db.read(ctx, func(t *tx) (err error) {
		defs, err = listDefinitions(ctx, t, owner)
		return err
	})
	return defs, err
}

func listDefinitions(ctx context.Context, t *tx, owner upshot.OwnerID) ([]upshot.Definition, error) {
	rows, err := t.query(ctx, `SELECT instrument, version, definition FROM instrument_definitions
		WHERE owner_id = ? ORDER BY instrument, version`, int64(owner))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	defs := []upshot.Definition{}
	for rows.Next() {
		var (
			d    upshot.Definition
			data string
		)
		if err := rows.Scan(&d.Instrument, &d.Version, &data); err != nil {
			return nil, err
		}
		d.Data = []byte(data)
		defs = append(defs, d)
	}
	// Sorted here, byte-wise, rather than by ORDER BY alone: PostgreSQL's
	// collation may order text differently from SQLite's, and an export must
	// be the same document on both.
	slices.SortFunc(defs, func(a, b upshot.Definition) int {
		return cmp.Or(strings.Compare(a.Instrument, b.Instrument), cmp.Compare(a.Version, b.Version))
	})
	return defs, rows.Err()
}
