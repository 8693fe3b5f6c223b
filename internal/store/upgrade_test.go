package store_test

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

var (
	makeV1Fixture = flag.Bool("make-v1-fixture", false, "rewrite testdata/v1.db and testdata/v1.json (only valid while the newest schema is 1)")
	makeV2Fixture = flag.Bool("make-v2-fixture", false, "rewrite testdata/v2.db and testdata/v2.json (only valid while the newest schema is 2)")
)

// fixtureGolden is what a schema fixture holds, as exports of its two owners
// and, from schema 2 on, their data revisions.
type fixtureGolden struct {
	Owner1    json.RawMessage          `json:"owner1"`
	Owner2    json.RawMessage          `json:"owner2"`
	Revisions map[upshot.OwnerID]int64 `json:"revisions,omitempty"`
}

// TestMakeV1Fixture writes the schema-1 fixture. Fixtures are made once per
// schema version and kept forever, so later schemas are tested upgrading
// from real old files.
func TestMakeV1Fixture(t *testing.T) {
	t.Parallel()
	if !*makeV1Fixture {
		t.Skip("run with -make-v1-fixture to rewrite testdata/v1.db")
	}
	makeFixture(t, 1)
}

// TestMakeV2Fixture writes the schema-2 fixture (users.revision).
func TestMakeV2Fixture(t *testing.T) {
	t.Parallel()
	if !*makeV2Fixture {
		t.Skip("run with -make-v2-fixture to rewrite testdata/v2.db")
	}
	makeFixture(t, 2)
}

func makeFixture(t *testing.T, schema int64) {
	name := "v" + itoa(schema)
	path := filepath.Join(t.TempDir(), name+".db")
	db, err := store.Open(ctx, path)
	must(t, err)
	if _, known, err := db.SchemaVersion(ctx); err != nil || known != schema {
		t.Fatalf("the %s fixture must be made by schema %d; this build knows schema %d (%v)", name, schema, known, err)
	}
	db.Now = newClock().Now
	fill(t, db, upshot.DefaultOwner)
	gone := &upshot.Therapist{Name: "deleted, so the counter is past the highest id"}
	must(t, db.CreateTherapist(ctx, upshot.DefaultOwner, gone))
	must(t, db.DeleteTherapist(ctx, upshot.DefaultOwner, gone.ID))
	second, err := db.CreateUser(ctx, "second person")
	must(t, err)
	must(t, db.CreateTherapist(ctx, second, &upshot.Therapist{Name: "second person's therapist", Currency: "GBP"}))
	golden := fixtureGolden{Owner1: compactJSON(t, exportJSON(t, db, upshot.DefaultOwner)), Owner2: compactJSON(t, exportJSON(t, db, second))}
	if schema >= 2 {
		golden.Revisions = map[upshot.OwnerID]int64{upshot.DefaultOwner: revision(t, db, upshot.DefaultOwner), second: revision(t, db, second)}
	}
	// Fold the WAL into the file so the fixture is one self-contained file.
	if _, err := db.SQL().ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	must(t, db.Close())
	data, err := os.ReadFile(path)
	must(t, err)
	must(t, os.WriteFile(filepath.Join("testdata", name+".db"), data, 0o644))
	b, err := json.MarshalIndent(golden, "", "  ")
	must(t, err)
	must(t, os.WriteFile(filepath.Join("testdata", name+".json"), append(b, '\n'), 0o644))
}

// TestUpgradeFromV1 opens a database written by schema 1, which migrates it
// to the newest schema, and checks that every record survived unchanged.
func TestUpgradeFromV1(t *testing.T) { testUpgradeFrom(t, "v1") }

// TestUpgradeFromV2 does the same from schema 2, whose revisions must survive.
func TestUpgradeFromV2(t *testing.T) { testUpgradeFrom(t, "v2") }

