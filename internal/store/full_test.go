package store_test

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

// TestDiskFull fills a real file system under a SQLite database: every write
// that cannot be saved answers the disk-full code and message (before: an
// internal error), stores nothing, and leaves the database whole; reads keep
// working meanwhile, and once space is freed writes work again.
func TestDiskFull(t *testing.T) {
	t.Parallel()
	dir := storetest.SmallDisk(t, 4<<20)
	path := filepath.Join(dir, "upshot.db")
	db, err := store.Open(ctx, path)
	must(t, err)
	defer db.Close()
	owner := upshot.DefaultOwner
	fill(t, db, owner)
	th := &upshot.Therapist{Name: "Dr. Full"}
	must(t, db.CreateTherapist(ctx, owner, th))
	sessions, err := db.ListSessions(ctx, owner, upshot.SessionFilter{})
	must(t, err)

	free := storetest.FillDisk(t, dir)
	// A session with a long note needs more pages than the WAL has room for,
	// so the write must reach the full disk.
	note := strings.Repeat("a long note that takes many pages ", 580)
	refused := 0
	for i := range 5 {
		s := &upshot.Session{TherapistID: th.ID, Date: day(2025, 3, 1+i), Note: note}
		err := db.CreateSession(ctx, owner, s)
		if err == nil {
			continue
		}
		refused++
		wantCode(t, err, upshot.EFULL, "")
		if got, want := upshot.ErrorMessage(err), "the disk is full; nothing was saved"; got != want {
			t.Errorf("message %q, want %q", got, want)
		}
		// Reads go on while the disk is full.
		got, err := db.ListSessions(ctx, owner, upshot.SessionFilter{})
		must(t, err)
		if len(got) < len(sessions) {
			t.Fatalf("read %d sessions while the disk was full, want at least %d", len(got), len(sessions))
		}
		if _, err := db.Export(ctx, owner); err != nil {
			t.Fatalf("export while the disk is full: %v", err)
		}
	}
	t.Logf("%d of 5 writes refused on the full disk", refused)
	if refused == 0 {
		t.Fatal("no write was refused on a full disk")
	}
	free()
	s := &upshot.Session{TherapistID: th.ID, Date: day(2025, 4, 1), Note: note}
	must(t, db.CreateSession(ctx, owner, s))
	got, err := db.ListSessions(ctx, owner, upshot.SessionFilter{})
	must(t, err)
	if want := len(sessions) + 5 - refused + 1; len(got) != want {
		t.Errorf("%d sessions after freeing space, want %d (%d refused writes stored nothing)", len(got), want, refused)
	}
	var check string
	must(t, db.SQL().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check))
	if check != "ok" {
		t.Errorf("integrity_check: %s", check)
	}
}

// TestPostgresDiskFull: PostgreSQL reports a full disk as SQLSTATE 53100
// (disk_full). A trigger makes the server raise exactly that error when a
// therapist is inserted, and the store answers it as it answers SQLite's full
// disk (a full disk under a shared PostgreSQL server is not something a test
// can make safely).
func TestPostgresDiskFull(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t, "postgres")
	_, err := db.SQL().ExecContext(ctx, `
CREATE FUNCTION disk_is_full() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$;
CREATE TRIGGER disk_is_full BEFORE INSERT ON therapists FOR EACH ROW EXECUTE FUNCTION disk_is_full();`)
	must(t, err)
	err = db.CreateTherapist(ctx, upshot.DefaultOwner, &upshot.Therapist{Name: "Dr. Full"})
	var pg *pgconn.PgError
	if !errors.As(err, &pg) || pg.Code != "53100" {
		t.Fatalf("the server's error is not SQLSTATE 53100: %v", err)
	}
	wantCode(t, err, upshot.EFULL, "")
	if got, want := upshot.ErrorMessage(err), "the disk is full; nothing was saved"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	list, err := db.ListTherapists(ctx, upshot.DefaultOwner)
	must(t, err)
	if len(list) != 0 {
		t.Errorf("%d therapists stored by a refused write", len(list))
	}
}
