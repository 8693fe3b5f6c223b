package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/spf13/cobra"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/archive"
	"github.com/upshot-app/upshot/internal/demo"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

func (a *app) exportCommand() *cobra.Command {
	var out, csvDir string
	cmd := &cobra.Command{
		Use:   "export [-o FILE] [--csv DIR]",
		Short: "Write everything you have recorded as one JSON document (or CSV tables)",
		Long: `Write everything you have recorded (therapists, goals, sessions, check-ins with
their questionnaire definitions, settings) as one versioned JSON document that
'upshot import' reads back. Without -o it goes to standard output.
--csv DIR also writes one CSV file per kind of record, for spreadsheets.
The files hold your notes: keep them somewhere private.`,
		Args: args(),
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the JSON document to FILE (created private, replaced whole)")
	cmd.Flags().StringVar(&csvDir, "csv", "", "write CSV tables into DIR")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		if changed(cmd, "output") && out == "" {
			return upshot.Invalid("-o", "-o needs a file name")
		}
		if changed(cmd, "csv") && csvDir == "" {
			return upshot.Invalid("--csv", "--csv needs a directory name")
		}
		db, err := a.reader()
		if err != nil {
			return err
		}
		s, err := db.Export(a.ctx, a.owner)
		if err != nil {
			return err
		}
		what := "JSON"
		switch {
		case csvDir != "" && out == "":
			what = "CSV"
		case csvDir != "":
			what = "JSON and CSV"
		}
		if err := a.recordExport(what); err != nil {
			return err
		}
		if csvDir != "" {
			if err := archive.WriteCSV(csvDir, s); err != nil {
				return err
			}
			a.tell("CSV tables written to %s", absPath(csvDir))
		}
		if csvDir != "" && out == "" {
			return nil // CSV alone was asked for
		}
		var buf bytes.Buffer
		if err := archive.Encode(&buf, s); err != nil {
			return err
		}
		return a.writeOut(out, buf.Bytes(), "Export written to %s (it holds your notes: keep it somewhere private)")
	})
	return cmd
}

// writeOut writes data to standard output when out is "" or "-", else
// whole to the file out (archive.WriteFileAtomic: never half a file), and
// then tells a person at a terminal where it went: told is a message with
// one %s for the file's absolute path.
func (a *app) writeOut(out string, data []byte, told string) error {
	if out == "" || out == "-" {
		_, err := a.stdout.Write(data)
		return err
	}
	if err := archive.WriteFileAtomic(out, data); err != nil {
		return err
	}
	a.tell(told, absPath(out))
	return nil
}

// recordExport puts an export of the owner's records in the owner's audit
// log. Best effort: a full disk, which cannot take the event, must not keep
// a person from taking their records out; a warning says it was not
// recorded.
func (a *app) recordExport(what string) error {
	db, err := a.store()
	if err != nil {
		return err
	}
	if err := usecase.RecordExport(a.ctx, db, db.Now, a.owner, what); err != nil {
		fmt.Fprintf(a.stderr, "upshot: warning: the export is not recorded in the account's activity log: %s\n", upshot.ErrorMessage(err))
	}
	return nil
}

func (a *app) importCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Load an export into an empty database, all or nothing",
		Long: `Load a document written by 'upshot export' into a database that has no records
yet, in one transaction: either everything is imported or nothing is. A file
that is truncated, malformed, of another version or inconsistent is refused
whole, with a message saying where. FILE "-" reads standard input.`,
		Args: args("FILE"),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			var r io.Reader = a.stdin
			if args[0] != "-" {
				f, err := openFile(a.ctx, args[0])
				if errors.Is(err, fs.ErrNotExist) {
					return upshot.Invalid("FILE", "no file %s", args[0])
				}
				if err != nil {
					return err
				}
				defer f.Close()
				r = f
			}
			// A FIFO or a pipe that never ends must not outlast Ctrl-C.
			in := cancelable(a.ctx, r)
			defer in.Close()
			// Only the built-ins guard the file: a person's custom
			// definitions travel inside it with their check-ins.
			s, err := archive.Decode(in, instrument.Builtin(), a.today())
			if err != nil {
				return err
			}
			db, err := a.store()
			if err != nil {
				return err
			}
			if err := db.Import(a.ctx, a.owner, s); err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.stdout, "imported %d therapists, %d goals, %d sessions and %d check-ins\n",
				len(s.Therapists), len(s.Goals), len(s.Sessions), len(s.CheckIns))
			return err
		}),
	}
}

func (a *app) demoCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Fill an empty database with a year of invented therapy, to try Upshot",
		Long: `Fill an EMPTY database with a believable, invented year of therapy: two
therapists, goals, weekly sessions and check-ins. Use it with a database of its
own, e.g. upshot demo --db /tmp/upshot-demo.db`,
		Args: args(),
		RunE: a.run(func(cmd *cobra.Command, _ []string) error {
			db, err := a.store()
			if err != nil {
				return err
			}
			s, err := a.fillDemo(db)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(a.stdout, "added a demo year: %d therapists, %d goals, %d sessions and %d check-ins\n",
				len(s.Therapists), len(s.Goals), len(s.Sessions), len(s.CheckIns))
			return err
		}),
	}
}

// fillDemo puts the demo year into an empty database through the same checks
// as an imported file.
func (a *app) fillDemo(db *store.DB) (*upshot.Snapshot, error) {
	current, err := db.Export(a.ctx, a.owner)
	if err != nil {
		return nil, err
	}
	if !current.Empty() {
		return nil, upshot.Errorf(upshot.ECONFLICT, "db",
			"this database already holds records (%d therapists, %d sessions); the demo only fills an empty database, so nothing was changed. Try: upshot demo --db /tmp/upshot-demo.db",
			len(current.Therapists), len(current.Sessions))
	}
	built, err := demo.Build(a.today(), instrument.Builtin())
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := archive.Encode(&buf, built); err != nil {
		return nil, err
	}
	s, err := archive.Decode(&buf, instrument.Builtin(), a.today())
	if err != nil {
		return nil, fmt.Errorf("demo data: %w", err)
	}
	if err := db.Import(a.ctx, a.owner, s); err != nil {
		return nil, err
	}
	return s, nil
}
