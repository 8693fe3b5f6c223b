package archive

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/upshot-app/upshot/internal/checkin"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

// CSVFiles are the tables WriteCSV writes, one per kind of record.
var CSVFiles = []string{"therapists.csv", "goals.csv", "sessions.csv", "session_goals.csv", "checkins.csv", "settings.csv"}

// WriteCSV writes one CSV per kind of record into dir (created if needed),
// each with a header row, for reading in a spreadsheet. It is a view, not a
// backup: only the JSON export is re-importable. Files are private (0600).
// No cell can be read as a formula (see cell).
func WriteCSV(dir string, s *upshot.Snapshot) error {
	tables, err := csvTables(s)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	for _, name := range CSVFiles {
		var buf bytes.Buffer
		writeRows(&buf, tables[name])
		if err := WriteFileAtomic(filepath.Join(dir, name), buf.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

func csvTables(s *upshot.Snapshot) (map[string][][]string, error) {
	t := map[string][][]string{}

	rows := [][]string{{"id", "name", "credentials", "approach", "fee", "currency", "started", "ended", "created_at", "updated_at"}}
	for _, th := range s.Therapists {
		rows = append(rows, []string{id(th.ID), th.Name, th.Credentials, th.Approach, money(th.Fee), th.Currency,
			th.Started.String(), th.Ended.String(), stamp(th.Meta), updated(th.Meta)})
	}
	t["therapists.csv"] = rows

	rows = [][]string{{"id", "title", "domain", "severity", "solved_when", "status", "opened", "closed", "created_at", "updated_at"}}
	for _, g := range s.Goals {
		rows = append(rows, []string{id(g.ID), g.Title, g.Domain, num(g.Severity), g.SolvedWhen, g.Status,
			g.Opened.String(), g.Closed.String(), stamp(g.Meta), updated(g.Meta)})
	}
	t["goals.csv"] = rows

	head := []string{"id", "therapist_id", "date", "minutes", "fee", "format", "agenda"}
	for _, c := range upshot.FocusCategories {
		head = append(head, "focus_"+c)
	}
	head = append(head, "got", "helpful", "after")
	for _, q := range upshot.Qualities {
		head = append(head, "conduct_"+q)
	}
	head = append(head, "flags", "note", "created_at", "updated_at")
	rows = [][]string{head}
	goalRows := [][]string{{"session_id", "goal_id", "progress"}}
	for _, ss := range s.Sessions {
		r := []string{id(ss.ID), id(ss.TherapistID), ss.Date.String(), num(ss.Minutes), money(ss.Fee), ss.Format, ss.Agenda}
		for _, c := range upshot.FocusCategories {
			if ss.Focus == nil {
				r = append(r, "")
			} else {
				r = append(r, strconv.Itoa(ss.Focus.Get(c)))
			}
		}
		r = append(r, strings.Join(ss.Got, ";"), num(ss.Helpful), ss.After)
		for _, q := range upshot.Qualities {
			r = append(r, num(ss.Conduct.Get(q)))
		}
		r = append(r, strings.Join(ss.Flags, ";"), ss.Note, stamp(ss.Meta), updated(ss.Meta))
		rows = append(rows, r)
		for _, g := range ss.Goals {
			goalRows = append(goalRows, []string{id(ss.ID), id(g.GoalID), num(g.Progress)})
		}
	}
	t["sessions.csv"] = rows
	t["session_goals.csv"] = goalRows

	rows = [][]string{{"id", "instrument", "instrument_version", "date", "answers", "total", "band", "safety"}}
	defFor := checkin.Resolver(nil, s.Definitions)
	for _, c := range s.CheckIns {
		r := []string{id(c.ID), c.Instrument, strconv.Itoa(c.InstrumentVersion), c.Date.String(), instrument.FormatAnswers(c.Answers)}
		d, err := defFor(c)
		if err != nil {
			return nil, fmt.Errorf("check-in %d: %w", c.ID, err)
		}
		sc, err := d.Score(c.Answers)
		if err != nil {
			return nil, fmt.Errorf("check-in %d: %w", c.ID, err)
		}
		r = append(r, strconv.Itoa(sc.Total), sc.Band, strconv.FormatBool(sc.Safety))
		rows = append(rows, r)
	}
	t["checkins.csv"] = rows

	rows = [][]string{{"name", "value"}}
	names := make([]upshot.SettingName, 0, len(s.Settings))
	for k := range s.Settings {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		rows = append(rows, []string{string(k), s.Settings[k]})
	}
	t["settings.csv"] = rows
	return t, nil
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func num(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

func money(m *upshot.Money) string {
	if m == nil {
		return ""
	}
	return m.String()
}

func stamp(m upshot.Meta) string {
	if m.CreatedAt.IsZero() {
		return ""
	}
	return m.CreatedAt.UTC().Format("2006-01-02T15:04:05Z")
}

func updated(m upshot.Meta) string {
	if m.UpdatedAt.IsZero() {
		return ""
	}
	return m.UpdatedAt.UTC().Format("2006-01-02T15:04:05Z")
}

// writeRows writes RFC 4180 CSV with every field in quotes (encoding/csv
// quotes only fields that need it), so the file reads the same in any
// spreadsheet that splits on ','.
func writeRows(b *bytes.Buffer, rows [][]string) {
	for _, row := range rows {
		for i, f := range row {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(cell(f), `"`, `""`))
			b.WriteByte('"')
		}
		b.WriteString("\r\n")
	}
}

// plainNumber is a number as Upshot writes them (ids, scores, progress, fees).
var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?$`)

// cell guards a field against spreadsheet formula injection. Text that starts
// with = + - or @ is run as a formula by Excel (LibreOffice: =), also after
// spaces a spreadsheet may trim. And a person may open the file with another
// separator (LibreOffice and Excel offer ';' and tab, and pick ';' in many
// locales): then quotes no longer line up with fields and a note holding
// "fine;=HYPERLINK(...)" or a line "- work" splits into a cell that starts
// with the formula. So the text at the start, and after every ';', tab and
// line break, that would start a formula gets an apostrophe in front, which
// spreadsheets show as text and people read past. Every field goes through
// here, free text and labels from custom questionnaires alike; only Upshot's
// own numbers, such as a progress of -3, are left as they are.
func cell(s string) string {
	if s == "" || plainNumber.MatchString(s) {
		return s
	}
	var b strings.Builder
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && !strings.ContainsRune(";\t\r\n", rune(s[i])) {
			continue
		}
		if seg := strings.TrimLeft(s[start:i], " "); seg != "" && strings.ContainsRune("=+-@", rune(seg[0])) {
			b.WriteByte('\'')
		}
		end := min(i+1, len(s))
		b.WriteString(s[start:end])
		start = end
	}
	return b.String()
}
