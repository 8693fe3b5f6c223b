package archive

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

var today = upshot.NewDate(2024, time.June, 30)

func ints(vs ...int) []*int {
	out := make([]*int, len(vs))
	for i, v := range vs {
		out[i] = upshot.Ptr(v)
	}
	return out
}

// fixture is a small but complete record: every kind, references between
// them, and check-ins with their stored definitions.
func fixture(t *testing.T) *upshot.Snapshot {
	t.Helper()
	reg := instrument.Builtin()
	// PHQ-9 version 1, as exports before version 2 hold it: they still
	// import, guarded against redefinition like the current version.
	phq, _ := reg.Version("phq9", 1)
	who, _ := reg.Get("who5")
	at := time.Date(2024, 6, 1, 10, 0, 0, 0, time.UTC)
	meta := upshot.Meta{Version: 1, CreatedAt: at, UpdatedAt: at}
	fee := upshot.Money(9000)
	return &upshot.Snapshot{
		Format: upshot.ExportFormat, Version: upshot.ExportVersion, ExportedAt: at,
		Therapists: []*upshot.Therapist{
			{ID: 1, Name: "Dr A", Approach: "CBT", Fee: &fee, Currency: "EUR", Started: upshot.NewDate(2024, 1, 5), Meta: meta},
			{ID: 2, Name: "B", Meta: meta},
		},
		Goals: []*upshot.Goal{
			{ID: 1, Title: "=stop dreading Monday meetings", Domain: "work", Severity: upshot.Ptr(7), Status: "open", Opened: upshot.NewDate(2024, 1, 5), Meta: meta},
		},
		Sessions: []*upshot.Session{
			{ID: 1, TherapistID: 1, Date: upshot.NewDate(2024, 1, 12), Minutes: upshot.Ptr(50), Fee: &fee, Format: "video", Agenda: "me",
				Focus: &upshot.Focus{Life: 30, Relationship: 10, Admin: 10}, Goals: []upshot.GoalProgress{{GoalID: 1, Progress: upshot.Ptr(1)}},
				Got: []string{"insight"}, Helpful: upshot.Ptr(7), After: "better", Conduct: upshot.Conduct{Empathy: upshot.Ptr(4)},
				Flags: []string{}, Note: "a <private> note, with a comma", Meta: meta},
			{ID: 2, TherapistID: 1, Date: upshot.NewDate(2024, 1, 19), Goals: []upshot.GoalProgress{}, Got: []string{}, Flags: []string{"blamed"}, Meta: meta},
		},
		CheckIns: []*upshot.CheckIn{
			{ID: 1, Instrument: "phq9", InstrumentVersion: 1, Date: upshot.NewDate(2024, 1, 10), Answers: ints(1, 2, 0, 1, 1, 0, 0, 1, 0), Meta: meta},
			{ID: 2, Instrument: "phq9", InstrumentVersion: 1, Date: upshot.NewDate(2024, 2, 10), Answers: ints(1, 1, 0, 1, 1, 0, 0, 1, 1), Meta: meta},
			{ID: 3, Instrument: "who5", InstrumentVersion: 1, Date: upshot.NewDate(2024, 2, 10), Answers: ints(3, 3, 2, 2, 3), Meta: meta},
		},
		Definitions: []upshot.Definition{
			{Instrument: "phq9", Version: 1, Data: json.RawMessage(phq.Raw())},
			{Instrument: "who5", Version: 1, Data: json.RawMessage(who.Raw())},
		},
		Settings: upshot.Settings{"crisis_contacts": "Call 988", "recent_window": "5"},
	}
}

func encode(t *testing.T, s *upshot.Snapshot) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, s); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	want := encode(t, fixture(t))
	if !bytes.HasSuffix(want, []byte("}\n")) || !bytes.Contains(want, []byte("\n  \"therapists\": [")) {
		t.Fatalf("not indented JSON with a trailing newline:\n%.200s", want)
	}
	s, err := Decode(bytes.NewReader(want), instrument.Builtin(), today)
	if err != nil {
		t.Fatal(err)
	}
	if got := encode(t, s); !bytes.Equal(got, want) {
		t.Errorf("round trip changed the document:\n%s\nwant\n%s", got, want)
	}
}

