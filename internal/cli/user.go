package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/huh"
	"github.com/spf13/cobra"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/auth"
	"github.com/upshot-app/upshot/internal/upshot"
)

// The user commands manage accounts on the server's own machine: whoever can
// open the database is its administrator. They never show or take anyone's
// records, and a password never travels as an argument (other users see a
// process's arguments), only through a terminal prompt or standard input.

func (a *app) userCommand() *cobra.Command {
	return group("user", "Manage the accounts that may sign in to 'upshot serve'",
		a.userAdd(), a.userList(), a.userPasswd(), a.userDisable(), a.userEnable(), a.userDelete(), a.userAudit(), a.userInvite())
}

// newPassword reads a new password: the first line of standard input with
// --password-stdin, else asked twice on the terminal. It is checked
// (auth.CheckPassword) either way.
func (a *app) newPassword(fromStdin bool) (string, error) {
	if fromStdin {
		// One line, at most a little more than the longest password: a
		// file piped in by mistake is not read whole.
		r := bufio.NewReader(io.LimitReader(a.stdin, auth.MaxPasswordLen+2))
		line, err := r.ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", fmt.Errorf("read the password from standard input: %w", err)
		}
		pw := strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if pw == "" {
			return "", upshot.Invalid("--password-stdin", "standard input held no password (give it on the first line)")
		}
		return pw, auth.CheckPassword("--password-stdin", pw)
	}
	if !a.interactive() {
		return "", missing("password", "give it on standard input with --password-stdin, or run on a terminal")
	}
	var pw, again string
	err := a.runForm(huh.NewGroup(
		huh.NewInput().Title("New password").Description(fmt.Sprintf("at least %d characters", auth.MinPasswordLen)).
			EchoMode(huh.EchoModePassword).Value(&pw).
			Validate(validator(func(s string) error { return auth.CheckPassword("password", s) })),
		huh.NewInput().Title("The password again").EchoMode(huh.EchoModePassword).Value(&again).
			Validate(func(s string) error {
				if s != pw {
					return errors.New("the two passwords differ")
				}
				return nil
			}),
	))
	return pw, err
}

func (a *app) userAdd() *cobra.Command {
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "add NAME [--password-stdin]",
		Short: "Add an account that signs in with NAME and a password",
		Long: `Add an account with its own, empty records. NAME is 1 to 64 lowercase letters,
digits, '.', '_' or '-'. The password (at least 12 characters, not a common
one) is asked twice on the terminal, or read from the first line of standard
input with --password-stdin; it is never an argument.

Once any account has a password, 'upshot serve' asks everyone to sign in.`,
		Args: args("NAME"),
	}
	cmd.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input")
	cmd.RunE = a.run(func(cmd *cobra.Command, args []string) error {
		login := upshot.NormalizeLogin(args[0])
		if err := upshot.CheckLogin("NAME", login); err != nil {
			return err
		}
		pw, err := a.newPassword(fromStdin)
		if err != nil {
			return err
		}
		db, err := a.store()
		if err != nil {
			return err
		}
		acc, err := usecase.AddAccount(a.ctx, db, login, pw)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "added account %s\n", acc.Login)
		return nil
	})
	return cmd
}

func (a *app) userList() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List the accounts: name, whether it has a password, its passkeys, created, disabled",
		Args:  args(),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		db, err := a.store()
		if err != nil {
			return err
		}
		accs, err := db.Accounts(a.ctx)
		if err != nil {
			return err
		}
		if asJSON {
			if accs == nil {
				accs = []*upshot.Account{}
			}
			return writeJSON(a.stdout, accs)
		}
		var rows [][]string
		for _, acc := range accs {
			pw, state := "no", "active"
			if acc.HasPassword {
				pw = "yes"
			}
			if acc.Disabled() {
				state = "disabled " + acc.DisabledAt.Local().Format(time.DateOnly)
			}
			// A passkey-only account has no password yet signs in: the
			// count says so.
			keys, err := db.Passkeys(a.ctx, acc.ID)
			if err != nil {
				return err
			}
			rows = append(rows, []string{acc.Login, pw, strconv.Itoa(len(keys)), acc.CreatedAt.Local().Format(time.DateOnly), state})
		}
		return table(a.stdout, []string{"NAME", "PASSWORD", "PASSKEYS", "CREATED", "STATE"}, rows)
	})
	return cmd
}

func (a *app) userPasswd() *cobra.Command {
	var fromStdin bool
	cmd := &cobra.Command{
		Use:   "passwd NAME [--password-stdin]",
		Short: "Set a new password for the account NAME",
		Long: `Set a new password for the account NAME, asked twice on the terminal or read
from the first line of standard input with --password-stdin. Giving the local
account a password makes 'upshot serve' ask for it.`,
		Args: args("NAME"),
	}
	cmd.Flags().BoolVar(&fromStdin, "password-stdin", false, "read the password from the first line of standard input")
	cmd.RunE = a.run(func(cmd *cobra.Command, args []string) error {
		db, err := a.store()
		if err != nil {
			return err
		}
		// Look the account up first: no one types a password twice for a
		// name that does not exist.
		if _, err := db.FindAccount(a.ctx, args[0]); err != nil {
			return err
		}
		pw, err := a.newPassword(fromStdin)
		if err != nil {
			return err
		}
		acc, err := usecase.SetPassword(a.ctx, db, args[0], pw)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "new password set for %s\n", acc.Login)
		return nil
	})
	return cmd
}

func (a *app) userDisable() *cobra.Command {
	return a.userSetDisabled("disable", "Stop the account NAME from signing in (its records stay)", true)
}

func (a *app) userEnable() *cobra.Command {
	return a.userSetDisabled("enable", "Let a disabled account sign in again", false)
}

