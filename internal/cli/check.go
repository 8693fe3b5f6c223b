package cli

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	usecase "github.com/upshot-app/upshot/internal/app"
	"github.com/upshot-app/upshot/internal/checkin"
	"github.com/upshot-app/upshot/internal/instrument"
	"github.com/upshot-app/upshot/internal/upshot"
)

func (a *app) checkCommand() *cobra.Command {
	var answers, date string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "check INSTRUMENT --answers N,N,... [--date YYYY-MM-DD] [--json]",
		Short: "Answer a questionnaire (a check-in) and see your result",
		Long: `Answer a questionnaire and see your score, its band and how it compares with your
first and your previous check-in. 'upshot check list' shows the questionnaires.
On a terminal, leave out --answers to be asked each question.`,
		Example: `  upshot check phq9 --answers 1,2,0,1,1,0,0,1,0
  upshot check who5 --answers 3,3,2,2,3 --date 2024-03-05 --json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usagef(cmd, "INSTRUMENT is required (see 'upshot check list')")
			}
			if len(args) > 1 {
				if _, err := strconv.Atoi(args[1]); err == nil && changed(cmd, "answers") {
					// --answers 1 2 0: the shell made the other answers arguments.
					return usagef(cmd, "separate answers with commas: --answers %s,%s", answers, strings.Join(args[1:], ","))
				}
				return usagef(cmd, "unexpected argument %q", args[1])
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&answers, "answers", "", "one answer per question, in order, comma-separated")
	cmd.Flags().StringVar(&date, "date", "", "date of the check-in (YYYY-MM-DD, default today)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	cmd.RunE = a.run(func(cmd *cobra.Command, args []string) error {
		reg, err := a.registry()
		if err != nil {
			return err
		}
		def, err := lookupInstrument(reg, args[0])
		if err != nil {
			return err
		}
		today := a.today()
		day, err := optionalDate(cmd, "--date", date, today)
		if err != nil {
			return err
		}
		var given []*int
		switch {
		case changed(cmd, "answers"):
			if given, err = instrument.ParseAnswers(def, answers); err != nil {
				return prefixFlag(err, "--answers")
			}
		case a.interactive():
			if given, err = a.askAnswers(def); err != nil {
				return err
			}
		default:
			return missing("--answers", fmt.Sprintf("%d answers for %s, comma-separated, e.g. --answers %s", len(def.Items), def.Label(), exampleAnswers(def)))
		}
		db, err := a.store()
		if err != nil {
			return err
		}
		res, err := usecase.RecordCheckIn(a.ctx, db, reg, a.owner, a.sys.Now, def, given, day)
		if err != nil {
			return renameField(err, checkinFieldFlags)
		}
		return a.showResults([]checkin.Result{res}, asJSON, false)
	})
	cmd.AddCommand(a.checkList(), a.checkHistory(), a.checkEdit(), a.checkDelete())
	return cmd
}

func exampleAnswers(def *instrument.Definition) string {
	parts := make([]string, len(def.Items))
	for i := range parts {
		parts[i] = fmt.Sprint(def.ItemOptions(i)[0].Score)
	}
	return strings.Join(parts, ",")
}

func lookupInstrument(reg *instrument.Registry, id string) (*instrument.Definition, error) {
	if def, ok := reg.Get(strings.TrimSpace(id)); ok {
		return def, nil
	}
	var ids []string
	for _, d := range reg.All() {
		ids = append(ids, d.ID)
	}
	return nil, upshot.Invalid("INSTRUMENT", "unknown instrument %q: use one of %s", id, strings.Join(ids, ", "))
}

// checkinFieldFlags names the flag or argument each check-in field came from.
var checkinFieldFlags = map[string]string{"date": "--date", "instrument": "INSTRUMENT", "answers": "--answers"}

// showResults prints check-in results. When any result shown carries the
// safety flag, the notice comes first: on stdout in text, on stderr with
// --json so that stdout stays one valid JSON value (where each flagged
// result also carries it in safety_notice).
func (a *app) showResults(results []checkin.Result, asJSON, list bool) error {
	if i := slices.IndexFunc(results, func(r checkin.Result) bool { return r.SafetyNotice != "" }); i >= 0 {
		w := a.stdout
		if asJSON {
			w = a.stderr
		}
		if _, err := fmt.Fprintf(w, "%s\n%s\n\n", results[i].SafetyNotice, planHint); err != nil {
			return err
		}
	}
	switch {
	case asJSON && list:
		if results == nil {
			results = []checkin.Result{}
		}
		return writeJSON(a.stdout, results)
	case asJSON:
		return writeJSON(a.stdout, results[0])
	case list:
		return writeHistory(a.stdout, results)
	default:
		return writeResult(a.stdout, results[0])
	}
}

func writeResult(w io.Writer, r checkin.Result) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s check-in %d on %s\n", r.Name, r.ID, r.Date)
	fmt.Fprintf(&b, "Total: %d of %d, %s\n", r.Total, r.Max, r.Band)
	if t := r.CasenessText(); t != "" {
		b.WriteString(t + "\n")
	}
	if r.Note != "" {
		b.WriteString(r.Note + "\n")
	}
	if r.Change.Baseline == nil {
		fmt.Fprintf(&b, "This is your first %s check-in; later ones will be compared with it.\n", r.Name)
	} else {
		fmt.Fprintf(&b, "Change: %s.\n", r.BaselineText())
		if t := r.PreviousText(); t != "" {
			fmt.Fprintf(&b, "        %s.\n", t)
		}
		if t := r.RecoveryText(); t != "" {
			fmt.Fprintf(&b, "Recovery: %s.\n", t)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeHistory(w io.Writer, results []checkin.Result) error {
	if len(results) == 0 {
		_, err := fmt.Fprintln(w, "No check-ins yet.")
		return err
	}
	rows := make([][]string, len(results))
	for i, r := range results {
		vsFirst, vsLast := "first", ""
		if c := r.Change.Baseline; c != nil {
			vsFirst = signedChange(r, c)
		}
		if c := r.Change.Previous; c != nil {
			vsLast = signedChange(r, c)
		}
		safety := ""
		if r.Safety {
			safety = "yes"
		}
		rows[i] = []string{fmt.Sprint(r.ID), r.Date.String(), fmt.Sprintf("%d/%d", r.Total, r.Max), r.Band, vsFirst, vsLast, safety}
	}
	return table(w, []string{"ID", "DATE", "TOTAL", "BAND", "VS FIRST", "VS LAST", "SAFETY"}, rows)
}

// signedChange is a history cell: "+6", or "-7 (reliably better)".
func signedChange(r checkin.Result, c *checkin.Change) string {
	if short := r.ChangeShort(c); short != "" {
		return fmt.Sprintf("%+d (%s)", c.Delta, short)
	}
	return fmt.Sprintf("%+d", c.Delta)
}

func (a *app) checkList() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{Use: "list", Short: "List the questionnaires you can answer", Args: args()}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.RunE = a.run(func(cmd *cobra.Command, _ []string) error {
		reg, err := a.registry()
		if err != nil {
			return err
		}
		defs := reg.All()
		if asJSON {
			type entry struct {
				ID          string `json:"id"`
				Version     int    `json:"version"`
				Name        string `json:"name"`
				ShortName   string `json:"short_name"`
				Items       int    `json:"items"`
				Builtin     bool   `json:"builtin"`
				Validated   bool   `json:"validated"`
				Source      string `json:"source"`
				Licence     string `json:"licence"`
				Attribution string `json:"attribution"`
			}
			out := make([]entry, len(defs))
			for i, d := range defs {
				out[i] = entry{d.ID, d.Version, d.Name, d.ShortName, len(d.Items), d.Builtin, d.Validated, d.Source, d.Licence, d.Attribution}
			}
			return writeJSON(a.stdout, out)
		}
		rows := make([][]string, len(defs))
		for i, d := range defs {
			origin := "built in"
			if !d.Builtin {
				origin = "your file"
			}
			if !d.Validated {
				origin += ", not a validated scale"
			}
			rows[i] = []string{d.ID, d.Name, fmt.Sprint(len(d.Items)), origin}
		}
		if err := table(a.stdout, []string{"ID", "NAME", "ITEMS", "SOURCE"}, rows); err != nil {
			return err
		}
		// Attribution is a condition of use for some instruments.
		fmt.Fprintln(a.stdout)
		for _, d := range defs {
			if d.Attribution != "" {
				fmt.Fprintf(a.stdout, "%s: %s\n", d.Label(), d.Attribution)
			} else {
				fmt.Fprintf(a.stdout, "%s: %s\n", d.Label(), d.Source)
			}
		}
		return nil
	})
	return cmd
}

func (a *app) checkHistory() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{Use: "history INSTRUMENT", Short: "Show your check-ins of one questionnaire, oldest first", Args: args("INSTRUMENT")}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.RunE = a.run(func(cmd *cobra.Command, args []string) error {
		reg, err := a.registry()
		if err != nil {
			return err
		}
		db, err := a.reader()
		if err != nil {
			return err
		}
		id := strings.TrimSpace(args[0])
		results, err := usecase.CheckInHistory(a.ctx, db, reg, a.owner, upshot.CheckInFilter{Instrument: id})
		if err != nil {
			return err
		}
		// An instrument no longer defined still has its stored history.
		if _, known := reg.Get(id); !known && len(results) == 0 {
			_, err := lookupInstrument(reg, id)
			return err
		}
		return a.showResults(results, asJSON, true)
	})
	return cmd
}

// checkEdit corrects a check-in's answers or date. The answers are read
// against the definition the check-in was answered to, which may be an older
// version than the one 'upshot check' asks today; its instrument cannot
// change.
func (a *app) checkEdit() *cobra.Command {
	var answers, date string
	var asJSON bool
	cmd := &cobra.Command{
		Use:     "edit ID [--answers N,N,...] [--date YYYY-MM-DD] [--json]",
		Short:   "Correct the answers or the date of a check-in, and see it scored again",
		Example: "  upshot check edit 12 --answers 1,2,0,1,1,0,0,1,0\n  upshot check edit 12 --date 2024-03-04",
		Args:    args("ID"),
	}
	cmd.Flags().StringVar(&answers, "answers", "", "the corrected answers, one per question, in order, comma-separated")
	cmd.Flags().StringVar(&date, "date", "", "the corrected date (YYYY-MM-DD)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON")
	cmd.RunE = a.run(func(cmd *cobra.Command, args []string) error {
		id, err := parseID("check-in", args[0])
		if err != nil {
			return err
		}
		if !changed(cmd, "answers") && !changed(cmd, "date") {
			return usagef(cmd, "nothing to change: give --answers, --date or both")
		}
		today := a.today()
		day, err := optionalDate(cmd, "--date", date, today)
		if err != nil {
			return err
		}
		reg, err := a.registry()
		if err != nil {
			return err
		}
		db, err := a.store()
		if err != nil {
			return err
		}
		// c carries the version read here: a change made meanwhile (by the
		// web app, say) makes the update a conflict instead of being lost.
		c, err := db.FindCheckIn(a.ctx, a.owner, id)
		if err != nil {
			return err
		}
		if changed(cmd, "answers") {
			// The text is read against the definition the check-in was
			// answered to, which may be older than today's.
			def, err := usecase.StoredDefinition(a.ctx, db, reg, a.owner, c.Instrument, c.InstrumentVersion)
			if err != nil {
				return err
			}
			if c.Answers, err = instrument.ParseAnswers(def, answers); err != nil {
				return prefixFlag(err, "--answers")
			}
		}
		if changed(cmd, "date") {
			c.Date = day
		}
		res, err := usecase.CorrectCheckIn(a.ctx, db, reg, a.owner, a.sys.Now, c)
		if err != nil {
			return renameField(err, checkinFieldFlags)
		}
		return a.showResults([]checkin.Result{res}, asJSON, false)
	})
	return cmd
}

func (a *app) checkDelete() *cobra.Command {
	return &cobra.Command{
		Use:   "delete ID",
		Short: "Delete a check-in",
		Args:  args("ID"),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			id, err := parseID("check-in", args[0])
			if err != nil {
				return err
			}
			db, err := a.store()
			if err != nil {
				return err
			}
			return db.DeleteCheckIn(a.ctx, a.owner, id)
		}),
	}
}
