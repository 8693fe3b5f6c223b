package backup

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"filippo.io/age"
	"filippo.io/age/armor"

	"github.com/upshot-app/upshot/internal/archive"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

// ageMagic starts every binary age file; armored ones start with armor.Header.
const ageMagic = "age-encryption.org/v1"

// maxManifest bounds the first line: a manifest is about 250 bytes, and a
// wrong file (a disk image, an export) must fail fast, not fill memory.
const maxManifest = 4096

// maxScryptWorkFactor caps the key derivation a file may ask for: age's
// default for new files is 18; much more would let a crafted file hang us.
const maxScryptWorkFactor = 22

// Encrypted reports whether the backup read from r is encrypted, so the
// caller knows to ask for a passphrase before Verify or Restore. Read the
// backup from the returned reader: it gives back the bytes looked at.
func Encrypted(r io.Reader) (bool, io.Reader, error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(len(armor.Header))
	if err != nil && !errors.Is(err, io.EOF) {
		return false, br, fmt.Errorf("read backup: %w", err)
	}
	return isAge(head), br, nil
}

func isAge(head []byte) bool {
	return bytes.HasPrefix(head, []byte(ageMagic)) || bytes.HasPrefix(head, []byte(armor.Header))
}

// Verify checks a backup without restoring it: the passphrase if encrypted,
// the container's format, version, size and SHA-256, and the payload itself.
// A SQLite copy must pass PRAGMA integrity_check and have a schema this
// Upshot knows; every person's records must pass the checks an import makes.
// Every refusal is an *upshot.Error (EINVALID) with a message fit to show.
//
// The payload is copied into a private directory made in work (the
// database's own directory, see Options.WorkDir) and removed before Verify
// returns. now is the clock record dates are checked against (the store's,
// or time.Now).
func Verify(ctx context.Context, r io.Reader, passphrase, work string, now upshot.Clock) (Info, error) {
	v, err := open(ctx, r, passphrase, work, now)
	if err != nil {
		return Info{}, err
	}
	defer v.close()
	info := v.info
	err = v.each(ctx, func(o *owner) error {
		info.Owners++
		info.Counts.add(o.snap)
		return nil
	})
	return info, err
}

// verified is a backup whose container checked out: decrypted, complete and
// matching its hash, its payload in a private temporary directory.
type verified struct {
	info Info
	dir  string
	path string    // the payload
	copy *store.DB // KindSQLite: the copy, opened (and migrated) by the store
	// latest bounds record dates: a day past today on the caller's clock,
	// because a backup taken late in the evening east of here may hold a
	// session dated "tomorrow".
	latest upshot.Date
}

// owner is one person read from a backup, checked like an import.
type owner struct {
	user     store.Owner
	counters map[string]int64
	snap     *upshot.Snapshot
}

func (v *verified) close() {
	if v.copy != nil {
		v.copy.Close()
	}
	os.RemoveAll(v.dir)
}

func wrongPassphrase() error {
	return upshot.Invalid("passphrase", "wrong passphrase or not an Upshot backup: the file cannot be decrypted with this passphrase")
}

func damaged(format string, args ...any) error {
	return upshot.Invalid("file", "the backup is damaged or was altered: "+format, args...)
}

// undecryptable says what a failed read of the age payload means, in our
// words: age authenticates every 64 KiB chunk and the end of the file.
func undecryptable(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return damaged("the encrypted file is cut short")
	}
	return damaged("its encrypted data fails authentication (a byte was changed, or the file was cut or extended)")
}

func notBackup(format string, args ...any) error {
	return upshot.Invalid("file", "not an Upshot backup: "+format, args...)
}

