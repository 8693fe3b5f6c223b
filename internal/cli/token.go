package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/upshot"
)

// API tokens let a script or a phone shortcut use /api/v1 as an account
// ("Authorization: Bearer TOKEN"). Like the user commands they run on the
// server's machine; the token is printed once, alone on standard output,
// and only its hash is kept.

func (a *app) tokenCommand() *cobra.Command {
	return group("token", "Manage the API tokens scripts use to reach /api/v1 as an account",
		a.tokenAdd(), a.tokenList(), a.tokenRevoke())
}

func (a *app) auth() (*usecase.Auth, error) {
	db, err := a.store()
	if err != nil {
		return nil, err
	}
	return usecase.NewAuth(db, db.Now), nil
}

func (a *app) tokenAdd() *cobra.Command {
	var user, name string
	var days int
	cmd := &cobra.Command{
		Use:   "add --user NAME --name LABEL [--expires DAYS]",
		Short: "Make an API token for an account and print it, once",
		Long: `Make an API token for the account NAME and print it alone on standard output:
it is shown this once and stored only as a hash, so keep it where the script
can read it (a file only you can read, a password manager). A script sends it
as "Authorization: Bearer TOKEN" to /api/v1 and acts as that account.
LABEL says what uses it ("phone shortcut"); --expires DAYS makes it stop
working after that many days (1 to 3650; without it, it works until revoked).`,
		Args: args(),
	}
	cmd.Flags().StringVar(&user, "user", "", "the account the token acts as (required)")
	cmd.Flags().StringVar(&name, "name", "", "a label that says what uses the token (required)")
	cmd.Flags().IntVar(&days, "expires", 0, "days until the token stops working (default: never)")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		if user == "" {
			return missing("--user", "give the account the token acts as: --user NAME (see 'upshot user list')")
		}
		if name == "" {
			return missing("--name", "give the token a label that says what uses it: --name \"phone shortcut\"")
		}
		if cmd.Flags().Changed("expires") && days < 1 {
			return upshot.Invalid("--expires", "--expires: give a number of days from 1 to %d, or leave it out for a token that does not expire", usecase.MaxTokenDays)
		}
		au, err := a.auth()
		if err != nil {
			return err
		}
		token, tk, err := au.AddToken(a.ctx, user, name, days)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.stdout, token)
		when := "does not expire"
		if tk.ExpiresAt != nil {
			when = "expires " + tk.ExpiresAt.Local().Format(time.DateOnly)
		}
		fmt.Fprintf(a.stderr, "API token %q for %s made; it %s. It is shown only this once.\n", tk.Name, upshot.NormalizeLogin(user), when)
		return nil
	})
	return cmd
}

func (a *app) tokenList() *cobra.Command {
	var user string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--user NAME] [--json]",
		Short: "List API tokens: account, name, made, expires, last used",
		Args:  args(),
	}
	cmd.Flags().StringVar(&user, "user", "", "only this account's tokens")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		au, err := a.auth()
		if err != nil {
			return err
		}
		logins := []string{user}
		if user == "" {
			accs, err := au.Store.Accounts(a.ctx)
			if err != nil {
				return err
			}
			logins = logins[:0]
			for _, acc := range accs {
				logins = append(logins, acc.Login)
			}
		}
		type listed struct {
			User string `json:"user"`
			*upshot.APIToken
		}
		out := []listed{}
		for _, l := range logins {
			tks, err := au.Tokens(a.ctx, l)
			if err != nil {
				return err
			}
			for _, tk := range tks {
				out = append(out, listed{User: upshot.NormalizeLogin(l), APIToken: tk})
			}
		}
		if asJSON {
			return writeJSON(a.stdout, out)
		}
		var rows [][]string
		for _, tk := range out {
			exp, used := "never", "never"
			if tk.ExpiresAt != nil {
				exp = tk.ExpiresAt.Local().Format(time.DateOnly)
			}
			if tk.LastUsedAt != nil {
				used = tk.LastUsedAt.Local().Format("2006-01-02 15:04")
			}
			rows = append(rows, []string{tk.User, tk.Name, tk.CreatedAt.Local().Format(time.DateOnly), exp, used})
		}
		return table(a.stdout, []string{"USER", "NAME", "MADE", "EXPIRES", "LAST USED"}, rows)
	})
	return cmd
}

func (a *app) tokenRevoke() *cobra.Command {
	var user, name string
	cmd := &cobra.Command{
		Use:   "revoke --user NAME --name LABEL",
		Short: "Revoke an API token: scripts using it are refused from now on",
		Args:  args(),
	}
	cmd.Flags().StringVar(&user, "user", "", "the token's account (required)")
	cmd.Flags().StringVar(&name, "name", "", "the token's label (required; see 'upshot token list')")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		if user == "" || name == "" {
			return missing("--user and --name", "name the token to revoke: --user NAME --name LABEL (see 'upshot token list')")
		}
		au, err := a.auth()
		if err != nil {
			return err
		}
		if err := au.RevokeToken(a.ctx, user, name); err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "revoked API token %q of %s\n", name, upshot.NormalizeLogin(user))
		return nil
	})
	return cmd
}
