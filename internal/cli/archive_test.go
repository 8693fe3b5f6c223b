package cli_test

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/upshot-app/upshot/internal/archive"
	"github.com/upshot-app/upshot/internal/upshot"
)

// record fills a database with one of everything through the CLI.
func record(e *env) {
	e.t.Helper()
	e.ok("therapist", "add", "Dr Ana Ruiz", "--credentials", "Clinical psychologist", "--approach", "CBT", "--fee", "90.5", "--currency", "EUR", "--since", "2024-01-15")
	e.ok("therapist", "add", "Sam")
	e.ok("therapist", "end", "1", "--date", "2024-05-01")
	e.ok("goal", "add", "Stop dreading Monday meetings", "--domain", "work", "--severity", "7", "--solved-when", "=I sleep on Sundays")
	e.ok("goal", "add", "Call my sister", "--domain", "family", "--opened", "2024-01-20")
	e.ok("goal", "close", "2", "--status", "solved", "--date", "2024-04-01")
	e.ok("session", "add", "--therapist", "1", "--date", "2024-03-05", "--minutes", "50", "--fee", "90.5", "--format", "video",
		"--agenda", "me", "--focus", "life=30,relationship=10,admin=5", "--goals", "1,2", "--progress", "1=+1", "--got", "insight,strategy",
		"--helpful", "7", "--after", "better", "--conduct", "empathy=4,respect=5", "--flags", "self_focus", "--note", "a note, with \"quotes\"\nand two lines")
	e.ok("session", "add", "--therapist", "2", "--date", "2024-05-10")
	e.ok("session", "edit", "2", "--helpful", "4")
	e.ok("check", "phq9", "--answers", "1,2,0,1,1,0,0,1,0", "--date", "2024-03-01")
	e.ok("check", "phq9", "--answers", "2,2,2,2,2,2,2,1,1", "--date", "2024-04-01")
	e.ok("check", "who5", "--answers", "3,3,2,2,3", "--date", "2024-04-01")
	e.ok("check", "gad7", "--answers", "0,0,0,0,0,0,1")
	e.ok("settings", "set", "crisis_contacts", "Samaritans 116 123")
	e.ok("settings", "set", "recent_window", "6")
}

func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		record(e)
		first := e.export()

		file := filepath.Join(t.TempDir(), "export.json")
		e.ok("export", "-o", file)
		if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("export -o: %v, mode %v (want a private file)", err, fi.Mode().Perm())
		}
		data, _ := os.ReadFile(file)
		if exportedAt.ReplaceAllString(string(data), "") != first {
			t.Error("export -o FILE differs from export to stdout")
		}

		// Into an empty database of each backend: the documents are identical.
		for _, target := range []string{"sqlite", "postgres"} {
			t.Run("into "+target, func(t *testing.T) {
				fresh := newEnv(t, target)
				if out := fresh.ok("import", file); !strings.Contains(out, "imported 2 therapists, 2 goals, 2 sessions and 4 check-ins") {
					t.Errorf("import said %q", out)
				}
				if again := fresh.export(); again != first {
					t.Errorf("export after import differs:\n%s\nwant\n%s", again, first)
				}
				// Ids continue after the imported ones.
				if id := fresh.ok("session", "add", "--therapist", "1", "--date", "2024-06-01"); id != "3" {
					t.Errorf("next session id after import = %s, want 3", id)
				}
				// A database with records refuses a second import and stays as it was.
				before := fresh.export()
				r := fresh.fails(1, "import", file)
				if !strings.Contains(r.stderr, "empty database") {
					t.Errorf("import into a non-empty database: %s", r.stderr)
				}
				if fresh.export() != before {
					t.Error("a refused import changed the database")
				}
			})
		}

		// CSV tables for spreadsheets.
		dir := filepath.Join(t.TempDir(), "csv")
		if out := e.ok("export", "--csv", dir); out != "" {
			t.Errorf("export --csv printed %q", out)
		}
		f, err := os.Open(filepath.Join(dir, "checkins.csv"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil || len(rows) != 5 {
			t.Fatalf("checkins.csv: %v, %d rows", err, len(rows))
		}
		if strings.Join(rows[1][5:7], "/") != "6/mild" || strings.Join(rows[3][5:7], "/") != "52/good wellbeing" {
			t.Errorf("checkins.csv totals and bands: %v", rows)
		}
		for _, name := range []string{"therapists.csv", "goals.csv", "sessions.csv", "session_goals.csv", "settings.csv"} {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				t.Error(err)
			}
		}
	})
}