// open decrypts, reads the manifest, copies the payload to a private
// temporary file checking size and hash, and for a SQLite payload checks its
// integrity and schema.
func open(ctx context.Context, r io.Reader, passphrase, work string, now upshot.Clock) (_ *verified, err error) {
	br := bufio.NewReader(r)
	head, err := br.Peek(len(armor.Header))
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("read backup: %w", err)
	}
	if len(head) == 0 {
		return nil, notBackup("the file is empty")
	}
	encrypted := isAge(head)
	var in io.Reader = br
	if encrypted {
		if passphrase == "" {
			return nil, upshot.Invalid("passphrase", "this backup is encrypted: give its passphrase")
		}
		if in, err = decrypt(br, passphrase); err != nil {
			return nil, err
		}
	}

	m, in, err := readManifest(in)
	if err != nil {
		return nil, err
	}

	dir, err := workDir(work)
	if err != nil {
		return nil, err
	}
	v := &verified{info: Info{Kind: m.Kind, Encrypted: encrypted, CreatedAt: m.CreatedAt}, dir: dir, path: filepath.Join(dir, "payload"),
		latest: upshot.DateOf(now()).AddDays(1)}
	defer func() {
		if err != nil {
			v.close()
		}
	}()
	if err := copyPayload(in, v.path, m); err != nil {
		return nil, err
	}
	if m.Kind == KindSQLite {
		if v.copy, err = openCopy(ctx, v.path); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// decryptErr marks an error from the decrypting reader: the ciphertext
// failed authentication, so the file was damaged or changed.
type decryptErr struct{ err error }

func (e decryptErr) Error() string { return e.err.Error() }
func (e decryptErr) Unwrap() error { return e.err }

type decryptReader struct{ r io.Reader }

func (d decryptReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF {
		err = decryptErr{err}
	}
	return n, err
}

func decrypt(br *bufio.Reader, passphrase string) (io.Reader, error) {
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return nil, wrongPassphrase()
	}
	id.SetMaxWorkFactor(maxScryptWorkFactor)
	var src io.Reader = br
	if head, _ := br.Peek(len(armor.Header)); bytes.HasPrefix(head, []byte(armor.Header)) {
		src = armor.NewReader(br)
	}
	plain, err := age.Decrypt(src, id)
	var noMatch *age.NoIdentityMatchError
	switch {
	case errors.As(err, &noMatch):
		return nil, wrongPassphrase()
	case err != nil:
		// A broken header (altered, truncated) or a file encrypted to a key
		// rather than a passphrase.
		return nil, damaged("its encryption header cannot be read (%v)", err)
	}
	return decryptReader{plain}, nil
}

var hexSHA256 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// readManifest reads and checks the first line.
func readManifest(in io.Reader) (*manifest, io.Reader, error) {
	br := bufio.NewReaderSize(in, maxManifest)
	line, err := br.ReadSlice('\n')
	var de decryptErr
	switch {
	case errors.As(err, &de):
		return nil, nil, undecryptable(de.err)
	case errors.Is(err, bufio.ErrBufferFull):
		return nil, nil, notBackup("the file does not start with a backup manifest")
	case errors.Is(err, io.EOF) && len(line) == 0:
		return nil, nil, notBackup("the file is empty")
	case errors.Is(err, io.EOF):
		return nil, nil, notBackup("the file ends inside its manifest (truncated?)")
	case err != nil:
		return nil, nil, fmt.Errorf("read backup: %w", err)
	}
	var m manifest
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		if bytes.Equal(bytes.TrimSpace(line), []byte("{")) {
			return nil, nil, notBackup("this looks like an Upshot export; load it with `upshot import`")
		}
		return nil, nil, notBackup("the file does not start with a backup manifest")
	}
	switch {
	case m.Format != Format:
		return nil, nil, notBackup("format must be %q, got %q", Format, m.Format)
	case m.Version > Version:
		return nil, nil, upshot.Invalid("version", "backup version %d was made by a newer Upshot (this Upshot reads version %d): upgrade Upshot to restore it", m.Version, Version)
	case m.Version != Version:
		return nil, nil, upshot.Invalid("version", "backup version %d is not supported (this Upshot reads version %d)", m.Version, Version)
	case m.Kind != KindSQLite && m.Kind != KindLogical:
		return nil, nil, upshot.Invalid("kind", "backup kind must be %q or %q, got %q", KindSQLite, KindLogical, m.Kind)
	case m.Size <= 0:
		return nil, nil, damaged("its manifest gives a payload size of %d bytes", m.Size)
	case !hexSHA256.MatchString(m.SHA256):
		return nil, nil, damaged("its manifest has no valid SHA-256")
	case m.CreatedAt.IsZero():
		return nil, nil, damaged("its manifest has no creation time")
	}
	return &m, br, nil
}

