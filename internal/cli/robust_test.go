package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestBadInstrumentFileRefusedAtStart: a FIFO in the questionnaires
// directory hung 'upshot serve' for ever, ignoring SIGTERM, and a symlink to
// /dev/zero ate memory until the machine gave out. Starting now refuses such
// an entry at once, by name, with the invalid-input status.
func TestBadInstrumentFileRefusedAtStart(t *testing.T) {
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
