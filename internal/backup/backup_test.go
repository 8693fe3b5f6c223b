package backup

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"filippo.io/age"
	"filippo.io/age/armor"

	"github.com/upshot-app/upshot/internal/auth"
	"github.com/upshot-app/upshot/internal/demo"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/store/storetest"
	"github.com/upshot-app/upshot/internal/upshot"
)

func TestMain(m *testing.M) {
	// age's default costs about a second per key derivation; the format and
	// the checks are the same at any cost.
	scryptWorkFactor = 10
	os.Exit(m.Run())
}

const pass = "correct horse battery staple"

// fill gives db the demo year for the default owner and a second person with
// a few records, one of them deleted so that the id counters run ahead of the
// highest id (a restore must not hand that id out again).
func fill(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	snap, err := demo.Build(upshot.Today(), instrument.Builtin())
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Import(ctx, upshot.DefaultOwner, snap); err != nil {
		t.Fatalf("import demo: %v", err)
	}
	// An account with a password, disabled: the backup carries the login,
	// the hash and the state, or state() below tells.
	hash, err := auth.HashPassword("tulip ferry cobalt")
	if err != nil {
		t.Fatal(err)
	}
	sam, err := db.CreateAccount(ctx, "sam", hash)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetDisabled(ctx, sam, true); err != nil {
		t.Fatal(err)
	}
	// A calendar feed: the backup carries its hash, so the restored install
	// keeps the subscription working.
	if err := db.SetCalendarFeed(ctx, sam, strings.Repeat("0f", 32)); err != nil {
		t.Fatal(err)
	}
	th := &upshot.Therapist{Name: "Dr <b>Lee</b>", Currency: "EUR"}
	if err := db.CreateTherapist(ctx, sam, th); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		s := sessionLike(t, snap.Sessions[i])
		s.TherapistID = th.ID
		s.Goals = nil
		// Long notes with markup: text, kept byte for byte, and enough of it
		// that an encrypted backup spans more than one 64 KiB age chunk.
		s.Note = strings.Repeat(fmt.Sprintf("note %d <script>alert(1)</script> & \"quotes\"\n", i), 400)
		if err := db.CreateSession(ctx, sam, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.DeleteSession(ctx, sam, 3); err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(ctx, sam, "recent_window", "5"); err != nil {
		t.Fatal(err)
	}
}

// sessionLike copies a session as a new one.
func sessionLike(t *testing.T, s *upshot.Session) *upshot.Session {
	t.Helper()
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var c upshot.Session
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	// Agenda items are the demo person's own: a copy for someone else
	// carries no marks on them.
	c.ID, c.Meta, c.AgendaItems = 0, upshot.Meta{}, nil
	return &c
}

// state is everything a restore must reproduce: every user, their id
// counters and their export (without its exported_at), as JSON.
func state(t *testing.T, db *store.DB) string {
	t.Helper()
	ctx := context.Background()
	users, err := db.Owners(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, u := range users {
		snap, err := db.Export(ctx, upshot.OwnerID(u.ID))
		if err != nil {
			t.Fatal(err)
		}
		snap.ExportedAt = time.Time{}
		counters, err := db.Counters(ctx, upshot.OwnerID(u.ID))
		if err != nil {
			t.Fatal(err)
		}
		data, err := json.MarshalIndent(struct {
			User     store.Owner
			Counters map[string]int64
			Snapshot *upshot.Snapshot
		}{u, counters, snap}, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
		b.WriteByte('\n')
	}
	return b.String()
}

func takeBackup(t *testing.T, db *store.DB, passphrase string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Backup(context.Background(), db, &buf, Options{Passphrase: passphrase, WorkDir: t.TempDir()}); err != nil {
		t.Fatalf("Backup: %v", err)
	}
	return buf.Bytes()
}

// firstDiff shows where two states part, without printing them whole.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			lo, hi := max(i-3, 0), min(i+3, len(al), len(bl))
			return fmt.Sprintf("line %d:\nwant:\n%s\ngot:\n%s", i+1, strings.Join(al[lo:hi], "\n"), strings.Join(bl[lo:hi], "\n"))
		}
	}
	return fmt.Sprintf("lengths differ: %d and %d lines", len(al), len(bl))
}

