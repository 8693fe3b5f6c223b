package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every surface that shows a flagged result shows the notice first: the
// JSON result carries it, and history shows it while a flagged row is listed.
func TestSafetyNoticeOnEverySurface(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, e *env) {
		e.ok("settings", "set", "crisis_contacts", "Samaritans 116 123")
		out := e.ok("check", "phq9", "--answers", "0,0,0,0,0,0,0,0,1", "--date", "2024-01-10", "--json")
		var r struct {
			Safety       bool   `json:"safety"`
			SafetyNotice string `json:"safety_notice"`
		}
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatal(err)
		}
		if !r.Safety || !strings.Contains(r.SafetyNotice, "Samaritans 116 123") || !strings.Contains(r.SafetyNotice, "not a crisis service") {
			t.Errorf("flagged result lacks the notice: %+v", r)
		}
		// A later check-in without the flag: the history still lists the
		// flagged one, so the notice still comes first there.
		e.ok("check", "phq9", "--answers", "0,0,0,0,0,0,0,0,0", "--date", "2024-02-10")
		hist := e.ok("check", "history", "phq9")
		if !strings.HasPrefix(hist, "Your answers say") {
			t.Errorf("history with a flagged row must start with the notice:\n%s", hist)
		}
		clean := e.ok("check", "phq9", "--answers", "0,0,0,0,0,0,0,0,0", "--date", "2024-03-10", "--json")
		if strings.Contains(clean, "safety_notice") {
			t.Errorf("unflagged result carries a notice:\n%s", clean)
		}
	})
}

func TestFocusCheckSaysItIsNotValidated(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	out := e.ok("check", "focus", "--answers", "1,1,3")
	if !strings.Contains(out, "not a validated scale") {
		t.Errorf("focus result lacks its label:\n%s", out)
	}
}

func TestReviewUnknownTherapistIsInvalidInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	openStore(t, e.dsn) // reading needs a database that exists
	r := e.fails(2, "review", "--therapist", "999")
	if !strings.Contains(r.stderr, "--therapist") {
		t.Errorf("message does not name --therapist:\n%s", r)
	}
}

// A wrong passphrase is found before the destination is touched: no database
// file appears.
func TestRestoreWrongPassphraseCreatesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	e.ok("therapist", "add", "Dr. A")
	dir := t.TempDir()
	file := filepath.Join(dir, "b.age")
	e.passphrase = "correct horse battery"
	e.ok("backup", "-o", file, "--encrypt")
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("backup left more than its file in the output folder: %v", entries)
	}
	dst := filepath.Join(dir, "restored.db")
	e.passphrase = "wrong passphrase!"
	e.fails(2, "restore", file, "--db", dst)
	if _, err := os.Stat(dst); !os.IsNotExist(err) {
		t.Errorf("a refused restore created %s (err %v)", dst, err)
	}
	e.passphrase = "correct horse battery"
	e.ok("restore", file, "--db", dst)
}
