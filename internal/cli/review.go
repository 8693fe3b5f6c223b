package cli

import (
	"bytes"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/upshot-app/upshot/internal/report"
	"github.com/upshot-app/upshot/internal/review"
	"github.com/upshot-app/upshot/internal/upshot"
)

// reviewFlags are the scope flags shared by review and report.
type reviewFlags struct {
	therapist string
	since     string
}

func (f *reviewFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.therapist, "therapist", "", "only the sessions with this therapist (id)")
	cmd.Flags().StringVar(&f.since, "since", "", "only records on or after this date (YYYY-MM-DD)")
}

// runReview loads everything in one consistent read and reviews it.
func (a *app) runReview(cmd *cobra.Command, f reviewFlags) (*upshot.Snapshot, *review.Review, error) {
	today := a.today()
	opt := review.Options{Today: today}
	if changed(cmd, "therapist") {
		id, err := parseID("--therapist", f.therapist)
		if err != nil {
			return nil, nil, err
		}
		opt.TherapistID = id
	}
	if changed(cmd, "since") {
		since, err := dateFlag("--since", f.since, today)
		if err != nil {
			return nil, nil, err
		}
		opt.Since = since
	}
	reg, err := a.registry()
	if err != nil {
		return nil, nil, err
	}
	db, err := a.reader()
	if err != nil {
		return nil, nil, err
	}
	snap, err := db.Export(a.ctx, a.owner)
	if err != nil {
		return nil, nil, err
	}
	if opt.TherapistID != 0 {
		// Run would return an empty review for an unknown id; say so instead.
		if _, err := db.FindTherapist(a.ctx, a.owner, opt.TherapistID); err != nil {
			return nil, nil, invalidRef(renameField(err, map[string]string{"id": "--therapist"}))
		}
	}
	return snap, review.Run(snap, reg, opt), nil
}

func (a *app) reviewCommand() *cobra.Command {
	var f reviewFlags
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "review [--therapist ID] [--since DATE] [--json]",
		Short: "Is it working for you? Findings from your records, and what to bring next time",
		Long: `Review everything you have recorded: outcomes by the published rules, where
the session time goes, your goals, the therapist's conduct, red flags and cost,
and what to bring to your next session. It informs; it never diagnoses.`,
		Args: args(),
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the whole review as JSON")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		_, r, err := a.runReview(cmd, f)
		if err != nil {
			return err
		}
		if asJSON {
			return writeJSON(a.stdout, r)
		}
		return writeReviewText(a.stdout, r, a.width())
	})
	return cmd
}

// width is the terminal's width for text charts, 80 when not a terminal.
func (a *app) width() int {
	if out, ok := a.stdout.(*os.File); ok {
		if w, _, err := term.GetSize(int(out.Fd())); err == nil && w >= 40 {
			return min(w, 120)
		}
	}
	return 80
}

func (a *app) reportCommand() *cobra.Command {
	var f reviewFlags
	var out string
	var opt report.Options
	cmd := &cobra.Command{
		Use:   "report [-o FILE.html] [--therapist ID] [--since DATE] [--safety-plan] [--record [--include-notes]] [--compare]",
		Short: "Write the review and charts as one self-contained HTML file to print or hand over",
		Long: `Write a report (the review, charts of your scores, focus, goals and conduct)
as one self-contained HTML file that opens in any browser without a network
and prints well. Session notes are left out: the report is made to be handed
to a therapist or a new one. Without -o it goes to standard output.
Your safety plan is included only with --safety-plan, your record (every
flagged session, low conduct rating and session you felt worse after) only
with --record, the notes you wrote only with --include-notes, and your
therapists side by side (as 'upshot compare') only with --compare. Your open
agenda items are listed with what to bring to the next session.`,
		Args: args(),
	}
	f.register(cmd)
	cmd.Flags().StringVarP(&out, "output", "o", "", "write the report to FILE (created private, replaced whole)")
	cmd.Flags().BoolVar(&opt.SafetyPlan, "safety-plan", false, "include your safety plan (linked from the safety notice)")
	cmd.Flags().BoolVar(&opt.Record, "record", false, "include your record: flagged sessions, low conduct ratings, worse after (as 'upshot record')")
	cmd.Flags().BoolVar(&opt.IncludeNotes, "include-notes", false, "include your private session notes in the record (implies --record)")
	cmd.Flags().BoolVar(&opt.Compare, "compare", false, "include the therapists of the report side by side, over their whole courses (as 'upshot compare')")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		if changed(cmd, "output") && out == "" {
			return upshot.Invalid("-o", "-o needs a file name")
		}
		snap, r, err := a.runReview(cmd, f)
		if err != nil {
			return err
		}
		reg, err := a.registry()
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := report.Write(&buf, snap, reg, r, a.today(), opt); err != nil {
			return err
		}
		if err := a.recordExport("report"); err != nil {
			return err
		}
		return a.writeOut(out, buf.Bytes(), "Report written to %s (open it in a browser to read or print it)")
	})
	return cmd
}
