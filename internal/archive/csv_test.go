package archive

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/upshot-app/upshot/internal/upshot"
)

// formulas are cells a spreadsheet could run, as a note, a name or a
// questionnaire's band label may hold them (issue 11 item 10).
var formulas = []string{
	"=1+1", " =1+1", "\t=1+1", "\r=1+1", "\n=1+1", ";=1+1", " ; =1+1", "@SUM(1;1)", "+1+1", "-1+1",
	`=HYPERLINK("http://example.invalid";"x")`, "x;=1+1", "x\t=1+1", "x\n=1+1", "x,=1+1", `"=1+1`, "-",
}

func TestCSVCellGuard(t *testing.T) {
	for s, want := range map[string]string{
		"=1+1": "'=1+1", " =1+1": "' =1+1", "\t=1+1": "\t'=1+1", "\r=1+1": "\r'=1+1", "\n=1+1": "\n'=1+1",
		";=1+1": ";'=1+1", " ; =1+1": " ;' =1+1", "@SUM(1;1)": "'@SUM(1;1)", "+1+1": "'+1+1", "-1+1": "'-1+1", "-": "'-",
		"x;=1+1": "x;'=1+1", "x\t=1+1": "x\t'=1+1", "Topics:\n- work\n- Mum": "Topics:\n'- work\n'- Mum",
		`=HYPERLINK("http://example.invalid";"x")`: `'=HYPERLINK("http://example.invalid";"x")`,
		// Left as they are: numbers, and text no spreadsheet runs.
		"": "", "-3": "-3", "12.50": "12.50", "mild": "mild", "a - b": "a - b", "2024-01-05": "2024-01-05",
		"'=1": "'=1", "insight;strategy": "insight;strategy", "x,=1+1": "x,=1+1", "a;b\nc": "a;b\nc",
	} {
		if got := cell(s); got != want {
			t.Errorf("cell(%q) = %q, want %q", s, got, want)
		}
	}
}

// hostileSnapshot puts every formula in every kind of text a person or a
// custom questionnaire writes.
func hostileSnapshot(t *testing.T) *upshot.Snapshot {
	t.Helper()
	s := fixture(t)
	meta := s.Therapists[0].Meta
	def := map[string]any{
		"id": "hostile", "version": 1, "name": "Hostile", "short_name": "H", "instruction": "Lately",
		"options":   []any{map[string]any{"label": "no", "score": 0}, map[string]any{"label": "yes", "score": 1}},
		"items":     []any{map[string]any{"id": "h1", "text": "One"}},
		"scoring":   map[string]any{"method": "sum", "factor": 1, "max_missing": 0, "prorate": false},
		"direction": "higher_is_worse", "min": 0, "max": 1,
		"bands":           []any{map[string]any{"min": 0, "max": 0, "label": " =1+1"}, map[string]any{"min": 1, "max": 1, "label": `=HYPERLINK("http://example.invalid";"x")`}},
		"reliable_change": map[string]any{"size": 1},
		"source":          "a test", "licence": "test", "attribution": "", "validated": false,
	}
	raw, err := json.Marshal(def)
	if err != nil {
		t.Fatal(err)
	}
	s.Definitions = append(s.Definitions, upshot.Definition{Instrument: "hostile", Version: 1, Data: raw})
	for i, f := range formulas {
		id := int64(100 + i)
		s.Therapists = append(s.Therapists, &upshot.Therapist{ID: id, Name: f, Credentials: f, Approach: f, Meta: meta})
		s.Goals = append(s.Goals, &upshot.Goal{ID: id, Title: f, SolvedWhen: f, Domain: "work", Status: "open", Opened: upshot.NewDate(2024, 1, 5), Meta: meta})
		s.Sessions = append(s.Sessions, &upshot.Session{ID: id, TherapistID: id, Date: upshot.NewDate(2024, 2, 1), Note: f,
			Goals: []upshot.GoalProgress{{GoalID: id, Progress: upshot.Ptr(-3)}}, Got: []string{}, Flags: []string{}, Meta: meta})
		s.CheckIns = append(s.CheckIns, &upshot.CheckIn{ID: id, Instrument: "hostile", InstrumentVersion: 1, Date: upshot.NewDate(2024, 2, 1), Answers: ints(i % 2), Meta: meta})
		s.Settings[upshot.SettingName(fmt.Sprintf("hostile_%02d", i))] = f
	}
	return s
}