func TestRoundTrip(t *testing.T) {
	// Each database is source and destination, each kind of payload with and
	// without encryption; encryption wraps the container whatever it holds.
	b := storetest.Backends(t)
	for _, tt := range []struct {
		from, to  string
		encrypted bool
	}{{b[0], b[0], false}, {b[0], b[1], true}, {b[1], b[1], false}, {b[1], b[0], true}} {
		name := tt.from + "_to_" + tt.to
		if tt.encrypted {
			name += "_encrypted"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			testRoundTrip(t, tt.from, tt.to, tt.encrypted)
		})
	}
}

func testRoundTrip(t *testing.T, from, to string, encrypted bool) {
	ctx := context.Background()
	src := storetest.Open(t, from)
	fill(t, src)
	passphrase := ""
	if encrypted {
		passphrase = pass
	}
	file := takeBackup(t, src, passphrase)

	wantKind := map[string]string{"sqlite": KindSQLite, "postgres": KindLogical}[from]
	if isEnc, _, err := Encrypted(bytes.NewReader(file)); err != nil || isEnc != encrypted {
		t.Fatalf("Encrypted = %v, %v; want %v", isEnc, err, encrypted)
	}
	if !encrypted && !bytes.HasPrefix(file, []byte(`{"format":"upshot-backup","version":1,"kind":"`+wantKind+`"`)) {
		t.Fatalf("the file does not start with its manifest: %.80q", file)
	}
	if encrypted && bytes.Contains(file, []byte("upshot")) {
		t.Fatal("an encrypted backup shows plain text")
	}

	info, err := Verify(ctx, bytes.NewReader(file), passphrase, t.TempDir(), time.Now)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	snap, err := src.Export(ctx, upshot.DefaultOwner)
	if err != nil {
		t.Fatal(err)
	}
	want := Counts{len(snap.Therapists) + 1, len(snap.Goals), len(snap.Sessions) + 2, len(snap.CheckIns)}
	if info.Kind != wantKind || info.Encrypted != encrypted || info.Owners != 2 || info.Counts != want ||
		time.Since(info.CreatedAt) > time.Minute {
		t.Errorf("Verify = %+v; want kind %s, encrypted %v, 2 owners, counts %+v, created just now", info, wantKind, encrypted, want)
	}

	dst := storetest.Open(t, to)
	got, err := Restore(ctx, bytes.NewReader(file), passphrase, t.TempDir(), dst)
	if err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if got != info {
		t.Errorf("Restore = %+v, want the Verify info %+v", got, info)
	}
	if w, g := state(t, src), state(t, dst); w != g {
		t.Fatalf("restored database differs from the source:\n%s", firstDiff(w, g))
	}
	// Every table of the schema, not only what state compares: a table a
	// migration adds must be filled by fill and carried by the backup, or
	// this fails.
	srcRows, dstRows := tableRows(t, src), tableRows(t, dst)
	for table, n := range srcRows {
		if n == 0 {
			t.Errorf("table %s is empty in the source: fill must put a row in every table, so the backup is seen to carry it", table)
		} else if dstRows[table] != n {
			t.Errorf("table %s: %d rows in the source, %d after the restore: the backup does not carry it", table, n, dstRows[table])
		}
	}

	// The restored database goes on where the source left off: the same
	// next ids (the deleted session 3 of user 2 is not reused) and new users
	// after the restored ones.
	for _, db := range []*store.DB{src, dst} {
		s := sessionLike(t, snap.Sessions[0])
		s.TherapistID, s.Goals = 1, nil
		if err := db.CreateSession(ctx, 2, s); err != nil {
			t.Fatal(err)
		}
		if s.ID != 4 {
			t.Errorf("%s: the next session of user 2 got id %d, want 4", db.Dialect(), s.ID)
		}
		if id, err := db.CreateUser(ctx, "kim"); err != nil || id != 3 {
			t.Errorf("%s: the next user got id %d (%v), want 3", db.Dialect(), id, err)
		}
	}
	if to == "sqlite" {
		if err := integrityCheck(ctx, dst); err != nil {
			t.Error(err)
		}
	}
}