// edit applies a change to the fixture's generic JSON form, so tests can
// write what no Go value could hold (unknown fields, wrong types).
func edit(t *testing.T, f func(m map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(encode(t, fixture(t)), &m); err != nil {
		t.Fatal(err)
	}
	f(m)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func item(m map[string]any, kind string, i int) map[string]any {
	return m[kind].([]any)[i].(map[string]any)
}

func TestDecodeRefusesBrokenFiles(t *testing.T) {
	good := encode(t, fixture(t))
	phqRaw := string(fixture(t).Definitions[0].Data)
	tests := []struct {
		name  string
		data  []byte
		field string   // the error's field
		want  []string // substrings of the message
	}{
		{"empty", nil, "file", []string{"empty"}},
		{"truncated", good[:len(good)/2], "file", []string{"truncated"}},
		{"malformed", []byte("{\n  \"format\": upshot\n}"), "file", []string{"line 2"}},
		{"not an object", []byte(`[1,2]`), "export", []string{"must be an object"}},
		{"trailing garbage", append(bytes.Clone(good), []byte("{}\n")...), "file", []string{"after the export document"}},
		{"trailing text", append(bytes.Clone(good), []byte("x")...), "file", []string{"after the export document"}},
		{"wrong format", edit(t, func(m map[string]any) { m["format"] = "daylio" }), "format", []string{"not an Upshot export"}},
		{"wrong version", edit(t, func(m map[string]any) { m["version"] = 5 }), "version", []string{"version 5"}},
		{"version 0", edit(t, func(m map[string]any) { m["version"] = 0 }), "version", []string{"version 0", "versions 1 to 4"}},
		{"fee_amount disagrees with fee", edit(t, func(m map[string]any) { item(m, "sessions", 0)["fee_amount"] = "90.05" }),
			"sessions[0].fee_amount", []string{"sessions[0]: fee_amount (90.05) and fee (90) differ"}},
		{"therapist fee_amount disagrees with fee", edit(t, func(m map[string]any) { item(m, "therapists", 0)["fee_amount"] = "9000" }),
			"therapists[0].fee_amount", []string{"therapists[0]: fee_amount (9000) and fee (90) differ"}},
		{"fee_amount without fee disagrees", edit(t, func(m map[string]any) {
			item(m, "sessions", 1)["fee_amount"] = "1.00"
			item(m, "sessions", 1)["fee"] = 2
		}),
			"sessions[1].fee_amount", []string{"differ"}},
		{"fee_amount a number", edit(t, func(m map[string]any) { item(m, "sessions", 0)["fee_amount"] = 90 }),
			"sessions[0].fee_amount", []string{"exact decimal string", "got 90"}},
		{"fee_amount three decimals", edit(t, func(m map[string]any) { item(m, "sessions", 1)["fee_amount"] = "90.505" }),
			"sessions[1].fee_amount", []string{"sessions[1]: fee_amount must be an amount", `"90.505"`}},
		{"fee_amount negative", edit(t, func(m map[string]any) { item(m, "therapists", 1)["fee_amount"] = "-5.00" }),
			"therapists[1].fee_amount", []string{"fee_amount must be an amount"}},
		{"fee_amount with a comma", edit(t, func(m map[string]any) { item(m, "therapists", 1)["fee_amount"] = "90,50" }),
			"therapists[1].fee_amount", []string{"fee_amount must be an amount"}},
		{"fee_amount with spaces", edit(t, func(m map[string]any) { item(m, "therapists", 1)["fee_amount"] = " 90.50" }),
			"therapists[1].fee_amount", []string{"exact decimal string"}},
		{"fee_amount too large", edit(t, func(m map[string]any) { item(m, "therapists", 1)["fee_amount"] = "1000000.01" }),
			"therapists[1].fee_amount", []string{"0 to 1000000"}},
		{"fee_amount in a version 3 file", edit(t, func(m map[string]any) {
			m["version"] = 3
			for _, kind := range []string{"therapists", "sessions"} {
				for i := range m[kind].([]any) {
					delete(item(m, kind, i), "fee_amount")
				}
			}
			item(m, "sessions", 1)["fee_amount"] = "90.00"
		}), "sessions[1].fee_amount", []string{"needs export version 4", "version 3"}},
		{"agenda items in a version 2 file", edit(t, func(m map[string]any) {
			m["version"] = 2
			m["agenda_items"] = []any{map[string]any{"id": 1, "text": "x", "source": "mine", "status": "open", "opened": "2024-01-01"}}
		}), "agenda_items", []string{"needs export version 3"}},
		{"mark on an item not in the file", edit(t, func(m map[string]any) {
			item(m, "sessions", 0)["agenda_items"] = []any{map[string]any{"item_id": 7, "mark": "raised"}}
		}), "sessions[0].agenda_items", []string{"agenda item 7 is not in the file"}},
		{"safety plan in a version 1 file", edit(t, func(m map[string]any) {
			m["version"] = 1
			m["safety_plan"] = map[string]any{"reasons_to_live": []any{"x"}}
		}), "safety_plan", []string{"needs export version 2"}},
		{"blank plan item", edit(t, func(m map[string]any) { m["safety_plan"] = map[string]any{"coping_steps": []any{" "}} }), "safety_plan.coping_steps[0]", []string{"coping_steps[0] is empty"}},
		{"unknown top-level field", edit(t, func(m map[string]any) { m["extra"] = 1 }), "export", []string{`unknown field "extra"`}},
		{"unknown field in a session", edit(t, func(m map[string]any) { item(m, "sessions", 1)["mood"] = 3 }),
			"sessions[1]", []string{"sessions[1]", `unknown field "mood"`}},
		{"unknown field in focus", edit(t, func(m map[string]any) { item(m, "sessions", 0)["focus"].(map[string]any)["work"] = 3 }),
			"sessions[0].focus", []string{"sessions[0].focus", `"work"`}},
		{"duplicate therapist id", edit(t, func(m map[string]any) { item(m, "therapists", 1)["id"] = 1 }),
			"therapists[1].id", []string{"therapists[1]", "duplicate id 1"}},
		{"duplicate check-in id", edit(t, func(m map[string]any) { item(m, "checkins", 2)["id"] = 2 }),
			"checkins[2].id", []string{"checkins[2]", "duplicate id 2"}},
		{"session naming a missing therapist", edit(t, func(m map[string]any) { item(m, "sessions", 1)["therapist_id"] = 9 }),
			"sessions[1].therapist_id", []string{"sessions[1]", "therapist 9 is not in the file"}},
		{"session naming a missing goal", edit(t, func(m map[string]any) {
			item(m, "sessions", 0)["goals"] = []any{map[string]any{"goal_id": 4, "progress": nil}}
		}), "sessions[0].goals", []string{"sessions[0]", "goal 4"}},
		{"helpful out of range", edit(t, func(m map[string]any) { item(m, "sessions", 0)["helpful"] = 11 }),
			"sessions[0].helpful", []string{"sessions[0]", "helpful must be 0-10, got 11"}},
		{"unknown enum", edit(t, func(m map[string]any) { item(m, "sessions", 0)["format"] = "carrier pigeon" }),
			"sessions[0].format", []string{"sessions[0]", "format must be one of"}},
		{"wrong type", edit(t, func(m map[string]any) { item(m, "sessions", 0)["minutes"] = "fifty" }),
			"sessions[0].minutes", []string{"sessions[0].minutes", "whole number"}},
		{"malformed date", edit(t, func(m map[string]any) { item(m, "sessions", 1)["date"] = "2024-02-30" }),
			"sessions[1].date", []string{"sessions[1].date", "YYYY-MM-DD"}},
		{"future date", edit(t, func(m map[string]any) { item(m, "checkins", 0)["date"] = "2024-07-01" }),
			"checkins[0].date", []string{"checkins[0]", "future"}},
		{"negative fee", edit(t, func(m map[string]any) { item(m, "therapists", 0)["fee"] = -5 }),
			"therapists[0].fee", []string{"therapists[0].fee"}},
		{"control character in a name", edit(t, func(m map[string]any) { item(m, "therapists", 1)["name"] = "B\x07" }),
			"therapists[1].name", []string{"therapists[1]", "control characters"}},
		{"answer outside the options", edit(t, func(m map[string]any) { item(m, "checkins", 1)["answers"].([]any)[8] = 4 }),
			"checkins[1].answers", []string{"checkins[1].answers: item 9 must be one of 0, 1, 2, 3, got 4"}},
		{"wrong answer count", edit(t, func(m map[string]any) { item(m, "checkins", 2)["answers"] = []any{1, 2} }),
			"checkins[2].answers", []string{"checkins[2].answers", "5 items, got 2"}},
		{"check-in without its definition", edit(t, func(m map[string]any) { item(m, "checkins", 2)["instrument_version"] = 3 }),
			"checkins[2].instrument", []string{"checkins[2]", "who5 version 3"}},
		{"broken definition", edit(t, func(m map[string]any) {
			item(m, "definitions", 1)["definition"] = map[string]any{"id": "who5"}
		}), "definitions[1].definition", []string{"definitions[1]"}},
		{"definition listed under another id", edit(t, func(m map[string]any) {
			d := map[string]any{"instrument": "gad7", "version": 1, "definition": item(m, "definitions", 1)["definition"]}
			m["definitions"] = append(m["definitions"].([]any), d)
		}), "definitions[2]", []string{"definitions[2]", "listed as gad7 version 1 but the definition is who5 version 1"}},
		{"built-in redefined", edit(t, func(m map[string]any) {
			var d any
			_ = json.Unmarshal([]byte(strings.Replace(phqRaw, `"value": 10`, `"value": 20`, 1)), &d)
			item(m, "definitions", 0)["definition"] = d
		}), "definitions[0]", []string{"definitions[0]", "differs from the built-in PHQ-9"}},
		{"unknown setting", edit(t, func(m map[string]any) { m["settings"].(map[string]any)["colour"] = "blue" }),
			"settings.colour", []string{"setting must be one of"}},
		{"setting out of range", edit(t, func(m map[string]any) { m["settings"].(map[string]any)["recent_window"] = "99" }),
			"settings.recent_window", []string{"recent_window must be a whole number 2-20"}},
		{"null record", edit(t, func(m map[string]any) { m["goals"] = []any{nil} }), "goals[0]", []string{"goals[0] is null"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Decode(bytes.NewReader(tt.data), instrument.Builtin(), today)
			if err == nil {
				t.Fatalf("accepted: %+v", s)
			}
			if s != nil {
				t.Error("returned a snapshot with the error")
			}
			if upshot.ErrorCode(err) != upshot.EINVALID {
				t.Errorf("code %q, want invalid: %v", upshot.ErrorCode(err), err)
			}
			if f := upshot.ErrorField(err); f != tt.field {
				t.Errorf("field %q, want %q (%v)", f, tt.field, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q does not contain %q", err.Error(), w)
				}
			}
		})
	}
}

func TestDecodeRefusesOversizedFile(t *testing.T) {
	defer func(n int64) { maxSize = n }(maxSize)
	maxSize = 1 << 20
	good := encode(t, fixture(t))
	// Valid JSON padded with whitespace past the limit: only the size is wrong.
	big := append(bytes.Clone(good), bytes.Repeat([]byte(" "), int(maxSize))...)
	_, err := Decode(bytes.NewReader(big), nil, today)
	if err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Fatalf("got %v, want a size error", err)
	}
	if _, err := Decode(bytes.NewReader(good), nil, today); err != nil {
		t.Fatalf("a file under the limit: %v", err)
	}
}

func TestWriteCSV(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "csv")
	if err := WriteCSV(dir, fixture(t)); err != nil {
		t.Fatal(err)
	}
	read := func(name string) [][]string {
		t.Helper()
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if fi, _ := f.Stat(); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", name, fi.Mode().Perm())
		}
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return rows
	}
	wantRows := map[string]int{"therapists.csv": 3, "goals.csv": 2, "sessions.csv": 3, "session_goals.csv": 2, "checkins.csv": 4, "settings.csv": 3}
	for _, name := range CSVFiles {
		if rows := read(name); len(rows) != wantRows[name] {
			t.Errorf("%s has %d rows, want %d", name, len(rows), wantRows[name])
		}
	}
	col := func(rows [][]string, name string) int {
		for i, h := range rows[0] {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %q in %v", name, rows[0])
		return -1
	}
	ck := read("checkins.csv")
	if got := ck[1][col(ck, "total")] + "/" + ck[1][col(ck, "band")]; got != "6/mild" {
		t.Errorf("first PHQ-9 total/band = %s, want 6/mild", got)
	}
	if got := ck[3][col(ck, "total")]; got != "52" {
		t.Errorf("WHO-5 total = %s, want 52 (0-100 scale)", got)
	}
	if got := ck[2][col(ck, "safety")]; got != "true" {
		t.Errorf("safety = %s, want true for item 9 = 1", got)
	}
	goals := read("goals.csv")
	if got := goals[1][col(goals, "title")]; got != "'=stop dreading Monday meetings" {
		t.Errorf("formula-looking text not guarded: %q", got)
	}
	ss := read("sessions.csv")
	if got := ss[1][col(ss, "note")]; got != "a <private> note, with a comma" {
		t.Errorf("note = %q", got)
	}
}

