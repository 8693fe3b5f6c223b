// Package cli is the upshot command line: commands, flags, prompts and
// terminal output over the domain services. Process is the whole program; the
// binary in cmd/upshot only calls it and exits with its status.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/store"
	"github.com/upshot-app/upshot/internal/upshot"
)

// Version is the release, set when building a release:
// go build -ldflags "-X github.com/upshot-app/upshot/internal/cli.Version=v1.0.0".
var Version = "dev"

// Exit statuses, a contract with scripts.
const (
	exitOK      = 0
	exitFailure = 1
	exitInvalid = 2 // invalid input or usage
)

// System is what a run takes from the process around it besides its
// arguments and streams: the environment and the clock. Main uses the
// process's own; tests give each run its own, so that many runs side by side
// in one process share neither.
type System struct {
	Getenv func(string) string // os.Getenv
	Now    upshot.Clock        // time.Now; stamps records and says what "today" is
}

// Process is the upshot process: the command line in os.Args, its streams,
// environment and clock, and the signals that stop a write cleanly; it
// returns the exit status. cmd/upshot's main is os.Exit(Process()), and the
// CLI's end-to-end tests run their test binary through it as "upshot", so
// they run exactly this.
func Process() int {
	// Ctrl-C or a terminating signal cancels the context, so a write in
	// progress rolls back cleanly instead of being cut off mid-way.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// Only the first signal waits for the clean stop: a second one ends the
	// process at once, as people expect of a second Ctrl-C (SQLite's and
	// PostgreSQL's own journals keep the database whole even then).
	context.AfterFunc(ctx, stop)
	defer stop()
	return Main(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
}

// Main runs one command line and returns the process exit status.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return Run(ctx, System{Getenv: os.Getenv, Now: time.Now}, args, stdin, stdout, stderr)
}

// Run is Main in the given environment and clock.
func Run(ctx context.Context, sys System, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{ctx: ctx, sys: sys, stdin: stdin, stdout: stdout, stderr: stderr, owner: upshot.DefaultOwner}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteContextC(ctx)
	if cerr := a.close(); err == nil && cerr != nil {
		err = cerr
	}
	if err != nil && ctx.Err() != nil {
		// Interrupted (Ctrl-C, SIGTERM): whatever a driver or reader made of
		// the cancellation, that is what happened.
		err = ctx.Err()
	} else if err != nil && !a.ran {
		// Cobra failed before any command ran: an unknown command or flag, a
		// missing argument. That is a usage error, whatever its Go type.
		err = usageError{err: err, cmd: cmd}
	}
	if err != nil {
		fmt.Fprintf(stderr, "upshot: %s\n", errorText(err))
	}
	return exitStatus(err)
}

// exitStatus is the one place an error becomes an exit status.
func exitStatus(err error) int {
	var u usageError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &u):
		return exitInvalid
	case upshot.ErrorCode(err) == upshot.EINVALID:
		return exitInvalid
	default:
		return exitFailure
	}
}

// usageError is a command line that does not fit a command's form.
type usageError struct {
	err error
	cmd *cobra.Command
}

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func usagef(cmd *cobra.Command, format string, args ...any) error {
	return usageError{err: fmt.Errorf(format, args...), cmd: cmd}
}

func errorText(err error) string {
	var u usageError
	if errors.As(err, &u) && u.cmd != nil {
		return fmt.Sprintf("%s (see '%s --help')", u.err.Error(), u.cmd.CommandPath())
	}
	if errors.Is(err, context.Canceled) {
		return "interrupted; nothing more was saved"
	}
	// The CLI runs on the person's own machine, so a driver or file error is
	// more useful to them than a generic text. No record content reaches
	// these messages: validation errors name fields, not note text.
	return err.Error()
}

// app holds what one run of the program shares between commands.
type app struct {
	ctx            context.Context
	sys            System
	stdin          io.Reader
	stdout, stderr io.Writer
	owner          upshot.OwnerID

	dbFlag          string
	instrumentsFlag string

	ran bool // a command's own code started (errors after that keep their code)
	db  *store.DB
	reg *instrument.Registry
}

// run wraps a command's code: from here on, errors are the command's own.
func (a *app) run(fn func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		a.ran = true
		return fn(cmd, args)
	}
}

func (a *app) close() error {
	if a.db == nil {
		return nil
	}
	err := a.db.Close()
	a.db = nil
	return err
}

// dsn is --db, else $UPSHOT_DB, else the default SQLite file.
func (a *app) dsn() (string, error) {
	if a.dbFlag != "" {
		return a.dbFlag, nil
	}
	if v := a.sys.Getenv("UPSHOT_DB"); v != "" {
		return v, nil
	}
	return store.DefaultPath(a.sys.Getenv)
}

// store opens the database on first use, so that input is validated before
// anything (even an empty database file) is created.
func (a *app) store() (*store.DB, error) {
	if a.db != nil {
		return a.db, nil
	}
	dsn, err := a.dsn()
	if err != nil {
		return nil, err
	}
	db, err := store.Open(a.ctx, dsn)
	if err != nil {
		var e *upshot.Error
		if errors.As(err, &e) && e.Field == "db" {
			return nil, renameField(err, map[string]string{"db": "--db"})
		}
		return nil, err
	}
	for _, f := range db.Tightened() {
		fmt.Fprintf(a.stderr, "upshot: made %s private (mode 600): others on this machine could read it\n", f)
	}
	db.Now = a.sys.Now
	a.db = db
	return db, nil
}

