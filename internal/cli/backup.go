package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/charmbracelet/huh"
	"github.com/spf13/cobra"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/archive"
	"github.com/upshot-app/upshot/internal/backup"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

// passphraseEnv lets scripts give a backup passphrase without a terminal.
const passphraseEnv = "UPSHOT_PASSPHRASE"

// minPassphrase is the shortest passphrase a new backup accepts, from the
// terminal and from UPSHOT_PASSPHRASE alike.
const minPassphrase = 8

// backupWorkFactor is the cost of an encrypted backup's key (0: the default
// of internal/backup). The in-process tests lower it; the program never does.
var backupWorkFactor int

func checkPassphrase(s string) error {
	if len(s) < minPassphrase {
		return fmt.Errorf("use at least %d characters", minPassphrase)
	}
	return nil
}

// passphrase comes from UPSHOT_PASSPHRASE, else from the terminal (asked twice
// when it protects a new backup), else it is a missing value. A new backup's
// passphrase has at least minPassphrase characters either way; reading an
// existing backup takes the passphrase it was made with.
func (a *app) passphrase(confirm bool) (string, error) {
	if p := a.sys.Getenv(passphraseEnv); p != "" {
		if err := checkPassphrase(p); err != nil && confirm {
			return "", upshot.Invalid("passphrase", "%s is too short for a new backup: %v", passphraseEnv, err)
		}
		return p, nil
	}
	if !a.interactive() {
		return "", missing("passphrase", "set "+passphraseEnv+" or run on a terminal")
	}
	var p, again string
	fields := []huh.Field{huh.NewInput().Title("Passphrase").EchoMode(huh.EchoModePassword).Value(&p).
		Validate(checkPassphrase)}
	if confirm {
		fields = append(fields, huh.NewInput().Title("Passphrase again").EchoMode(huh.EchoModePassword).Value(&again).
			Validate(func(s string) error {
				if s != p {
					return errors.New("the two passphrases differ")
				}
				return nil
			}))
	}
	if err := a.runForm(huh.NewGroup(fields...)); err != nil {
		return "", err
	}
	return p, nil
}

func (a *app) backupCommand() *cobra.Command {
	var out, verify string
	var encrypt bool
	cmd := &cobra.Command{
		Use:   "backup -o FILE [--encrypt] | backup --verify FILE",
		Short: "Take a consistent copy of the database while it is in use, or check one",
		Long: `Take a consistent online copy of the whole database (SQLite: a VACUUM INTO
copy; PostgreSQL: a complete logical dump) into FILE, safe to run while
'upshot serve' is writing. --encrypt protects it with a passphrase (asked on the
terminal, or from UPSHOT_PASSPHRASE). --verify FILE checks a backup (integrity,
format version, passphrase) without restoring it.`,
		Args: args(),
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the backup to FILE (must not exist yet)")
	cmd.Flags().BoolVar(&encrypt, "encrypt", false, "encrypt with a passphrase (age)")
	cmd.Flags().StringVar(&verify, "verify", "", "check the backup FILE instead of taking one")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		switch {
		case verify != "" && out != "":
			return usagef(cmd, "give either -o FILE or --verify FILE, not both")
		case verify != "":
			work, err := a.workDir()
			if err != nil {
				return err
			}
			var pass string
			info, err := a.withBackupFile(verify, &pass, func(r io.Reader) (backup.Info, error) {
				return backup.Verify(a.ctx, r, pass, work, a.sys.Now)
			})
			if err != nil {
				return err
			}
			return a.printBackupInfo("backup is intact", info)
		case out == "":
			return missing("-o", "the file to write the backup to")
		}
		var pass string
		if encrypt {
			p, err := a.passphrase(true)
			if err != nil {
				return err
			}
			pass = p
		}
		db, err := a.store()
		if err != nil {
			return err
		}
		// The file appears under its name only when complete and synced, so
		// an interrupted backup never leaves a truncated one there. The
		// working copy stays beside the database, never in the shared temp
		// dir or beside the output: an encrypted backup must not leave
		// plaintext in a folder that may be synced somewhere.
		work, err := a.workDir()
		if err != nil {
			return err
		}
		err = archive.WriteNewFile(out, func(w io.Writer) error {
			return backup.Backup(a.ctx, db, w, backup.Options{Passphrase: pass, WorkDir: work, ScryptWorkFactor: backupWorkFactor})
		})
		if errors.Is(err, fs.ErrExist) {
			return upshot.Invalid("-o", "-o: %s already exists; choose a new file name", out)
		}
		if err != nil {
			return err
		}
		// A backup holds every account's records: each account's log says so.
		if err := usecase.RecordBackup(a.ctx, db, db.Now); err != nil {
			return fmt.Errorf("the backup is written to %s, but recording it in the accounts' audit logs failed: %w", out, err)
		}
		fmt.Fprintf(a.stderr, "backup written to %s\n", out)
		return nil
	})
	return cmd
}

