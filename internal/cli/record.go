package cli

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	usecase "github.com/upshot-app/upshot/internal/app"
)

func (a *app) recordCommand() *cobra.Command {
	var therapist, kind, since string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "record [--therapist ID] [--kind flag|conduct|worse] [--since DATE] [--json]",
		Short: "My record, in my own words: every flagged session, low conduct rating and worse-after, with my notes",
		Long: `Print your record: a dated timeline, oldest first, of every session where you
recorded a red flag, rated a conduct quality at or below conduct_concern_max
(2 of 5 unless you changed it), or felt worse afterwards, each with the note you
wrote at the time. It is yours to keep: what you recorded then, in your words.

It shows your notes. The report leaves them out unless you ask
(upshot report --record --include-notes).`,
		Example: "  upshot record\n  upshot record --therapist 1 --kind flag",
		Args:    args(),
	}
	cmd.Flags().StringVar(&therapist, "therapist", "", "only the sessions with this therapist (id)")
	cmd.Flags().StringVar(&kind, "kind", "", "only one kind: flag (red flags), conduct (low conduct ratings) or worse (worse after)")
	cmd.Flags().StringVar(&since, "since", "", "only sessions on or after this date (YYYY-MM-DD)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (the record as the API gives it)")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		var f usecase.RecordFilter
		var err error
		if changed(cmd, "therapist") {
			if f.TherapistID, err = parseID("--therapist", therapist); err != nil {
				return err
			}
		}
		if f.Kind, err = usecase.ParseRecordKind("--kind", kind); err != nil {
			return err
		}
		if changed(cmd, "since") {
			if f.Since, err = dateFlag("--since", since, a.today()); err != nil {
				return err
			}
		}
		db, err := a.reader()
		if err != nil {
			return err
		}
		rec, err := usecase.MyRecord(a.ctx, db, a.owner, f)
		if err != nil {
			return invalidRef(renameField(err, map[string]string{"id": "--therapist"}))
		}
		if asJSON {
			return writeJSON(a.stdout, rec)
		}
		return writeRecordText(a.stdout, rec)
	})
	return cmd
}

// writeRecordText prints the record as a dated list, each session's note
// indented under what happened.
func writeRecordText(w io.Writer, rec *usecase.Record) error {
	var b strings.Builder
	b.WriteString("My record, in my own words\n")
	fmt.Fprintln(&b, rec.Describe())
	if len(rec.Entries) == 0 {
		b.WriteString("\nNothing recorded of this kind.\n")
	}
	for _, e := range rec.Entries {
		fmt.Fprintf(&b, "\n%s  %s (session %d)\n", e.Date, e.Therapist, e.SessionID)
		for _, l := range e.What() {
			fmt.Fprintf(&b, "  - %s\n", l)
		}
		if e.Note != "" {
			b.WriteString("  My note:\n")
			for _, l := range strings.Split(strings.ReplaceAll(e.Note, "\r\n", "\n"), "\n") {
				fmt.Fprintf(&b, "    %s\n", l)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