// copyPayload copies exactly m.Size bytes to path, checks the hash, and makes
// sure nothing follows: for an encrypted file reading to the end is also what
// authenticates its last chunk, so a cut-off file is caught.
func copyPayload(in io.Reader, path string, m *manifest) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.CopyN(io.MultiWriter(f, h), in, m.Size)
	var de decryptErr
	switch {
	case errors.As(err, &de):
		return undecryptable(de.err)
	case errors.Is(err, io.EOF):
		return damaged("it is truncated: %d of %d payload bytes are there", n, m.Size)
	case err != nil:
		return fmt.Errorf("read backup: %w", err)
	}
	var one [1]byte
	extra, err := io.ReadFull(in, one[:])
	switch {
	case errors.As(err, &de):
		return undecryptable(de.err)
	case extra > 0:
		return damaged("there is data after the end of its payload")
	case !errors.Is(err, io.EOF):
		return fmt.Errorf("read backup: %w", err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != m.SHA256 {
		return damaged("its SHA-256 checksum does not match its contents")
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// openCopy checks a SQLite payload, then opens it through the store, which
// migrates an older schema and refuses a newer one. The copy is private and
// thrown away, so migrating it changes nothing of the person's.
func openCopy(ctx context.Context, path string) (*store.DB, error) {
	if err := store.CheckSQLiteFile(ctx, path); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, damaged("its database copy fails SQLite's integrity check (%v)", err)
	}
	db, err := store.Open(ctx, path)
	var newer *store.NewerSchemaError
	switch {
	case errors.As(err, &newer):
		return nil, upshot.Invalid("version", "this backup was made by a newer Upshot (database schema %d; this Upshot knows up to %d): upgrade Upshot to restore it", newer.Schema, newer.Known)
	case err != nil:
		return nil, damaged("its database copy cannot be opened (%v)", err)
	}
	return db, nil
}

// each reads the people in the backup in id order, checking each one as an
// import does (archive.Decode: shape, every record, references, answers
// against their definitions), and calls fn. Only one person is in memory at a
// time. The same backup gives the same people, in the same order, every time.
func (v *verified) each(ctx context.Context, fn func(*owner) error) error {
	reg := instrument.Builtin()
	seen := map[int64]bool{}
	visit := func(o *owner, raw []byte) error {
		if err := o.user.Check(); err != nil {
			return err
		}
		if seen[o.user.ID] {
			return upshot.Invalid("users", "user %d appears twice in the backup", o.user.ID)
		}
		seen[o.user.ID] = true
		if err := store.CheckCounters(o.user.ID, o.counters); err != nil {
			return err
		}
		snap, err := archive.Decode(bytes.NewReader(raw), reg, v.latest)
		if err != nil {
			return upshot.Invalid(upshot.ErrorField(err), "user %d: %s", o.user.ID, upshot.ErrorMessage(err))
		}
		o.snap = snap
		return fn(o)
	}

	if v.copy != nil {
		users, err := v.copy.Owners(ctx)
		if err != nil {
			return damaged("its users cannot be read (%v)", err)
		}
		for _, u := range users {
			snap, err := v.copy.Export(ctx, upshot.OwnerID(u.ID))
			if err != nil {
				return damaged("the records of user %d cannot be read (%v)", u.ID, err)
			}
			counters, err := v.copy.Counters(ctx, upshot.OwnerID(u.ID))
			if err != nil {
				return damaged("the id counters of user %d cannot be read (%v)", u.ID, err)
			}
			// Through the same strict decoder as a logical payload, so both
			// kinds pass exactly the same checks.
			var buf bytes.Buffer
			if err := archive.Encode(&buf, snap); err != nil {
				return err
			}
			if err := visit(&owner{user: u, counters: counters}, buf.Bytes()); err != nil {
				return err
			}
		}
		return nil
	}

	f, err := os.Open(v.path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	for n := 0; ; n++ {
		var line ownerLine
		err := dec.Decode(&line)
		if errors.Is(err, io.EOF) {
			if n == 0 {
				return damaged("it holds no users")
			}
			return nil
		}
		if err != nil {
			return damaged("user %d of the backup cannot be read (%v)", n+1, err)
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := visit(&owner{user: line.User, counters: line.Counters}, line.Snapshot); err != nil {
			return err
		}
	}
}