// configDir is Upshot's configuration directory: $XDG_CONFIG_HOME/upshot,
// else ~/.config/upshot ("" when there is no home either). It holds the
// person's own instruments and the launch token.
func (a *app) configDir() string {
	if dir := a.sys.Getenv("XDG_CONFIG_HOME"); dir != "" && filepath.IsAbs(dir) {
		return filepath.Join(dir, "upshot")
	}
	if home, err := store.HomeDir(a.sys.Getenv); err == nil {
		return filepath.Join(home, ".config", "upshot")
	}
	return ""
}

// reader opens the database for a command that only reads. A SQLite file
// that does not exist is not created for it: there would be nothing to read,
// and most often the path is mistyped or the person has not begun.
func (a *app) reader() (*store.DB, error) {
	if a.db == nil {
		dsn, err := a.dsn()
		if err != nil {
			return nil, err
		}
		if _, err := os.Stat(dsn); !store.IsPostgresURL(dsn) && errors.Is(err, fs.ErrNotExist) {
			return nil, upshot.Errorf(upshot.ENOTFOUND, "--db", "no database at %s (run a command that records something, or check --db)", dsn)
		}
	}
	return a.store()
}

// tell prints a note for a person at a terminal on stderr; a script reading
// the streams sees only what it asked for (an id, the data).
func (a *app) tell(format string, args ...any) {
	if f, ok := a.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(a.stderr, format+"\n", args...)
	}
}

// absPath is path made absolute for telling a person where a file went.
func absPath(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// instrumentsDir is --instruments, else the instruments directory in
// configDir ("" when there is none).
func (a *app) instrumentsDir() string {
	if a.instrumentsFlag != "" {
		return a.instrumentsFlag
	}
	if dir := a.configDir(); dir != "" {
		return filepath.Join(dir, "instruments")
	}
	return ""
}

// registry returns the built-in instruments plus the person's own.
func (a *app) registry() (*instrument.Registry, error) {
	if a.reg != nil {
		return a.reg, nil
	}
	reg := instrument.Builtin()
	if dir := a.instrumentsDir(); dir != "" {
		if err := reg.LoadDir(dir); err != nil {
			return nil, err
		}
	}
	a.reg = reg
	return reg, nil
}

// today is the date on the run's clock, in the local time zone.
func (a *app) today() upshot.Date { return upshot.DateOf(a.sys.Now()) }

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:   "upshot",
		Short: "A private record of your therapy: is it working for you?",
		Long: `Upshot keeps your own record of your psychotherapy: therapists, the goals you
came with, each session, and short questionnaires between sessions. It answers
one question with evidence: is this therapy working for me?

Dates are YYYY-MM-DD. Everything stays in your own database (--db).`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          cobra.ArbitraryArgs,
		RunE:          groupRunE,
		// Man pages made by 'upshot man' are the same for the same release.
		DisableAutoGenTag: true,
	}
	root.PersistentFlags().StringVar(&a.dbFlag, "db", "", "database: a SQLite file path or a postgres:// URL (default $UPSHOT_DB, else ~/.local/share/upshot/upshot.db)")
	root.PersistentFlags().StringVar(&a.instrumentsFlag, "instruments", "", "directory of your own instrument definitions (default ~/.config/upshot/instruments)")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError{err: err, cmd: cmd} })
	root.AddCommand(
		a.therapistCommand(),
		a.goalCommand(),
		a.sessionCommand(),
		a.checkCommand(),
		a.settingsCommand(),
		a.planCommand(),
		a.calendarCommand(),
		a.agendaCommand(),
		a.recordCommand(),
		a.guideCommand(),
		a.exportCommand(),
		a.importCommand(),
		a.demoCommand(),
		a.reviewCommand(),
		a.compareCommand(),
		a.reportCommand(),
		a.summaryCommand(),
		a.serveCommand(),
		a.userCommand(),
		a.tokenCommand(),
		a.backupCommand(),
		a.restoreCommand(),
		a.versionCommand(),
		a.manCommand(root),
	)
	return root
}

// groupRunE makes a command that only groups others refuse to run alone or
// with an unknown subcommand, instead of printing help and exiting 0.
func groupRunE(cmd *cobra.Command, args []string) error {
	var names []string
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	if len(args) > 0 {
		if cmd.SuggestionsMinimumDistance <= 0 {
			cmd.SuggestionsMinimumDistance = 2 // cobra's own default, set where it suggests itself
		}
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			return usagef(cmd, "unknown command %q for %q; did you mean %q?", args[0], cmd.CommandPath(), s[0])
		}
		return usagef(cmd, "unknown command %q for %q; use one of %s", args[0], cmd.CommandPath(), strings.Join(names, ", "))
	}
	return usagef(cmd, "%q needs a command: one of %s", cmd.CommandPath(), strings.Join(names, ", "))
}

// group returns a command that only holds subcommands.
func group(use, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{Use: use, Short: short, Args: cobra.ArbitraryArgs, RunE: groupRunE}
	c.AddCommand(subs...)
	return c
}

// args checks the count of positional arguments with a usage error that
// names them.
func args(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < len(names) {
			return usagef(cmd, "%s is required", names[len(args)])
		}
		if len(args) > len(names) {
			return usagef(cmd, "unexpected argument %q", args[len(names)])
		}
		return nil
	}
}

// optionalArg allows one positional argument or none (asked for on a terminal).
func optionalArg(cmd *cobra.Command, args []string) error {
	if len(args) > 1 {
		return usagef(cmd, "unexpected argument %q (put text with spaces in quotes)", args[1])
	}
	return nil
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  args(),
		RunE: a.run(func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(a.stdout, "upshot %s\n", Version)
			return err
		}),
	}
}