func TestImportRefusesBrokenFiles(t *testing.T) {
	t.Parallel()
	src := newEnv(t, "sqlite")
	record(src)
	good := src.ok("export")
	nan := strings.Replace(good, `"helpful": 7`, `"helpful": NaN`, 1)
	tests := []struct {
		name  string
		data  string
		where string
	}{
		{"truncated", good[:len(good)/2], "truncated"},
		// Version 4's fee_amount (the session's, after the therapist's).
		{"fee_amount disagrees with fee", replaceLast(good, `"fee_amount": "90.50"`, `"fee_amount": "95.00"`), "sessions[0]: fee_amount (95.00) and fee (90.5) differ"},
		{"fee_amount a number", replaceLast(good, `"fee_amount": null`, `"fee_amount": 12.5`), `sessions[1]: fee_amount must be an exact decimal string such as "90.50", got 12.5`},
		{"fee_amount not an amount", replaceLast(good, `"fee_amount": null`, `"fee_amount": "12.5 EUR"`), `sessions[1]: fee_amount must be an amount like 80 or 80.50 (0 to 1000000), got "12.5 EUR"`},
		{"malformed", strings.Replace(good, `"format": "upshot-export"`, `"format": upshot-export`, 1), "line 2"},
		{"wrong format", strings.Replace(good, `"format": "upshot-export"`, `"format": "daylio"`, 1), "not an Upshot export"},
		{"wrong version", strings.Replace(good, `"version": 4,`+"\n  \"exported_at\"", `"version": 7,`+"\n  \"exported_at\"", 1), "version 7"},
		{"duplicate id", strings.Replace(good, `"id": 2,`+"\n      \"name\": \"Sam\"", `"id": 1,`+"\n      \"name\": \"Sam\"", 1), "therapists[1]: duplicate id 1"},
		{"missing therapist", strings.Replace(good, `"therapist_id": 2`, `"therapist_id": 9`, 1), "sessions[1]: therapist 9 is not in the file"},
		{"out of range", strings.Replace(good, `"helpful": 7`, `"helpful": 11`, 1), "sessions[0]: helpful must be 0-10, got 11"},
		{"unknown field", strings.Replace(good, `"helpful": 7`, `"helpful": 7, "mood": 3`, 1), `sessions[0]: unknown field "mood"`},
		{"bad answer", strings.Replace(good, "\"answers\": [\n        2,", "\"answers\": [\n        5,", 1), "checkins[1].answers: item 1 must be one of 0, 1, 2, 3, got 5"},
		{"trailing garbage", good + "{}", "after the export document"},
		{"empty", "", "empty"},
		// One bit flipped: in the structure, in a published item text, or
		// turning a note's character into a byte that is not UTF-8.
		{"byte-flipped brace", flip(good, 0, 0x01), "not valid JSON at line 1, column 1"},
		{"byte-flipped item text", flip(good, strings.Index(good, "Little interest"), 0x20), "definitions[1]: phq9 version 2 differs from the built-in PHQ-9"},
		{"byte-flipped note", flip(good, strings.Index(good, "two lines"), 0x80), "not valid UTF-8 at line " + lineCol(good, "two lines")},
		{"missing goal", strings.Replace(good, `"goal_id": 2`, `"goal_id": 9`, 1), "sessions[0]: goal 9 is not in the file"},
		{"NaN", nan, "not valid JSON at line " + lineCol(nan, "NaN") + ": invalid character 'N'"},
		{"huge float", strings.Replace(good, `"helpful": 7`, `"helpful": 1e309`, 1), "sessions[0].helpful: must be a whole number, got 1e309"},
		{"huge integer", strings.Replace(good, `"minutes": 50`, `"minutes": 99999999999999999999`, 1), "sessions[0].minutes: must be a whole number, got 99999999999999999999"},
		{"negative zero", strings.Replace(good, `"minutes": 50`, `"minutes": -0`, 1), "sessions[0]: minutes must be 1-600, got 0"},
		{"huge fee", strings.Replace(good, `"fee": 90.5`, `"fee": 1e400`, 1), `therapists[0].fee: fee must be an amount like 80 or 80.50 (0 to 1000000), got "1e400"`},
		{"deep nesting", strings.Replace(good, `"version": 1,`, `"version": `+strings.Repeat("[", 100000)+strings.Repeat("]", 100000)+",", 1), "exceeded max depth"},
		{"deep nesting in a note", strings.Replace(good, `"note": ""`, `"note": `+strings.Repeat("[", 5000)+strings.Repeat("]", 5000), 1), "sessions[1].note: must be text, got a list"},
		{"note too long", strings.Replace(good, `"note": ""`, `"note": "`+strings.Repeat("x", 20001)+`"`, 1), "sessions[1]: note must be at most 20000 characters, got 20001"},
		{"control character", strings.Replace(good, `"note": ""`, `"note": "\u001b[2J"`, 1), "sessions[1]: note must not contain control characters (found U+001B)"},
		{"far past", strings.Replace(good, `"date": "2024-05-10"`, `"date": "0001-01-01"`, 1), "sessions[1].date: date must be on or after 1900-01-01, got 0001-01-01"},
		{"year one end date", strings.Replace(good, `"ended": "2024-05-01"`, `"ended": "0001-01-01"`, 1), "therapists[0].ended: date must be on or after 1900-01-01, got 0001-01-01"},
		{"before 1900", strings.Replace(good, `"date": "2024-05-10"`, `"date": "1899-12-31"`, 1), "sessions[1]: date must be on or after 1900-01-01, got 1899-12-31"},
		{"far future", strings.Replace(good, `"date": "2024-05-10"`, `"date": "9999-12-31"`, 1), "sessions[1]: date must not be in the future, got 9999-12-31"},
		{"malformed date", strings.Replace(good, `"date": "2024-05-10"`, `"date": "2024-5-10"`, 1), "sessions[1].date"},
		{"oversized", good + strings.Repeat(" ", 1), "the file is larger than 256 MiB"}, // made sparse below
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend)
			openStore(t, e.dsn) // an empty database: export refuses one that does not exist
			dir := t.TempDir()
			before := e.export()
			for _, tt := range tests {
				if tt.data == good {
					t.Fatalf("%s: the test's replacement did not apply", tt.name)
				}
				file := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".json")
				os.WriteFile(file, []byte(tt.data), 0o600)
				if tt.name == "oversized" {
					// A valid export followed by a hole of spaces' size: 256 MiB
					// and one byte on disk without writing them.
					if err := os.Truncate(file, archive.MaxSize+1); err != nil {
						t.Fatal(err)
					}
				}
				r := e.fails(2, "import", file)
				if !strings.Contains(r.stderr, tt.where) {
					t.Errorf("%s: message does not say where (%q):\n%s", tt.name, tt.where, r.stderr)
				}
				if e.export() != before {
					t.Fatalf("%s: a refused import changed the database", tt.name)
				}
			}
			// The good file still imports: the refusals were about the files.
			good := filepath.Join(dir, "good.json")
			os.WriteFile(good, []byte(src.ok("export")), 0o600)
			e.ok("import", good)
		})
	}
}

