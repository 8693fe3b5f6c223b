// Package backup takes, checks and restores whole-database backups.
//
// A backup file is a small self-describing container: one line of JSON (the
// manifest: format, version, kind, creation time, payload size and SHA-256)
// followed by exactly that many bytes of payload. With a passphrase the whole
// container is encrypted with age (scrypt), so nothing about it, not even the
// kind or the date, is readable without the passphrase.
//
// Two kinds of payload exist:
//   - "sqlite": a consistent copy of a SQLite database made with VACUUM INTO
//     while it is in use (a file copy of a live database can catch it half
//     written);
//   - "logical": for PostgreSQL, one JSON line per user holding the user, their
//     id counters and their export document (upshot.Snapshot).
//
// Both restore the same way, through the export format: every owner is
// exported from the backup and imported into the destination, so a backup of
// either database restores into either, and everything restored has passed the
// same checks as an import.
//
// The SHA-256 in the manifest detects damage, not malice: anyone can rewrite
// an unencrypted file and its hash. An encrypted file is authenticated by age.
package backup

import (
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
	"time"

	"filippo.io/age"

	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Container identity. Version changes only when an older Upshot could no
// longer read the file correctly.
const (
	Format  = "upshot-backup"
	Version = 1
)

// Kinds of payload.
const (
	KindSQLite  = "sqlite"
	KindLogical = "logical"
)

// scryptWorkFactor is age's default cost (about a second and 256 MiB to
// derive the key), lowered by this package's tests only.
var scryptWorkFactor = 18

// Options tune Backup.
type Options struct {
	// Passphrase, when not empty, encrypts the backup with age (scrypt).
	Passphrase string
	// WorkDir holds the short-lived working copy, in a private directory
	// removed before Backup returns (or, after a crash, when Upshot next
	// opens the database or works there): the database's own directory,
	// never a shared temporary one, since the copy is in plain text.
	WorkDir string
	// ScryptWorkFactor, when not 0, replaces the default cost of deriving
	// the key from the passphrase (log2 of scrypt's N). Only tests lower it,
	// to make many encrypted backups cheaply; a backup records its cost, so
	// any reader opens it.
	ScryptWorkFactor int
}

// Info describes a verified backup.
type Info struct {
	Kind      string    // KindSQLite or KindLogical
	Encrypted bool      // the file was encrypted with a passphrase
	CreatedAt time.Time // when the backup was taken (UTC)
	Owners    int       // people whose records it holds (1 on a single-user install)
	Counts    Counts    // records over all owners
}

// Counts are the records in a backup, over all owners.
type Counts struct {
	Therapists, Goals, Sessions, CheckIns int
}

func (c *Counts) add(s *upshot.Snapshot) {
	c.Therapists += len(s.Therapists)
	c.Goals += len(s.Goals)
	c.Sessions += len(s.Sessions)
	c.CheckIns += len(s.CheckIns)
}

// manifest is the container's first line.
type manifest struct {
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	Kind      string    `json:"kind"`
	CreatedAt time.Time `json:"created_at"`
	Size      int64     `json:"size"`   // payload bytes after the manifest line
	SHA256    string    `json:"sha256"` // of the payload, lower-case hex
}

// Backup writes a backup of the whole database (every user) to w. On SQLite it
// is a consistent copy taken while others keep writing; on PostgreSQL a logical
// backup in which each person's records are one consistent moment.
//
// Nothing is written to w until the copy is complete, so a failed backup leaves
// at most an empty file behind; the caller should still remove it on error.
func Backup(ctx context.Context, db *store.DB, w io.Writer, opt Options) error {
	dir, err := workDir(opt.WorkDir)
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	created := db.Clock()().UTC().Truncate(time.Microsecond)
	path := filepath.Join(dir, "payload")
	var kind string
	switch db.Dialect() {
	case "sqlite":
		kind = KindSQLite
		err = copySQLite(ctx, db, path)
	case "postgres":
		kind = KindLogical
		err = writeLogical(ctx, db, path)
	default:
		err = fmt.Errorf("backup: unknown database %q", db.Dialect())
	}
	if err != nil {
		return err
	}

	file, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer file.Close()
	f := ctxFile{ctx, file}
	h := sha256.New()
	size, err := io.Copy(h, f)
	if err != nil {
		return fmt.Errorf("backup: read the copy: %w", err)
	}
	if _, err := file.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	head, err := json.Marshal(manifest{
		Format: Format, Version: Version, Kind: kind, CreatedAt: created,
		Size: size, SHA256: hex.EncodeToString(h.Sum(nil)),
	})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}

	out := w
	var enc io.WriteCloser
	if opt.Passphrase != "" {
		rcpt, err := age.NewScryptRecipient(opt.Passphrase)
		if err != nil {
			return upshot.Invalid("passphrase", "cannot encrypt with this passphrase: %v", err)
		}
		factor := scryptWorkFactor
		if opt.ScryptWorkFactor != 0 {
			factor = opt.ScryptWorkFactor
		}
		rcpt.SetWorkFactor(factor)
		if enc, err = age.Encrypt(w, rcpt); err != nil {
			return fmt.Errorf("backup: encrypt: %w", err)
		}
		out = enc
	}
	if _, err := out.Write(append(head, '\n')); err != nil {
		return fmt.Errorf("backup: write: %w", err)
	}
	// The manifest promised size bytes with that hash; anything else would
	// make a file that fails its own verification.
	if n, err := io.Copy(out, f); err != nil || n != size {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("backup: write: %d of %d bytes: %v", n, size, err)
	}
	if enc != nil {
		// Close writes the last, authenticated chunk: without it the file
		// would read as truncated.
		if err := enc.Close(); err != nil {
			return fmt.Errorf("backup: encrypt: %w", err)
		}
	}
	return nil
}

