package cli

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/upshot"
)

func (a *app) calendarCommand() *cobra.Command {
	return group("calendar", "Reminders in your own calendar app: a secret address to subscribe to",
		a.calendarNew(), a.calendarStatus(), a.calendarStop())
}

// defaultCalendarBase is where 'upshot serve' listens unless told otherwise.
const defaultCalendarBase = "http://127.0.0.1:8080"

func (a *app) calendarNew() *cobra.Command {
	var base string
	cmd := &cobra.Command{
		Use:   "new [--base URL]",
		Short: "Make a new calendar address (printed once; an earlier one stops working)",
		Long: "Make a new secret address for your calendar reminders and print it, alone, on standard output. It is\n" +
			"shown only this once: Upshot keeps only a fingerprint of it. Subscribe to it in your calendar app. Any\n" +
			"earlier address stops working. --base is the address your calendar app reaches 'upshot serve' at.\n" +
			"The reminder times and rhythm are the settings reminder_time, checkin_reminder and calendar_titles.",
		Args: args(),
	}
	cmd.Flags().StringVar(&base, "base", defaultCalendarBase, "the address your calendar app reaches Upshot at")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		u, err := url.Parse(base)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return upshot.Invalid("--base", "--base must be an http:// or https:// address such as %s, got %q", defaultCalendarBase, base)
		}
		db, err := a.store()
		if err != nil {
			return err
		}
		token, err := usecase.NewCalendarFeed(a.ctx, db, a.owner)
		if err != nil {
			return err
		}
		fmt.Fprintln(a.stderr, "Subscribe to this address in your calendar app. It is shown only now; anyone with it sees your reminders.")
		_, err = fmt.Fprintln(a.stdout, strings.TrimSuffix(base, "/")+usecase.CalendarFeedPath(token))
		return err
	})
	return cmd
}

func (a *app) calendarStatus() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{Use: "status [--json]", Short: "Say whether a calendar address is in use, and since when", Args: args()}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		db, err := a.reader()
		if err != nil {
			return err
		}
		since, err := db.CalendarFeedSince(a.ctx, a.owner)
		if err != nil {
			return err
		}
		if asJSON {
			v := struct {
				Active bool         `json:"active"`
				Since  *upshot.Date `json:"since"`
			}{Active: since != nil}
			if since != nil {
				d := upshot.DateOf(*since)
				v.Since = &d
			}
			return writeJSON(a.stdout, v)
		}
		if since == nil {
			_, err = fmt.Fprintln(a.stdout, "No calendar address. Make one with: upshot calendar new")
			return err
		}
		_, err = fmt.Fprintf(a.stdout, "A calendar address is in use since %s.\n", upshot.DateOf(*since))
		return err
	})
	return cmd
}

func (a *app) calendarStop() *cobra.Command {
	cmd := &cobra.Command{Use: "stop", Short: "End the calendar address: it stops working at once", Args: args()}
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		db, err := a.store()
		if err != nil {
			return err
		}
		gone, err := db.DeleteCalendarFeed(a.ctx, a.owner)
		if err != nil {
			return err
		}
		if !gone {
			_, err = fmt.Fprintln(a.stdout, "There was no calendar address.")
			return err
		}
		_, err = fmt.Fprintln(a.stdout, "The calendar address no longer works; the reminders will disappear from your calendar.")
		return err
	})
	return cmd
}
