package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Issue 11 item 11: UPSHOT_PASSPHRASE has the prompt's 8-character minimum
// for a new backup; a backup file others can read is made private when
// Upshot reads it, and an existing database likewise, with a note.
func TestBackupPassphraseAndFileModes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	e.ok("therapist", "add", "Dr. A")
	dir := t.TempDir()
	file := filepath.Join(dir, "b.age")
	e.passphrase = "short"
	r := e.fails(2, "backup", "-o", file, "--encrypt")
	if !strings.Contains(r.stderr, "at least 8 characters") {
		t.Errorf("short UPSHOT_PASSPHRASE: %s", r)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Errorf("a refused backup left %s", file)
	}
	e.passphrase = "12345678"
	e.ok("backup", "-o", file, "--encrypt")

	if err := os.Chmod(file, 0o644); err != nil {
		t.Fatal(err)
	}
	r = e.run("backup", "--verify", file)
	if r.code != 0 || !strings.Contains(r.stderr, "made "+file+" private") {
		t.Errorf("verify of a 0644 backup: %s", r)
	}
	if fi, _ := os.Stat(file); fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %o after verify, want 600", fi.Mode().Perm())
	}

	if err := os.Chmod(e.dsn, 0o644); err != nil {
		t.Fatal(err)
	}
	r = e.run("therapist", "list")
	if r.code != 0 || !strings.Contains(r.stderr, "made "+e.dsn+" private") {
		t.Errorf("a 0644 database: %s", r)
	}
	if fi, _ := os.Stat(e.dsn); fi.Mode().Perm() != 0o600 {
		t.Errorf("database mode %o after opening, want 600", fi.Mode().Perm())
	}
	if r := e.run("therapist", "list"); strings.Contains(r.stderr, "private") {
		t.Errorf("said it again for a private database: %s", r)
	}
}

// Backups, checks and restores never write to $TMPDIR (an encrypted backup
// once left the whole database there in plain text when killed): with TMPDIR
// pointing nowhere, all three still work, and no working copy is left beside
// the database.
func TestBackupWritesNothingToTMPDIR(t *testing.T) {
	t.Parallel()
	e := newBinaryEnv(t, "sqlite")
	e.ok("therapist", "add", "Dr. A")
	e.tmpdir = filepath.Join(t.TempDir(), "missing")
	e.passphrase = "correct horse battery"
	file := filepath.Join(t.TempDir(), "b.age")
	e.ok("backup", "-o", file, "--encrypt")
	e.ok("backup", "--verify", file)
	dst := filepath.Join(t.TempDir(), "restored.db")
	e.ok("restore", file, "--db", dst)
	for _, dir := range []string{filepath.Dir(e.dsn), filepath.Dir(dst)} {
		entries, _ := os.ReadDir(dir)
		for _, en := range entries {
			if strings.HasPrefix(en.Name(), ".upshot-work-") {
				t.Errorf("working copy left behind: %s", filepath.Join(dir, en.Name()))
			}
		}
	}
}