// ctxFile reads the working copy until ctx ends: hashing and writing a large
// database take long enough that Ctrl-C must be able to stop them.
type ctxFile struct {
	ctx context.Context
	f   *os.File
}

func (c ctxFile) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.f.Read(p)
}

// copySQLite makes the consistent online copy (store.BackupSQLite), then
// checks the copy's integrity so a damaged source is reported now, not on
// the day of the restore.
func copySQLite(ctx context.Context, db *store.DB, path string) error {
	if err := db.BackupSQLite(ctx, path); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := store.CheckSQLiteFile(ctx, path); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("backup: the database copy failed its integrity check, so the database itself may be damaged (no backup was written): %w", err)
	}
	return nil
}

// ownerLine is one line of a logical payload: one person, whole.
type ownerLine struct {
	User     store.Owner      `json:"user"`
	Counters map[string]int64 `json:"counters"`
	Snapshot json.RawMessage  `json:"snapshot"`
}

// writeLogical exports every user. Each export is one read transaction, so
// each person's records are consistent; people are independent of each other.
func writeLogical(ctx context.Context, db *store.DB, path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer f.Close()
	if err := writeLogicalTo(ctx, db, f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return f.Close()
}

func writeLogicalTo(ctx context.Context, db *store.DB, w io.Writer) error {
	users, err := db.Owners(ctx)
	if err != nil {
		return fmt.Errorf("backup: list users: %w", err)
	}
	for _, u := range users {
		snap, err := db.Export(ctx, upshot.OwnerID(u.ID))
		if err != nil {
			return fmt.Errorf("backup: export user %d: %w", u.ID, err)
		}
		// Counters are read after the export, so they are at least the
		// highest id in it: a restored database never hands out an id that
		// was used before.
		counters, err := db.Counters(ctx, upshot.OwnerID(u.ID))
		if err != nil {
			return fmt.Errorf("backup: read id counters: %w", err)
		}
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(snap); err != nil {
			return fmt.Errorf("backup: encode user %d: %w", u.ID, err)
		}
		line := ownerLine{User: u, Counters: counters, Snapshot: bytes.TrimSpace(buf.Bytes())}
		enc = json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(line); err != nil {
			return fmt.Errorf("backup: write: %w", err)
		}
	}
	return nil
}

// workDir makes a private working directory in parent.
func workDir(parent string) (string, error) {
	if parent == "" {
		return "", errors.New("backup: no working directory given")
	}
	dir, err := store.MakeWorkDir(parent)
	if err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	return dir, nil
}