// replaceLast returns s with the last old replaced by new (s itself if
// there is none, which the test refuses).
func replaceLast(s, old, new string) string {
	i := strings.LastIndex(s, old)
	if i < 0 {
		return s
	}
	return s[:i] + new + s[i+len(old):]
}

// flip returns s with one byte XORed with mask.
func flip(s string, at int, mask byte) string {
	b := []byte(s)
	b[at] ^= mask
	return string(b)
}

// lineCol is where sub first starts in s, as "L, column C" (1-based).
func lineCol(s, sub string) string {
	i := strings.Index(s, sub)
	line := strings.Count(s[:i], "\n") + 1
	col := i - strings.LastIndex(s[:i], "\n")
	return fmt.Sprintf("%d, column %d", line, col)
}

func TestDemo(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		out := e.ok("demo")
		if !strings.Contains(out, "2 therapists") {
			t.Errorf("demo said %q", out)
		}
		doc := e.export()
		for _, want := range []string{`"therapists": [`, `"checkins": [`, `"instrument": "phq9"`} {
			if !strings.Contains(doc, want) {
				t.Errorf("demo export lacks %s", want)
			}
		}
		if list := e.ok("session", "list"); strings.Count(list, "\n") < 20 {
			t.Errorf("demo has few sessions:\n%s", list)
		}
		r := e.fails(1, "demo")
		if !strings.Contains(r.stderr, "only fills an empty database") {
			t.Errorf("second demo: %s", r.stderr)
		}
		if e.export() != doc {
			t.Error("a refused demo changed the database")
		}
		// The demo round-trips like any record.
		file := filepath.Join(t.TempDir(), "demo.json")
		e.ok("export", "-o", file)
		fresh := newEnv(t, e.backend)
		fresh.ok("import", file)
		if fresh.export() != doc {
			t.Error("demo export, import, export is not identical")
		}
	})
}

