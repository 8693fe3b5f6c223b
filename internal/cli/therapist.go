package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/upshot-app/upshot/internal/upshot"
)

// therapistFlags maps Therapist fields to the flags that set them.
var therapistFlags = map[string]string{
	"credentials": "--credentials", "approach": "--approach", "fee": "--fee",
	"currency": "--currency", "started": "--since", "name": "NAME",
}

func (a *app) therapistCommand() *cobra.Command {
	return group("therapist", "Record the therapists you see or saw",
		a.therapistAdd(), a.therapistList(), a.therapistEnd())
}

func (a *app) therapistAdd() *cobra.Command {
	var credentials, approach, fee, currency, since string
	cmd := &cobra.Command{
		Use:   "add NAME",
		Short: "Add a therapist; prints the new id",
		Example: `  upshot therapist add "Dr Ana Ruiz" --credentials "Clinical psychologist" --approach CBT \
      --fee 90 --currency EUR --since 2024-01-15`,
		Args: optionalArg,
	}
	cmd.Flags().StringVar(&credentials, "credentials", "", "qualifications, e.g. \"Clinical psychologist\"")
	cmd.Flags().StringVar(&approach, "approach", "", "how they work: CBT, psychodynamic, ...")
	cmd.Flags().StringVar(&fee, "fee", "", "usual fee per session, e.g. 80 or 80.50")
	cmd.Flags().StringVar(&currency, "currency", "", "ISO 4217 currency code, e.g. EUR")
	cmd.Flags().StringVar(&since, "since", "", "when you started seeing them (YYYY-MM-DD)")
	cmd.RunE = a.run(func(cmd *cobra.Command, args []string) error {
		today := a.today()
		t := &upshot.Therapist{Credentials: credentials, Approach: approach, Currency: strings.ToUpper(strings.TrimSpace(currency))}
		if len(args) == 1 {
			t.Name = args[0]
		} else if a.interactive() {
			if err := a.askText("Therapist's name", "", &t.Name, func(s string) error {
				return upshot.CheckText("name", s, upshot.MaxNameLen, false)
			}); err != nil {
				return err
			}
		} else {
			return missing("NAME", "the therapist's name")
		}
		if changed(cmd, "fee") {
			m, err := upshot.ParseMoney("--fee", fee)
			if err != nil {
				return err
			}
			t.Fee = &m
		}
		if changed(cmd, "currency") && t.Currency == "" {
			return upshot.Invalid("--currency", "--currency must be a three-letter ISO 4217 code such as EUR or USD, got %q", currency)
		}
		if changed(cmd, "since") {
			d, err := dateFlag("--since", since, today)
			if err != nil {
				return err
			}
			t.Started = d
		}
		if err := t.Validate(today); err != nil {
			return renameField(err, therapistFlags)
		}
		db, err := a.store()
		if err != nil {
			return err
		}
		if err := db.CreateTherapist(a.ctx, a.owner, t); err != nil {
			return renameField(err, therapistFlags)
		}
		_, err = fmt.Fprintln(a.stdout, t.ID)
		return err
	})
	return cmd
}

func (a *app) therapistList() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{Use: "list", Short: "List your therapists", Args: args()}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		db, err := a.reader()
		if err != nil {
			return err
		}
		ts, err := db.ListTherapists(a.ctx, a.owner)
		if err != nil {
			return err
		}
		if ts == nil {
			ts = []*upshot.Therapist{}
		}
		if asJSON {
			return writeJSON(a.stdout, ts)
		}
		if len(ts) == 0 {
			_, err := fmt.Fprintln(a.stdout, "No therapists yet. Add one with: upshot therapist add NAME")
			return err
		}
		rows := make([][]string, len(ts))
		for i, t := range ts {
			rows[i] = []string{fmt.Sprint(t.ID), t.Name, t.Credentials, t.Approach, moneyText(t.Fee, t.Currency), t.Started.String(), t.Ended.String()}
		}
		return table(a.stdout, []string{"ID", "NAME", "CREDENTIALS", "APPROACH", "FEE", "SINCE", "ENDED"}, rows)
	})
	return cmd
}

func (a *app) therapistEnd() *cobra.Command {
	var date string
	cmd := &cobra.Command{Use: "end ID", Short: "Record that therapy with a therapist ended", Args: args("ID")}
	cmd.Flags().StringVar(&date, "date", "", "when it ended (YYYY-MM-DD, default today)")
	cmd.RunE = a.run(func(cmd *cobra.Command, args []string) error {
		id, err := parseID("therapist", args[0])
		if err != nil {
			return err
		}
		today := a.today()
		ended, err := optionalDate(cmd, "--date", date, today)
		if err != nil {
			return err
		}
		db, err := a.store()
		if err != nil {
			return err
		}
		t, err := db.FindTherapist(a.ctx, a.owner, id)
		if err != nil {
			return err
		}
		t.Ended = ended
		names := map[string]string{"ended": "--date"}
		if err := t.Validate(today); err != nil {
			return renameField(err, names)
		}
		return renameField(db.UpdateTherapist(a.ctx, a.owner, t), names)
	})
	return cmd
}