// TestCSVKeepsTextAsTypedBehindTheGuard: read back as CSV, each cell is what
// was typed, with only guarding apostrophes added.
func TestCSVKeepsTextAsTypedBehindTheGuard(t *testing.T) {
	dir := t.TempDir()
	if err := WriteCSV(dir, hostileSnapshot(t)); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "sessions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	note := map[string]bool{}
	for _, r := range rows[1:] {
		note[r[len(r)-3]] = true
	}
	for _, f := range formulas {
		if !note[cell(f)] || strings.ReplaceAll(cell(f), "'", "") != strings.ReplaceAll(f, "'", "") {
			t.Errorf("note %q is not in sessions.csv as typed, apart from guarding apostrophes", f)
		}
	}
	goals, err := os.ReadFile(filepath.Join(dir, "session_goals.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(goals, []byte(`"100","100","-3"`)) {
		t.Errorf("a progress of -3 is not written as the number it is:\n%.200s", goals)
	}
}

// TestCSVNoFormulaInLibreOffice opens every CSV in LibreOffice Calc, with
// formulas evaluated, spaces trimmed and each separator a person may pick
// (',' ';' and tab), and checks that no cell became a formula. A control file
// with one unguarded "=1+1" in the same run must become one, or the run
// proves nothing. CI installs libreoffice-calc; elsewhere the test is skipped
// with a message when soffice is missing.
func TestCSVNoFormulaInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if ci := os.Getenv("CI"); ci != "" && ci != "false" && ci != "0" {
			t.Fatal("soffice not found: CI must check the CSV export in LibreOffice (apt-get install libreoffice-calc)")
		}
		t.Skip("CSV export not checked in a real spreadsheet: soffice not found (apt-get install libreoffice-calc)")
	}
	dir := t.TempDir()
	if err := WriteCSV(dir, hostileSnapshot(t)); err != nil {
		t.Fatal(err)
	}
	files := []string{filepath.Join(dir, "control.csv")}
	if err := os.WriteFile(files[0], []byte("a,b\r\n=1+1,x\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, name := range CSVFiles {
		files = append(files, filepath.Join(dir, name))
	}
	formula := regexp.MustCompile(`table:formula="([^"]*)"`)
	for _, sep := range []struct{ name, code string }{{"comma", "44"}, {"semicolon", "59"}, {"tab", "9"}} {
		t.Run(sep.name, func(t *testing.T) {
			t.Parallel() // each run has its own LibreOffice profile
			out := t.TempDir()
			// CSV filter options: separator, text delimiter ", UTF-8, from
			// line 1, standard cell formats, default language, quoted field
			// as text off, detect special numbers on, (2 export options),
			// trim spaces on, (export option), evaluate formulas on.
			filter := "CSV:" + sep.code + ",34,76,1,,0,false,true,false,false,true,-1,true"
			args := append([]string{"--headless", "--norestore", "-env:UserInstallation=file://" + filepath.Join(out, "profile"),
				"--infilter=" + filter, "--convert-to", "fods", "--outdir", out}, files...)
			cmd := exec.Command(soffice, args...)
			cmd.Env = append(os.Environ(), "HOME="+out)
			started := time.Now()
			if b, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("soffice: %v\n%s", err, b)
			}
			t.Logf("LibreOffice converted %d files in %v", len(files), time.Since(started).Round(time.Millisecond))
			for _, f := range files {
				name := strings.TrimSuffix(filepath.Base(f), ".csv")
				doc, err := os.ReadFile(filepath.Join(out, name+".fods"))
				if err != nil {
					t.Fatalf("LibreOffice wrote no %s.fods: %v", name, err)
				}
				found := formula.FindAllStringSubmatch(string(doc), -1)
				if name == "control" {
					if len(found) == 0 {
						t.Fatal("the control file's =1+1 did not become a formula: these import options do not evaluate formulas")
					}
					continue
				}
				for _, m := range found {
					t.Errorf("%s.csv: LibreOffice made a formula cell %s", name, m[1])
				}
			}
		})
	}
}