// A backup taken while another goroutine keeps adding sessions holds a
// consistent moment: whole sessions, the first n with nothing missing, n between
// the sessions acknowledged before the backup started and after it ended,
// and every session exactly as the source has it.
func TestBackupDuringWrites(t *testing.T) {
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) { testBackupDuringWrites(t, backend) })
	}
}

func testBackupDuringWrites(t *testing.T, backend string) {
	ctx := context.Background()
	src := storetest.Open(t, backend)
	fill(t, src)
	snap, err := src.Export(ctx, upshot.DefaultOwner)
	if err != nil {
		t.Fatal(err)
	}
	const writer = upshot.OwnerID(2)
	therapist := &upshot.Therapist{Name: "Dr Writer", Currency: "EUR"}
	if err := src.CreateTherapist(ctx, writer, therapist); err != nil {
		t.Fatal(err)
	}
	base, err := src.ListSessions(ctx, writer, upshot.SessionFilter{})
	if err != nil {
		t.Fatal(err)
	}

	// Made here: t.Fatal must not run in the writer's goroutine.
	templates := make([]*upshot.Session, len(snap.Sessions))
	for i, s := range snap.Sessions {
		templates[i] = sessionLike(t, s)
		templates[i].TherapistID, templates[i].Goals = therapist.ID, nil
	}

	var acked atomic.Int64 // sessions of the writer known committed
	acked.Store(int64(len(base)))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var writeErr error
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			s := *templates[i%len(templates)]
			s.Note = strings.Repeat(fmt.Sprintf("session %d of a stream. ", i), 50)
			if err := src.CreateSession(ctx, writer, &s); err != nil {
				writeErr = err
				return
			}
			acked.Add(1)
		}
	})
	for acked.Load() < int64(len(base))+5 {
		time.Sleep(time.Millisecond)
	}
	before := acked.Load()
	var buf bytes.Buffer
	err = Backup(ctx, src, &buf, Options{WorkDir: t.TempDir()})
	after := acked.Load()
	// A few more writes after the backup, which it must not hold.
	for acked.Load() < after+3 && writeErr == nil {
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}
	if writeErr != nil {
		t.Fatalf("writer: %v", writeErr)
	}

	dst := storetest.Open(t, "sqlite")
	if _, err := Restore(ctx, bytes.NewReader(buf.Bytes()), "", t.TempDir(), dst); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	if err := integrityCheck(ctx, dst); err != nil {
		t.Fatalf("restored database: %v", err)
	}
	got, err := dst.Export(ctx, writer)
	if err != nil {
		t.Fatal(err)
	}
	n := int64(len(got.Sessions))
	t.Logf("%s: %d sessions acknowledged before the backup, %d after it, %d in it", backend, before, after, n)
	if n < before || n > after+1 { // +1: a write may commit before its acknowledgement is counted
		t.Fatalf("the backup holds %d sessions; want between %d (acknowledged before) and %d (after)", n, before, after)
	}
	// The source, cut at the backup's moment, is what was restored.
	want, err := src.Export(ctx, writer)
	if err != nil {
		t.Fatal(err)
	}
	// Sessions are exported by id and the writer's ids only grow, so the
	// moment of the backup is the first n of them: no gap, no later one.
	want.Sessions = want.Sessions[:n]
	want.ExportedAt, got.ExportedAt = time.Time{}, time.Time{}
	w, _ := json.MarshalIndent(want, "", " ")
	g, _ := json.MarshalIndent(got, "", " ")
	if !bytes.Equal(w, g) {
		t.Fatalf("restored records differ from the source at the backup's moment:\n%s", firstDiff(string(w), string(g)))
	}
	// Everyone else is whole too.
	for _, owner := range []upshot.OwnerID{upshot.DefaultOwner} {
		a, _ := src.Export(ctx, owner)
		b, _ := dst.Export(ctx, owner)
		a.ExportedAt, b.ExportedAt = time.Time{}, time.Time{}
		aj, _ := json.Marshal(a)
		bj, _ := json.Marshal(b)
		if !bytes.Equal(aj, bj) {
			t.Errorf("user %d differs after the restore", owner)
		}
	}
}