// TestHostileNoteRoundTrip: a note full of markup and odd characters is
// text. It prints as typed, exports unescaped, and comes back from an
// import exactly.
func TestHostileNoteRoundTrip(t *testing.T) {
	t.Parallel()
	note := "<script>alert(\"x\")</script> & <b>ok</b>\n\ttabbed \u00e9\u4e2d\U0001F600 \u202ertl\u202c 'quoted' \\back"
	forEachBackend(t, func(t *testing.T, e *env) {
		e.ok("therapist", "add", "Dr <A> & \"B\"")
		id := e.ok("session", "add", "--therapist", "1", "--date", "2024-03-05", "--note", note)
		if show := e.ok("session", "show", id); !strings.HasSuffix(show, "Note:\n"+note) || !strings.Contains(show, `Dr <A> & "B"`) {
			t.Errorf("session show does not print the text as typed:\n%s", show)
		}
		doc := e.export()
		if !strings.Contains(doc, `"note": "<script>alert(\"x\")</script> & <b>ok</b>\n\ttabbed`) {
			t.Errorf("the export does not hold the note as plain JSON text:\n%s", doc)
		}
		file := filepath.Join(t.TempDir(), "export.json")
		e.ok("export", "-o", file)
		fresh := newEnv(t, e.backend)
		fresh.ok("import", file)
		var sessions []sessionJSON
		fresh.jsonOf(&sessions, "session", "list", "--json")
		if len(sessions) != 1 || sessions[0].Note != note {
			t.Fatalf("after the round trip: %+v", sessions)
		}
		if fresh.export() != doc {
			t.Error("export, import, export is not identical")
		}
	})
}

// Exports of the versions before this one import into SQLite and
// PostgreSQL and export again, byte for byte, as the current version of the
// same records (which adds fee_amount beside each fee, see asVersion4).
// testdata/export_v1.json, export_v2.json and export_v3.json were written by
// Upshot itself at 247b43a (export version 1), e4f2343 (version 2, which
// added the safety plan) and 0a10771 (version 3, agenda items and their
// marks on sessions), each after the commands in testdata/README.md; never
// regenerate them. A file of an older version holding a newer version's
// records is refused (archive.TestDecodeRefusesBrokenFiles).
func TestImportOlderExportVersions(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		for _, version := range []int{1, 2, 3} {
			file := filepath.Join("testdata", fmt.Sprintf("export_v%d.json", version))
			doc, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			old := fmt.Sprintf("  \"version\": %d,\n", version)
			if !strings.Contains(string(doc), old) {
				t.Fatalf("%s is not a version %d export", file, version)
			}
			fresh := newEnv(t, e.backend)
			if out := fresh.ok("import", file); !strings.Contains(out, "imported 2 therapists, 2 goals, 2 sessions and 4 check-ins") {
				t.Errorf("importing %s said %q", file, out)
			}
			want := asVersion4(t, strings.Replace(exportedAt.ReplaceAllString(string(doc), ""), old, fmt.Sprintf("  \"version\": %d,\n", upshot.ExportVersion), 1))
			if got := fresh.export(); got != want {
				t.Errorf("export after importing %s differs at line %s", file, firstDifference(got, want))
			}
			plan := fresh.ok("plan", "show")
			if has := strings.Contains(plan, "I stop answering messages") && strings.Contains(plan, "my niece"); has != (version >= 2) {
				t.Errorf("after importing %s the plan shows the file's plan: %v\n%s", file, has, plan)
			}
		}
	})
}

// feeLine is a therapist's or session's fee in an export file.
var feeLine = regexp.MustCompile(`^(\s+)"fee": (null|[0-9.]+),$`)

// asVersion4 is what an older export file becomes written by version 4:
// every therapist and session gains fee_amount, the fee as an exact
// decimal string, after its last field (updated_at), as the API's bodies
// give it.
func asVersion4(t *testing.T, doc string) string {
	t.Helper()
	lines := strings.Split(doc, "\n")
	var out []string
	indent, amount := "", ""
	for _, l := range lines {
		if m := feeLine.FindStringSubmatch(l); m != nil {
			indent, amount = m[1], "null"
			if m[2] != "null" {
				fee, err := upshot.ParseMoney("fee", m[2])
				if err != nil {
					t.Fatal(err)
				}
				amount = `"` + fee.Amount() + `"`
			}
		}
		if amount != "" && strings.HasPrefix(l, indent+`"updated_at": `) && !strings.HasSuffix(l, ",") {
			out = append(out, l+",", indent+`"fee_amount": `+amount)
			amount = ""
			continue
		}
		out = append(out, l)
	}
	if amount != "" {
		t.Fatal("a fee with no updated_at after it")
	}
	return strings.Join(out, "\n")
}