// Version 4 writes every therapist's and session's fee also as fee_amount,
// an exact decimal string, and reads either.
func TestFeeAmount(t *testing.T) {
	doc := string(encode(t, fixture(t)))
	for _, want := range []string{
		"\"fee\": 90,", "\"fee_amount\": \"90.00\"\n", "\"fee\": null,", "\"fee_amount\": null\n",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the export has no %q:\n%s", want, doc)
		}
	}
	if n := strings.Count(doc, "\"fee_amount\""); n != 4 {
		t.Errorf("%d fee_amount, want one for each of 2 therapists and 2 sessions", n)
	}
	// fee_amount alone sets the fee; fee alone still does; both agreeing too.
	data := edit(t, func(m map[string]any) {
		delete(item(m, "therapists", 0), "fee")
		item(m, "therapists", 1)["fee_amount"] = "85.5"
		delete(item(m, "sessions", 0), "fee_amount")
		item(m, "sessions", 1)["fee"] = 12.3
		item(m, "sessions", 1)["fee_amount"] = "12.30"
	})
	s, err := Decode(bytes.NewReader(data), instrument.Builtin(), today)
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		got  *upshot.Money
		want upshot.Money
	}{
		"therapists[0]": {s.Therapists[0].Fee, 9000},
		"therapists[1]": {s.Therapists[1].Fee, 8550},
		"sessions[0]":   {s.Sessions[0].Fee, 9000},
		"sessions[1]":   {s.Sessions[1].Fee, 1230},
	} {
		if tc.got == nil || *tc.got != tc.want {
			t.Errorf("%s: fee %v, want %s", name, tc.got, tc.want)
		}
	}
	// An older version's snapshot is written as that version was.
	old := fixture(t)
	old.Version = 3
	if b := encode(t, old); bytes.Contains(b, []byte("fee_amount")) {
		t.Error("a version 3 document has fee_amount")
	}
}

// The document written and read is the Snapshot, field for field, with
// fee_amount added to therapists and sessions: a field added to Snapshot
// must be added to the document too.
func TestDocumentMirrorsSnapshot(t *testing.T) {
	d, s := reflect.TypeFor[document](), reflect.TypeFor[upshot.Snapshot]()
	if d.NumField() != s.NumField() {
		t.Fatalf("document has %d fields, Snapshot %d", d.NumField(), s.NumField())
	}
	for i := range s.NumField() {
		df, sf := d.Field(i), s.Field(i)
		if df.Name != sf.Name || df.Tag != sf.Tag {
			t.Errorf("field %d: document's %s %q, Snapshot's %s %q", i, df.Name, df.Tag, sf.Name, sf.Tag)
		}
		switch sf.Name {
		case "Therapists", "Sessions":
			if df.Type.Elem().Elem().Field(0).Type != sf.Type.Elem().Elem() {
				t.Errorf("%s: the document's records do not embed the Snapshot's", sf.Name)
			}
		default:
			if df.Type != sf.Type {
				t.Errorf("%s: document's type %s, Snapshot's %s", sf.Name, df.Type, sf.Type)
			}
		}
	}
}