// Every refused file is refused by Verify and by Restore, with the error a
// person can act on, and Restore writes nothing.
func TestRefused(t *testing.T) {
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) { testRefused(t, backend) })
	}
}

func testRefused(t *testing.T, backend string) {
	src := storetest.Open(t, backend)
	fill(t, src)
	plain := takeBackup(t, src, "")
	sealed := takeBackup(t, src, pass)
	headerEnd := bytes.IndexByte(plain, '\n') + 1

	flip := func(b []byte, at int) []byte {
		c := bytes.Clone(b)
		c[at] ^= 0x01
		return c
	}
	// flipBase64 changes one character of base64 text into another base64
	// character, so the text still parses and only its meaning is altered
	// (flip's XOR can turn 'z' into '{', which fails earlier as unreadable).
	flipBase64 := func(b []byte, at int) []byte {
		c := bytes.Clone(b)
		if c[at] == 'A' {
			c[at] = 'B'
		} else {
			c[at] = 'A'
		}
		return c
	}
	withManifest := func(edit func(m map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(plain[:headerEnd], &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		head, _ := json.Marshal(m)
		return append(append(head, '\n'), plain[headerEnd:]...)
	}
	sealedBody := bytes.Index(sealed, []byte("\n---")) // the age header's MAC line
	if sealedBody < 0 {
		t.Fatal("no age header in the encrypted backup")
	}
	// The payload: a 16-byte nonce, then chunks of 64 KiB plus a 16-byte tag.
	payload := sealedBody + 1 + bytes.IndexByte(sealed[sealedBody+1:], '\n') + 1
	chunkCut := payload + 16 + 64<<10 + 16
	if len(sealed) <= chunkCut {
		t.Fatalf("the encrypted backup (%d bytes) is too small to cut at a chunk boundary", len(sealed))
	}
	var export bytes.Buffer
	snap, _ := src.Export(context.Background(), upshot.DefaultOwner)
	json.NewEncoder(&export).Encode(snap)
	exportIndented, _ := json.MarshalIndent(snap, "", "  ")

	tests := []struct {
		name       string
		file       []byte
		passphrase string
		field      string // of the *upshot.Error
		message    string // part of its message
	}{
		{"wrong passphrase", sealed, "incorrect horse", "passphrase", "wrong passphrase or not an Upshot backup"},
		{"no passphrase for an encrypted file", sealed, "", "passphrase", "this backup is encrypted"},
		{"flipped byte in the age recipient stanza", flipBase64(sealed, sealedBody-10), pass, "passphrase", "wrong passphrase or not an Upshot backup"},
		{"flipped byte in the age header MAC", flip(sealed, sealedBody+10), pass, "file", "encryption header cannot be read"},
		{"flipped byte in the encrypted payload", flip(sealed, len(sealed)/2), pass, "file", "fails authentication"},
		{"flipped last byte of the encrypted file", flip(sealed, len(sealed)-1), pass, "file", "fails authentication"},
		{"encrypted file cut short", sealed[:len(sealed)-100], pass, "file", "damaged or was altered"},
		{"encrypted file cut at a chunk boundary", sealed[:chunkCut], pass, "file", "damaged or was altered"},
		{"data after the encrypted file", append(bytes.Clone(sealed), 'x'), pass, "file", "fails authentication"},
		{"flipped byte in the payload", flip(plain, headerEnd+len(plain[headerEnd:])/2), "", "file", "checksum does not match"},
		{"flipped last byte", flip(plain, len(plain)-1), "", "file", "checksum does not match"},
		{"truncated payload", plain[:len(plain)-1], "", "file", "truncated"},
		{"truncated to half", plain[:len(plain)/2], "", "file", "truncated"},
		{"truncated inside the manifest", plain[:headerEnd/2], "", "file", "ends inside its manifest"},
		{"data after the payload", append(bytes.Clone(plain), '\n'), "", "file", "data after the end of its payload"},
		{"newer format version", withManifest(func(m map[string]any) { m["version"] = 2 }), "", "version", "made by a newer Upshot"},
		{"format version 0", withManifest(func(m map[string]any) { m["version"] = 0 }), "", "version", "not supported"},
		{"other format", withManifest(func(m map[string]any) { m["format"] = "upshot-export" }), "", "file", "not an Upshot backup"},
		{"unknown kind", withManifest(func(m map[string]any) { m["kind"] = "mysql" }), "", "kind", `got "mysql"`},
		{"hash of something else", withManifest(func(m map[string]any) { m["sha256"] = strings.Repeat("0", 64) }), "", "file", "checksum does not match"},
		{"size larger than the payload", withManifest(func(m map[string]any) { m["size"] = m["size"].(float64) + 1 }), "", "file", "truncated"},
		{"unknown manifest field", withManifest(func(m map[string]any) { m["extra"] = true }), "", "file", "not an Upshot backup"},
		{"empty file", nil, "", "file", "the file is empty"},
		{"an export", exportIndented, "", "file", "looks like an Upshot export"},
		{"an export on one line", export.Bytes(), "", "file", "not an Upshot backup"},
		{"binary junk", bytes.Repeat([]byte{0xff, 0}, 5000), "", "file", "not an Upshot backup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			_, err := Verify(ctx, bytes.NewReader(tt.file), tt.passphrase, t.TempDir(), time.Now)
			check := func(op string, err error) {
				t.Helper()
				if upshot.ErrorCode(err) != upshot.EINVALID {
					t.Fatalf("%s: %v (code %q), want EINVALID", op, err, upshot.ErrorCode(err))
				}
				if tt.message != "" && (upshot.ErrorField(err) != tt.field || !strings.Contains(upshot.ErrorMessage(err), tt.message)) {
					t.Fatalf("%s: field %q, %q; want field %q and a message with %q", op, upshot.ErrorField(err), upshot.ErrorMessage(err), tt.field, tt.message)
				}
			}
			check("Verify", err)
			dst := storetest.Open(t, "sqlite")
			before := state(t, dst)
			_, err = Restore(ctx, bytes.NewReader(tt.file), tt.passphrase, t.TempDir(), dst)
			check("Restore", err)
			if !strings.HasSuffix(upshot.ErrorMessage(err), "; nothing was restored") {
				t.Errorf("Restore: %q does not say that nothing was restored", upshot.ErrorMessage(err))
			}
			if after := state(t, dst); after != before {
				t.Fatalf("a refused restore changed the database:\n%s", firstDiff(before, after))
			}
		})
	}
}

// A restore into a database with anyone's records is refused and changes
// nothing, even when the default owner has none.
func TestRestoreIntoNonEmpty(t *testing.T) {
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			src := storetest.Open(t, "sqlite")
			fill(t, src)
			file := takeBackup(t, src, "")

			dst := storetest.Open(t, backend)
			other, err := dst.CreateUser(ctx, "someone")
			if err != nil {
				t.Fatal(err)
			}
			if err := dst.CreateGoal(ctx, other, &upshot.Goal{Title: "sleep", Domain: "health", Status: "open", Opened: upshot.Today()}); err != nil {
				t.Fatal(err)
			}
			before := state(t, dst)
			_, err = Restore(ctx, bytes.NewReader(file), "", t.TempDir(), dst)
			if upshot.ErrorCode(err) != upshot.ECONFLICT || !strings.Contains(upshot.ErrorMessage(err), "already has 0 therapists, 1 goals") {
				t.Fatalf("Restore into a database with a goal: %v, want ECONFLICT naming what is there", err)
			}
			if after := state(t, dst); after != before {
				t.Fatalf("a refused restore changed the database:\n%s", firstDiff(before, after))
			}
		})
	}
}

