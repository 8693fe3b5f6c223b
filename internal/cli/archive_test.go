package cli_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
	src := newEnv(t, "sqlite")
	record(src)
	good := src.ok("export")
	tests := []struct {
		name  string
		data  string
		where string
	}{
		{"truncated", good[:len(good)/2], "truncated"},
		{"malformed", strings.Replace(good, `"format": "upshot-export"`, `"format": upshot-export`, 1), "line 2"},
		{"wrong format", strings.Replace(good, `"format": "upshot-export"`, `"format": "daylio"`, 1), "not an Upshot export"},
		{"wrong version", strings.Replace(good, `"version": 1,`+"\n  \"exported_at\"", `"version": 7,`+"\n  \"exported_at\"", 1), "version 7"},
		{"duplicate id", strings.Replace(good, `"id": 2,`+"\n      \"name\": \"Sam\"", `"id": 1,`+"\n      \"name\": \"Sam\"", 1), "therapists[1]: duplicate id 1"},
		{"missing therapist", strings.Replace(good, `"therapist_id": 2`, `"therapist_id": 9`, 1), "sessions[1]: therapist 9 is not in the file"},
		{"out of range", strings.Replace(good, `"helpful": 7`, `"helpful": 11`, 1), "sessions[0]: helpful must be 0-10, got 11"},
		{"unknown field", strings.Replace(good, `"helpful": 7`, `"helpful": 7, "mood": 3`, 1), `sessions[0]: unknown field "mood"`},
		{"bad answer", strings.Replace(good, "\"answers\": [\n        2,", "\"answers\": [\n        5,", 1), "checkins[1].answers: item 1 must be one of 0, 1, 2, 3, got 5"},
		{"trailing garbage", good + "{}", "after the export document"},
		{"empty", "", "empty"},
	}
	for _, backend := range []string{"sqlite", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			e := newEnv(t, backend)
			dir := t.TempDir()
			before := e.export()
			for _, tt := range tests {
				if tt.data == good {
					t.Fatalf("%s: the test's replacement did not apply", tt.name)
				}
				file := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".json")
				os.WriteFile(file, []byte(tt.data), 0o600)
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

func TestDemo(t *testing.T) {
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
