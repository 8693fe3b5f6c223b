package store_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

func TestOpenSQLiteFileIsPrivate(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data", "upshot")
	path := filepath.Join(dir, "upshot.db")
	db, err := store.Open(ctx, path)
	must(t, err)
	defer db.Close()
	for _, c := range []struct {
		path string
		mode os.FileMode
	}{{dir, 0o700}, {path, 0o600}} {
		fi, err := os.Stat(c.path)
		must(t, err)
		if got := fi.Mode().Perm(); got != c.mode {
			t.Errorf("%s has mode %o, want %o", c.path, got, c.mode)
		}
	}
	// The pragmas the durability promise rests on are in force.
	for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "10000"} {
		var got string
		must(t, db.SQL().QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got))
		if got != want {
			t.Errorf("PRAGMA %s = %s, want %s", pragma, got, want)
		}
	}
	// The single-user owner exists and opening again is harmless.
	must(t, db.CreateTherapist(ctx, upshot.DefaultOwner, &upshot.Therapist{Name: "a"}))
	again, err := store.Open(ctx, path)
	must(t, err)
	defer again.Close()
	list, err := again.ListTherapists(ctx, upshot.DefaultOwner)
	must(t, err)
	if len(list) != 1 {
		t.Fatalf("reopened database lists %d therapists", len(list))
	}
}

func TestOpenRefusesBadPaths(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{"", "file:x.db", filepath.Join(t.TempDir(), "x.db?mode=ro")} {
		_, err := store.Open(ctx, dsn)
		wantCode(t, err, upshot.EINVALID, "db")
	}
}

func TestDefaultPath(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	tests := []struct{ xdg, want string }{
		{"/srv/data", "/srv/data/upshot/upshot.db"},
		{"", filepath.Join(home, ".local", "share", "upshot", "upshot.db")},
		{"relative/dir", filepath.Join(home, ".local", "share", "upshot", "upshot.db")}, // ignored, per the XDG spec
	}
	for _, tc := range tests {
		t.Setenv("XDG_DATA_HOME", tc.xdg)
		got, err := store.DefaultPath(os.Getenv)
		must(t, err)
		if got != tc.want {
			t.Errorf("XDG_DATA_HOME=%q: DefaultPath() = %q, want %q", tc.xdg, got, tc.want)
		}
	}
}