// When one person's import fails after another's succeeded, the restore
// removes what it wrote: the destination is as it was.
func TestRestoreAllOrNothing(t *testing.T) {
	for _, backend := range storetest.Backends(t) {
		t.Run(backend, func(t *testing.T) {
			ctx := context.Background()
			focus, ok := instrument.Builtin().Get("focus")
			if !ok {
				t.Fatal("no focus instrument")
			}
			custom := func(name string) upshot.Definition {
				raw := bytes.Replace(focus.Raw(), []byte(`"focus"`), []byte(`"mine"`), 1)
				raw = bytes.Replace(raw, []byte(`"Focus check"`), []byte(`"`+name+`"`), 1)
				if _, err := instrument.Parse(raw); err != nil {
					t.Fatalf("custom definition: %v", err)
				}
				return upshot.Definition{Instrument: "mine", Version: 1, Data: raw}
			}
			zero := 0
			checkIn := func(db *store.DB, owner upshot.OwnerID, def upshot.Definition) *upshot.CheckIn {
				c := &upshot.CheckIn{Instrument: "mine", InstrumentVersion: 1, Date: upshot.Today(), Answers: []*int{&zero, &zero, &zero}}
				if err := db.CreateCheckIn(ctx, owner, c, def); err != nil {
					t.Fatal(err)
				}
				return c
			}

			src := storetest.Open(t, "sqlite")
			fill(t, src)
			checkIn(src, 2, custom("Mine"))
			file := takeBackup(t, src, "")

			// The destination has user 2 already, with no records but a
			// different definition of the same instrument version: user 1
			// imports, user 2 cannot.
			dst := storetest.Open(t, backend)
			id, err := dst.CreateUser(ctx, "not sam")
			if err != nil || id != 2 {
				t.Fatalf("CreateUser = %d, %v", id, err)
			}
			c := checkIn(dst, 2, custom("Other"))
			if err := dst.DeleteCheckIn(ctx, 2, c.ID); err != nil {
				t.Fatal(err)
			}
			if err := dst.SetSetting(ctx, 2, "recent_window", "6"); err != nil {
				t.Fatal(err)
			}
			before := state(t, dst)
			_, err = Restore(ctx, bytes.NewReader(file), "", t.TempDir(), dst)
			if upshot.ErrorCode(err) == "" {
				t.Fatal("Restore succeeded over a conflicting definition")
			}
			t.Logf("refused: %v", err)
			if after := state(t, dst); after != before {
				t.Fatalf("a failed restore left changes behind:\n%s", firstDiff(before, after))
			}
			// And with the conflict gone, the same file restores.
			dst2 := storetest.Open(t, backend)
			if _, err := Restore(ctx, bytes.NewReader(file), "", t.TempDir(), dst2); err != nil {
				t.Fatal(err)
			}
			if w, g := state(t, src), state(t, dst2); w != g {
				t.Fatalf("restored database differs from the source:\n%s", firstDiff(w, g))
			}
		})
	}
}