func (a *app) restoreCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "restore FILE [--db PATH|URL]",
		Short: "Restore a backup into an empty database, after verifying it",
		Long: `Verify a backup made by 'upshot backup' and restore it into an empty database
(--db, as for every command). A damaged file, a wrong passphrase or a
non-empty database is refused and nothing is written.`,
		Args: args("FILE"),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			// Verify first: a wrong passphrase or a damaged file must not even
			// create the destination database.
			work, err := a.workDir()
			if err != nil {
				return err
			}
			var pass string // asked once, used for both reads
			if _, err := a.withBackupFile(args[0], &pass, func(r io.Reader) (backup.Info, error) {
				return backup.Verify(a.ctx, r, pass, work, a.sys.Now)
			}); err != nil {
				return err
			}
			db, err := a.store()
			if err != nil {
				return err
			}
			info, err := a.withBackupFile(args[0], &pass, func(r io.Reader) (backup.Info, error) {
				return backup.Restore(a.ctx, r, pass, work, db)
			})
			if err != nil {
				return err
			}
			return a.printBackupInfo("restored", info)
		}),
	}
}

// withBackupFile opens a backup, asks for the passphrase into *pass when it
// is encrypted and *pass is still empty, and hands the stream to fn.
func (a *app) withBackupFile(path string, pass *string, fn func(io.Reader) (backup.Info, error)) (backup.Info, error) {
	f, err := openFile(a.ctx, path)
	if errors.Is(err, fs.ErrNotExist) {
		return backup.Info{}, upshot.Invalid("FILE", "no file %s", path)
	}
	if err != nil {
		return backup.Info{}, err
	}
	defer f.Close()
	a.makePrivate(f, path)
	in := cancelable(a.ctx, f)
	defer in.Close()
	enc, r, err := backup.Encrypted(in)
	if err != nil {
		return backup.Info{}, err
	}
	if enc && *pass == "" {
		if *pass, err = a.passphrase(false); err != nil {
			return backup.Info{}, err
		}
	}
	return fn(r)
}

func (a *app) printBackupInfo(what string, info backup.Info) error {
	enc := ""
	if info.Encrypted {
		enc = ", encrypted"
	}
	_, err := fmt.Fprintf(a.stdout, "%s: %s backup of %s%s; %d therapists, %d goals, %d sessions, %d check-ins\n",
		what, info.Kind, info.CreatedAt.Format("2006-01-02 15:04 MST"), enc,
		info.Counts.Therapists, info.Counts.Goals, info.Counts.Sessions, info.Counts.CheckIns)
	return err
}

// workDir is where backups and restores keep their short-lived working copy:
// the SQLite database's own directory, or Upshot's data directory for
// PostgreSQL (store.DataDir). Never the shared temp dir.
func (a *app) workDir() (string, error) {
	dsn, err := a.dsn()
	if err != nil {
		return "", err
	}
	if store.IsPostgresURL(dsn) {
		return store.DataDir(a.sys.Getenv)
	}
	dir := filepath.Dir(dsn)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("create the database directory: %w", err)
	}
	return dir, nil
}

// makePrivate tightens a backup file others can read to 0600 (it holds
// everything; an unencrypted one in plain text), saying so on the terminal.
func (a *app) makePrivate(f *os.File, path string) {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Mode().Perm()&0o077 == 0 {
		return
	}
	if f.Chmod(fi.Mode().Perm()&0o700) == nil {
		fmt.Fprintf(a.stderr, "upshot: made %s private (mode %o, was %o): a backup holds everything you recorded\n", path, fi.Mode().Perm()&0o700, fi.Mode().Perm())
	}
}