func testUpgradeFrom(t *testing.T, name string) {
	data, err := os.ReadFile(filepath.Join("testdata", name+".db"))
	must(t, err)
	path := filepath.Join(t.TempDir(), "upshot.db")
	must(t, os.WriteFile(path, data, 0o600))
	var golden fixtureGolden
	b, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	must(t, err)
	must(t, json.Unmarshal(b, &golden))

	db, err := store.Open(ctx, path)
	must(t, err)
	defer db.Close()
	current, known, err := db.SchemaVersion(ctx)
	must(t, err)
	if current != known {
		t.Fatalf("after opening, schema %d; want the newest, %d", current, known)
	}
	var check string
	must(t, db.SQL().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check))
	if check != "ok" {
		t.Fatalf("integrity_check: %s", check)
	}
	owners := []struct {
		owner upshot.OwnerID
		want  json.RawMessage
	}{{upshot.DefaultOwner, golden.Owner1}, {2, golden.Owner2}}
	for _, o := range owners {
		// The fixture's export was written in the export version of its
		// day; the records must be the same in today's document.
		if got := compactJSON(t, exportJSON(t, db, o.owner)); !bytes.Equal(got, currentExport(t, o.want)) {
			t.Fatalf("owner %d after the upgrade:\n%s\nwant\n%s", o.owner, got, o.want)
		}
		// Schema 1 had no revisions: its people start at 0. Later ones keep theirs.
		if got, want := revision(t, db, o.owner), golden.Revisions[o.owner]; got != want {
			t.Fatalf("owner %d's revision after the upgrade = %d, want %d", o.owner, got, want)
		}
	}
	// Schema 4 made the person of a local install the account 'local',
	// without a password: the server stays behind the launch token.
	if a, err := db.AccountByID(ctx, upshot.DefaultOwner); err != nil || a.Login != upshot.LocalLogin || a.HasPassword {
		t.Fatalf("user 1 after the upgrade = %+v, %v; want the local account without a password", a, err)
	}
	// Counters survived too: the deleted therapist's id is not handed out again.
	was := revision(t, db, upshot.DefaultOwner)
	th := &upshot.Therapist{Name: "after the upgrade"}
	must(t, db.CreateTherapist(ctx, upshot.DefaultOwner, th))
	if th.ID != 4 {
		t.Fatalf("new therapist id = %d, want 4", th.ID)
	}
	if now := revision(t, db, upshot.DefaultOwner); now != was+1 {
		t.Fatalf("revision after a write on the upgraded database = %d, want %d", now, was+1)
	}
}

// currentExport is a fixture's export document as this Upshot writes it:
// the same records under the current export version.
func currentExport(t *testing.T, doc json.RawMessage) json.RawMessage {
	t.Helper()
	const head = `{"format":"upshot-export","version":1,`
	c := compactJSON(t, string(doc))
	if !bytes.HasPrefix(c, []byte(head)) {
		t.Fatalf("fixture export does not start with %s", head)
	}
	return append([]byte(`{"format":"upshot-export","version":`+strconv.Itoa(upshot.ExportVersion)+`,`), c[len(head):]...)
}

func compactJSON(t *testing.T, s string) json.RawMessage {
	t.Helper()
	var b bytes.Buffer
	must(t, json.Compact(&b, []byte(s)))
	return b.Bytes()
}

// dbFingerprint summarises a database so a test can tell whether anything in
// it changed: the SQLite file's bytes, or PostgreSQL's tables and versions.
func dbFingerprint(t *testing.T, backend, dsn string) string {
	t.Helper()
	if backend == "sqlite" {
		data, err := os.ReadFile(dsn)
		must(t, err)
		sum := sha256.Sum256(data)
		return hex.EncodeToString(sum[:])
	}
	conn, err := sql.Open("pgx", dsn)
	must(t, err)
	defer conn.Close()
	var tables, versions string
	var therapists int
	must(t, conn.QueryRowContext(ctx, `SELECT string_agg(table_name, ',' ORDER BY table_name)
		FROM information_schema.tables WHERE table_schema = current_schema()`).Scan(&tables))
	must(t, conn.QueryRowContext(ctx, `SELECT string_agg(version_id::text || '=' || is_applied::text, ',' ORDER BY id)
		FROM goose_db_version`).Scan(&versions))
	must(t, conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM therapists`).Scan(&therapists))
	return tables + " | " + versions + " | therapists " + itoa(int64(therapists))
}