// container wraps a payload as Backup would, with a correct size and hash,
// so that only the payload's own checks stand between it and a restore.
func container(t *testing.T, kind string, payload []byte) []byte {
	t.Helper()
	sum := sha256.Sum256(payload)
	head, err := json.Marshal(manifest{Format: Format, Version: Version, Kind: kind, CreatedAt: time.Now().UTC(),
		Size: int64(len(payload)), SHA256: hex.EncodeToString(sum[:])})
	if err != nil {
		t.Fatal(err)
	}
	return append(append(head, '\n'), payload...)
}

// Payloads that match their hash but are not what a backup holds: a damaged
// or foreign database, a newer schema, records that break the rules.
func TestRefusedPayloads(t *testing.T) {
	ctx := context.Background()
	src := storetest.Open(t, "sqlite")
	fill(t, src)

	sqlitePayload := func(edit func(db *store.DB)) []byte {
		db := storetest.Open(t, "sqlite")
		edit(db)
		path := t.TempDir() + "/copy.db"
		if err := copySQLite(ctx, db, path); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	newer := sqlitePayload(func(db *store.DB) {
		if _, err := db.SQL().Exec(`INSERT INTO goose_db_version (version_id, is_applied) VALUES (999, 1)`); err != nil {
			t.Fatal(err)
		}
	})
	var logical bytes.Buffer
	if err := writeLogicalTo(ctx, src, &logical); err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(logical.Bytes(), []byte("\n"))
	badRecord := bytes.Replace(logical.Bytes(), []byte(`"minutes":`), []byte(`"minutes":-`), 1)
	unknownField := bytes.Replace(logical.Bytes(), []byte(`"minutes":`), []byte(`"minute":1,"minutes":`), 1)

	tests := []struct {
		name, kind string
		payload    []byte
		field      string
		message    string
	}{
		{"junk as a SQLite database", KindSQLite, bytes.Repeat([]byte("not a database "), 500), "file", "integrity check"},
		{"SQLite database of a newer Upshot", KindSQLite, newer, "version", "newer Upshot (database schema 999"},
		{"logical payload with a bad record", KindLogical, badRecord, "sessions[0].minutes", "user 1: sessions[0]"},
		{"logical payload with an unknown field", KindLogical, unknownField, "sessions[0]", `user 1: sessions[0]: unknown field "minute"`},
		{"logical payload with a user twice", KindLogical, append(bytes.Clone(lines[0]), lines[0]...), "users", "user 1 appears twice"},
		{"logical payload cut after a user", KindLogical, lines[0][:len(lines[0])-40], "file", "user 1 of the backup cannot be read"},
		{"a SQLite database as a logical payload", KindLogical, newer, "file", "cannot be read"},
		{"a logical payload as a SQLite database", KindSQLite, logical.Bytes(), "file", "integrity check"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := container(t, tt.kind, tt.payload)
			for _, op := range []string{"Verify", "Restore"} {
				var err error
				dst := storetest.Open(t, "sqlite")
				before := state(t, dst)
				if op == "Verify" {
					_, err = Verify(ctx, bytes.NewReader(file), "", t.TempDir(), time.Now)
				} else {
					_, err = Restore(ctx, bytes.NewReader(file), "", t.TempDir(), dst)
				}
				if upshot.ErrorCode(err) != upshot.EINVALID || upshot.ErrorField(err) != tt.field || !strings.Contains(upshot.ErrorMessage(err), tt.message) {
					t.Fatalf("%s: %v (code %q, field %q); want EINVALID, field %q, a message with %q",
						op, err, upshot.ErrorCode(err), upshot.ErrorField(err), tt.field, tt.message)
				}
				if after := state(t, dst); after != before {
					t.Fatalf("%s changed the database", op)
				}
			}
		})
	}
}