func (a *app) userSetDisabled(verb, short string, disabled bool) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " NAME",
		Short: short,
		Args:  args("NAME"),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			db, err := a.store()
			if err != nil {
				return err
			}
			acc, err := usecase.SetDisabled(a.ctx, db, args[0], disabled)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "%sd account %s\n", verb, acc.Login)
			return nil
		}),
	}
}

func (a *app) userDelete() *cobra.Command {
	var yes bool
	cmd := &cobra.Command{
		Use:   "delete NAME [--yes]",
		Short: "Delete the account NAME and all its records, for good",
		Long: `Delete the account NAME and every record it holds (therapists, goals,
sessions, check-ins, settings, safety plan), in one step that cannot be
undone: export them first if they are wanted. On a terminal you confirm by
typing NAME; a script confirms with --yes.`,
		Args: args("NAME"),
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "confirm without a prompt")
	cmd.RunE = a.run(func(cmd *cobra.Command, args []string) error {
		login := upshot.NormalizeLogin(args[0])
		db, err := a.store()
		if err != nil {
			return err
		}
		if _, err := db.FindAccount(a.ctx, login); err != nil {
			return err
		}
		if !yes {
			if !a.interactive() {
				return missing("--yes", "deleting an account and all its records needs confirmation: run on a terminal, or add --yes")
			}
			var typed string
			if err := a.runForm(huh.NewGroup(huh.NewInput().
				Title(fmt.Sprintf("Delete %s and all its records? This cannot be undone.", login)).
				Description("Type the account's name to confirm").Value(&typed))); err != nil {
				return err
			}
			if upshot.NormalizeLogin(typed) != login {
				return errors.New("the name typed did not match; nothing was deleted")
			}
		}
		n, err := usecase.DeleteAccount(a.ctx, db, login)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "deleted account %s with %d therapists, %d goals, %d sessions, %d check-ins, %d settings and %d safety plan\n",
			login, n.Therapists, n.Goals, n.Sessions, n.CheckIns, n.Settings, n.SafetyPlan)
		return nil
	})
	return cmd
}

func (a *app) userAudit() *cobra.Command {
	var asJSON bool
	var limit int
	cmd := &cobra.Command{
		Use:   "audit NAME [--json] [--limit N]",
		Short: "Show the account's activity: sign-ins, failed ones, token changes, exports, newest first",
		Long: `Show the audit log of the account NAME, newest first: its sign-ins (and failed
ones), sign-outs, password, token and passkey changes, exports and backups,
each with the time and the device in a few words. It holds no records: the
administrator sees when and from what, never what was recorded.
Failed sign-ins for a name that is no account are not in any log of an
account (there is none to hold them); 'upshot serve' prints them to its
standard error with the address they came from.`,
		Args: args("NAME"),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().IntVar(&limit, "limit", 50, fmt.Sprintf("show at most this many events (1 to %d)", upshot.MaxAuditEvents))
	cmd.RunE = a.run(func(cmd *cobra.Command, args []string) error {
		if limit < 1 || limit > upshot.MaxAuditEvents {
			return upshot.Invalid("--limit", "--limit: give a number from 1 to %d, got %d", upshot.MaxAuditEvents, limit)
		}
		db, err := a.reader()
		if err != nil {
			return err
		}
		_, events, err := usecase.AuditOf(a.ctx, db, args[0], limit)
		if err != nil {
			return err
		}
		if asJSON {
			if events == nil {
				events = []*upshot.AuditEvent{}
			}
			return writeJSON(a.stdout, events)
		}
		if len(events) == 0 {
			fmt.Fprintln(a.stdout, "no activity recorded")
			return nil
		}
		var rows [][]string
		for _, e := range events {
			what := e.Kind.Describe()
			if e.Detail != "" {
				what += ": " + e.Detail
			}
			rows = append(rows, []string{e.At.Local().Format("2006-01-02 15:04"), what, e.Device})
		}
		return table(a.stdout, []string{"WHEN", "WHAT", "DEVICE"}, rows)
	})
	return cmd
}

func (a *app) userInvite() *cobra.Command {
	var days int
	var base string
	cmd := &cobra.Command{
		Use:   "invite [--expires DAYS] [--url https://upshot.example.org]",
		Short: "Make a one-time sign-up link and print it, once",
		Long: `Make a one-time invitation to sign up and print its link alone on standard
output: it is shown this once and stored only as a hash. Whoever opens it
chooses a name and a password and has an account with empty records; the link
then works no more. It expires after --expires DAYS (default 7, at most 90).
--url is the address people open ('serve --public-url'); without it the link
is printed as a path to put after that address.

The link works only while the server runs with '--registration invite'.`,
		Args: args(),
	}
	cmd.Flags().IntVar(&days, "expires", usecase.DefaultInviteDays, "days until the link stops working")
	cmd.Flags().StringVar(&base, "url", "", "the server's public address, such as https://upshot.example.org")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		if base != "" {
			u, err := url.Parse(base)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.User != nil {
				return upshot.Invalid("--url", "--url must be an origin such as https://upshot.example.org (scheme and host, no path), got %q", base)
			}
		}
		if days < 1 || days > usecase.MaxInviteDays {
			return upshot.Invalid("--expires", "--expires: give a number of days from 1 to %d, got %d", usecase.MaxInviteDays, days)
		}
		db, err := a.store()
		if err != nil {
			return err
		}
		token, expires, err := usecase.NewInvite(a.ctx, db, db.Now, days)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "%s/signup?invite=%s\n", strings.TrimSuffix(base, "/"), token)
		a.tell("The link works once, until %s, while 'upshot serve' runs with --registration invite.", expires.Local().Format("2 Jan 2006 15:04"))
		return nil
	})
	return cmd
}
