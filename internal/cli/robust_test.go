package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/upshot-app/upshot/internal/store/storetest"
)

// TestBadInstrumentFileRefusedAtStart: a FIFO in the questionnaires
// directory hung 'upshot serve' for ever, ignoring SIGTERM, and a symlink to
// /dev/zero ate memory until the machine gave out. Starting now refuses such
// an entry at once, by name, with the invalid-input status.
func TestBadInstrumentFileRefusedAtStart(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	for name, mk := range map[string]func(path string) error{
		"fifo":      func(path string) error { return syscall.Mkfifo(path, 0o600) },
		"/dev/zero": func(path string) error { return os.Symlink("/dev/zero", path) },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			bad := filepath.Join(dir, "bad.json")
			if err := mk(bad); err != nil {
				t.Fatal(err)
			}
			r := e.fails(2, "--instruments", dir, "serve", "--addr", "127.0.0.1:0")
			if !strings.Contains(r.stderr, bad+": not a regular file") {
				t.Errorf("the refusal does not name the file:\n%s", r)
			}
		})
	}
}

// TestDiskFull: on a full disk every command exits 1 saying so (before:
// "open the database file ...: disk I/O error (4874)"). A new process cannot
// even read: SQLite makes a -shm file beside the database to open it, which
// a full disk refuses. Once space is freed, all is as it was.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "sqlite")
	dir := storetest.SmallDisk(t, 4<<20)
	e.dsn = filepath.Join(dir, "upshot.db")
	record(e)
	free := storetest.FillDisk(t, dir)
	want := "upshot: the disk is full; nothing was saved (SQLite needs a little free space beside " + e.dsn + " even to open it): free some space and try again\n"
	for _, args := range [][]string{{"session", "add", "--therapist", "1", "--date", "2024-06-01"}, {"session", "list"}} {
		if r := e.fails(1, args...); r.stderr != want {
			t.Errorf("on a full disk: %s\nwant stderr %q", r, want)
		}
	}
	free()
	if out := e.ok("session", "list"); !strings.Contains(out, "2024-05-10") || strings.Contains(out, "2024-06-01") {
		t.Errorf("session list after space was freed:\n%s", out)
	}
}
