package archive_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/upshot-app/upshot/internal/archive"
)

func TestWriteNewFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "backup.upshot")
	if err := archive.WriteNewFile(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "complete")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "complete" {
		t.Fatalf("written: %q, %v", b, err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", st.Mode().Perm())
	}

	// An existing file is refused and left as it was.
	err := archive.WriteNewFile(path, func(w io.Writer) error {
		_, err := io.WriteString(w, "other")
		return err
	})
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("over an existing file: %v, want fs.ErrExist", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "complete" {
		t.Errorf("the existing file became %q", b)
	}

	// A write that fails part-way leaves nothing: no file under the name,
	// no temporary file beside it.
	failed := filepath.Join(dir, "failed.upshot")
	boom := errors.New("disk full")
	err = archive.WriteNewFile(failed, func(w io.Writer) error {
		io.WriteString(w, "half")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("failed write: %v, want its error", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "backup.upshot" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("directory after a failed write: %v, want only backup.upshot", names)
	}
}