// A backup someone re-encrypted in age's ASCII armor (age -a -p) is read too.
func TestArmored(t *testing.T) {
	ctx := context.Background()
	src := storetest.Open(t, "sqlite")
	fill(t, src)
	plain := takeBackup(t, src, "")
	var file bytes.Buffer
	rcpt, err := age.NewScryptRecipient(pass)
	if err != nil {
		t.Fatal(err)
	}
	rcpt.SetWorkFactor(scryptWorkFactor)
	aw := armor.NewWriter(&file)
	w, err := age.Encrypt(aw, rcpt)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plain)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := aw.Close(); err != nil {
		t.Fatal(err)
	}
	if enc, _, _ := Encrypted(bytes.NewReader(file.Bytes())); !enc {
		t.Fatal("Encrypted = false for an armored age file")
	}
	if _, err := Verify(ctx, bytes.NewReader(file.Bytes()), "wrong", t.TempDir(), time.Now); upshot.ErrorField(err) != "passphrase" {
		t.Fatalf("Verify with a wrong passphrase: %v", err)
	}
	dst := storetest.Open(t, "sqlite")
	if _, err := Restore(ctx, bytes.NewReader(file.Bytes()), pass, t.TempDir(), dst); err != nil {
		t.Fatal(err)
	}
	if w, g := state(t, src), state(t, dst); w != g {
		t.Fatalf("restored database differs from the source:\n%s", firstDiff(w, g))
	}
	// Every table of the schema, not only what state compares: a table a
	// migration adds must be filled by fill and carried by the backup, or
	// this fails.
	srcRows, dstRows := tableRows(t, src), tableRows(t, dst)
	for table, n := range srcRows {
		if n == 0 {
			t.Errorf("table %s is empty in the source: fill must put a row in every table, so the backup is seen to carry it", table)
		} else if dstRows[table] != n {
			t.Errorf("table %s: %d rows in the source, %d after the restore: the backup does not carry it", table, n, dstRows[table])
		}
	}
}

// integrityCheck runs SQLite's full check on a live database.
func integrityCheck(ctx context.Context, db *store.DB) error {
	var check string
	if err := db.SQL().QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil {
		return err
	}
	if check != "ok" {
		return fmt.Errorf("integrity_check: %s", check)
	}
	return nil
}

// tableRows counts the rows of every table in the schema but the
// migrations' own bookkeeping, read from the database's catalogue.
func tableRows(t *testing.T, db *store.DB) map[string]int {
	t.Helper()
	list := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
	if db.Dialect() == "postgres" {
		list = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := db.SQL().Query(list)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		// Sessions, API tokens, the audit log, idempotency keys and
		// tombstones are not carried, by design (store.NotCarriedTables).
		if name != "goose_db_version" && !slices.Contains(store.NotCarriedTables, name) {
			tables = append(tables, name)
		}
	}
	rows.Close()
	if len(tables) < 9 {
		t.Fatalf("found only the tables %v", tables)
	}
	counts := map[string]int{}
	for _, table := range tables {
		var n int
		if err := db.SQL().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[table] = n
	}
	return counts
}

// Backup, Verify and Restore read the time from the clock they are given
// (the store's, or Verify's argument), never the wall clock: the backup is
// stamped with it, and a record dated more than a day after it is refused.
func TestBackupUsesTheGivenClock(t *testing.T) {
	ctx := context.Background()
	taken := time.Date(2031, 5, 4, 10, 0, 0, 0, time.UTC)
	src := storetest.Open(t, "sqlite")
	src.Now = func() time.Time { return taken }
	th := &upshot.Therapist{Name: "Dr. A"}
	if err := src.CreateTherapist(ctx, upshot.DefaultOwner, th); err != nil {
		t.Fatal(err)
	}
	s := &upshot.Session{TherapistID: th.ID, Date: upshot.DateOf(taken)}
	if err := src.CreateSession(ctx, upshot.DefaultOwner, s); err != nil {
		t.Fatal(err)
	}
	file := takeBackup(t, src, "")

	info, err := Verify(ctx, bytes.NewReader(file), "", t.TempDir(), src.Now)
	if err != nil || !info.CreatedAt.Equal(taken) {
		t.Fatalf("Verify on the backup's own clock: %+v, %v; want it created at %v", info, err, taken)
	}
	twoDaysEarlier := func() time.Time { return taken.AddDate(0, 0, -2) }
	if _, err := Verify(ctx, bytes.NewReader(file), "", t.TempDir(), twoDaysEarlier); upshot.ErrorCode(err) != upshot.EINVALID {
		t.Errorf("Verify two days before the session: %v; want it refused as dated in the future", err)
	}
	dst := storetest.Open(t, "sqlite")
	dst.Now = twoDaysEarlier
	if _, err := Restore(ctx, bytes.NewReader(file), "", t.TempDir(), dst); upshot.ErrorCode(err) != upshot.EINVALID {
		t.Errorf("Restore two days before the session: %v; want it refused as dated in the future", err)
	}
}
